"""Period labels of the national series become the right end dates."""

from datetime import date

import pytest

from geodata.national import national_rows, period_end, target


@pytest.mark.parametrize(
    ("label", "end"),
    [
        ("2024", date(2024, 12, 31)),
        ("2024-06", date(2024, 6, 30)),
        ("2024-02", date(2024, 2, 29)),
        ("2023-Q1", date(2023, 3, 31)),
        ("2024-H1", date(2024, 6, 30)),
        ("2023-Q4", date(2023, 12, 31)),
    ],
)
def test_period_end(label, end):
    assert period_end(label) == end


@pytest.mark.parametrize("label", ["2024-13", "Q1-2024", "24", ""])
def test_bad_periods_are_refused(label):
    with pytest.raises(ValueError):
        period_end(label)


def test_shipped_series_has_the_2024_target_and_a_rising_cumulative_line(atlas):
    goal = target(atlas.national)
    assert goal is not None and goal["value"] == pytest.approx(78.1)
    cumulative = national_rows(atlas.national, "investment_realized", "cumulative", "IDR trillion")
    assert list(cumulative["period_end"]) == sorted(cumulative["period_end"])
    assert cumulative["value"].is_monotonic_increasing
    assert cumulative["value"].iloc[-1] >= 335
