"""URL state: round trips, defaults left out, and hostile values dropped rather than trusted."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.state import ViewState, Vocabulary, from_query, sanitize, to_query, without_screen

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
        ("?zoom=99", "zoom='99'"),
        ("?zoom=-1", "zoom='-1'"),
        ("?zoom=nan", "zoom='nan'"),
        ("?center=200,0", "center='200,0'"),
        ("?center=116,-90", "center='116,-90'"),
        ("?center=116", "center='116'"),
        ("?center=1,2,3", "center='1,2,3'"),
        ("?center=a,b", "center='a,b'"),
        ("?present=maybe", "present='maybe'"),
        ("?panel=<script>", "panel='<script>'"),
    ],
)
def test_unknown_values_are_dropped_and_reported(query, dropped):
    state, problems = from_query(query, VOCAB)
    assert dropped in problems
    assert state.view in ("national", "kaltim") and state.lang in ("id", "en")
    assert (state.zoom, state.center, state.present, state.open_panel) == (None, None, False, "detail")


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


REGENCY_VOCAB = Vocabulary(
    sectors=set(), kinds=set(), statuses=set(),
    provinces={"kalimantan_timur", "kepulauan_riau"}, zones=set(),
    regencies={"64.71": "kalimantan_timur", "64.09": "kalimantan_timur", "21.71": "kepulauan_riau"},
)  # fmt: skip


def test_regency_filter_and_layers_round_trip_through_the_url():
    state = ViewState(regency=("64.71", "21.71"), layers=("regencies",))
    query = to_query(state)
    assert "regency=64.71,21.71" in query and "layers=regencies" in query
    assert from_query(query, REGENCY_VOCAB) == (state, [])
    zones = pd.DataFrame(
        {
            "sectors": [("nickel",), ("nickel",)], "kind": ["KI", "KI"], "status": ["operating"] * 2,
            "province": ["Kalimantan Timur", "Kepulauan Riau"], "regency_code": ["64.09", "21.71"],
        }
    )  # fmt: skip
    assert state.selection(zones).tolist() == [False, True]


@pytest.mark.parametrize(
    ("query", "kept", "dropped"),
    [
        ("?regency=64.71,99.99", ("64.71",), "regency='99.99'"),  # unknown code (or a regency without zones)
        ("?regency=<b>", (), "regency='<b>'"),
        (
            "?province=kepulauan_riau&regency=64.71,21.71",
            ("21.71",),
            "regency='64.71' (outside the chosen provinces)",
        ),
    ],
)
def test_regencies_unknown_or_outside_the_chosen_provinces_are_dropped(query, kept, dropped):
    state, problems = from_query(query, REGENCY_VOCAB)
    assert state.regency == kept
    assert dropped in problems


def test_unknown_map_layers_are_dropped():
    state, problems = from_query("?layers=regencies,satellite", REGENCY_VOCAB)
    assert state.layers == ("regencies",) and "layers='satellite'" in problems


def test_camera_presentation_and_panel_round_trip_through_the_url():
    state = ViewState(zoom=7.25, center=(116.8345, -1.1875), present=True, panel="saved")
    query = to_query(state)
    assert "zoom=7.25" in query and "center=116.8345,-1.1875" in query
    assert "present=1" in query and "panel=saved" in query
    assert from_query(query, VOCAB) == (state, [])


def test_camera_values_are_rounded_sensibly():
    state, problems = from_query("?zoom=5.123456&center=117.123456789,-0.987654321", VOCAB)
    assert (state.zoom, state.center, problems) == (5.12, (117.1235, -0.9877), [])


def test_a_view_is_identified_without_its_screen_parameters():
    query = "?view=kaltim&zoom=7&center=116,-1&present=1&panel=saved&lang=en"
    assert without_screen(query) == "?view=kaltim&lang=en"
    assert without_screen("?present=1") == ""
