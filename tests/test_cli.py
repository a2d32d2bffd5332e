"""The planner's shell commands: exit codes, JSON shape, and the same numbers as the core."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from geodata.cli import main
from geodata.connectivity import kaltim_analysis

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "geodata", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_validate_shipped_data_exits_zero():
    result = run("validate")
    assert result.returncode == 0, result.stderr
    assert "All layers valid" in result.stdout


def test_validate_json_reports_layer_counts(atlas):
    result = run("validate", "--json")
    report = json.loads(result.stdout)
    assert report["ok"] is True and report["errors"] == []
    assert report["layers"]["zones"] == len(atlas.zones)
    assert set(report["layers"]) >= {"zones", "places", "roads", "national", "provinces", "sectors"}
    assert (report["layers"]["provinces"], report["layers"]["regencies"]) == (38, 514)


def test_validate_a_broken_file_exits_two_with_file_row_column(tmp_path, data_copy):
    zones = (data_copy / "zones.csv").read_text(encoding="utf-8").splitlines()
    zones[2] = zones[2].replace(",KEK,", ",SEZ,", 1)
    broken = tmp_path / "zones.csv"
    broken.write_text("\n".join(zones) + "\n", encoding="utf-8")
    result = run("validate", "--json", str(broken))
    assert result.returncode == 2
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert {"file": "zones.csv", "row": 3, "column": "kind"}.items() <= report["errors"][0].items()
    assert "'SEZ' is not one of" in report["errors"][0]["message"]
    plain = run("validate", str(broken))
    assert plain.returncode == 2 and "zones.csv, row 3, column 'kind'" in plain.stderr
    assert "Traceback" not in plain.stderr


def test_validate_refuses_a_file_it_cannot_place(tmp_path):
    other = tmp_path / "mystery.csv"
    other.write_text("a,b\n1,2\n")
    result = run("validate", str(other))
    assert result.returncode == 2 and "cannot tell which layer" in result.stderr


def test_kaltim_json_matches_the_core(atlas):
    result = run("kaltim", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == json.loads(json.dumps(kaltim_analysis(atlas)))


def test_kaltim_rings_option(atlas):
    report = json.loads(run("kaltim", "--json", "--rings", "10,30,60").stdout)
    assert report["rings_km"] == [10.0, 30.0, 60.0]
    assert all(site["within_ring_km"] in (None, 10.0, 30.0, 60.0) for site in report["sites"])


def test_kaltim_table_is_readable(capsys):
    assert main(["kaltim"]) == 0
    out = capsys.readouterr().out
    assert "Kawasan Industri Kariangau" in out and "nearest port" in out


@pytest.mark.parametrize("rings", ["x", "0", "10,abc"])
def test_bad_rings_exit_two(rings):
    result = run("kaltim", "--rings", rings)
    assert result.returncode == 2 and "--rings" in result.stderr


def test_validate_json_counts_the_infrastructure_layer(atlas):
    report = json.loads(run("validate", "--json").stdout)
    assert report["layers"]["infrastructure"] == len(atlas.infrastructure) > 0


def test_kaltim_json_nearest_ports_are_real_ports():
    sites = {s["id"]: s for s in json.loads(run("kaltim", "--json").stdout)["sites"]}
    maloy = sites["maloy_batuta_trans_kalimantan"]["nearest_port"]
    assert "Maloy" in maloy["name"] and maloy["km"] > 0
    bontang = sites["ki_kaltim_industrial_estate"]["nearest_port"]
    assert "Bontang" in bontang["name"] and bontang["km"] < 15


def test_zones_json_has_every_field_and_filters_like_the_core(atlas):
    result = run("zones", "--kind", "KEK", "--province", "Kalimantan Timur", "--json")
    assert result.returncode == 0, result.stderr
    zones = json.loads(result.stdout)["zones"]
    expected = atlas.zones[(atlas.zones["kind"] == "KEK") & (atlas.zones["province"] == "Kalimantan Timur")]
    assert [z["id"] for z in zones] == list(expected.index)
    assert set(zones[0]) == {
        "id", "name", "kind", "status", "province", "regency", "lon", "lat", "coord_precision", "boundary",
        "area_ha", "measured_area_ha", "established", "sectors", "investment_idr_trillion", "investment_as_of",
        "sources",
    }  # fmt: skip
    maloy = next(z for z in zones if z["id"] == "maloy_batuta_trans_kalimantan")
    assert maloy["boundary"] == "official" and maloy["coord_precision"] == "official"
    assert maloy["measured_area_ha"] == round(atlas.zones.at[maloy["id"], "measured_area_ha"], 1)
    assert isinstance(maloy["sectors"], list) and isinstance(maloy["sources"], list)
    candidate = next(z for z in zones if z["status"] == "candidate")
    assert candidate["boundary"] in ("indicative", "none") and candidate["measured_area_ha"] is None


def test_zones_sector_and_province_id_filters(atlas):
    nickel = json.loads(run("zones", "--sector", "nickel", "--json").stdout)["zones"]
    assert nickel and all("nickel" in z["sectors"] for z in nickel)
    assert len(nickel) == sum("nickel" in tags for tags in atlas.zones["sectors"])
    by_id = json.loads(run("zones", "--province", "kalimantan_timur", "--json").stdout)["zones"]
    assert {z["province"] for z in by_id} == {"Kalimantan Timur"}


def test_zones_table_and_unknown_filters(capsys):
    assert main(["zones", "--kind", "KI"]) == 0
    out = capsys.readouterr().out
    assert "ki_kariangau" in out and "boundary" in out and "maloy" not in out
    result = run("zones", "--sector", "unicorns")
    assert result.returncode == 2 and "unicorns" in result.stderr and "Traceback" not in result.stderr
    assert run("zones", "--kind", "SEZ").returncode == 2
