"""The industrial estates (KI) built from the worksheet: the build tool's behaviour and the shipped rows."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from geodata.atlas import DATA_DIR, load_atlas
from geodata.schema import PROVINCES
from tools import build_estates as be

ROOT = Path(__file__).resolve().parents[1]
TOOL = ROOT / "tools" / "build_estates.py"
REFERENCE = be.DEFAULT_REFERENCE

needs_reference = pytest.mark.skipif(
    not (REFERENCE / be.WORKSHEET).exists(), reason=f"the reference worksheet is not at {REFERENCE}"
)


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def run_tool(zones: Path, reference: Path = REFERENCE) -> None:
    """The tool's command line in this process: it parses the official boundaries once per process,
    which is nearly all of a run's time (one test runs it as a program too)."""
    assert be.main(["--reference", str(reference), "--zones", str(zones)]) == 0


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A copy of the shipped zones.csv and sectors.csv to run the tool on."""
    for name in ("zones.csv", "sectors.csv"):
        shutil.copy(DATA_DIR / name, tmp_path / name)
    return tmp_path / "zones.csv"


@pytest.fixture
def shipped_log() -> list[dict[str, str]]:
    return rows(DATA_DIR / "estates_log.csv")


@needs_reference
def test_the_tool_is_idempotent_and_the_shipped_file_is_its_output(data_copy: Path):
    command = [sys.executable, str(TOOL), "--reference", str(REFERENCE), "--zones", str(data_copy)]
    subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT)
    first = data_copy.read_bytes()
    run_tool(data_copy)
    assert data_copy.read_bytes() == first
    assert first == (DATA_DIR / "zones.csv").read_bytes(), "re-run tools/build_estates.py and commit"
    assert (data_copy.parent / "estates_log.csv").read_bytes() == (DATA_DIR / "estates_log.csv").read_bytes()


@needs_reference
def test_rows_the_tool_does_not_own_keep_their_bytes_and_order(data_copy: Path, shipped_log):
    owned = {r["zone_id"] for r in shipped_log if r["action"] == "upserted"}
    header = list(rows(data_copy)[0])
    before = [r for r in rows(data_copy) if r["id"] not in owned]
    before[0] = {**before[0], "notes": "edited by another engineer"}  # another owner's change survives
    be.write_csv(data_copy, header, before)
    before_text = data_copy.read_text(encoding="utf-8")
    run_tool(data_copy)
    after_text = data_copy.read_text(encoding="utf-8")
    assert after_text.startswith(before_text)  # the same bytes, in the same order, then the estates
    assert {r["id"] for r in rows(data_copy)[len(before) :]} == owned
    assert "\r" not in after_text


def make_reference(tmp_path: Path, worksheet: list[dict[str, str]]) -> Path:
    """A reference folder with the given worksheet rows, the real cross-check and the real boundaries."""
    reference = tmp_path / "reference"
    (reference / "audit").mkdir(parents=True)
    shutil.copy(REFERENCE / be.CROSSCHECK, reference / be.CROSSCHECK)
    (reference / "boundaries").symlink_to(REFERENCE / "boundaries")
    header = list(rows(REFERENCE / be.WORKSHEET)[0])
    be.write_csv(reference / be.WORKSHEET, header, worksheet)
    return reference


@needs_reference
def test_the_checks_fix_swaps_leave_out_bad_points_and_never_touch_shipped_kis(tmp_path, data_copy):
    source = {r["id"]: r for r in rows(REFERENCE / be.WORKSHEET)}
    swapped = {
        **source["ki_aceh_ladong"],
        "lon": source["ki_aceh_ladong"]["lat"],
        "lat": source["ki_aceh_ladong"]["lon"],
    }
    elsewhere = {**source["ki_medanstar"], "province": "Jawa Barat"}
    no_point = source["ki_way_laga_bizpark"]
    bad_source = {**source["ki_jababeka"], "sources": "Kompas"}
    moved_kariangau = {**source["ki_kariangau"], "lon": "116.9", "name": "Kariangau moved"}
    planned = source["ki_tanggamus"]
    other_regency = {**source["ki_sei_mangkei"], "regency_city": "Kabupaten Langkat (Kec. Stabat)"}
    unnamed_regency = {**source["ki_piyungan"], "regency_city": "Bantul area"}
    reference = make_reference(
        tmp_path,
        [swapped, elsewhere, no_point, bad_source, moved_kariangau, planned, other_regency, unnamed_regency],
    )
    shipped_before = {r["id"]: r for r in rows(data_copy) if r["id"] in be.SHIPPED_KI}
    header = list(rows(data_copy)[0])
    be.write_csv(
        data_copy,
        header,
        [r for r in rows(data_copy) if not r["id"].startswith("ki_") or r["id"] in be.SHIPPED_KI],
    )

    run_tool(data_copy, reference)

    zones = {r["id"]: r for r in rows(data_copy)}
    log = {r["worksheet_id"]: r for r in rows(data_copy.parent / "estates_log.csv")}
    assert (zones["ki_aceh_ladong"]["lon"], zones["ki_aceh_ladong"]["lat"]) == (
        swapped["lat"],
        swapped["lon"],
    )
    assert "swapped" in zones["ki_aceh_ladong"]["notes"]
    assert "ki_medanstar" not in zones and "outside Jawa Barat" in log["ki_medanstar"]["detail"]
    assert "ki_way_laga_bizpark" not in zones and "no point" in log["ki_way_laga_bizpark"]["detail"]
    assert "ki_jababeka" not in zones and "sources" in log["ki_jababeka"]["detail"]
    assert log["ki_kariangau"] == {
        **log["ki_kariangau"],
        "action": "mapped_to_shipped",
        "zone_id": "ki_kariangau",
    }
    assert {i: zones[i] for i in be.SHIPPED_KI} == shipped_before
    assert (
        zones["ki_tanggamus"]["status"] == "candidate" and be.PLANNED_NOTE in zones["ki_tanggamus"]["notes"]
    )
    assert "ki_sei_mangkei" not in zones and "outside Kabupaten Langkat" in log["ki_sei_mangkei"]["detail"]
    assert "ki_piyungan" in zones and "regency not checked" in log["ki_piyungan"]["detail"]


@needs_reference
def test_a_point_the_crosscheck_refutes_loses_precision(tmp_path, data_copy):
    row = next(r for r in rows(REFERENCE / be.WORKSHEET) if r["id"] == "ki_jatengland_sayung")
    run_tool(data_copy, make_reference(tmp_path, [row]))
    zone = next(r for r in rows(data_copy) if r["id"] == "ki_jatengland_sayung")
    assert row["coord_precision"] == "approximate"
    assert zone["coord_precision"] == "town-level"
    assert "RBI:sayung at 6.18 km" in zone["coord_method"]


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("2018 (IUKI 19 Oct 2018; inaugurated 20 Dec 2018)", "2018"),
        ("2023 (PSN 2023); IUKI 2025 (new KI per Kemenperin)", "2025"),
        ("1990", "1990"),
        ("2020-21 (land preparation; PSN coal-to-methanol)", "2020"),
        ("PSN (Perpres 109/2020)", ""),
        ("2019 (MoU 27 Mar 2019); PSN 2023", ""),
        ("2017 (Kemenperin KI recommendation for Gorontalo Utara)", ""),
        ("2013 (development); KEK by PP 71/2021", "2013"),
        ("early 1990s", ""),
        ("", ""),
    ],
)
def test_parse_year(text: str, year: str):
    assert be.parse_year(text) == year


def test_a_source_with_a_remark_keeps_the_address_and_moves_the_remark():
    sources, remarks = be.clean_sources("https://kek.go.id (kek_polygons Luas_ha 534);https://a.example/x")
    assert sources == "https://kek.go.id;https://a.example/x"
    assert remarks == ["https://kek.go.id: kek_polygons Luas_ha 534"]


@pytest.fixture(scope="module")
def atlas():
    return load_atlas()


def test_shipped_data_has_at_least_100_kis_in_20_provinces(atlas):
    kis = atlas.zones[atlas.zones["kind"] == "KI"]
    assert len(kis) >= 100
    assert kis["province"].nunique() >= 20
    assert set(kis["province"]) <= set(PROVINCES)


def test_every_estate_has_kind_status_province_sources_and_as_of(atlas):
    estates = atlas.zones[atlas.zones["kind"].isin(["KI", "KIHT"])]
    for column in ("status", "province", "as_of", "coord_precision", "coord_method"):
        assert estates[column].notna().all(), column
    assert estates["sources"].map(len).gt(0).all()
    assert estates.loc[estates["established"].notna(), "established_source"].map(bool).all()


def test_no_duplicate_ids_names_or_unexplained_identical_points(atlas):
    zones = atlas.zones
    assert zones.index.is_unique
    assert not zones["name"].str.lower().duplicated().any()
    by_point: dict[tuple[float, float], list[str]] = defaultdict(list)
    for zone_id, point in zones.geometry.items():
        by_point[(round(point.x, 6), round(point.y, 6))].append(zone_id)
    estates = set(zones.index[zones["kind"].isin(["KI", "KIHT"])])
    shared = [g for g in by_point.values() if len(g) > 1 and estates & set(g)]
    assert shared, "the worksheet has estates placed on the same village centroid"
    for group in shared:
        for zone_id in estates & set(group):
            others = [o for o in group if o != zone_id]
            assert all(o in (zones.at[zone_id, "notes"] or "") for o in others), (zone_id, others)


@needs_reference
def test_every_worksheet_and_supplement_row_is_accounted_for_once(shipped_log, atlas):
    worksheet = rows(REFERENCE / be.WORKSHEET)
    supplement = rows(be.DEFAULT_SUPPLEMENT)
    assert Counter(r["worksheet_id"] for r in shipped_log) == Counter(r["id"] for r in worksheet + supplement)
    assert {r["worksheet_id"] for r in shipped_log if r["origin"] == "supplement"} == {
        r["id"] for r in supplement
    }
    provenance = (DATA_DIR / "ESTATES.md").read_text(encoding="utf-8")
    for entry in shipped_log:
        if entry["action"] == "left_out":
            assert entry["worksheet_id"] not in atlas.zones.index and entry["detail"]
            assert f"`{entry['worksheet_id']}`" in provenance, "ESTATES.md must list every row left out"
        else:
            assert entry["zone_id"] in atlas.zones.index
    assert {e["zone_id"] for e in shipped_log if e["action"] == "mapped_to_shipped"} == set(be.SHIPPED_KI)


@needs_reference
def test_every_worksheet_province_and_kaltim_estate_is_in_the_atlas(shipped_log, atlas):
    worksheet = rows(REFERENCE / be.WORKSHEET)
    estates = atlas.zones[atlas.zones["kind"].isin(["KI", "KIHT"])]
    assert {r["province"] for r in worksheet} <= set(estates["province"])
    zone_of = {e["worksheet_id"]: e["zone_id"] for e in shipped_log}
    kaltim = [r["id"] for r in worksheet if r["province"] == "Kalimantan Timur"]
    assert len(kaltim) >= 4
    assert all(estates.at[zone_of[i], "province"] == "Kalimantan Timur" for i in kaltim)


def test_estates_on_a_kek_site_name_that_kek(atlas):
    for estate, kek in be.SAME_SITE.items():
        assert kek in atlas.zones.index
        assert kek in atlas.zones.at[estate, "notes"]


def test_validate_passes_on_the_shipped_data():
    result = subprocess.run(
        [sys.executable, "-m", "geodata", "validate"], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


@needs_reference
def test_a_supplement_that_repeats_a_worksheet_id_is_refused(tmp_path, data_copy):
    worksheet = rows(REFERENCE / be.WORKSHEET)
    supplement = tmp_path / "supplement.csv"
    be.write_csv(supplement, list(worksheet[0]), worksheet[:1])
    before = data_copy.read_bytes()
    with pytest.raises(SystemExit, match=worksheet[0]["id"]):
        be.build(REFERENCE, supplement, data_copy, tmp_path / "log.csv")
    assert data_copy.read_bytes() == before
