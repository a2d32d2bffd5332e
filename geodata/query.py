"""Selecting zones by sector, kind, status, province, regency and year, and summarising a selection
honestly.

A figure some zones lack is never counted as zero: every total says how many zones report it. Likewise
a zone whose year of establishment is unknown is never placed in a year: with a year chosen it is
left out, and counted as such (``unknown_year``).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from geodata.filterspec import YEAR, established_years, province_id, select

__all__ = [
    "Summary", "Total", "established_years", "province_id", "select_zones", "standing_in", "summarize",
    "unknown_year", "year_span",
]  # fmt: skip


def select_zones(
    zones: pd.DataFrame,
    sectors: Collection[str] = (),
    kinds: Collection[str] = (),
    statuses: Collection[str] = (),
    provinces: Collection[str] = (),
    regencies: Collection[str] = (),
    year: int | None = None,
) -> pd.Series:
    """Boolean mask of zones matching every given filter; an empty filter matches all (the tests are
    geodata.filterspec's).

    A zone matches a sector filter when any of its sector tags is chosen; ``provinces`` are ids;
    ``regencies`` are official codes ("64.71"), matched against the zone's derived ``regency_code``;
    with a ``year``, only the zones standing in it (``standing_in``).
    """
    filters = {
        "sector": sectors, "kind": kinds, "status": statuses, "province": provinces, "regency": regencies,
        "year": year,
    }  # fmt: skip
    return pd.Series(select(zones, filters), index=zones.index)


def standing_in(zones: pd.DataFrame, year: int) -> np.ndarray:
    """Which zones stood in ``year``: established (PP, decree or licence) in it or before. A zone of
    unknown year is not known to stand, so it is False (see ``unknown_year``)."""
    return select(zones, {"year": year}, spec=(YEAR,))


def unknown_year(zones: pd.DataFrame) -> int:
    """How many zones have no known year of establishment (hidden whenever a year is chosen)."""
    return int(np.isnan(established_years(zones)).sum())


def year_span(zones: pd.DataFrame, today: date | None = None) -> tuple[int, int]:
    """The years a time slider covers: the earliest establishment (this year when none is known) to
    this year."""
    this_year = (today or date.today()).year
    years = established_years(zones)
    return (this_year if np.isnan(years).all() else min(int(np.nanmin(years)), this_year), this_year)


@dataclass(frozen=True)
class Total:
    """A sum over the zones that report a figure, and how many of how many do."""

    value: float
    reporting: int
    of: int

    @property
    def complete(self) -> bool:
        return self.reporting == self.of


@dataclass(frozen=True)
class Summary:
    """The KPI figures of a selection of zones."""

    zones: int
    investment_idr_trillion: Total
    workforce: Total
    area_ha: Total


def _total(values: pd.Series) -> Total:
    numbers = values.to_numpy(dtype=float, na_value=np.nan)
    reported = numbers[~np.isnan(numbers)]
    return Total(float(reported.sum()), int(reported.size), int(numbers.size))


def summarize(zones: pd.DataFrame) -> Summary:
    """Totals of investment, workforce and area with the count of zones behind each."""
    return Summary(
        zones=len(zones),
        investment_idr_trillion=_total(zones["investment_idr_trillion"]),
        workforce=_total(zones["workforce"]),
        area_ha=_total(zones["area_ha"]),
    )
