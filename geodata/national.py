"""The national KEK series: periods turned into dates, and the views the charts need."""

from __future__ import annotations

import calendar
import re
from datetime import date

import pandas as pd

_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_HALF = re.compile(r"^(\d{4})-H([12])$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")

TARGET_YEAR = 2024


def period_end(period: str) -> date:
    """The last day a period label covers: 2024 -> 2024-12-31, 2024-Q1 -> 2024-03-31, 2024-H1 -> 2024-06-30."""
    if match := _QUARTER.match(period):
        year, month = int(match[1]), int(match[2]) * 3
    elif match := _HALF.match(period):
        year, month = int(match[1]), int(match[2]) * 6
    elif match := _MONTH.match(period):
        year, month = int(match[1]), int(match[2])
        if not 1 <= month <= 12:
            raise ValueError(f"'{period}' has no month {month}")
    elif match := _YEAR.match(period):
        year, month = int(match[1]), 12
    else:
        raise ValueError(f"'{period}' is not a period; write 2024, 2024-06, 2024-Q1 or 2024-H1")
    return date(year, month, calendar.monthrange(year, month)[1])


def national_rows(series: pd.DataFrame, metric: str, period_type: str, unit: str) -> pd.DataFrame:
    """National (not per-zone) rows of one metric, oldest first, with their period end dates."""
    rows = series[
        (series["metric"] == metric)
        & (series["period_type"] == period_type)
        & (series["unit"] == unit)
        & series["zone_id"].isna()
    ]
    return rows.sort_values("period_end").reset_index(drop=True)


def up_to(series: pd.DataFrame, year: int) -> pd.DataFrame:
    """The rows of the series known by the end of ``year`` (period ending on or before 31 December):
    the national figures as they stood then. Targets are rows like any other: one for a later year
    is left out too."""
    return series[series["period_end"] <= pd.Timestamp(year, 12, 31)]


def target(series: pd.DataFrame, year: int = TARGET_YEAR) -> pd.Series | None:
    """The national realized-investment target row for a year, if the series has one."""
    rows = national_rows(series, "investment_realized", "target", "IDR trillion")
    rows = rows[rows["period"] == str(year)]
    return None if rows.empty else rows.iloc[0]
