"""One user action -> the next view state, without a browser."""

from __future__ import annotations

from dashboard.reducer import Controls, apply_controls, camera_from_relayout, camera_moved, clicked_zone
from dashboard.state import ViewState, Vocabulary, with_changes

VOCAB = Vocabulary(
    sectors={"palm_oil", "bauxite"}, kinds={"KEK", "KI"}, statuses={"operating"},
    provinces={"kalimantan_timur"}, zones={"galang_batang", "sei_mangkei"},
)  # fmt: skip


def controls(**values) -> Controls:
    base = dict(view="national", sector=[], kind=[], status=[], province=[], zone=None, color="sector",
                basemap="offline", lang="id", rings="25,50,100")  # fmt: skip
    base.update(values)
    return Controls(**base)


def test_filter_change_updates_the_state():
    state, error = apply_controls(ViewState(), controls(sector=["bauxite"]), "sector-filter", None, VOCAB)
    assert state.sector == ("bauxite",) and error is None


def test_a_map_or_bar_click_selects_the_zone():
    click = {"points": [{"customdata": "galang_batang"}]}
    state, _ = apply_controls(ViewState(), controls(), "map", click, VOCAB)
    assert state.zone == "galang_batang"
    state, _ = apply_controls(
        ViewState(), controls(), "investment-chart", {"points": [{"customdata": ["sei_mangkei"]}]}, VOCAB
    )
    assert state.zone == "sei_mangkei"


def test_a_click_on_something_else_keeps_the_selection():
    previous = ViewState(zone="sei_mangkei")
    state, _ = apply_controls(
        previous, controls(zone="sei_mangkei"), "map", {"points": [{"customdata": "ikn"}]}, VOCAB
    )
    assert state.zone == "sei_mangkei"


def test_bad_rings_keep_the_previous_rings_and_say_why():
    previous = ViewState(rings=(10.0, 20.0))
    state, error = apply_controls(previous, controls(rings="ten,twenty"), "ring-distances", None, VOCAB)
    assert state.rings == (10.0, 20.0)
    assert "list of km" in error


def test_reset_clears_filters_but_keeps_view_language_and_selection():
    state, _ = apply_controls(
        ViewState(), controls(view="kaltim", sector=["bauxite"], kind=["KI"], lang="en", zone="sei_mangkei"),
        "filter-reset", None, VOCAB,
    )  # fmt: skip
    assert state.sector == () and state.kind == ()
    assert state.view == "kaltim" and state.lang == "en" and state.zone == "sei_mangkei"


def test_clicked_zone_tolerates_junk():
    for junk in (None, {}, {"points": []}, {"points": ["x"]}, {"points": [{"customdata": 5}]}, "points"):
        assert clicked_zone(junk, {"a"}) is None
    assert clicked_zone({"points": [{"location": "a"}]}, {"a"}) == "a"


def test_a_pan_or_zoom_moves_the_camera_and_nothing_else():
    previous = ViewState(sector=("bauxite",), present=True)
    relayout = {"map.center": {"lon": 116.83456789, "lat": -1.2345678}, "map.zoom": 7.123, "map.bearing": 0}
    state = camera_moved(previous, controls(sector=["bauxite"]), relayout, VOCAB)
    assert state == ViewState(sector=("bauxite",), present=True, zoom=7.12, center=(116.8346, -1.2346))
    # a filter afterwards keeps the camera; an autosize relayout is no camera
    later, _ = apply_controls(state, controls(sector=[]), "sector-filter", None, VOCAB)
    assert (later.zoom, later.center, later.sector) == (7.12, (116.8346, -1.2346), ())
    assert camera_from_relayout({"autosize": True}) == {} and camera_from_relayout("x") == {}
    assert camera_moved(state, controls(sector=["bauxite"]), {"autosize": True}, VOCAB) == state
    # a new zone or view is framed by the map itself: the old camera is forgotten
    click = {"points": [{"customdata": "galang_batang"}]}
    chosen, _ = apply_controls(state, controls(sector=["bauxite"]), "map", click, VOCAB)
    assert (chosen.zone, chosen.zoom, chosen.center) == ("galang_batang", None, None)


def test_a_relayout_applies_a_control_change_whose_answer_it_superseded():
    kaltim = ViewState(view="kaltim", zoom=6.7, center=(116.9, -1.0))  # the national switch's answer was lost
    resized = camera_moved(kaltim, controls(view="national", panel="kaltim"), {"autosize": True}, VOCAB)
    assert (resized.view, resized.open_panel, resized.zoom, resized.center) == (
        "national",
        "detail",
        None,
        None,
    )
    relayout = {"map.center": {"lon": 117.0, "lat": -0.5}, "map.zoom": 8}
    filtered = camera_moved(
        kaltim, controls(view="kaltim", panel="kaltim", sector=["bauxite"]), relayout, VOCAB
    )
    assert (filtered.sector, filtered.zoom, filtered.center) == (("bauxite",), 8, (117.0, -0.5))


def test_presentation_toggles_only_with_its_button_and_a_view_switch_opens_its_tab():
    on, _ = apply_controls(ViewState(), controls(), "presentation-toggle", None, VOCAB)
    assert on.present and not apply_controls(on, controls(), "presentation-toggle", None, VOCAB)[0].present
    assert apply_controls(on, controls(sector=["bauxite"]), "sector-filter", None, VOCAB)[0].present
    saved, _ = apply_controls(ViewState(), controls(panel="saved"), "tool-tabs", None, VOCAB)
    assert saved.open_panel == "saved"
    kaltim, _ = apply_controls(saved, controls(view="kaltim", panel="saved"), "view-tabs", None, VOCAB)
    assert kaltim.open_panel == "kaltim"
    national, _ = apply_controls(kaltim, controls(view="national", panel="kaltim"), "view-tabs", None, VOCAB)
    assert national.open_panel == "detail"
    back = with_changes(national, panel="saved")
    assert (
        apply_controls(back, controls(view="national", panel="saved"), "view-tabs", None, VOCAB)[0].panel
        == "saved"
    )
