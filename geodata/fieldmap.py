"""Reading a foreign file's attribute columns as the atlas's zone fields (nama -> name, sektor -> sectors).

Files from BPS, Kemenko, KEK operators or QGIS users name their columns in Indonesian or English,
in any case. Columns are matched case-insensitively against the aliases below; values that do not
fit the zone schema (an unknown sector, a kind that is not KEK/KI/KIHT) are left out and listed,
never guessed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import cast

import pandas as pd

from geodata.problems import Problem
from geodata.schema import KINDS, PROVINCES, STATUSES, Column, cell_parser, parse_date

# Zone field -> column names it may have in a file, after normalising (lower case, '_' for spaces).
ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "zone_id", "kode", "kode_kawasan", "id_kawasan"),
    "name": ("name", "nama", "nama_kawasan", "nama_kek", "nama_ki", "namobj", "zone_name", "kawasan"),
    "kind": ("kind", "jenis", "jenis_kawasan", "tipe", "type", "kategori"),
    "status": ("status", "status_kawasan"),
    "province": ("province", "provinsi", "propinsi", "prov", "wadmpr", "nama_prov"),
    "regency": ("regency", "kabupaten", "kab_kota", "kabkota", "wadmkk"),
    "area_ha": ("area_ha", "luas_ha", "luas", "luasan", "area", "hectares"),
    "sectors": ("sectors", "sector", "sektor", "sektor_utama"),
    "operator": ("operator", "pengelola", "pengembang", "developer"),
    "legal_basis": ("legal_basis", "dasar_hukum", "regulasi"),
    "source": ("source", "sources", "sumber"),
    "as_of": ("as_of", "tanggal", "tahun", "date", "year"),
    "notes": ("notes", "keterangan", "catatan", "description", "deskripsi"),
}
FIELDS = tuple(ALIASES)
KIND_WORDS = {
    "kawasan ekonomi khusus": "KEK",
    "kawasan industri hasil tembakau": "KIHT",
    "kawasan industri": "KI",
}
STATUS_WORDS = {
    "beroperasi": "operating",
    "operasional": "operating",
    "pembangunan": "development",
    "dalam pembangunan": "development",
    "usulan": "candidate",
    "diusulkan": "candidate",
    "calon": "candidate",
    "dicabut": "revoked",
}
_AREA = cell_parser(Column("area_ha", "number"))


def normalise(text: str) -> str:
    """Lower-case ASCII words separated by '_': 'NAMA KAWASAN' and 'Nama_Kawasan' both -> 'nama_kawasan'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")


def sector_lookup(sectors: pd.DataFrame) -> dict[str, str]:
    """Every way a sector may be written (id, Indonesian or English label), normalised, -> its id."""
    lookup: dict[str, str] = {}
    for sector_id, label_id, label_en in zip(
        sectors["id"], sectors["label_id"], sectors["label_en"], strict=True
    ):
        for text in (sector_id, label_id, label_en):
            if text:
                lookup[normalise(str(text))] = sector_id
    return lookup


@dataclass(frozen=True)
class MappedFields:
    """The zone fields read from a file, which column each came from, and what could not be read."""

    frame: pd.DataFrame  # one column per zone field (None where the file has no value)
    columns: dict[str, str]  # zone field -> the file's column
    extra: list[str]  # the file's other columns, kept as they are
    notes: list[Problem]


def match_columns(columns: Iterable[str]) -> dict[str, str]:
    """Zone field -> the first of ``columns`` that is one of its aliases (earlier aliases win)."""
    by_alias: dict[str, str] = {}
    for column in columns:
        by_alias.setdefault(normalise(str(column)), column)
    found: dict[str, str] = {}
    used: set[str] = set()
    for field, aliases in ALIASES.items():
        for alias in aliases:
            column = by_alias.get(alias)
            if column is not None and column not in used:
                found[field] = column
                used.add(column)
                break
    return found


def as_text(value: object) -> str | None:
    """A cell as stripped text; None for a missing value (None, NaN, NaT, empty)."""
    try:
        if value is None or pd.isna(value):
            return None
    except (TypeError, ValueError):  # a list or array is not missing
        pass
    text = str(value).strip()
    return text or None


def _kind(text: str) -> str | None:
    upper = text.upper()
    if upper in KINDS:
        return upper
    lowered = " ".join(normalise(text).split("_"))
    return next((kind for words, kind in KIND_WORDS.items() if lowered.startswith(words)), None)


def _status(text: str) -> str | None:
    lowered = " ".join(normalise(text).split("_"))
    return lowered if lowered in STATUSES else STATUS_WORDS.get(lowered)


def _province(text: str) -> str | None:
    key = re.sub(r"^(provinsi|propinsi|prov)_", "", normalise(text))
    return next((p for p in PROVINCES if normalise(p) == key), None)


class _Notes:
    """Collects per-cell notes for one file."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.items: list[Problem] = []

    def add(self, row: int | None, column: str | None, message: str) -> None:
        self.items.append(Problem(self.file, row, column, message))


def _value(
    field: str, text: str, sectors: Mapping[str, str], where: tuple[int, str], notes: _Notes
) -> object:
    """One cell read as ``field``: the typed value, or None (with a note) when it does not fit."""
    row, column = where
    if field == "kind":
        kind = _kind(text)
        if kind is None:
            notes.add(row, column, f"'{text}' is not a zone kind ({', '.join(KINDS)}); left empty")
        return kind
    if field == "status":
        status = _status(text)
        if status is None:
            notes.add(row, column, f"'{text}' is not a status ({', '.join(STATUSES)}); left empty")
        return status
    if field == "province":
        province = _province(text)
        if province is None:
            notes.add(row, column, f"'{text}' is not one of Indonesia's 38 provinces; left empty")
        return province
    if field == "area_ha":
        try:
            area = cast(float, _AREA(text))
        except ValueError as exc:
            notes.add(row, column, f"{exc}; area left empty")
            return None
        if area < 0:
            notes.add(row, column, f"{area:g} is below 0; area left empty")
            return None
        return area
    if field == "sectors":
        tags = [part.strip() for part in re.split(r"[;,/|]", text) if part.strip()]
        known = [sectors[normalise(tag)] for tag in tags if normalise(tag) in sectors]
        unknown = [tag for tag in tags if normalise(tag) not in sectors]
        if unknown:
            notes.add(
                row,
                column,
                f"unknown sector tag {', '.join(repr(t) for t in unknown)} left out; "
                "use ids or labels from sectors.csv",
            )
        return ";".join(dict.fromkeys(known)) or None
    if field == "as_of":
        try:
            return parse_date(text)
        except ValueError as exc:
            notes.add(row, column, f"{exc}; as-of date left empty")
            return None
    return text


def map_fields(records: pd.DataFrame, rows: list[int], file: str, sectors: Mapping[str, str]) -> MappedFields:
    """Read the zone fields out of a file's attribute table (one record per feature, in ``rows`` order)."""
    columns = match_columns(records.columns)
    notes = _Notes(file)
    missing = [field for field in FIELDS if field not in columns]
    if missing:
        notes.add(None, None, f"has no column for {', '.join(missing)}; those fields stay empty")
    values: dict[str, list[object]] = {field: [] for field in FIELDS}
    for field in FIELDS:
        column = columns.get(field)
        for row, raw in zip(rows, records[column] if column else [None] * len(rows), strict=True):
            text = as_text(raw)
            values[field].append(None if text is None else _value(field, text, sectors, (row, column), notes))
    frame = pd.DataFrame(values, columns=list(FIELDS), dtype=object)
    frame["area_ha"] = pd.to_numeric(frame["area_ha"], errors="coerce").astype(float)
    extra = [c for c in records.columns if c not in columns.values()]
    return MappedFields(frame, columns, extra, notes.items)
