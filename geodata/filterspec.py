"""The one definition of the atlas filters, shared by the server's query and the browser's evaluator.

Each ``Dimension`` names a filter (its URL / ViewState name), the values it tests per zone and per
plant, and how it tests them:

- ``any``: the row holds a list (a zone's sector tags); it matches when any chosen value is in it.
- ``in``: the row holds one value (``None`` when unknown); it matches when that value is chosen.
- ``max``: the row holds an integer (``None`` when unknown); it matches when it is at most the
  chosen bound: the year (a zone stands in year Y when ``established`` <= Y; a zone of unknown year
  is never placed in a year, so it is hidden whenever a year is chosen).

Every filter with nothing chosen matches all rows, and a row matches when every filter matches. A
plant (facility) carries only some dimensions; a filter on one it lacks (kind, status, regency)
leaves the plants alone.

``select`` applies the spec to a table (the server's authority); ``filter_index`` writes the same
columns as small integer codes (``export_index``) for ``assets/filter.js``, which evaluates the same
tests in the browser. tests/test_filter_parity.py holds the two to each other.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

ANY, IN, MAX = "any", "in", "max"
Values = Callable[[pd.DataFrame], Sequence[Any]]
#: what the user chose per dimension name: ids for ``any``/``in``, one integer (or None) for ``max``
Filters = Mapping[str, Any]


@dataclass(frozen=True)
class Dimension:
    """One filter: its name, its test and the value(s) it reads per zone and per plant (None: plants
    do not carry it)."""

    name: str
    test: str
    zone_values: Values
    facility_values: Values | None = None


def province_id(name: str) -> str:
    """URL-safe id of a province name: 'Kalimantan Timur' -> 'kalimantan_timur'."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")


def _column(name: str) -> Values:
    return lambda frame: [None if pd.isna(v) else v for v in frame[name]]


def established_years(zones: pd.DataFrame) -> np.ndarray:
    """Each zone's year of establishment as floats, NaN where unknown."""
    return pd.to_numeric(zones["established"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _years(zones: pd.DataFrame) -> list[int | None]:
    return [None if np.isnan(y) else int(y) for y in established_years(zones)]


def _province_ids(frame: pd.DataFrame) -> list[str | None]:
    return [province_id(p) if isinstance(p, str) and p else None for p in frame["province"]]


DIMENSIONS: tuple[Dimension, ...] = (
    Dimension(
        "sector",
        ANY,
        lambda zones: [tuple(tags) for tags in zones["sectors"]],
        lambda plants: [(sector,) for sector in plants["sector"]],  # a plant has one sector
    ),
    Dimension("kind", IN, _column("kind")),
    Dimension("status", IN, _column("status")),
    Dimension("province", IN, _province_ids, _province_ids),
    Dimension("regency", IN, _column("regency_code")),
    Dimension("year", MAX, _years),  # plants carry no year: a year leaves them alone
)
YEAR = DIMENSIONS[-1]
NAMES = tuple(d.name for d in DIMENSIONS)


def _chosen(dimension: Dimension, filters: Filters) -> Any:
    """The dimension's choice, or None when it is empty (matches all)."""
    value = filters.get(dimension.name)
    if dimension.test == MAX:
        return None if value is None else int(value)
    return frozenset(value) if value else None


def _test(test: str, values: Sequence[Any], chosen: Any) -> np.ndarray:
    if test == ANY:
        return np.fromiter((not chosen.isdisjoint(v) for v in values), dtype=bool, count=len(values))
    if test == IN:
        return np.fromiter((v in chosen for v in values), dtype=bool, count=len(values))
    return np.fromiter((v is not None and v <= chosen for v in values), dtype=bool, count=len(values))


def select(
    frame: pd.DataFrame, filters: Filters, facilities: bool = False, spec: Sequence[Dimension] = DIMENSIONS
) -> np.ndarray:
    """Boolean mask of the rows of ``frame`` (zones, or plants with ``facilities``) that ``filters``
    lets through, by the tests of ``spec``."""
    mask = np.ones(len(frame), dtype=bool)
    for dimension in spec:
        read = dimension.facility_values if facilities else dimension.zone_values
        chosen = _chosen(dimension, filters)
        if read is not None and chosen is not None:
            mask &= _test(dimension.test, read(frame), chosen)
    return mask


def _codes(dimension: Dimension, values: Sequence[Any], vocabulary: dict[Any, int]) -> Any:
    """A column as codes into the vocabulary: for ``any`` {offsets, codes} (row i's list is
    codes[offsets[i]:offsets[i+1]]), for ``in`` one code per row (-1: unknown), for ``max`` the
    integers themselves (null: unknown)."""
    if dimension.test == ANY:
        flat = [vocabulary[v] for row in values for v in row]
        return {"offsets": np.cumsum([0, *(len(row) for row in values)]).tolist(), "codes": flat}
    if dimension.test == IN:
        return [-1 if v is None else vocabulary[v] for v in values]
    return [None if v is None else int(v) for v in values]


def filter_index(
    zones: pd.DataFrame, plants: pd.DataFrame | None, spec: Sequence[Dimension] = DIMENSIONS
) -> dict[str, Any]:
    """The spec's columns of ``zones`` (and ``plants``) as a compact JSON-ready index for the browser:
    {"zones": n, "facilities": m, "dimensions": [{name, test, values, zones, facilities}]}, with
    ``values`` the vocabulary the codes point into (``max`` has none) and ``facilities`` None for a
    dimension plants lack."""
    dimensions = []
    for dimension in spec:
        zone_values = dimension.zone_values(zones)
        plant_values = (
            dimension.facility_values(plants) if plants is not None and dimension.facility_values else None
        )
        vocabulary: list[Any] = []
        if dimension.test != MAX:
            rows = [*zone_values, *(plant_values or [])]
            seen = {v for row in rows for v in (row if dimension.test == ANY else [row]) if v is not None}
            vocabulary = sorted(seen)
        codes = {value: code for code, value in enumerate(vocabulary)}
        dimensions.append(
            {
                "name": dimension.name,
                "test": dimension.test,
                "values": vocabulary,
                "zones": _codes(dimension, zone_values, codes),
                "facilities": None if plant_values is None else _codes(dimension, plant_values, codes),
            }
        )
    return {"zones": len(zones), "facilities": 0 if plants is None else len(plants), "dimensions": dimensions}
