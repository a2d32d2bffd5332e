"""The facilities layer: the build tool, the shipped table, facilities_near, the CLI and the dashboard's
state, map updates and exports for it."""

from __future__ import annotations

import csv
import importlib.util
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from pyproj import Geod

from dashboard import figures
from dashboard.exports import table_export
from dashboard.features import panels
from dashboard.runtime import build_runtime
from dashboard.state import MAX_RADIUS_KM, ViewState, from_query, to_query
from geodata.atlas import DATA_DIR
from geodata.facilities import DEFAULT_RADIUS_KM, facilities_near, select_facilities
from geodata.schema import LAT_RANGE, LON_RANGE, PROVINCES

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT.parent / "shared" / "reference"
BIG = REFERENCE / "facilities" / "big_rbi_perusahaan_industri_2023.csv"
needs_reference = pytest.mark.skipif(not BIG.is_file(), reason="the reference copies are not on this machine")


def load_tool():
    spec = importlib.util.spec_from_file_location("build_facilities", ROOT / "tools" / "build_facilities.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_facilities"] = module
    spec.loader.exec_module(module)
    return module


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "geodata", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


@pytest.fixture(scope="module")
def runtime(atlas):
    return build_runtime(atlas)


# --- the build tool -----------------------------------------------------------------------------


@needs_reference
def test_tool_rebuilds_the_shipped_files_byte_for_byte(tmp_path):
    outputs = ("facilities.csv", "kbli_sectors.csv", "FACILITIES.md")
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        result = subprocess.run(
            [sys.executable, "tools/build_facilities.py", "--reference", str(REFERENCE), "--out", str(tmp_path / name)],
            cwd=ROOT, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
    for output in outputs:
        first = (tmp_path / "a" / output).read_bytes()
        assert first == (tmp_path / "b" / output).read_bytes(), f"{output} differs between two runs"
        assert first == (DATA_DIR / output).read_bytes(), f"shipped {output} is not the tool's output"


@needs_reference
def test_every_crude_palm_oil_mill_of_big_is_in_the_layer(atlas):
    with BIG.open(encoding="utf-8") as handle:
        mills = {int(row[""]) for row in csv.DictReader(handle) if row["klskbli"] == "10431"}
    shipped = atlas.facilities[atlas.facilities["kbli"] == "10431"]
    assert len(mills) >= 149
    assert {f"fac_big_{i:04d}" for i in mills} <= set(shipped.index) | {
        m for merged in shipped["merged_from"].dropna() for m in merged.split(";")
    }
    assert (shipped["sector"] == "palm_oil").all()


def test_kbli_prefixes_map_by_longest_prefix_and_name_pattern():
    tool = load_tool()
    assert tool.sector_for("10431", "SAWIT, PT") == "palm_oil"
    assert tool.sector_for("10298", "RUMPUT LAUT") == "seaweed"  # beats 102 fisheries and 10 food
    assert tool.sector_for("10213", "IKAN") == "fisheries"
    assert tool.sector_for("24202", "TIMAH, PT") == "smelter"
    assert tool.sector_for("24202", "BINTAN ALUMINA, PT") == "bauxite"
    assert tool.sector_for("22220", "PLASTIK, PT") is None  # left out, counted
    assert tool.official_province("DKI JAKARTA") == "Daerah Khusus Ibukota Jakarta"
    assert tool.official_province("North Maluku") == "Maluku Utara"
    assert tool.official_province("Southeast Sulawesi") == "Sulawesi Tenggara"
    assert tool.official_province("PAPUA", "JAYAWIJAYA") == "Papua Pegunungan"
    with pytest.raises(ValueError, match="unknown province"):
        tool.official_province("Atlantis")


def test_merge_rule_needs_a_compatible_sector_nearness_and_a_similar_name():
    tool = load_tool()
    Facility = tool.Facility
    tracker = Facility(
        "fac_gem_steel_krakatau_steel_cilegon", "Krakatau Steel Cilegon", "steel", 106.0, -6.0, "gem_steel"
    )
    smelter = Facility("fac_cgsp_megah_surya_pertiwi_1", "Megah Surya Pertiwi", "nickel", 127.5, -0.5, "cgsp")
    big = [
        Facility("fac_big_0001", "KRAKATAU STEEL, PT", "steel", 106.02, -6.0, "big", kbli="24101"),  # 2.2 km
        Facility("fac_big_0002", "KRAKATAU POSCO, PT", "steel", 106.001, -6.0, "big"),  # nearer, other name
        Facility("fac_big_0003", "KRAKATAU STEEL, PT", "cement", 106.0, -6.0, "big"),  # other sector
        Facility(
            "fac_big_0004", "MEGAH SURYA PERTIWI, PT", "smelter", 127.5, -0.5 + 0.2, "big"
        ),  # 22 km: too far
    ]
    rows, pairs = tool.merge([tracker, smelter], big)
    assert pairs == [("fac_gem_steel_krakatau_steel_cilegon", "fac_big_0001")]
    merged = next(r for r in rows if r.id == tracker.id)
    assert merged.merged_from == ("fac_big_0001", tracker.id)
    assert (merged.kbli, merged.lon, merged.name) == ("24101", 106.02, "Krakatau Steel Cilegon")
    assert {r.id for r in rows} == {tracker.id, smelter.id, "fac_big_0002", "fac_big_0003", "fac_big_0004"}
    nearby = Facility("fac_big_0004", "MEGAH SURYA PERTIWI, PT", "smelter", 127.5, -0.52, "big")
    _, pairs = tool.merge([smelter], [nearby])
    assert pairs == [(smelter.id, "fac_big_0004")]  # nickel ~ BIG smelter, 2.2 km, same name


def test_merged_rows_are_gone_and_counts_are_stated(atlas):
    plants = atlas.facilities
    merged = plants["merged_from"].dropna()
    sources = {m for ids in merged for m in ids.split(";")}
    folded = sources - set(merged.index)
    assert folded and not folded & set(plants.index)  # a folded source row is not also a plant
    notes = (DATA_DIR / "FACILITIES.md").read_text(encoding="utf-8")
    assert f"merged pairs: {len(merged)}; after: {len(plants)} plants" in notes
    assert f"Before de-duplication: {len(plants) + len(merged)} rows" in notes


# --- the shipped layer --------------------------------------------------------------------------


def test_shipped_layer_is_valid_and_in_the_vocabularies(atlas):
    plants = atlas.facilities
    assert plants.index.is_unique and plants["id"].str.match(r"^fac_(big|cgsp|gem)_").all()
    assert set(plants["sector"]) <= set(atlas.sectors.index)
    assert set(plants["province"].dropna()) <= set(PROVINCES)
    assert plants["lon"].between(*LON_RANGE).all() and plants["lat"].between(*LAT_RANGE).all()
    assert (plants["sector"] == "palm_oil").sum() >= 149
    assert {"nickel", "steel", "cement", "rubber", "smelter"} <= set(plants["sector"])


def test_validate_counts_facilities_and_rejects_a_broken_row(atlas, tmp_path):
    report = json.loads(run("validate", "--json").stdout)
    assert report["layers"]["facilities"] == len(atlas.facilities)
    lines = (DATA_DIR / "facilities.csv").read_text(encoding="utf-8").splitlines()
    lines[5] = lines[5].replace(",palm_oil,", ",sawit,", 1)
    broken = tmp_path / "facilities.csv"
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("validate", "--json", str(broken))
    assert result.returncode == 2
    errors = json.loads(result.stdout)["errors"]
    assert {"file": "facilities.csv", "row": 6, "column": "sector"}.items() <= errors[0].items()


# --- facilities_near ------------------------------------------------------------------------------


def haversine_km(lon1: float, lat1: float, lon2: np.ndarray, lat2: np.ndarray) -> np.ndarray:
    """Great-circle distance on the IUGG mean Earth radius (not the code's ellipsoid)."""
    p1, p2 = math.radians(lat1), np.radians(lat2)
    a = np.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * np.cos(p2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * np.arcsin(np.sqrt(a))


def test_near_sei_mangkei_matches_an_independent_geodesic_count(atlas):
    """The expectation comes from the zone's point as shipped now (it may move onto the official boundary)."""
    zone = atlas.zones.loc["sei_mangkei"]
    lon, lat = float(zone["lon"]), float(zone["lat"])
    result = json.loads(run("facilities", "--near", "sei_mangkei", "--json").stdout)
    geod = Geod(ellps="WGS84")
    exact = sum(
        geod.inv(lon, lat, plon, plat)[2] <= DEFAULT_RADIUS_KM * 1000
        for plon, plat in zip(atlas.facilities["lon"], atlas.facilities["lat"], strict=True)
    )
    spherical = haversine_km(lon, lat, atlas.facilities["lon"].to_numpy(), atlas.facilities["lat"].to_numpy())
    assert result["count"] == exact > 0
    # the sphere is within 0.5% of the ellipsoid: the count must lie between the two bands' counts
    assert (
        (spherical <= DEFAULT_RADIUS_KM * 0.995).sum()
        <= result["count"]
        <= (spherical <= DEFAULT_RADIUS_KM * 1.005).sum()
    )
    palm = json.loads(run("facilities", "--near", "sei_mangkei", "--sector", "palm_oil", "--json").stdout)
    in_radius = spherical <= DEFAULT_RADIUS_KM * 1.005
    assert 0 < palm["count"] <= int((in_radius & (atlas.facilities["sector"] == "palm_oil").to_numpy()).sum())


@pytest.mark.parametrize(
    ("lon", "lat", "km"), [(99.34, 3.13, 50), (106.8, -6.2, 5), (122.2, -2.8, 200), (141.9, -2.6, 300)]
)
def test_near_equals_measuring_every_plant(atlas, lon, lat, km):
    """The lon/lat box prefilter never drops a plant the full measurement keeps; nearest first."""
    near = facilities_near(atlas, lon, lat, km)
    _, _, metres = Geod(ellps="WGS84").inv(
        np.full(len(atlas.facilities), lon), np.full(len(atlas.facilities), lat),
        atlas.facilities["lon"].to_numpy(), atlas.facilities["lat"].to_numpy(),
    )  # fmt: skip
    assert set(near.index) == set(atlas.facilities.index[metres <= km * 1000])
    assert near["km"].is_monotonic_increasing
    assert facilities_near(atlas.facilities, lon, lat, km, "steel")["sector"].eq("steel").all()
    with pytest.raises(ValueError):
        facilities_near(atlas, lon, lat, -1)


# --- the CLI ------------------------------------------------------------------------------------------


def test_cli_json_contract(atlas):
    result = run("facilities", "--sector", "palm_oil", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert (
        report["count"]
        == len(report["facilities"])
        == (atlas.facilities["sector"] == "palm_oil").sum()
        >= 149
    )
    assert set(report["facilities"][0]) == {"id", "name", "sector", "kbli", "lon", "lat", "source"}
    near = json.loads(run("facilities", "--near", "sei_mangkei", "--km", "80", "--json").stdout)
    assert set(near["facilities"][0]) == {"id", "name", "sector", "kbli", "lon", "lat", "source", "km"}
    kms = [p["km"] for p in near["facilities"]]
    assert kms == sorted(kms) and kms[-1] <= 80
    default = json.loads(run("facilities", "--near", "sei_mangkei", "--json").stdout)
    assert all(p["km"] <= DEFAULT_RADIUS_KM for p in default["facilities"])
    table = run("facilities", "--near", "sei_mangkei")
    assert table.returncode == 0
    assert table.stdout.strip().splitlines()[-1].startswith(f"{default['count']} facilit")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--sector", "unobtainium"), "unknown sector 'unobtainium'"),
        (("--near", "atlantis"), "unknown zone 'atlantis'"),
        (("--km", "10"), "--km needs --near"),
        (("--near", "sei_mangkei", "--km", "-5"), "--km must be"),
    ],
)
def test_cli_refuses_unknown_sector_or_zone_with_exit_two(args, message):
    result = run("facilities", *args, "--json")
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


# --- the dashboard ---------------------------------------------------------------------------------


def test_state_parses_and_writes_facilities_and_radius(runtime):
    vocabulary = runtime.vocabulary
    state, dropped = from_query("?facilities=1&radius=25&zone=sei_mangkei", vocabulary)
    assert (state.facilities, state.radius, dropped) == (True, 25.0, [])
    assert to_query(state) == "?zone=sei_mangkei&facilities=1&radius=25"
    assert to_query(ViewState()) == ""  # off and 50 km are the defaults: not in the link
    for bad in ("facilities=maybe", "radius=0", f"radius={MAX_RADIUS_KM + 1:g}", "radius=abc"):
        state, dropped = from_query("?" + bad, vocabulary)
        assert (state.facilities, state.radius) == (False, DEFAULT_RADIUS_KM) and dropped
    assert ViewState.from_dict(ViewState(facilities=True, radius=7.5).as_dict(), vocabulary).radius == 7.5


def test_facilities_load_once_then_only_longitudes_travel(atlas, runtime):
    model, hovers = runtime.model, runtime.hovers
    base = figures.base_map_figure(atlas, model, hovers)
    trace = base["data"][figures.TRACE_FACILITIES]
    assert trace["lon"] == [] and trace["visible"] is False  # nothing heavy on the first page
    everything = ViewState(facilities=True).selection(atlas.zones)
    on = figures.map_updates(
        atlas, model, hovers, ViewState(facilities=True), everything, "offline", figures.BASE_DRAWN
    )
    index = figures.TRACE_FACILITIES
    assert on["data", index, "visible"] is True and len(on["data", index, "lat"]) == len(atlas.facilities)
    drawn = figures.drawn_map(ViewState(facilities=True), "offline")
    state = ViewState(facilities=True, sector=("palm_oil",))
    filtered = figures.map_updates(
        atlas, model, hovers, state, state.selection(atlas.zones), "offline", drawn
    )
    facility_paths = {path for path in filtered if path[1] == index}
    assert facility_paths == {("data", index, "lon")}
    shown = [x is not None for x in filtered["data", index, "lon"]]
    assert sum(shown) == (atlas.facilities["sector"] == "palm_oil").sum()
    off = figures.map_updates(atlas, model, hovers, ViewState(), everything, "offline", drawn)
    assert {path for path in off if path[1] == index} == {("data", index, "visible")}


def test_detail_panel_counts_facilities_within_the_radius(atlas, runtime):
    state = ViewState(zone="sei_mangkei", facilities=True, radius=30.0, lang="en")
    detail = json.dumps(panels.panel_outputs(runtime, state.as_dict())["detail"])
    zone = atlas.zones.loc["sei_mangkei"]
    near = facilities_near(atlas, zone["lon"], zone["lat"], 30.0)
    assert f"{len(near)} facilities within 30 km of KEK Sei Mangkei" in detail
    palm = (near["sector"] == "palm_oil").sum()
    national = (atlas.facilities["sector"] == "palm_oil").sum()
    assert f"Palm oil: {national} nationally; {palm} within 30 km of KEK Sei Mangkei" in detail


def test_exports_carry_the_shown_facilities(atlas, runtime):
    state = ViewState(facilities=True, sector=("steel",))
    rows = table_export(runtime, state, "?facilities=1&sector=steel", "facilities").content.decode(
        "utf-8-sig"
    )
    expected = int(select_facilities(atlas.facilities, ("steel",)).sum())
    assert len(list(csv.DictReader(rows.splitlines()))) == expected > 0
    document = json.loads(table_export(runtime, state, "", "geojson").content)
    plants = [f for f in document["features"] if f["properties"].get("layer") == "facility"]
    assert len(plants) == expected and plants[0]["geometry"]["type"] == "Point"
    off = json.loads(table_export(runtime, ViewState(sector=("steel",)), "", "geojson").content)
    assert not [f for f in off["features"] if f["properties"].get("layer") == "facility"]
