"""Put the industrial estates (KI) of the researcher's worksheet into zones.csv, after checking each row.

The worksheet (``industrial_estates.csv`` in the reference folder) is a draft: every row is checked
against the zones.csv schema, against the official (Kepmendagri 2025) province polygons and against
the worksheet's own point cross-checks before it enters the atlas. Rows are upserted by id, so the
tool is idempotent and leaves every row it does not own (KEKs, the five shipped KIs) untouched.
A log of what happened to each worksheet row goes to ``estates_log.csv`` beside zones.csv.

Estates the worksheet lacks, found later in public sources, are in ``tools/estates_supplement.csv``
(the worksheet's columns; status may also be ``candidate``) and go through the same checks.

    python tools/build_estates.py [--reference DIR] [--supplement CSV] [--zones PATH] [--log PATH]
"""

from __future__ import annotations

import argparse
import csv
import functools
import io
import math
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import shapely
from pyproj import Geod
from shapely import ops
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from anywhere: geodata is this repository's

from geodata.schema import LAT_RANGE, LON_RANGE, PRECISIONS, PROVINCES, ZONE_COLUMNS, parse_records  # noqa: E402
from tools.build_boundaries import parse_sql  # noqa: E402

DEFAULT_REFERENCE = ROOT.parent / "shared" / "reference"
DEFAULT_ZONES = ROOT / "geodata" / "data" / "zones.csv"
DEFAULT_SUPPLEMENT = ROOT / "tools" / "estates_supplement.csv"
WORKSHEET = "industrial_estates.csv"
CROSSCHECK = "audit/industrial_estates_crosscheck.csv"
PROVINCE_SQL = "boundaries/wilayah_boundaries/db/prov"
REGENCY_SQL = "boundaries/wilayah_boundaries/db/kab"

# The five KIs already in zones.csv belong to the zone audit tool: their worksheet rows are mapped, not written.
SHIPPED_KI = (
    "ki_kariangau",
    "ki_buluminung",
    "ki_kaltim_industrial_estate",
    "kiht_probolinggo",
    "ki_imip_morowali",
)
# Estates on the site of a KEK (or a proposed KEK) that the atlas lists as its own zone: both stay, and
# the estate's notes name that zone so that the two markers are not read as a duplicate.
SAME_SITE = {
    "ki_sei_mangkei": "sei_mangkei",
    "ki_kendal_kik": "kendal",
    "ki_kitb_batang": "industropolis_batang",
    "ki_jiipe_gresik": "gresik",
    "ki_bitung": "bitung",
    "ki_palu": "palu",
    "ki_batuta_bcip": "cand_bcip_kutai_timur",
    "ki_kipi_tanah_kuning": "cand_mangkupadi",
}
STATUS = {
    "operating": "operating",
    "development": "development",
    "planned": "candidate",
    "candidate": "candidate",
}
PLANNED_NOTE = (
    "Worksheet status 'planned' (designated in a plan, no evidence of construction): shown as candidate."
)
COAST_TOLERANCE_KM = 5.0  # a coastal estate's point may fall just off the simplified province outline
LARGE_OFFSET_KM = 5.0  # a cross-check further than this, outside the check village, disagrees with the point
CONTEXT_CHECKS = ("kab:",)  # a regency centroid is context, not an independent point
LOG_COLUMNS = ("worksheet_id", "origin", "zone_id", "action", "precision", "detail")
# Sources that place or list an estate but state no year: left out of established_source.
PLACING_SOURCES = (
    "https://github.com/cahyadsn/wilayah_boundaries",
    "https://tanahair.indonesia.go.id",
    "https://github.com/herlambangp/Direktori-Perusahaan-Kawasan",
)
# A leading year qualified by one of these is the year of an intention, not of the estate.
NOT_ESTABLISHED = r"\bMoU\b|recommendation|spatial plan"
_GEOD = Geod(ellps="WGS84")
_SOURCE_WITH_REMARK = re.compile(r"^(https?://\S+)\s+\((.+)\)$")


@dataclass
class Outcome:
    """What the build did with one worksheet row: the zone row it made, or why it left the row out."""

    worksheet_id: str
    origin: str = "worksheet"  # worksheet | supplement
    zone: dict[str, str] | None = None
    action: str = "upserted"  # upserted | mapped_to_shipped | left_out
    reasons: list[str] = field(default_factory=list)  # why it was left out, or what was not checked
    shipped_id: str = ""  # the shipped zone a mapped row describes


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows of a CSV file, as text."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def write_csv(path: Path, header: Sequence[str], rows: Iterable[dict[str, str]]) -> None:
    """Write rows with minimal quoting and '\\n' line ends, as every data file of the atlas is written."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(header), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")


@dataclass(frozen=True)
class Boundaries:
    """Official province polygons, and the regency polygons that the rows name, by official name."""

    provinces: dict[str, BaseGeometry]
    regencies: dict[str, BaseGeometry]


@functools.cache
def _parsed_boundaries(folder: Path, names: frozenset[str] | None) -> dict[str, BaseGeometry]:
    """The official polygons of a folder of SQL dumps, by name (only ``names`` when given): parsing
    and repairing them is nearly all of a run's time, so only the polygons the rows use are made,
    and a process that builds several times (the tests) makes them once."""
    polygons_by_name: dict[str, BaseGeometry] = {}
    for sql in sorted(folder.glob("*.sql")):
        for area in parse_sql(sql.read_text(encoding="utf-8"), names):
            shapely.prepare(area.geometry)
            polygons_by_name[area.name] = area.geometry
    return polygons_by_name


def read_boundaries(folder: Path, names: Iterable[str] | None = None) -> dict[str, BaseGeometry]:
    """Official polygons by name from the wilayah_boundaries SQL dumps (only ``names`` when given),
    parsed as the shipped boundary layers are (tools/build_boundaries.py)."""
    return dict(_parsed_boundaries(folder.resolve(), None if names is None else frozenset(names)))


def regency_names(text: str) -> list[str]:
    """The regency names of a worksheet's regency text ("Kota Medan & Kabupaten Deli Serdang (Kec. ...)")."""
    return [name.strip() for name in re.split(r"&|/|;|,| and ", text.split("(")[0]) if name.strip()]


def load_boundaries(reference: Path, rows: Iterable[dict[str, str]]) -> Boundaries:
    """The official provinces and regencies the rows name (a province that is not one of the 38
    official names is left to build_zone, which leaves its row out saying so)."""
    rows = list(rows)
    wanted = {row["province"] for row in rows} & set(PROVINCES)
    provinces = read_boundaries(reference / PROVINCE_SQL, wanted)
    missing = sorted(wanted - set(provinces))
    if missing:
        raise SystemExit(f"no official polygon read for {', '.join(missing)} in {reference / PROVINCE_SQL}")
    named = {name for row in rows for name in regency_names(row["regency_city"])}
    return Boundaries(provinces, read_boundaries(reference / REGENCY_SQL, named))


def km_outside(point: Point, polygon: BaseGeometry) -> float:
    """Geodesic km from a point to the nearest point of a polygon it lies outside (0 when inside).

    A point outside Indonesia's extent (a swapped pair puts the latitude near 100) is infinitely far.
    """
    if not (LON_RANGE[0] <= point.x <= LON_RANGE[1] and LAT_RANGE[0] <= point.y <= LAT_RANGE[1]):
        return math.inf
    if polygon.covers(point):
        return 0.0
    nearest = ops.nearest_points(polygon, point)[0]
    return _GEOD.inv(point.x, point.y, nearest.x, nearest.y)[2] / 1000.0


def parse_year(text: str) -> str:
    """The year of the IUKI licence when the text names one, else the leading year; '' when none.

    "2018 (IUKI 19 Oct 2018; inaugurated 20 Dec 2018)" gives 2018; "PSN (Perpres 109/2020)" gives
    nothing, because a listing as a national strategic project is not the estate's establishment, and
    neither does "2019 (MoU 27 Mar 2019)": an agreement or a recommendation establishes nothing.
    """
    licence = re.search(r"IUKI\D{0,20}((?:19|20)\d{2})", text)
    if licence:
        return licence.group(1)
    leading = re.match(r"\s*((?:19|20)\d{2})\b\s*(\([^)]*\))?", text)
    if not leading or re.search(NOT_ESTABLISHED, leading.group(2) or "", re.IGNORECASE):
        return ""
    return leading.group(1)


def clean_sources(text: str) -> tuple[str, list[str]]:
    """Sources as the schema wants them (a URL or a citation per ';'), and remarks moved out of them.

    The worksheet sometimes writes "https://kek.go.id (kek_polygons Luas_ha 2002.77)": the address is
    kept as the source and the remark goes to the notes.
    """
    kept: list[str] = []
    remarks: list[str] = []
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        match = _SOURCE_WITH_REMARK.match(part)
        if match:
            kept.append(match.group(1))
            remarks.append(f"{match.group(1)}: {match.group(2)}")
        else:
            kept.append(part)
    return ";".join(kept), remarks


def year_sources(sources: str) -> str:
    """The row's sources that can state a year (the worksheet does not say which one does)."""
    parts = [p for p in sources.split(";") if not p.startswith(PLACING_SOURCES)]
    return ";".join(parts) or sources


def stated_error_km(coord_method: str) -> float:
    """The error the worksheet states for its point ("error ~±0.6 km", "error up to ~2.2 km"), else 0."""
    match = re.search(r"error[^0-9]{0,15}([\d.]+)\s*km", coord_method)
    return float(match.group(1)) if match else 0.0


def estate_radius_km(area_ha: str) -> float:
    """Radius of a circle of the estate's area: a check point this close may still be on the estate."""
    return math.sqrt(float(area_ha) * 1e4 / math.pi) / 1000.0 if area_ha.strip() else 0.0


def weigh_checks(row: dict[str, str], checks: Sequence[dict[str, str]]) -> tuple[list[str], list[str]]:
    """(the cross-checks that disagree with the row's point, the ones that support it), as phrases.

    A check disagrees when it lies more than LARGE_OFFSET_KM away, further than the two stated
    errors and the estate's own radius together, and the point is not inside the check's village.
    A KEK marker checked against an estate that is not on that KEK's site, or a regency centroid,
    is context rather than an independent point, and is skipped.
    """
    slack = stated_error_km(row["coord_method"]) + estate_radius_km(row["area_ha"])
    disagreeing: list[str] = []
    supporting: list[str] = []
    for check in checks:
        kind = check["check"]
        if kind.startswith(CONTEXT_CHECKS) or (
            kind.startswith("kek:") and not check["primary"].startswith("kek")
        ):
            continue
        km = float(check["dist_km"])
        phrase = f"{kind.split(' [')[0]} at {km:g} km"
        inside = check["primary_inside_check_village"] == "True"
        if km > max(LARGE_OFFSET_KM, slack + float(check["check_err_km"] or 0)) and not inside:
            disagreeing.append(phrase)
        else:
            supporting.append(
                phrase + (" (point inside that village)" if inside and km > LARGE_OFFSET_KM else "")
            )
    return disagreeing, supporting


def schema_problems(zone: dict[str, str], vocabulary: Sequence[str]) -> list[str]:
    """The schema's complaints about one zone row, as text."""
    _, problems = parse_records([zone], ZONE_COLUMNS, "zones.csv", vocabulary=vocabulary)
    return [f"{p.column}: {p.message}" for p in problems]


def build_zone(
    row: dict[str, str],
    checks: Sequence[dict[str, str]],
    boundaries: Boundaries,
    vocabulary: Sequence[str],
) -> Outcome:
    """Check one worksheet row and turn it into a zones.csv row, or say why it cannot be one."""
    outcome = Outcome(row["id"])
    if not row["lon"].strip() or not row["lat"].strip():
        outcome.action = "left_out"
        outcome.reasons.append(f"no point in the worksheet ({row['coord_method'] or 'site not found'})")
        return outcome
    if row["status"] not in STATUS:
        outcome.action = "left_out"
        outcome.reasons.append(f"unknown status '{row['status']}'")
        return outcome
    notes = [row["notes"].strip()] if row["notes"].strip() else []
    lon, lat = row["lon"].strip(), row["lat"].strip()
    precision = row["coord_precision"]
    method = row["coord_method"].strip()
    polygon = boundaries.provinces.get(row["province"])
    if polygon is None or row["province"] not in PROVINCES:
        outcome.action = "left_out"
        outcome.reasons.append(f"'{row['province']}' is not an official province name")
        return outcome
    km = km_outside(Point(float(lon), float(lat)), polygon)
    if km > COAST_TOLERANCE_KM:
        if km_outside(Point(float(lat), float(lon)), polygon) <= COAST_TOLERANCE_KM:
            lon, lat = lat, lon
            notes.append(
                "The worksheet's lon/lat were swapped; corrected by the build (the swapped pair lies in the province)."
            )
        else:
            outcome.action = "left_out"
            outcome.reasons.append(f"point ({lon}, {lat}) is {km:.1f} km outside {row['province']}")
            return outcome
    elif km > 0:
        method += f"; point lies {km:.1f} km off the simplified official outline of {row['province']} (coast)"
    regencies = [n for n in regency_names(row["regency_city"]) if n in boundaries.regencies]
    point = Point(float(lon), float(lat))
    if not regencies:
        outcome.reasons.append(f"regency not checked: no official regency name in '{row['regency_city']}'")
    elif (km := min(km_outside(point, boundaries.regencies[n]) for n in regencies)) > COAST_TOLERANCE_KM:
        outcome.action = "left_out"
        outcome.reasons.append(f"point ({lon}, {lat}) is {km:.1f} km outside {' or '.join(regencies)}")
        return outcome
    disagreeing, supporting = weigh_checks(row, checks)
    if disagreeing and not supporting:
        lower = PRECISIONS[min(PRECISIONS.index(precision) + 1, len(PRECISIONS) - 1)]
        method += (
            f"; cross-check (audit/industrial_estates_crosscheck.csv) puts independent points at "
            f"{', '.join(disagreeing)}, beyond the stated error: precision lowered from {precision} to {lower}"
        )
        precision = lower
    elif supporting:
        method += f"; cross-check supports it: {', '.join(supporting)}"
        if disagreeing:
            method += f"; but {', '.join(disagreeing)} disagree(s)"
    sources, remarks = clean_sources(row["sources"])
    area_source, area_remarks = clean_sources(row["area_source"])
    notes += [f"Source remark: {r}." for r in (*remarks, *area_remarks)]
    year = parse_year(row["year"])
    if row["year"].strip() and row["year"].strip() != year:
        notes.append(f"Year in the worksheet: {row['year'].strip()}.")
    if row["status"] == "planned":
        notes.append(PLANNED_NOTE)
    outcome.zone = {
        "id": row["id"],
        "name": row["name"].strip(),
        "kind": "KIHT" if row["name"].startswith("KIHT") else "KI",
        "status": STATUS[row["status"]],
        "province": row["province"],
        "regency": row["regency_city"].strip(),
        "lon": lon,
        "lat": lat,
        "coord_precision": precision,
        "coord_method": method,
        "area_ha": row["area_ha"].strip(),
        "area_source": area_source,
        "sectors": row["sectors"].strip(),
        "operator": row["operator"].strip(),
        "established": year,
        "established_source": year_sources(sources) if year else "",
        "as_of": row["as_of"].strip(),
        "sources": sources,
        "notes": " ".join(notes),
    }
    problems = schema_problems(outcome.zone, vocabulary)
    if problems:
        outcome.action = "left_out"
        outcome.reasons += problems
        outcome.zone = None
    return outcome


def note_shared_points(zones: list[dict[str, str]], owned: set[str]) -> None:
    """Say in the notes of each owned zone which other zones sit on exactly the same point, and why."""
    by_point: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for zone in zones:
        by_point[(f"{float(zone['lon']):.6f}", f"{float(zone['lat']):.6f}")].append(zone)
    for group in by_point.values():
        for zone in group:
            if zone["id"] not in owned or len(group) == 1:
                continue
            others = ", ".join(f"{o['id']} ({o['name']})" for o in group if o is not zone)
            where = zone["coord_method"].split(" from ")[0].split(";")[0]
            note = f"Same point as {others}: both are placed by {where}; they are distinct estates."
            zone["notes"] = f"{zone['notes']} {note}".strip()


def note_same_sites(zones: list[dict[str, str]], owned: set[str]) -> None:
    """Name, in an owned estate's notes, the KEK zone of the atlas that occupies the same site."""
    names = {zone["id"]: zone["name"] for zone in zones}
    for zone in zones:
        other = SAME_SITE.get(zone["id"])
        if zone["id"] in owned and other in names:
            note = f"The atlas also lists the KEK on this site as zone {other} ({names[other]}); this row is the industrial estate."
            zone["notes"] = f"{zone['notes']} {note}".strip()


def same_estate(row: dict[str, str], zone: dict[str, str]) -> bool:
    """A worksheet row describes an existing zone: the same id, or the same name."""
    return row["id"] == zone["id"] or row["name"].strip().lower() == zone["name"].strip().lower()


def build(reference: Path, supplement: Path, zones_path: Path, log_path: Path) -> list[Outcome]:
    """Check the worksheet and supplement, upsert their estates into zones.csv, write the log."""
    _, worksheet = read_csv(reference / WORKSHEET)
    _, extra = read_csv(supplement)
    repeated = {r["id"] for r in worksheet} & {r["id"] for r in extra}
    if repeated:
        raise SystemExit(f"the supplement repeats worksheet ids: {', '.join(sorted(repeated))}")
    _, crosscheck = read_csv(reference / CROSSCHECK)
    header, zones = read_csv(zones_path)
    _, sectors = read_csv(zones_path.parent / "sectors.csv")
    vocabulary = [s["id"] for s in sectors]
    boundaries = load_boundaries(reference, [*worksheet, *extra])
    checks_by_id: dict[str, list[dict[str, str]]] = defaultdict(list)
    for check in crosscheck:
        checks_by_id[check["id"]].append(check)

    shipped = [z for z in zones if z["id"] in SHIPPED_KI]
    outcomes: list[Outcome] = []
    for origin, row in [("worksheet", r) for r in worksheet] + [("supplement", r) for r in extra]:
        match = (
            row["id"]
            if row["id"] in SHIPPED_KI
            else next((z["id"] for z in shipped if same_estate(row, z)), None)
        )
        if match is not None:
            outcomes.append(Outcome(row["id"], origin, action="mapped_to_shipped", shipped_id=match))
            continue
        outcome = build_zone(row, checks_by_id[row["id"]], boundaries, vocabulary)
        outcome.origin = origin
        outcomes.append(outcome)

    owned = {o.worksheet_id for o in outcomes if o.action != "mapped_to_shipped"}
    clash = owned & {z["id"] for z in zones if z["kind"] not in ("KI", "KIHT")}
    if clash:
        raise SystemExit(f"worksheet ids already used by other zones: {', '.join(sorted(clash))}")
    made = {o.zone["id"]: o.zone for o in outcomes if o.zone}
    kept = [z for z in zones if z["id"] not in owned or z["id"] in made]
    present = {z["id"] for z in kept}
    merged = [{**z, **made[z["id"]]} if z["id"] in made else z for z in kept]
    merged += [{column: made[i].get(column, "") for column in header} for i in made if i not in present]
    note_same_sites(merged, set(made))
    note_shared_points(merged, set(made))
    write_csv(zones_path, header, merged)
    write_csv(log_path, LOG_COLUMNS, (log_row(o) for o in outcomes))
    return outcomes


def log_row(outcome: Outcome) -> dict[str, str]:
    """One line of estates_log.csv."""
    zone_id = outcome.zone["id"] if outcome.zone else outcome.shipped_id
    return {
        "worksheet_id": outcome.worksheet_id,
        "origin": outcome.origin,
        "zone_id": zone_id,
        "action": outcome.action,
        "precision": outcome.zone["coord_precision"] if outcome.zone else "",
        "detail": "; ".join(outcome.reasons),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: build, then print a one-paragraph summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--reference", type=Path, default=DEFAULT_REFERENCE, help="the shared reference folder"
    )
    parser.add_argument(
        "--supplement", type=Path, default=DEFAULT_SUPPLEMENT, help="estates added from public sources"
    )
    parser.add_argument("--zones", type=Path, default=DEFAULT_ZONES, help="the zones.csv to patch in place")
    parser.add_argument(
        "--log", type=Path, help="where to write the log (default: estates_log.csv beside zones)"
    )
    args = parser.parse_args(argv)
    log = args.log or args.zones.parent / "estates_log.csv"
    outcomes = build(args.reference, args.supplement, args.zones, log)
    counts: dict[str, int] = defaultdict(int)
    for outcome in outcomes:
        counts[outcome.action] += 1
    print(", ".join(f"{n} {action}" for action, n in sorted(counts.items())) + f"; log in {log}")
    for outcome in outcomes:
        if outcome.action == "left_out":
            print(f"  left out {outcome.worksheet_id}: {'; '.join(outcome.reasons)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
