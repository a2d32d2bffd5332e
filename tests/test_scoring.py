"""The site comparison score: the formula, ties, missing values and sensitivity, as pure functions."""

from __future__ import annotations

import pytest

from geodata.scoring import CRITERIA, Criterion, normalise, rank_sites, ranking_order, sensitivity

TWO = (Criterion("road", False, 1.0), Criterion("area", True, 1.0))


def test_normalise_best_is_one_and_missing_stays_missing():
    assert normalise({"a": 10.0, "b": 30.0, "c": None}, higher_is_better=False) == {
        "a": 1.0,
        "b": 0.0,
        "c": None,
    }
    assert normalise({"a": 10.0, "b": 30.0}, higher_is_better=True) == {"a": 0.0, "b": 1.0}
    assert normalise({"a": 5.0, "b": 5.0}, higher_is_better=True) == {"a": 1.0, "b": 1.0}
    assert normalise({"a": None}, higher_is_better=True) == {"a": None}


def test_score_is_the_weighted_mean_of_normalised_values():
    values = {"a": {"road": 10, "area": 100}, "b": {"road": 40, "area": 400}, "c": {"road": 20, "area": 200}}
    ranked = {r.site: r for r in rank_sites(values, {"road": 3, "area": 1}, TWO)}
    # a: road 1.0, area 0.0 -> 3/4; b: road 0.0, area 1.0 -> 1/4; c: road 2/3, area 1/3 -> (2 + 1/3)/4
    assert ranked["a"].score == pytest.approx(0.75)
    assert ranked["b"].score == pytest.approx(0.25)
    assert ranked["c"].score == pytest.approx((2 + 1 / 3) / 4)
    assert [ranked[s].rank for s in "acb"] == [1, 2, 3]


def test_changing_a_weight_re_ranks_as_the_formula_says():
    values = {"a": {"road": 10, "area": 100}, "b": {"road": 40, "area": 400}}
    assert ranking_order(rank_sites(values, {"road": 3, "area": 1}, TWO)) == (("a",), ("b",))
    assert ranking_order(rank_sites(values, {"road": 1, "area": 3}, TWO)) == (("b",), ("a",))


def test_ties_share_a_rank():
    values = {"a": {"road": 10, "area": 100}, "b": {"road": 40, "area": 400}, "c": {"road": 25, "area": 250}}
    ranked = rank_sites(values, {"road": 1, "area": 1}, TWO)
    assert {r.rank for r in ranked} == {1}
    assert ranking_order(ranked) == (("a", "b", "c"),)


def test_missing_values_are_not_zero_and_reduce_coverage():
    values = {"a": {"road": 10, "area": None}, "b": {"road": 40, "area": 400}}
    ranked = {r.site: r for r in rank_sites(values, {"road": 1, "area": 1}, TWO)}
    assert ranked["a"].normalised["area"] is None
    assert ranked["a"].score == pytest.approx(1.0)  # only its road score counts
    assert ranked["a"].coverage == pytest.approx(0.5)
    assert ranked["b"].score == pytest.approx(0.5)


def test_a_site_with_nothing_reported_is_unranked():
    values = {"a": {"road": None, "area": None}, "b": {"road": 1, "area": 1}}
    ranked = {r.site: r for r in rank_sites(values, {"road": 1, "area": 1}, TWO)}
    assert ranked["a"].score is None and ranked["a"].rank is None and ranked["b"].rank == 1


def test_zero_weights_switch_a_criterion_off():
    values = {"a": {"road": 10, "area": 100}, "b": {"road": 40, "area": 400}}
    ranked = {r.site: r for r in rank_sites(values, {"road": 0, "area": 1}, TWO)}
    assert "road" not in ranked["a"].normalised and ranked["b"].rank == 1


def test_sensitivity_names_the_weights_that_flip_the_ranking():
    values = {"a": {"road": 10, "area": 100}, "b": {"road": 40, "area": 400}}
    report = {s.criterion: s for s in sensitivity(values, {"road": 3, "area": 1}, TWO)}
    # area must reach the road weight (3) before b ties with a; above 3 b leads
    assert report["area"].changes_at[0] == 3.0
    assert "b" in report["area"].new_leaders
    # lowering road to 1 or less ties or flips the ranking
    assert max(w for w in report["road"].changes_at) == 1.0


def test_default_criteria_are_all_scorable():
    assert {c.id for c in CRITERIA} >= {
        "road_km_to_ikn",
        "port_km",
        "airport_km",
        "area_ha",
        "investment_idr_trillion",
    }
