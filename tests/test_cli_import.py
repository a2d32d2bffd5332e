"""``python -m geodata import``: exit 0 and a report on success, 2 and the message on a rejected file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
from shapely.geometry import box

from geodata.cli import main
from geodata.store import Store

ROOT = Path(__file__).resolve().parent.parent
BOWTIE = ROOT / "tests" / "import_corpus" / "bowtie.geojson"


def test_import_json_report_and_exit_codes(tmp_path):
    store = tmp_path / "store"
    ok = subprocess.run(
        [sys.executable, "-m", "geodata", "import", str(BOWTIE), "--json", "--store", str(store)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ok.returncode == 0, ok.stderr
    report = json.loads(ok.stdout)
    assert {
        "ok": True,
        "layer": "bowtie",
        "features": 1,
        "repaired": 1,
        "errors": [],
    }.items() <= report.items()
    assert [i.id for i in Store(store).layers()] == ["bowtie"]

    truncated = tmp_path / "batas.geojson"
    truncated.write_text(BOWTIE.read_text()[:60], encoding="utf-8")
    bad = subprocess.run(
        [sys.executable, "-m", "geodata", "import", str(truncated), "--json", "--store", str(store)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 2
    report = json.loads(bad.stdout)
    assert (report["ok"], report["layer"], report["features"]) == (False, "batas", 0)
    assert {"file": "batas.geojson", "row": None, "column": None}.items() <= report["errors"][0].items()
    assert report["errors"][0]["message"].startswith("is not valid JSON at line 1")
    assert [i.id for i in Store(store).layers()] == ["bowtie"]  # a rejected file changes nothing


def test_a_rejected_file_prints_its_problems_not_a_traceback(tmp_path, capsys):
    bad = tmp_path / "notes.txt"
    bad.write_text("hello", encoding="utf-8")
    assert main(["import", str(bad), "--store", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert (
        err.startswith("Not imported: 1 problem:\n  - notes.txt: is a '.txt' file") and "Traceback" not in err
    )


def test_footprints_dry_run_shows_matches_and_stores_nothing(tmp_path, capsys):
    path = tmp_path / "kendal.geojson"
    frame = gpd.GeoDataFrame({"nama": ["KEK Kendal"]}, geometry=[box(110.19, -6.93, 110.22, -6.90)], crs=4326)
    path.write_text(frame.to_json(drop_id=True), encoding="utf-8")
    args = ["import", str(path), "--mode", "footprints", "--store", str(tmp_path / "store")]
    assert main([*args, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "kendal.geojson can be imported as footprints (1 feature, 0 repaired); nothing stored" in out
    assert "kendal <- row 1 (by name)" in out and "it had an official boundary" in out
    assert Store(tmp_path / "store").layers() == []
    assert main([*args, "--layer", "Batas Kendal"]) == 0
    assert "as footprints layer 'batas_kendal'" in capsys.readouterr().out
    assert [i.kind for i in Store(tmp_path / "store").layers()] == ["footprints"]


def test_a_projected_file_can_be_given_its_crs(tmp_path, capsys):
    path = tmp_path / "utm.csv"
    path.write_text("nama,x,y\nKariangau,478000,9871000\n", encoding="utf-8")
    assert main(["import", str(path), "--store", str(tmp_path)]) == 2
    assert "look projected" in capsys.readouterr().err
    assert main(["import", str(path), "--store", str(tmp_path), "--crs", "EPSG:32750"]) == 0


def test_a_bad_limit_in_the_environment_is_named(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ATLAS_IMPORT_MAX_MB", "-1")
    assert main(["import", str(BOWTIE), "--store", str(tmp_path)]) == 2
    assert "ATLAS_IMPORT_MAX_MB must be a positive number" in capsys.readouterr().err
