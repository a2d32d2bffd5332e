"""Transparent multi-criteria comparison of candidate sites: normalise, weight, rank, and test sensitivity.

Formula (shown in the UI as well):
    score(site) = sum_i w_i * s_i(site) / sum_i w_i     over the criteria i the site reports
    s_i = (x - min_i) / (max_i - min_i)   when more is better
    s_i = (max_i - x) / (max_i - min_i)   when less is better
    s_i = 1 for every site when all reporting sites have the same value.
A missing value is never a zero: the criterion drops out of that site's sum and its weight out of
that site's denominator, and ``coverage`` says what share of the total weight the site's score rests on.
Sites with equal scores share a rank.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

STATUS_ORDER = {"revoked": 0.0, "candidate": 1.0, "development": 2.0, "operating": 3.0}


@dataclass(frozen=True)
class Criterion:
    """One comparison criterion: its id, whether more is better, and its default weight."""

    id: str
    higher_is_better: bool
    default_weight: float


CRITERIA = (
    Criterion("road_km_to_ikn", False, 3.0),
    Criterion("straight_km_to_ikn", False, 1.0),
    Criterion("port_km", False, 2.0),
    Criterion("airport_km", False, 1.0),
    Criterion("area_ha", True, 1.0),
    Criterion("sector_count", True, 1.0),
    Criterion("status_level", True, 1.0),
    Criterion("investment_idr_trillion", True, 1.0),
)
MAX_WEIGHT = 10.0


@dataclass(frozen=True)
class SiteScore:
    """A site's normalised criterion scores (None where missing), composite score, coverage and rank."""

    site: str
    normalised: dict[str, float | None]
    score: float | None
    coverage: float
    rank: int | None


def _present(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def normalise(values: Mapping[str, float | None], higher_is_better: bool) -> dict[str, float | None]:
    """Min-max scale one criterion across sites to 0..1 (1 = best); missing stays None."""
    present = {site: float(v) for site, v in values.items() if _present(v)}
    if not present:
        return dict.fromkeys(values)
    low, high = min(present.values()), max(present.values())
    span = high - low
    scaled: dict[str, float | None] = {}
    for site in values:
        if site not in present:
            scaled[site] = None
        elif span == 0:
            scaled[site] = 1.0
        else:
            share = (present[site] - low) / span
            scaled[site] = share if higher_is_better else 1.0 - share
    return scaled


def rank_sites(
    values: Mapping[str, Mapping[str, float | None]],
    weights: Mapping[str, float],
    criteria: Sequence[Criterion] = CRITERIA,
) -> list[SiteScore]:
    """Score and rank sites (best first). ``values[site][criterion]`` may be None (missing)."""
    sites = list(values)
    active = [c for c in criteria if weights.get(c.id, 0.0) > 0]
    total_weight = sum(weights[c.id] for c in active)
    scaled = {c.id: normalise({s: values[s].get(c.id) for s in sites}, c.higher_is_better) for c in active}
    results = []
    for site in sites:
        numerator = denominator = 0.0
        for criterion in active:
            value = scaled[criterion.id][site]
            if value is not None:
                numerator += weights[criterion.id] * value
                denominator += weights[criterion.id]
        score = numerator / denominator if denominator else None
        coverage = denominator / total_weight if total_weight else 0.0
        results.append((site, {c.id: scaled[c.id][site] for c in active}, score, coverage))
    ordered = sorted(results, key=lambda r: (r[2] is None, -(r[2] or 0.0), r[0]))
    ranked: list[SiteScore] = []
    previous: float | None = None
    rank = 0
    for position, (site, normalised_scores, score, coverage) in enumerate(ordered, start=1):
        if score is None:
            ranked.append(SiteScore(site, normalised_scores, None, coverage, None))
            continue
        if previous is None or not math.isclose(score, previous, abs_tol=1e-9):
            rank = position
            previous = score
        ranked.append(SiteScore(site, normalised_scores, round(score, 6), coverage, rank))
    return ranked


def ranking_order(ranked: Sequence[SiteScore]) -> tuple[tuple[str, ...], ...]:
    """The ranking as groups of tied sites, best first (comparable across weightings)."""
    groups: dict[int | None, list[str]] = {}
    for item in ranked:
        groups.setdefault(item.rank, []).append(item.site)
    keys = sorted(k for k in groups if k is not None) + ([None] if None in groups else [])
    return tuple(tuple(sorted(groups[k])) for k in keys)


@dataclass(frozen=True)
class Sensitivity:
    """For one criterion: the weights (others fixed) at which the ranking differs from the current one."""

    criterion: str
    weight: float
    changes_at: tuple[float, ...]
    new_leaders: tuple[str, ...]


def sensitivity(
    values: Mapping[str, Mapping[str, float | None]],
    weights: Mapping[str, float],
    criteria: Sequence[Criterion] = CRITERIA,
    step: float = 0.5,
) -> list[Sensitivity]:
    """Vary each weight alone from 0 to MAX_WEIGHT; list the weights that change the ranking."""
    current = ranking_order(rank_sites(values, weights, criteria))
    report = []
    steps = [round(i * step, 6) for i in range(int(MAX_WEIGHT / step) + 1)]
    for criterion in criteria:
        changes: list[float] = []
        leaders: set[str] = set()
        for trial in steps:
            trial_weights = {**weights, criterion.id: trial}
            order = ranking_order(rank_sites(values, trial_weights, criteria))
            if order != current:
                changes.append(trial)
                if order and order[0] != (current[0] if current else ()):
                    leaders.update(order[0])
        report.append(
            Sensitivity(
                criterion.id, float(weights.get(criterion.id, 0.0)), tuple(changes), tuple(sorted(leaders))
            )
        )
    return report
