"""Schema-level facts about the shipped dataset: coverage, sources, precision labels, footprints."""

from __future__ import annotations

import pandas as pd
import pytest

from geodata.footprints import INDICATIVE
from geodata.measure import area_ha
from geodata.schema import PROVINCES
from geodata.sources import read_geojson_features

REQUIRED_SECTORS = {
    "palm_oil", "rubber", "bauxite", "smelter", "nickel", "petrochemical", "fertilizer", "tobacco", "tourism",
    "logistics", "digital", "health", "education", "mro", "manufacturing", "energy",
}  # fmt: skip


def test_at_least_36_zones_of_every_kind_and_status(atlas):
    zones = atlas.zones
    assert len(zones) >= 36
    assert set(zones["kind"]) == {"KEK", "KI", "KIHT"}
    assert set(zones["status"]) == {"operating", "development", "candidate", "revoked"}
    assert zones.crs.to_epsg() == 4326


def test_the_reference_kis_and_kaltim_estates_are_present(atlas):
    for zone_id in (
        "ki_kariangau",
        "ki_buluminung",
        "ki_kaltim_industrial_estate",
        "kiht_probolinggo",
        "ki_imip_morowali",
        "maloy_batuta_trans_kalimantan",
        "sei_mangkei",
        "galang_batang",
    ):
        assert zone_id in atlas.zones.index


def test_sector_vocabulary_has_both_languages(atlas):
    assert set(atlas.sectors.index) >= REQUIRED_SECTORS
    assert atlas.sectors["label_id"].str.len().gt(0).all()
    assert atlas.sectors["label_en"].str.len().gt(0).all()
    assert atlas.sectors["color"].str.match(r"^#[0-9a-f]{6}$").all()


def test_every_zone_is_labelled_sourced_and_dated(atlas):
    zones = atlas.zones
    assert zones["coord_precision"].isin(["official", "surveyed", "approximate", "town-level"]).all()
    assert zones["coord_method"].str.len().gt(20).all()
    assert zones["sources"].map(len).gt(0).all()
    assert zones["as_of"].notna().all()


def test_every_figure_has_a_source_and_date(atlas):
    zones = atlas.zones
    has_investment = zones["investment_idr_trillion"].notna()
    assert zones.loc[has_investment, "investment_source"].map(bool).all()
    assert zones.loc[has_investment, "investment_as_of"].notna().all()
    has_workforce = zones["workforce"].notna()
    assert zones.loc[has_workforce, "workforce_source"].map(bool).all()


def test_kaltim_estates_are_no_longer_the_city_points(atlas):
    balikpapan = atlas.places.loc["balikpapan"]
    penajam = atlas.places.loc["penajam"]
    kariangau = atlas.zones.loc["ki_kariangau"]
    buluminung = atlas.zones.loc["ki_buluminung"]
    assert (kariangau["lon"], kariangau["lat"]) != (balikpapan["lon"], balikpapan["lat"])
    assert (buluminung["lon"], buluminung["lat"]) != (penajam["lon"], penajam["lat"])
    assert kariangau["coord_precision"] == "approximate"
    assert buluminung["coord_precision"] == "approximate"


def test_indicative_footprints_have_the_official_area_and_only_where_no_boundary_exists(atlas):
    footprints = atlas.footprints
    indicative = footprints[footprints["boundary"] == INDICATIVE]
    assert len(indicative) >= 1
    for zone_id, footprint in indicative.iterrows():
        assert area_ha(footprint.geometry) == pytest.approx(atlas.zones.at[zone_id, "area_ha"], rel=0.01)
        assert pd.isna(footprint["measured_area_ha"])  # a circle is not a measurement
    shipped = read_geojson_features(atlas.files["footprints"])[0]
    with_boundary = {props["zone_id"] for props, _ in shipped}
    assert not with_boundary & set(indicative.index)
    no_area = atlas.zones[atlas.zones["area_ha"].isna() & ~atlas.zones.index.isin(list(with_boundary))]
    assert (no_area["boundary"] == "none").all()


def test_official_layers_have_38_provinces_and_514_regencies(atlas):
    assert sorted(atlas.provinces["name"]) == sorted(PROVINCES)
    assert len(atlas.regencies) == 514 and atlas.regencies["code"].is_unique
    assert set(atlas.regencies["province_code"]) == set(atlas.provinces["code"])
    assert atlas.provinces.geometry.is_valid.all() and atlas.regencies.geometry.is_valid.all()


def test_every_zone_gets_a_regency_of_its_own_province(atlas):
    zones = atlas.zones
    assert zones["regency_code"].notna().all()
    province_of = dict(zip(atlas.regencies["code"], atlas.regencies["province"], strict=True))
    assert [province_of[code] for code in zones["regency_code"]] == list(zones["province"])
    assert zones.at["ki_kariangau", "regency_name"] == "Kota Balikpapan"
    assert zones["regency"].map(bool).all()


def test_places_include_ikn_ports_and_airports(atlas):
    kinds = atlas.places["kind"].value_counts()
    assert "ikn_kipp" in atlas.places.index
    assert kinds["port"] >= 3 and kinds["airport"] >= 2


def test_roads_say_which_lengths_are_estimated(atlas):
    roads = atlas.roads
    assert roads["estimated"].any() and (~roads["estimated"].astype(bool)).any()
    assert roads.loc[~roads["estimated"].astype(bool), "sources"].map(bool).all()
