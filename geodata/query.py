"""Selecting zones by sector, kind, status, province and regency, and summarising a selection honestly.

A figure some zones lack is never counted as zero: every total says how many zones report it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geodata.filterspec import province_id, select

__all__ = ["Summary", "Total", "province_id", "select_zones", "summarize"]


def select_zones(
    zones: pd.DataFrame,
    sectors: Collection[str] = (),
    kinds: Collection[str] = (),
    statuses: Collection[str] = (),
    provinces: Collection[str] = (),
    regencies: Collection[str] = (),
) -> pd.Series:
    """Boolean mask of zones matching every given filter; an empty filter matches all (the tests are
    geodata.filterspec's).

    A zone matches a sector filter when any of its sector tags is chosen; ``provinces`` are ids;
    ``regencies`` are official codes ("64.71"), matched against the zone's derived ``regency_code``.
    """
    filters = {
        "sector": sectors, "kind": kinds, "status": statuses, "province": provinces, "regency": regencies,
    }  # fmt: skip
    return pd.Series(select(zones, filters), index=zones.index)


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
