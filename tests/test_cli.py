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
