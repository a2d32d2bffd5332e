"""Apply the decision log of the 2026-12 audit (geodata/data/audit_log.csv) to the shipped data files.

The log holds one row per row of the reference audit (audit/corrections.csv), per coordinate proposal
(audit/coordinate_proposals.csv) and per zone's establishment year, each with a decision (applied, changed,
rejected), why, and the concrete edits as JSON in `patches`. This tool applies the patches of the rows that
it owns (`applied_by` = tools/apply_audit.py); rows owned by tools/build_kek.py are left to that tool.

It patches by id (zones, roads, places) or by series key (national: period, period_type, metric, unit,
zone_id), keeps every other row and column as it is, and writes with the csv module's defaults and "\\n" line
ends, so running it twice changes nothing the second time. Before patching it checks that the log still
matches the reference audit it was made from (``--reference``), so a changed audit is noticed, not half applied.

    python tools/apply_audit.py [--reference ../shared/reference] [--data geodata/data]
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_REFERENCE = ROOT.parent / "shared" / "reference"
DEFAULT_DATA = ROOT / "geodata" / "data"
LOG_NAME = "audit_log.csv"
OWNER = "tools/apply_audit.py"
DECISIONS = ("applied", "changed", "rejected")
ID_FILES = ("zones.csv", "roads.csv", "places.csv")
NATIONAL_KEY = ("period", "period_type", "metric", "unit", "zone_id")

Table = tuple[list[str], list[dict[str, str]]]


class AuditError(ValueError):
    """The log cannot be applied as it stands (a missing row, an unknown column, a stale log)."""


def read_table(path: Path) -> Table:
    """A CSV file as its column order and its rows of text."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def write_table(path: Path, table: Table) -> None:
    """Write rows back in the file's own column order, minimal quoting, "\\n" line ends."""
    columns, rows = table
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def read_log(path: Path) -> list[dict[str, str]]:
    """The decision log, checked: known decisions, a reason for each, patches only on kept decisions."""
    _, rows = read_table(path)
    for number, row in enumerate(rows, start=2):
        if row["decision"] not in DECISIONS:
            raise AuditError(
                f"{path.name} row {number}: decision '{row['decision']}' is not one of {DECISIONS}"
            )
        if not row["why"].strip():
            raise AuditError(f"{path.name} row {number}: a decision needs its why")
        if row["decision"] == "rejected" and json.loads(row["patches"]):
            raise AuditError(f"{path.name} row {number}: a rejected row cannot carry patches")
    return rows


def check_against_reference(log: list[dict[str, str]], reference: Path) -> None:
    """Refuse a log that no longer matches the audit it decides on (rows added, removed or edited)."""
    corrections = read_table(reference / "audit" / "corrections.csv")[1]
    proposals = read_table(reference / "audit" / "coordinate_proposals.csv")[1]
    decided = {row["origin"]: row for row in log}
    for number, row in enumerate(corrections, start=2):
        entry = decided.get(f"corrections.csv:{number}")
        if entry is None:
            raise AuditError(
                f"corrections.csv row {number} ({row['zone_id']} {row['field']}) has no decision in the log"
            )
        if (entry["current_value"], entry["proposed_value"]) != (row["current_value"], row["proposed_value"]):
            raise AuditError(f"corrections.csv row {number} changed since the log was made; decide it again")
    for row in proposals:
        if f"coordinate_proposals.csv:{row['zone_id']}" not in decided:
            raise AuditError(f"coordinate proposal for {row['zone_id']} has no decision in the log")
    origins = [
        row["origin"] for row in log if row["origin"].startswith(("corrections.csv:", "coordinate_proposals"))
    ]
    if len(origins) != len(corrections) + len(proposals):
        raise AuditError("the log decides a row that is not in the reference audit, or one row twice")


def _set_fields(row: dict[str, str], columns: list[str], values: dict[str, str], where: str) -> None:
    unknown = [name for name in values if name not in columns]
    if unknown:
        raise AuditError(f"{where}: no column {', '.join(unknown)}")
    row.update(values)


def _patch_by_id(table: Table, patch: dict, file: str) -> None:
    """Set fields of the row with the patch's id; merge `add_sources` into its sources, keeping what is there.

    Sources are merged rather than set so that another tool (tools/build_kek.py) may cite its own.
    """
    columns, rows = table
    matches = [row for row in rows if row["id"] == patch["id"]]
    if len(matches) != 1:
        raise AuditError(f"{file}: {len(matches)} rows with id '{patch['id']}'")
    row = matches[0]
    _set_fields(row, columns, patch.get("set", {}), f"{file} id {patch['id']}")
    if patch.get("add_sources"):
        present = [source for source in row["sources"].split(";") if source]
        row["sources"] = ";".join(present + [s for s in patch["add_sources"] if s not in present])


def _key_of(row: dict[str, str]) -> tuple[str, ...]:
    return tuple(row.get(name, "") for name in NATIONAL_KEY)


def _patch_national(table: Table, patch: dict) -> None:
    """Set fields of one series row, add a row (or refresh it when present) or remove one."""
    columns, rows = table
    if "add" in patch:
        new = {name: patch["add"].get(name, "") for name in columns}
        _set_fields(new, columns, patch["add"], "national.csv new row")
        existing = [row for row in rows if _key_of(row) == _key_of(new)]
        if existing:
            existing[0].update(new)
        else:
            rows.append(new)
        return
    key = tuple(patch["key" if "key" in patch else "remove"].get(name, "") for name in NATIONAL_KEY)
    matches = [row for row in rows if _key_of(row) == key]
    if "remove" in patch:
        rows[:] = [row for row in rows if _key_of(row) != key]
        return
    if len(matches) != 1:
        raise AuditError(f"national.csv: {len(matches)} rows with key {key}")
    _set_fields(matches[0], columns, patch["set"], f"national.csv {key}")


def apply_log(log: list[dict[str, str]], data: Path) -> dict[str, int]:
    """Apply the owned patches to the files in ``data``; return how many patches each file received."""
    tables: dict[str, Table] = {}
    counts: dict[str, int] = {}
    for entry in log:
        if entry["decision"] == "rejected" or entry["applied_by"] != OWNER:
            continue
        for patch in json.loads(entry["patches"]):
            file = patch["file"]
            if file not in tables:
                tables[file] = read_table(data / file)
            if file in ID_FILES:
                _patch_by_id(tables[file], patch, file)
            elif file == "national.csv":
                _patch_national(tables[file], patch)
            else:
                raise AuditError(f"{entry['origin']}: this tool does not patch {file}")
            counts[file] = counts.get(file, 0) + 1
    for file, table in tables.items():
        write_table(data / file, table)
    return counts


def main(argv: list[str] | None = None) -> int:
    """Command line: check the log against the reference audit, then apply it to the data directory."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--reference", type=Path, default=DEFAULT_REFERENCE, help="the shared reference folder"
    )
    parser.add_argument(
        "--data", type=Path, default=DEFAULT_DATA, help="the data folder to patch (holds the log)"
    )
    args = parser.parse_args(argv)
    try:
        log = read_log(args.data / LOG_NAME)
        check_against_reference(log, args.reference)
        counts = apply_log(log, args.data)
    except (AuditError, OSError) as exc:
        print(f"apply_audit: {exc}", file=sys.stderr)
        return 2
    print("apply_audit: " + ", ".join(f"{file} {n} patches" for file, n in sorted(counts.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
