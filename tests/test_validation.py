"""Each kind of bad input is refused with a message naming the file, row, column and the problem."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from geodata import AtlasDataError, load_atlas
from geodata.atlas import layer_paths, read_atlas


def rewrite_csv(path: Path, change) -> None:
    """Apply ``change(rows, header)`` to a CSV in place (rows are dicts)."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        header = list(reader.fieldnames or [])
        rows = list(reader)
    header = change(rows, header) or header
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def problems_for(data_dir: Path) -> list[str]:
    atlas, problems = read_atlas(layer_paths(data_dir))
    assert atlas is None, "the broken data was accepted"
    return [str(p) for p in problems]


def set_cell(row_id: str, column: str, value: str):
    def change(rows, header):
        for row in rows:
            if row["id"] == row_id:
                row[column] = value
                return None
        raise AssertionError(f"no row {row_id}")

    return change


ZONE_CASES = [
    (set_cell("sei_mangkei", "lon", "east"), "zones.csv, row 2, column 'lon': 'east' is not a number"),
    (set_cell("sei_mangkei", "lon", "99,34"), "use a dot for decimals"),
    (set_cell("sei_mangkei", "lat", "13.1"), "zones.csv, row 2, column 'lat': 13.1 is outside Indonesia"),
    (set_cell("mandalika", "lon", "-8.894477"), "column 'lon': -8.894477 is outside Indonesia"),
    (set_cell("kendal", "kind", "SEZ"), "column 'kind': 'SEZ' is not one of: KEK, KI, KIHT"),
    (set_cell("kendal", "status", "closed"), "column 'status': 'closed' is not one of"),
    (set_cell("kendal", "sectors", "palm_oil;durian"), "unknown sector tag 'durian'"),
    (set_cell("kendal", "province", "Jawa Tengahh"), "column 'province': 'Jawa Tengahh' is not one of"),
    (set_cell("kendal", "province", "Jawa Timur"), "outside Jawa Timur"),
    (set_cell("kendal", "id", "sei_mangkei"), "column 'id': 'sei_mangkei' is repeated (first at row 2)"),
    (set_cell("kendal", "id", "Kendal Park"), "is not an id"),
    (set_cell("kendal", "name", ""), "column 'name': is empty but required"),
    (
        set_cell("kendal", "investment_source", ""),
        "column 'investment_source': investment_idr_trillion is given without a source",
    ),
    (set_cell("kendal", "workforce", "66.000"), "column 'workforce': '66.000' is not a whole number"),
    (set_cell("kendal", "as_of", "June 2025"), "column 'as_of': 'June 2025' is not a date"),
    (set_cell("kendal", "as_of", "2025-13"), "is not a real date"),
    (set_cell("kendal", "area_ha", "-5"), "column 'area_ha': -5.0 is below 0"),
    (set_cell("kendal", "sources", "kompas"), "too short to be a source"),
    (set_cell("kendal", "sources", "www.kompas.com/x"), "is not a complete web address"),
]


@pytest.mark.parametrize(("change", "expected"), ZONE_CASES)
def test_bad_zone_cells_are_reported_precisely(data_copy, change, expected):
    rewrite_csv(data_copy / "zones.csv", change)
    messages = problems_for(data_copy)
    assert any(expected in m for m in messages), messages


def test_swapped_lon_lat_is_named_as_a_swap(data_copy):
    def swap(rows, header):
        row = next(r for r in rows if r["id"] == "sei_mangkei")
        row["lon"], row["lat"] = row["lat"], row["lon"]

    rewrite_csv(data_copy / "zones.csv", swap)
    assert any("look swapped" in m for m in problems_for(data_copy))


def test_missing_required_column(data_copy):
    rewrite_csv(data_copy / "zones.csv", lambda rows, header: [h for h in header if h != "coord_precision"])
    assert "zones.csv, column 'coord_precision': required column is missing" in problems_for(data_copy)


def test_non_utf8_file_is_refused_with_its_line(data_copy):
    path = data_copy / "zones.csv"
    text = path.read_text(encoding="utf-8").splitlines()
    text[3] = text[3].replace("KEK", "KEK\u00e9", 1)
    path.write_bytes("\n".join(text).encode("latin-1", errors="replace"))
    messages = problems_for(data_copy)
    assert any("zones.csv, row 4: is not UTF-8" in m for m in messages), messages


def test_empty_file(data_copy):
    (data_copy / "places.csv").write_text("")
    assert any("places.csv: is empty" in m for m in problems_for(data_copy))


def test_road_to_an_unknown_place(data_copy):
    rewrite_csv(data_copy / "roads.csv", set_cell("road_bontang_sangatta", "to_id", "atlantis"))
    assert any(
        "roads.csv, row" in m and "'atlantis' is not a known place or zone id" in m
        for m in problems_for(data_copy)
    )


def test_sourced_road_without_source(data_copy):
    rewrite_csv(data_copy / "roads.csv", set_cell("road_bontang_sangatta", "sources", ""))
    assert any("a length not marked estimated needs a source" in m for m in problems_for(data_copy))


def test_national_row_with_a_bad_period(data_copy):
    def change(rows, header):
        rows[0]["period"] = "2024-Q5"

    rewrite_csv(data_copy / "national.csv", change)
    assert any("national.csv, row 2, column 'period'" in m for m in problems_for(data_copy))


def test_footprint_that_is_not_a_polygon_or_self_intersects(data_copy):
    (data_copy / "footprints.geojson").write_text(
        '{"type": "FeatureCollection", "features": ['
        '{"type": "Feature", "properties": {"zone_id": "kendal", "source": "https://example.org/k", "as_of": "2025"},'
        ' "geometry": {"type": "Point", "coordinates": [110.2, -6.9]}},'
        '{"type": "Feature", "properties": {"zone_id": "gresik", "source": "https://example.org/g", "as_of": "2025"},'
        ' "geometry": {"type": "Polygon", "coordinates": [[[112.6,-7.1],[112.7,-7.2],[112.7,-7.1],[112.6,-7.2],[112.6,-7.1]]]}},'
        '{"type": "Feature", "properties": {"zone_id": "nowhere", "source": "https://example.org/n", "as_of": "2025"},'
        ' "geometry": {"type": "Polygon", "coordinates": [[[112.6,-7.1],[112.7,-7.1],[112.7,-7.2],[112.6,-7.1]]]}}'
        "]}"
    )
    messages = problems_for(data_copy)
    assert "footprints.geojson, row 1, column 'geometry': is a Point; a Polygon is needed" in messages
    assert any("row 2, column 'geometry': is not a valid polygon" in m for m in messages)
    assert "footprints.geojson, row 3, column 'zone_id': 'nowhere' is not a known zone id" in messages


def test_truncated_geojson(data_copy):
    (data_copy / "footprints.geojson").write_text('{"type": "FeatureCollection", "features": [')
    assert any("footprints.geojson: is not valid GeoJSON at line 1" in m for m in problems_for(data_copy))


def test_load_atlas_raises_one_error_listing_every_problem(data_copy):
    rewrite_csv(data_copy / "zones.csv", set_cell("kendal", "kind", "SEZ"))
    rewrite_csv(data_copy / "roads.csv", set_cell("road_bontang_sangatta", "length_km", "far"))
    with pytest.raises(AtlasDataError) as caught:
        load_atlas(data_copy)
    report = caught.value.report()
    assert report.startswith("2 problems in the atlas data:")
    assert "zones.csv" in report and "roads.csv" in report


def test_a_planners_boundary_file_counts_as_imported_and_replaces_the_circle(data_copy):
    (data_copy / "footprints.geojson").write_text(
        '{"type": "FeatureCollection", "features": ['
        '{"type": "Feature", "properties": {"zone_id": "kendal", "source": "https://example.org/kendal.geojson",'
        ' "as_of": "2025-06"}, "geometry": {"type": "Polygon", "coordinates":'
        " [[[110.23,-6.95],[110.26,-6.95],[110.26,-6.92],[110.23,-6.92],[110.23,-6.95]]]}}]}"
    )
    atlas = load_atlas(data_copy)
    assert atlas.zones.at["kendal", "boundary"] == "imported"
    assert atlas.footprints.at["kendal", "measured_area_ha"] == pytest.approx(1101, rel=0.02)
    assert atlas.zones.at["sei_mangkei", "boundary"] == "indicative"  # no boundary in this file: a circle
    assert pd.isna(atlas.zones.at["sei_mangkei", "measured_area_ha"])


def test_a_footprint_boundary_kind_must_be_official_or_imported(data_copy):
    (data_copy / "footprints.geojson").write_text(
        '{"type": "FeatureCollection", "features": ['
        '{"type": "Feature", "properties": {"zone_id": "kendal", "boundary": "surveyed",'
        ' "source": "https://example.org/kendal.geojson", "as_of": "2025-06"}, "geometry": {"type": "Polygon",'
        ' "coordinates": [[[110.23,-6.95],[110.26,-6.95],[110.26,-6.92],[110.23,-6.95]]]}}]}'
    )
    assert (
        "footprints.geojson, row 1, column 'boundary': 'surveyed' is not one of: official, imported"
        in problems_for(data_copy)
    )
