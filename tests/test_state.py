"""URL state: round trips, defaults left out, and hostile values dropped rather than trusted."""

from __future__ import annotations

import pytest

from dashboard.state import ViewState, Vocabulary, from_query, sanitize, to_query

VOCAB = Vocabulary(
    sectors={"palm_oil", "bauxite", "nickel"},
    kinds={"KEK", "KI", "KIHT"},
    statuses={"operating", "candidate"},
    provinces={"kalimantan_timur", "kepulauan_riau"},
    zones={"galang_batang", "ki_kariangau"},
)


def test_default_state_has_an_empty_query():
    assert to_query(ViewState()) == ""
    assert from_query("", VOCAB) == (ViewState(), [])


def test_round_trip_of_every_field():
    state = ViewState(
        view="kaltim", sector=("bauxite", "nickel"), kind=("KI",), status=("operating",),
        province=("kalimantan_timur",), zone="ki_kariangau", rings=(10.0, 30.0, 60.0),
        color="kind", basemap="online", lang="en",
    )  # fmt: skip
    query = to_query(state)
    assert query.startswith("?view=kaltim&sector=bauxite,nickel&kind=KI")
    assert "rings=10,30,60" in query and "lang=en" in query
    assert from_query(query, VOCAB) == (state, [])


@pytest.mark.parametrize(
    ("query", "dropped"),
    [
        ("?view=moon", "view='moon'"),
        ("?sector=bauxite,<script>", "sector='<script>'"),
        ("?zone=../../etc/passwd", "zone='../../etc/passwd'"),
        ("?rings=1e9", "rings='1e9'"),
        ("?lang=fr", "lang='fr'"),
        ("?basemap=satellite", "basemap='satellite'"),
    ],
)
def test_unknown_values_are_dropped_and_reported(query, dropped):
    state, problems = from_query(query, VOCAB)
    assert dropped in problems
    assert state.view in ("national", "kaltim") and state.lang in ("id", "en")


def test_huge_and_wrongly_typed_values_do_not_break_it():
    state, problems = sanitize(
        {"sector": ["bauxite"] * 10_000, "kind": 5, "status": {"a": 1}, "zone": ["x"], "rings": [1, "a"]},
        VOCAB,
    )
    assert state.sector == ("bauxite",)
    assert state.kind == () and state.status == () and state.zone is None
    assert state.rings == (25.0, 50.0, 100.0)
    assert problems


def test_from_dict_re_checks_a_stored_state():
    assert ViewState.from_dict({"view": "kaltim", "sector": ["nickel", "bogus"]}, VOCAB) == ViewState(
        view="kaltim", sector=("nickel",)
    )
    assert ViewState.from_dict("garbage", VOCAB) == ViewState()
