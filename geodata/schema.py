"""The shape of every data file: columns, types, allowed values, and the parser that checks a table.

Kept declarative so that a planner reading this file learns what each column of the CSVs means.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd

from geodata.problems import Problem

KINDS = ("KEK", "KI", "KIHT")
STATUSES = ("operating", "development", "candidate", "revoked")
PRECISIONS = ("official", "surveyed", "approximate", "town-level")
PLACE_KINDS = ("capital", "city", "port", "airport", "bridge")
INFRASTRUCTURE_KINDS = (
    "port",
    "airport",
    "toll_gate",
    "station",
    "power",
    "water",
    "telecom",
    "road",
    "other",
)
# Where a shipped footprint comes from: a published official boundary, or a planner's own file.
FOOTPRINT_BOUNDARIES = ("official", "imported")
ROAD_KINDS = ("toll", "national", "provincial", "bridge", "access", "route")
PERIOD_TYPES = ("annual", "cumulative", "quarter", "half", "target", "snapshot")
FACILITY_STATUSES = ("operating", "construction", "planned", "idle", "closed", "cancelled", "unknown")

# Indonesia's 38 provinces (with the 2022 Papua splits), named as in Kepmendagri 300.2.2-2138/2025.
PROVINCES = (
    "Aceh", "Sumatera Utara", "Sumatera Barat", "Riau", "Kepulauan Riau", "Jambi", "Sumatera Selatan",
    "Kepulauan Bangka Belitung", "Bengkulu", "Lampung", "Daerah Khusus Ibukota Jakarta", "Jawa Barat", "Banten",
    "Jawa Tengah", "Daerah Istimewa Yogyakarta", "Jawa Timur", "Bali", "Nusa Tenggara Barat", "Nusa Tenggara Timur",
    "Kalimantan Barat", "Kalimantan Tengah", "Kalimantan Selatan", "Kalimantan Timur", "Kalimantan Utara",
    "Sulawesi Utara", "Gorontalo", "Sulawesi Tengah", "Sulawesi Barat", "Sulawesi Selatan",
    "Sulawesi Tenggara", "Maluku", "Maluku Utara", "Papua", "Papua Barat", "Papua Barat Daya",
    "Papua Selatan", "Papua Tengah", "Papua Pegunungan",
)  # fmt: skip

# Indonesia's extent with a margin: a lon/lat outside it is a typo or a swap, not a zone.
LON_RANGE = (94.0, 142.0)
LAT_RANGE = (-11.5, 6.5)

_ID = re.compile(r"^[a-z0-9][a-z0-9_]*$")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_TRUE = {"true", "yes", "1"}
_FALSE = {"false", "no", "0"}


@dataclass(frozen=True)
class Column:
    """One column of a data file: its type, whether it must be filled, and what it means."""

    name: str
    kind: str  # id | text | number | integer | date | choice | tags | sources | bool
    required: bool = False
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    doc: str = ""


ZONE_COLUMNS = (
    Column("id", "id", True, doc="stable snake_case identifier, used in URLs"),
    Column("name", "text", True),
    Column("kind", "choice", True, KINDS),
    Column("status", "choice", True, STATUSES),
    Column("province", "choice", True, PROVINCES),
    Column("regency", "text"),
    Column("lon", "number", True, doc="WGS84 longitude, decimal degrees"),
    Column("lat", "number", True, doc="WGS84 latitude, decimal degrees"),
    Column("coord_precision", "choice", True, PRECISIONS),
    Column("coord_method", "text", True, doc="how the point was obtained, with its source"),
    Column("area_ha", "number", minimum=0.0),
    Column("area_source", "sources"),
    Column("sectors", "tags", True, doc="semicolon-separated ids from sectors.csv; the first is primary"),
    Column("legal_basis", "text"),
    Column("operator", "text", doc="operator, developer or proposer"),
    Column(
        "established", "integer", minimum=1900, doc="year of the PP, decree or licence that made the zone"
    ),
    Column("established_source", "sources", doc="where the establishment year comes from"),
    Column("investment_idr_trillion", "number", minimum=0.0, doc="realized investment, IDR trillion"),
    Column("investment_as_of", "date"),
    Column("investment_source", "sources"),
    Column("workforce", "integer", minimum=0),
    Column("workforce_as_of", "date"),
    Column("workforce_source", "sources"),
    Column("as_of", "date", True, doc="when this row was last checked against its sources"),
    Column("sources", "sources", True),
    Column("notes", "text"),
)

SECTOR_COLUMNS = (
    Column("id", "id", True),
    Column("label_id", "text", True, doc="Bahasa Indonesia label"),
    Column("label_en", "text", True, doc="English label"),
    Column("color", "text", True, doc="hex colour on the map"),
)

PLACE_COLUMNS = (
    Column("id", "id", True),
    Column("name", "text", True),
    Column("kind", "choice", True, PLACE_KINDS),
    Column("lon", "number", True),
    Column("lat", "number", True),
    Column("coord_precision", "choice", True, PRECISIONS),
    Column("coord_method", "text", True),
    Column("as_of", "date", True),
    Column("sources", "sources", True),
    Column("notes", "text"),
)

ROAD_COLUMNS = (
    Column("id", "id", True),
    Column("from_id", "id", True, doc="a place or zone id"),
    Column("to_id", "id", True, doc="a place or zone id"),
    Column("name", "text", True),
    Column("kind", "choice", True, ROAD_KINDS),
    Column("length_km", "number", True, minimum=0.0),
    Column("estimated", "bool", True, doc="true when length_km is not from a source; say how in notes"),
    Column("open", "bool", True, doc="true when the link carries traffic today; only open links route"),
    Column("status", "text", True),
    Column("as_of", "date", True),
    Column("sources", "sources"),
    Column("notes", "text"),
)

NATIONAL_COLUMNS = (
    Column("period", "text", True, doc="2024, 2024-06, 2024-Q1 or 2024-H1"),
    Column("period_type", "choice", True, PERIOD_TYPES),
    Column("metric", "id", True),
    Column("value", "number", True),
    Column("unit", "text", True),
    Column("n_kek", "integer", minimum=0),
    Column("zone_id", "id", doc="empty for national figures"),
    Column("as_of", "date", True, doc="date of the source"),
    Column("sources", "sources", True),
    Column("notes", "text"),
)

FACILITY_COLUMNS = (
    Column("id", "id", True, doc="stable id: fac_<source>_<source's own key>"),
    Column("name", "text", True, doc="company or plant name as its source writes it"),
    Column("sector", "id", True, doc="an id from sectors.csv (from the KBLI code or the tracker)"),
    Column("kbli", "text", doc="KBLI 2020 code (BIG); empty for tracker-only plants"),
    Column("kbli_title", "text", doc="the KBLI title, or the tracker's plant type"),
    Column("capacity", "number", minimum=0.0, doc="annual capacity as the source states it"),
    Column("capacity_unit", "text", doc="unit of capacity, e.g. t/yr or Mt/yr"),
    Column("status", "choice", choices=FACILITY_STATUSES, doc="empty when the source gives none"),
    Column("province", "choice", choices=PROVINCES),
    Column("regency", "text"),
    Column("lon", "number", True),
    Column("lat", "number", True),
    Column("source", "text", True, doc="the source(s) of the row, ';'-separated"),
    Column("licence", "text", True, doc="licence or attribution of each source"),
    Column("merged_from", "text", doc="ids of the source rows merged into this plant, ';'-separated"),
)

INFRASTRUCTURE_COLUMNS = (
    Column("id", "id", True),
    Column("name", "text", True),
    Column("kind", "choice", True, INFRASTRUCTURE_KINDS, doc="classified from the title and description"),
    Column("zone_id", "id", True, doc="the KEK whose profile lists it"),
    Column("inside_sez", "bool", True, doc="inside the zone, as its profile says"),
    Column("lon", "number", True),
    Column("lat", "number", True),
    Column("as_of", "date", True),
    Column("sources", "sources", True),
    Column("notes", "text"),
)

FOOTPRINT_PROPERTIES = (
    Column("zone_id", "id", True),
    Column(
        "boundary", "choice", choices=FOOTPRINT_BOUNDARIES, doc="empty means a planner's own (imported) file"
    ),
    Column("source", "sources", True),
    Column("as_of", "date", True),
    Column("official_area_ha", "number", minimum=0.0, doc="the area the legal basis gives (Luas_ha)"),
    Column("legal_basis", "text"),
    Column("metadata_year", "integer", minimum=1900, doc="year of the map's BIG metadata"),
    Column("map_sources", "text", doc="the maps the boundary was drawn from (BIG REMARK)"),
    Column("match", "text", doc="how the published parcels were matched to the zone"),
    Column("parts", "integer", minimum=1, doc="number of separate parcels"),
    Column("notes", "text"),
)


def parse_date(text: str) -> str:
    """Check an as-of date written as YYYY, YYYY-MM or YYYY-MM-DD; returns it unchanged."""
    match = _DATE.match(text)
    if not match:
        raise ValueError(f"'{text}' is not a date; write YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = (int(part) if part else 1 for part in match.groups())
    try:
        date(year, month, day)
    except ValueError as exc:
        raise ValueError(f"'{text}' is not a real date ({exc})") from exc
    return text


def _parse_number(text: str) -> float:
    if "_" in text:  # Python's float() reads '1_16.72' as 116.72; no spreadsheet means that
        raise ValueError(f"'{text}' is not a number; write digits only, with a dot for decimals")
    try:
        value = float(text)
    except ValueError:
        hint = "; use a dot for decimals and no thousands separator" if "," in text else ""
        raise ValueError(f"'{text}' is not a number{hint}") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"'{text}' is not a finite number")
    return value


def _parse_integer(text: str) -> int:
    if not re.fullmatch(r"-?\d+", text):
        raise ValueError(f"'{text}' is not a whole number; write digits only, e.g. 126506")
    return int(text)


def _parse_bool(text: str) -> bool:
    lowered = text.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError(f"'{text}' is not true or false")


def _parse_sources(text: str) -> tuple[str, ...]:
    """Sources separated by ';': each a web address, or a citation of a printed document."""
    sources = tuple(part.strip() for part in text.split(";") if part.strip())
    for source in sources:
        looks_like_url = "://" in source or source.startswith("www.")
        if looks_like_url and not re.match(r"^https?://\S+$", source):
            raise ValueError(f"'{source}' is not a complete web address (http:// or https://, no spaces)")
        if not looks_like_url and len(source) < 12:
            raise ValueError(f"'{source}' is too short to be a source; give a web address or a full citation")
    return sources


def _parse_tags(text: str, vocabulary: Sequence[str]) -> tuple[str, ...]:
    tags = tuple(part.strip() for part in text.split(";") if part.strip())
    unknown = [tag for tag in tags if tag not in vocabulary]
    if unknown:
        raise ValueError(
            f"unknown sector tag {', '.join(repr(t) for t in unknown)}; use ids from sectors.csv "
            "(add a new sector there first)"
        )
    if len(set(tags)) != len(tags):
        raise ValueError("a sector tag is repeated")
    return tags


def _parse_id(text: str) -> str:
    if not _ID.match(text):
        raise ValueError(f"'{text}' is not an id: use lower-case letters, digits and _")
    return text


def _parse_choice(text: str, choices: Sequence[str]) -> str:
    if text not in choices:
        raise ValueError(f"'{text}' is not one of: {', '.join(choices)}")
    return text


def cell_parser(column: Column, vocabulary: Sequence[str] = ()) -> Callable[[str], object]:
    """The function that turns one non-empty cell of ``column`` into its value, or raises ValueError."""
    parsers: dict[str, Callable[[str], object]] = {
        "id": _parse_id,
        "text": str,
        "number": _parse_number,
        "integer": _parse_integer,
        "date": parse_date,
        "bool": _parse_bool,
        "sources": _parse_sources,
        "choice": lambda text: _parse_choice(text, column.choices),
        "tags": lambda text: _parse_tags(text, vocabulary),
    }
    return parsers[column.kind]


def parse_records(
    records: Sequence[dict[str, str]],
    columns: Sequence[Column],
    file: str,
    *,
    first_row: int = 2,
    vocabulary: Sequence[str] = (),
) -> tuple[pd.DataFrame, list[Problem]]:
    """Type-check raw text records against ``columns``; return typed rows and every problem found.

    Rows with problems are kept (with None in the bad cells) so that later checks can still report
    on the rest of the row. Empty cells become None; ``first_row`` is the spreadsheet row of the
    first record (2 for a CSV with a header).
    """
    problems: list[Problem] = []
    present = set(records[0]) if records else set()
    missing = [c.name for c in columns if c.required and records and c.name not in present]
    for name in missing:
        problems.append(Problem(file, None, name, "required column is missing"))
    parsers = {c.name: cell_parser(c, vocabulary) for c in columns}
    rows: list[dict[str, object]] = []
    for offset, record in enumerate(records):
        row_number = first_row + offset
        parsed: dict[str, object] = {}
        for column in columns:
            raw = record.get(column.name)
            text = "" if raw is None else str(raw).strip()
            if not text:
                parsed[column.name] = None
                if column.required and column.name in present:
                    problems.append(Problem(file, row_number, column.name, "is empty but required"))
                continue
            try:
                value = parsers[column.name](text)
            except ValueError as exc:
                problems.append(Problem(file, row_number, column.name, str(exc)))
                value = None
            if (
                column.minimum is not None
                and isinstance(value, int | float)
                and not isinstance(value, bool)
                and value < column.minimum
            ):
                problems.append(
                    Problem(file, row_number, column.name, f"{value} is below {column.minimum:g}")
                )
                value = None
            parsed[column.name] = value
        rows.append(parsed)
    # object dtype keeps None as None (pandas would otherwise turn it into NaN or a string dtype)
    frame = pd.DataFrame(rows, columns=[c.name for c in columns], dtype=object)
    return frame, problems
