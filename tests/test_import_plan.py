"""What an import does: footprints matched to zones for confirmation, overlays with provenance, the
confirmed part stored, and stored footprints shown in the atlas like shipped ones."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point, box

from geodata.footprints import IMPORTED, INDICATIVE, OFFICIAL
from geodata.import_plan import OVERLAY_COLOURS, apply_import, merge_footprints, plan_import, with_imports
from geodata.query import select_zones, summarize
from geodata.store import Store
from geodata.upload import ImportRejected
from tests.import_corpus.build import KARIANGAU, kariangau_utm

KENDAL = box(110.23, -6.95, 110.26, -6.92)  # about 1,100 ha around KEK Kendal's official point
MALOY = box(117.55, 0.80, 117.60, 0.85)
WHEN = datetime(2025, 6, 1, 8, 30, tzinfo=UTC)


def geojson(path: Path, features: list[tuple[dict, object]]) -> Path:
    frame = gpd.GeoDataFrame([p for p, _ in features], geometry=[g for _, g in features], crs=4326)
    path.write_text(frame.to_json(drop_id=True), encoding="utf-8")
    return path


def test_footprints_are_matched_by_id_and_by_name(tmp_path, atlas):
    path = geojson(
        tmp_path / "batas.geojson",
        [
            ({"id": "KENDAL", "nama": "whatever"}, KENDAL),
            ({"nama": "Kawasan Ekonomi Khusus Maloy Batuta Trans Kalimantan"}, MALOY),
            ({"nama": "KEK Gresik"}, box(112.58, -7.12, 112.62, -7.08)),
            ({"nama": "Kawasan Antah Berantah"}, box(110.0, -7.0, 110.01, -6.99)),
            ({"nama": "JIIPE"}, box(112.58, -7.12, 112.62, -7.08)),  # the KEK and the KI share the name
        ],
    )
    plan = plan_import(path, atlas, mode="footprints")
    assert [(m.zone_id, m.by, m.rows) for m in plan.matches] == [
        ("kendal", "id", (1,)),
        ("maloy_batuta_trans_kalimantan", "name", (2,)),
        ("gresik", "name", (3,)),
    ]
    kendal = plan.matches[0]
    assert kendal.replaces == OFFICIAL and kendal.distance_km == 0.0
    assert kendal.area_ha == pytest.approx(1101, rel=0.02) and kendal.official_area_ha == 1000.0
    notes = [str(n) for n in plan.notes]
    assert (
        "batas.geojson, row 4, column 'nama': 'Kawasan Antah Berantah' matches no zone by id or name; "
        "put the zone's id in an 'id' column; it will not be imported"
    ) in notes
    assert (
        "batas.geojson, row 5, column 'nama': 'JIIPE' could be gresik, ki_jiipe_gresik; "
        "put the zone's id in an 'id' column; it will not be imported"
    ) in notes


def test_parcels_of_one_zone_become_one_footprint(tmp_path, atlas):
    path = geojson(
        tmp_path / "arun.geojson",
        [
            ({"nama": "KEK Arun Lhokseumawe"}, box(97.05, 5.20, 97.08, 5.23)),
            ({"nama": "KEK Arun Lhokseumawe"}, box(97.10, 5.20, 97.12, 5.22)),
        ],
    )
    plan = plan_import(path, atlas, mode="footprints")
    assert [(m.zone_id, m.rows) for m in plan.matches] == [("arun_lhokseumawe", (1, 2))]
    assert "arun.geojson: rows 1, 2 are parcels of arun_lhokseumawe; joined into one footprint" in [
        str(n) for n in plan.notes
    ]


def test_a_boundary_far_from_its_zone_is_flagged_for_the_user(tmp_path, atlas):
    path = geojson(tmp_path / "far.geojson", [({"nama": "KEK Kendal"}, box(131.2, -0.9, 131.25, -0.85))])
    plan = plan_import(path, atlas, mode="footprints")
    assert plan.matches[0].distance_km > 2000
    assert any(
        "far.geojson, row 1, column 'nama': lies" in str(n) and "check the match" in str(n)
        for n in plan.notes
    )


def test_footprints_need_polygons_and_a_name_or_id(tmp_path, atlas):
    points = geojson(tmp_path / "gates.geojson", [({"nama": "KEK Kendal"}, Point(110.2, -6.92))])
    with pytest.raises(ImportRejected, match="holds points; footprints must be polygons"):
        plan_import(points, atlas, mode="footprints")
    anonymous = geojson(tmp_path / "anon.geojson", [({"warna": "merah"}, KENDAL)])
    with pytest.raises(
        ImportRejected, match=r"has no id or name column to match zones by \(other columns: .*warna"
    ):
        plan_import(anonymous, atlas, mode="footprints")
    nothing = geojson(tmp_path / "none.geojson", [({"nama": "Kawasan Antah Berantah"}, KENDAL)])
    with pytest.raises(ImportRejected, match="matches no zone by id or name"):
        plan_import(nothing, atlas, mode="footprints")
    with pytest.raises(ValueError, match="mode must be one of"):
        plan_import(points, atlas, mode="replace")


def test_only_confirmed_footprints_are_stored_and_then_shown(tmp_path, atlas):
    path = geojson(
        tmp_path / "batas.geojson",
        [
            ({"id": "kendal", "sumber": "https://example.org/kendal"}, KENDAL),
            ({"id": "maloy_batuta_trans_kalimantan"}, MALOY),
        ],
    )
    plan = plan_import(path, atlas, mode="footprints")
    store = Store(tmp_path / "store")
    assert store.layers() == []  # planning changes nothing
    with pytest.raises(ValueError, match="not among the proposed matches: sorong"):
        apply_import(plan, store, confirmed=["sorong"])
    with pytest.raises(ImportRejected, match="no match was confirmed"):
        apply_import(plan, store, confirmed=[])
    stored = apply_import(plan, store, confirmed=["kendal"], when=WHEN)
    assert (stored.kind, stored.features, stored.source_file, stored.imported_at) == (
        "footprints",
        1,
        "batas.geojson",
        "2025-06-01T08:30:00Z",
    )
    assert store.read(stored.id)["zone_id"].tolist() == ["kendal"]

    shown = with_imports(atlas, Store(tmp_path / "store"))
    assert shown.zones.at["kendal", "boundary"] == IMPORTED  # it replaces the official boundary
    assert shown.zones.at["maloy_batuta_trans_kalimantan", "boundary"] == OFFICIAL
    assert shown.footprints.at["kendal", "measured_area_ha"] == pytest.approx(1101, rel=0.02)
    assert shown.zones.at["kendal", "measured_area_ha"] == shown.footprints.at["kendal", "measured_area_ha"]
    assert shown.footprints.at["kendal", "footprint_note"] == (
        "imported from batas.geojson on 2025-06-01 (layer 'batas'); source: https://example.org/kendal"
    )
    assert atlas.zones.at["kendal", "boundary"] == OFFICIAL  # the shipped atlas is untouched
    assert list(shown.zones.index) == list(atlas.zones.index)
    assert list(shown.footprints.index) == [z for z in atlas.zones.index if z in shown.footprints.index]
    assert (
        summarize(shown.zones[select_zones(shown.zones, kinds=["KEK"])]).zones
        == summarize(atlas.zones[select_zones(atlas.zones, kinds=["KEK"])]).zones
    )

    store.remove(stored.id)
    assert with_imports(atlas, store).zones.at["kendal", "boundary"] == OFFICIAL
    store.restore(stored.id)
    assert with_imports(atlas, store).zones.at["kendal", "boundary"] == IMPORTED


def test_a_zipped_utm_shapefile_becomes_a_zone_footprint(tmp_path, atlas):
    plan = plan_import(kariangau_utm(tmp_path / "kariangau.zip"), atlas, mode="footprints")
    assert [(m.zone_id, m.by) for m in plan.matches] == [("ki_kariangau", "name")]
    store = Store(tmp_path / "store")
    apply_import(plan, store)
    assert atlas.zones.at["ki_kariangau", "boundary"] == INDICATIVE
    footprint = with_imports(atlas, store).footprints.loc["ki_kariangau"]
    assert footprint["boundary"] == IMPORTED
    assert footprint.geometry.symmetric_difference(KARIANGAU).area < 1e-9


def test_a_later_import_replaces_an_earlier_one(atlas):
    earlier = gpd.GeoDataFrame({"zone_id": ["kendal"], "note": ["first"]}, geometry=[KENDAL], crs=4326)
    later = gpd.GeoDataFrame(
        {"zone_id": ["kendal"], "note": ["second"]}, geometry=[box(110.2, -6.92, 110.21, -6.91)], crs=4326
    )
    merged = merge_footprints(atlas, gpd.GeoDataFrame(pd.concat([earlier, later]), crs=4326))
    assert merged.footprints.at["kendal", "footprint_note"] == "second"
    gone = gpd.GeoDataFrame({"zone_id": ["atlantis"], "note": ["x"]}, geometry=[KENDAL], crs=4326)
    assert merge_footprints(atlas, gone).footprints.equals(atlas.footprints)


def test_an_overlay_keeps_its_name_colour_and_provenance(tmp_path, atlas):
    path = geojson(tmp_path / "gerbang.geojson", [({"nama": "Gerbang Tol"}, Point(110.2, -6.92))])
    plan = plan_import(path, atlas, layer="Gerbang tol Kendal")
    assert plan.mode == "overlay" and plan.matches == ()
    store = Store(tmp_path / "store")
    first = apply_import(plan, store, when=WHEN)
    assert (first.id, first.name, first.kind, first.colour, first.source_file, first.features) == (
        "gerbang_tol_kendal",
        "Gerbang tol Kendal",
        "overlay",
        OVERLAY_COLOURS[0],
        "gerbang.geojson",
        1,
    )
    second = apply_import(plan, store, colour="#123456")
    assert second.id == "gerbang_tol_kendal_2" and second.colour == "#123456"
    assert apply_import(plan, store).colour == OVERLAY_COLOURS[2]
    with pytest.raises(ValueError, match="colour must be #rrggbb"):
        apply_import(plan, store, colour="red")
    assert store.read(first.id)["name"].tolist() == ["Gerbang Tol"]
    assert with_imports(atlas, store).footprints.equals(atlas.footprints)  # overlays are not footprints


def test_a_world_sized_or_speck_footprint_is_refused_with_its_numbers(tmp_path, atlas):
    """The issue's files: the whole world as Kariangau (279 million ha against 3,565) and a 1e-12 degree speck."""
    lon, lat = atlas.zones.at["ki_kariangau", "lon"], atlas.zones.at["ki_kariangau", "lat"]
    world = geojson(tmp_path / "world.geojson", [({"id": "ki_kariangau"}, box(-179, -80, 179, 80))])
    speck = geojson(
        tmp_path / "speck.geojson", [({"id": "ki_kariangau"}, box(lon, lat, lon + 1e-12, lat + 1e-12))]
    )
    store = Store(tmp_path / "store")
    for path, expected in (
        (world, "times the official 3,565 ha (expected 0.2x to 5x)"),
        (speck, "too small to be a zone (at least 1 ha)"),
    ):
        plan = plan_import(path, atlas, mode="footprints")
        with pytest.raises(ImportRejected) as caught:
            apply_import(plan, store)
        message = str(caught.value.problems[0])
        assert (
            f"{path.name}, row 1: does not look like Kawasan Industri Kariangau (KIK)'s footprint" in message
        )
        assert expected in message and "confirm the override" in message
    assert store.layers() == []


def test_a_far_footprint_is_refused_unless_overridden_and_the_override_is_recorded(tmp_path, atlas):
    path = geojson(tmp_path / "far.geojson", [({"nama": "KEK Kendal"}, box(110.79, -6.93, 110.82, -6.90))])
    plan = plan_import(path, atlas, mode="footprints")
    assert re.match(r"it lies \d+ km from the zone.s point \(at most 25 km expected\)", plan.matches[0].doubt)
    store = Store(tmp_path / "store")
    with pytest.raises(
        ImportRejected, match=r"Kendal Industrial Park\)'s footprint: it lies \d+ km from the zone's point"
    ):
        apply_import(plan, store)
    stored = apply_import(plan, store, override={"kendal"})
    assert store.read(stored.id)["plausibility_override"].tolist() == [
        f"imported by explicit override despite: {plan.matches[0].doubt}"
    ]
    note = with_imports(atlas, store).footprints.at["kendal", "footprint_note"]
    assert f"imported by explicit override despite: {plan.matches[0].doubt}" in note
