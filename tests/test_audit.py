"""The 2026-12 audit: its decision log, the tool that applies it, and the facts it put in the shipped data."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from geodata.atlas import DATA_DIR
from geodata.national import target

ROOT = Path(__file__).resolve().parents[1]
TOOL = ROOT / "tools" / "apply_audit.py"
REFERENCE = ROOT.parent / "shared" / "reference"
PATCHED = ("zones.csv", "national.csv", "roads.csv", "places.csv")
SUPERSEDED = "superseded by the official boundary point (tools/build_kek.py)"

needs_reference = pytest.mark.skipif(
    not (REFERENCE / "audit" / "corrections.csv").exists(),
    reason="the shared reference folder is not beside the repo",
)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _run(data: Path, reference: Path = REFERENCE) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(TOOL), "--data", str(data), "--reference", str(reference)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip


def _snapshot(data: Path) -> dict[str, bytes]:
    return {name: (data / name).read_bytes() for name in PATCHED}


@pytest.fixture(scope="module")
def log() -> list[dict[str, str]]:
    return _rows(DATA_DIR / "audit_log.csv")


@pytest.fixture
def unpatched(data_copy: Path) -> Path:
    """The data as committed before the audit (the parent of the audit commits), with today's log."""
    for name in PATCHED:
        before = subprocess.run(
            ["git", "show", f"2d7f4c0:geodata/data/{name}"], cwd=ROOT, capture_output=True, check=True
        ).stdout
        (data_copy / name).write_bytes(before)
    return data_copy


@needs_reference
def test_the_shipped_data_is_what_the_tool_makes_and_a_second_run_changes_nothing(data_copy):
    shipped = _snapshot(data_copy)
    result = _run(data_copy)
    assert result.returncode == 0, result.stderr
    assert _snapshot(data_copy) == shipped


@needs_reference
def test_from_the_pre_audit_data_two_runs_give_the_same_files(unpatched):
    before = _snapshot(unpatched)
    first = _run(unpatched)
    assert first.returncode == 0, first.stderr
    once = _snapshot(unpatched)
    assert once != before
    assert _run(unpatched).returncode == 0
    assert _snapshot(unpatched) == once


@needs_reference
def test_every_audit_row_has_exactly_one_decision_with_a_reason(log):
    corrections = _rows(REFERENCE / "audit" / "corrections.csv")
    proposals = _rows(REFERENCE / "audit" / "coordinate_proposals.csv")
    origins = [row["origin"] for row in log]
    expected = [f"corrections.csv:{n}" for n in range(2, len(corrections) + 2)]
    expected += [f"coordinate_proposals.csv:{row['zone_id']}" for row in proposals]
    for origin in expected:
        assert origins.count(origin) == 1, origin
    for row in log:
        assert row["decision"] in ("applied", "changed", "rejected")
        assert row["why"].strip()
        assert row["decision"] != "rejected" or json.loads(row["patches"]) == []


def test_in_force_kek_coordinates_are_left_to_the_kek_tool(log, atlas):
    in_force = set(
        atlas.zones.index[
            (atlas.zones["kind"] == "KEK") & atlas.zones["status"].isin(["operating", "development"])
        ]
    )
    coordinate_rows = [
        row for row in log
        if row["origin"].startswith("corrections.csv") and row["field"] in ("lon", "lat", "coord_precision", "coord_method")
    ]  # fmt: skip
    for row in coordinate_rows:
        if row["target"] in in_force:
            assert (row["decision"], row["applied_by"]) == ("changed", "tools/build_kek.py")
            assert row["why"].startswith(SUPERSEDED)
            assert json.loads(row["patches"]) == []
    assert in_force <= {row["target"] for row in coordinate_rows}


@needs_reference
def test_non_kek_points_take_the_proposal_only_where_its_error_is_smaller(atlas):
    for proposal in _rows(REFERENCE / "audit" / "coordinate_proposals.csv"):
        zone = atlas.zones.loc[proposal["zone_id"]]
        if zone["kind"] == "KEK" and zone["status"] in ("operating", "development"):
            continue
        if not proposal["proposed_lat"]:
            assert zone["coord_precision"] == proposal["shipped_precision"]
            continue
        error = float(re.search(r"error ±(\d+(?:\.\d+)?) km", zone["coord_method"])[1])
        assert error < float(proposal["offset_km"])
        assert (zone["lat"], zone["lon"]) == (
            float(proposal["proposed_lat"]),
            float(proposal["proposed_lon"]),
        )
        assert zone["coord_precision"] == ("approximate" if error <= 5 else "town-level")
        assert "source:" in zone["coord_method"]


def test_distinct_zones_share_a_point_only_where_their_notes_say_why(atlas):
    zones = atlas.zones
    for ids in (list(ids) for ids in zones.groupby(["lon", "lat"]).groups.values() if len(ids) > 1):
        explained = [
            (a, b)
            for a in ids
            for b in ids
            if a != b and (b in (n := zones.at[a, "notes"] or "") or zones.at[b, "name"] in n)
        ]
        assert explained, f"{ids} share a point and no row's notes say why"
    batam = atlas.zones.loc[["nongsa", "batam_aero_technic", "batam_health_tourism"], ["lon", "lat"]]
    assert not batam.duplicated().any()  # the three Batam KEKs no longer share the city point


def test_statuses_operators_and_palu_follow_the_audit(atlas):
    zones = atlas.zones
    assert zones.at["morotai", "status"] == "operating"
    assert zones.at["sanur", "status"] == "operating"
    assert zones.at["likupang", "status"] == "development"  # rejected: no dated operating decision
    assert zones.at["palu", "legal_basis"] == "PP 31/2014"
    assert zones.at["palu", "area_ha"] == pytest.approx(1500)
    assert zones.at["palu", "operator"].startswith("PT Bangun Palu Sulawesi Tengah")
    assert "fertilizer" in zones.at["arun_lhokseumawe", "sectors"]


def test_sei_mangkei_kek_row_no_longer_carries_the_ki_figures_which_live_on_in_national(atlas):
    sei = atlas.zones.loc["sei_mangkei"]
    assert sei["investment_idr_trillion"] != sei["investment_idr_trillion"]  # NaN: no KEK figure
    assert sei["workforce"] != 2100
    rows = atlas.national[atlas.national["zone_id"] == "sei_mangkei"]
    kek_series = rows[rows["metric"] == "investment_realized"]
    assert 2.42 not in set(kek_series["value"])
    ki = rows.set_index("metric")
    assert ki.at["investment_realized_ki", "value"] == pytest.approx(2.42)
    assert ki.at["workers_ki", "value"] == 2100
    assert "KI Sei Mangkei" in ki.at["investment_realized_ki", "sources"][0]


def test_the_national_series_is_completed_with_sources(atlas):
    national = atlas.national
    goal = target(national, 2025)
    assert goal is not None and goal["value"] == pytest.approx(84.1) and goal["sources"]

    def value(period: str, period_type: str, metric: str) -> float:
        row = national[
            (national["period"] == period) & (national["period_type"] == period_type)
            & (national["metric"] == metric) & national["zone_id"].isna() & (national["unit"] != "USD billion")
        ]  # fmt: skip
        assert len(row) == 1 and row.iloc[0]["sources"], (period, metric)
        return row.iloc[0]["value"]

    assert value("2024-09", "cumulative", "investment_realized") == pytest.approx(242.5)
    assert value("2025-H1", "half", "investment_realized") == pytest.approx(40.48)
    assert value("2025-09", "cumulative", "investment_realized") == pytest.approx(314)
    assert value("2025-06", "cumulative", "workers") == 187376
    rebased = national[(national["period"] == "2025-12") & (national["metric"] == "investment_realized")]
    assert "Re-based" in rebased.iloc[0]["notes"]
    seeded = national[national["period"].isin(["2024-Q1", "2024-03"])]
    assert seeded["sources"].map(lambda sources: any("CNBC Indonesia" in s for s in sources)).all()


def test_every_zone_with_a_pp_has_its_year_and_candidates_have_none(atlas):
    zones = atlas.zones
    with_pp = zones["legal_basis"].fillna("").str.extract(r"PP \d+/(\d{4})")[0].dropna()
    assert len(with_pp) >= 26
    for zone_id, year in with_pp.items():
        assert zones.at[zone_id, "established"] == int(year), zone_id
        assert zones.at[zone_id, "established_source"], zone_id
    candidates = zones[zones["status"] == "candidate"]
    assert candidates["established"].isna().all()
    assert zones.at["ki_imip_morowali", "established"] == 2015


@needs_reference
def test_a_log_that_no_longer_matches_the_audit_is_refused(unpatched, tmp_path):
    reference = tmp_path / "reference"
    (reference / "audit").mkdir(parents=True)
    for name in ("corrections.csv", "coordinate_proposals.csv"):
        (reference / "audit" / name).write_bytes((REFERENCE / "audit" / name).read_bytes())
    corrections = reference / "audit" / "corrections.csv"
    text = corrections.read_text(encoding="utf-8")
    corrections.write_text(text.replace("PT Malamoi Olong Wobok (MOW)", "PT Someone Else"), encoding="utf-8")
    before = _snapshot(unpatched)
    result = _run(unpatched, reference)
    assert result.returncode == 2 and "changed since the log was made" in result.stderr
    assert _snapshot(unpatched) == before


def test_a_rejected_row_with_patches_is_refused(data_copy):
    log_path = data_copy / "audit_log.csv"
    rows = _rows(log_path)
    rejected = next(row for row in rows if row["decision"] == "rejected")
    rejected["patches"] = json.dumps([{"file": "zones.csv", "id": "sorong", "set": {"status": "revoked"}}])
    with log_path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    result = _run(data_copy)
    assert result.returncode == 2 and "rejected row cannot carry patches" in result.stderr


@needs_reference
def test_what_the_kek_tool_sets_survives_a_rerun(data_copy):
    zones_path = data_copy / "zones.csv"
    rows = _rows(zones_path)
    nongsa = next(row for row in rows if row["id"] == "nongsa")
    nongsa["lon"], nongsa["lat"], nongsa["coord_precision"] = "104.10047", "1.19122", "official"
    nongsa["sources"] += ";official boundary of KEK Nongsa (kek.go.id), added by another tool"
    with zones_path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    assert _run(data_copy).returncode == 0
    after = next(row for row in _rows(zones_path) if row["id"] == "nongsa")
    assert (after["lon"], after["lat"], after["coord_precision"]) == ("104.10047", "1.19122", "official")
    assert after["sources"].endswith("added by another tool")
    assert after["status"] == "operating" and after["established"] == "2021"
