"""The 25 KEKs' official boundaries, points and infrastructure from kek.go.id, as tools/build_kek.py
builds them: on the shipped data, and the tool itself on the reference copy."""

from __future__ import annotations

import codecs
import csv
import io
import shutil

import pytest
from shapely.geometry import Point

from geodata import AtlasDataError, load_atlas
from geodata.atlas import DATA_DIR
from geodata.footprints import OFFICIAL
from geodata.schema import INFRASTRUCTURE_KINDS
from geodata.sources import read_geojson_features
from tools import build_kek

REFERENCE = build_kek.DEFAULT_REFERENCE
needs_reference = pytest.mark.skipif(
    not (REFERENCE / "kek_go_id" / "kek_polygons.geojson").is_file(),
    reason=f"the kek.go.id reference copy is not at {REFERENCE}",
)


def kek_ids(atlas) -> list[str]:
    zones = atlas.zones
    return list(zones[(zones["kind"] == "KEK") & ~zones["status"].isin(["candidate", "revoked"])].index)


def test_all_25_kek_points_lie_inside_their_official_boundary(atlas):
    keks = kek_ids(atlas)
    assert len(keks) == 25
    for zone_id in keks:
        footprint = atlas.footprints.loc[zone_id]
        zone = atlas.zones.loc[zone_id]
        assert footprint["boundary"] == OFFICIAL, zone_id
        assert footprint.geometry.covers(Point(zone["lon"], zone["lat"])), zone_id
        assert zone["coord_precision"] == "official" and "official boundary" in zone["coord_method"]


def test_every_shipped_footprint_names_a_kek_and_says_where_it_comes_from(atlas):
    features, problems = read_geojson_features(atlas.files["footprints"])
    assert not problems
    zone_ids = [props["zone_id"] for props, _ in features]
    assert sorted(zone_ids) == sorted(kek_ids(atlas))  # one per KEK, every zone exists
    for props, geometry in features:
        assert props["boundary"] == "official" and "kek.go.id" in props["source"]
        assert geometry.is_valid and geometry.geom_type in ("Polygon", "MultiPolygon")
        assert not geometry.has_z  # flat: GIS clients read the layer as (Multi)Polygon, not "Z"
        assert props["parts"] == len(getattr(geometry, "geoms", [geometry]))
        assert props["match"].startswith(("attributes", "location"))
    kendal = atlas.footprints.loc["kendal"]
    assert kendal["legal_basis"] == "PP NO. 85 TAHUN 2019" and kendal["metadata_year"] == 2023
    assert kendal["official_area_ha"] == 1000.0 and "Rupa Bumi" in kendal["map_sources"]
    assert atlas.zones.at["kendal", "measured_area_ha"] == pytest.approx(1000, rel=0.01)


def test_the_parcels_without_attributes_are_matched_by_location_and_reported(atlas):
    by_location = atlas.footprints[atlas.footprints["match"].str.contains("location:", regex=False, na=False)]
    assert set(by_location.index) == {"setangga", "tanjung_sauh"}
    assert "contains the kek.go.id marker of Setangga" in by_location.at["setangga", "match"]
    assert atlas.footprints.at["tanjung_sauh", "parts"] >= 2
    report = (DATA_DIR / "KEK_PROVENANCE.md").read_text(encoding="utf-8")
    assert "7 without attributes" in report and report.count("| location: ") == 7


def test_infrastructure_is_a_validated_layer_tied_to_its_kek(atlas):
    infrastructure = atlas.infrastructure
    assert set(infrastructure["zone_id"]) <= set(kek_ids(atlas))
    maloy_port = infrastructure[(infrastructure["zone_id"] == "maloy_batuta_trans_kalimantan")]
    maloy_port = maloy_port[maloy_port["name"] == "Maloy Port"].iloc[0]
    assert maloy_port["kind"] == "port" and maloy_port["inside_sez"] is True
    assert (maloy_port["lon"], maloy_port["lat"]) == (117.921982, 0.803824)
    assert (atlas.places.at["port_maloy", "lon"], atlas.places.at["port_maloy", "lat"]) == (
        117.921982,
        0.803824,
    )
    assert not infrastructure["name"].str.lower().isin(["tes", "test"]).any()


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("Kualanamu International Airport", "airport"),
        ("Air Strip", "airport"),
        ("Krueng Geukueh Seaport", "port"),
        ("Nongsapura Ferry Terminal", "port"),
        ("Lima Puluh Toll Gate", "toll_gate"),
        ("Bocimi Toll Road", "road"),
        ("Plabuan Railway Station", "station"),
        ("Firestation", "other"),
        ("PLN Substation", "power"),
        ("Waste Water Treatment Plant", "water"),
        ("Communication Tower", "telecom"),
        ("Dryport", "other"),
    ],
)
def test_infrastructure_kinds_are_classified_from_the_title(title, kind):
    assert build_kek.classify(title) == kind


def test_a_port_on_a_zones_own_point_is_refused_naming_both(data_copy):
    rows = list(csv.reader(io.StringIO((data_copy / "places.csv").read_text(encoding="utf-8"), newline="")))
    header = rows[0]
    maloy = next(r for r in rows if r[0] == "port_maloy")
    zones = {r[0]: r for r in csv.reader(io.StringIO((data_copy / "zones.csv").read_text(encoding="utf-8")))}
    mbtk = zones["maloy_batuta_trans_kalimantan"]
    zone_header = zones["id"]
    maloy[header.index("lon")] = mbtk[zone_header.index("lon")]
    maloy[header.index("lat")] = mbtk[zone_header.index("lat")]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    (data_copy / "places.csv").write_text(out.getvalue(), encoding="utf-8")
    with pytest.raises(AtlasDataError) as caught:
        load_atlas(data_copy)
    assert (
        "the port 'Pelabuhan Maloy (KEK MBTK)' lies 0 m from the point of zone "
        "'KEK Maloy Batuta Trans Kalimantan (MBTK)' (maloy_batuta_trans_kalimantan)"
    ) in caught.value.report()


@needs_reference
def test_the_tool_is_deterministic_and_idempotent(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    for target in (first, second):
        shutil.copytree(DATA_DIR, target)
        assert build_kek.main(["--data", str(target)]) == 0
    names = ["footprints.geojson", "zones.csv", "infrastructure.csv", "KEK_PROVENANCE.md"]
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
        assert (first / name).read_bytes() == (DATA_DIR / name).read_bytes(), (
            f"shipped {name} is not the tool's"
        )
    assert build_kek.main(["--data", str(first)]) == 0  # again, on its own output
    assert (first / "zones.csv").read_bytes() == (second / "zones.csv").read_bytes()


@needs_reference
def test_the_tool_patches_only_the_kek_rows_point_columns(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    path = data / "zones.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    header = rows[0]
    for row in rows[1:]:  # another engineer's tool changed other columns, and the KEK points are stale
        row[header.index("notes")] = f"audited {row[0]}"
        row[header.index("lon")], row[header.index("lat")] = "100.0", "0.0"
    rows.append(rows.pop(1))  # and the row order differs
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text("\ufeff" + out.getvalue(), encoding="utf-8")  # and Excel saved it with a BOM
    assert build_kek.main(["--data", str(data)]) == 0
    assert path.read_bytes().startswith(codecs.BOM_UTF8)
    after = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
    assert after[0] == header and len(after) == len(rows)
    patched = [header.index(c) for c in build_kek.PATCHED_COLUMNS]
    keks = {r[0] for r in after[1:] if r[2] == "KEK" and r[3] not in ("candidate", "revoked")}
    assert len(keks) == 25
    for before, now in zip(rows[1:], after[1:], strict=True):
        assert before[0] == now[0]
        for column, (old, new) in enumerate(zip(before, now, strict=True)):
            if now[0] in keks and column in patched:
                continue
            assert old == new, (now[0], header[column])
        if now[0] in keks:
            assert now[header.index("coord_precision")] == "official"
            assert now[header.index("lon")] != "100.0"


def test_the_tool_classifies_into_the_schemas_kinds():
    assert {kind for kind, _ in build_kek.KIND_RULES} | {"other"} <= set(INFRASTRUCTURE_KINDS)
