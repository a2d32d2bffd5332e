"""The screen's pure parts: which saved view is presented (and its caption), stepping through them,
the URL camera sent to the map, and KPIs that count the view's own zones."""

from __future__ import annotations

import pytest

from dashboard.features import mapview, panels
from dashboard.features.screen import caption_children, presented_view, step_query
from dashboard.runtime import build_runtime
from dashboard.state import ViewState
from dashboard.widgets import plain
from geodata.connectivity import kaltim_sites
from geodata.savedviews import SavedView

VIEWS = [
    SavedView("a", "Nasional", "", "", "2026-12-01"),
    SavedView("b", "Bauksit", "catatan", "?sector=bauxite&zoom=6&center=110,-1", "2026-12-01"),
    SavedView("c", "Kaltim", "", "?view=kaltim", "2026-12-01"),
]


def test_the_presented_view_ignores_camera_tab_and_presentation():
    assert presented_view(VIEWS, "?sector=bauxite&present=1&panel=saved&zoom=9") == (1, VIEWS[1])
    assert presented_view(VIEWS, "?present=1") == (0, VIEWS[0])
    assert presented_view(VIEWS, "?sector=nickel") is None
    assert presented_view(VIEWS, None) == (0, VIEWS[0])


def test_the_caption_shows_title_position_and_note_in_the_language():
    texts = plain(caption_children(VIEWS, "?sector=bauxite&present=1", "en"))
    assert [part["props"]["children"] for part in texts] == ["Bauksit", "2/3", "catatan"]
    assert texts[1]["props"]["title"] == "View 2 of 3"
    assert caption_children(VIEWS, "?sector=nickel", "id") == []


@pytest.mark.parametrize(
    ("search", "step", "presenting", "expected"),
    [
        ("", 1, True, "?sector=bauxite&zoom=6&center=110,-1&present=1"),  # with its own camera
        ("?sector=bauxite&present=1", 1, True, "?view=kaltim&present=1"),
        ("?view=kaltim&present=1", 1, True, None),  # the last: nowhere to go
        ("?view=kaltim", -1, False, "?sector=bauxite&zoom=6&center=110,-1"),
        ("?sector=nickel", 1, False, ""),  # not a saved view: the first
        ("?sector=nickel", -1, True, "?view=kaltim&present=1"),  # backwards: the last
    ],
)
def test_stepping_through_saved_views(search, step, presenting, expected):
    assert step_query(VIEWS, search, step, presenting) == expected
    assert step_query([], search, step, presenting) is None


def test_the_url_camera_goes_to_the_map_only_after_a_load():
    state = ViewState(zoom=7.5, center=(116.9, -0.9))
    assert mapview.camera_updates(state) == {
        ("layout", "map", "center"): {"lon": 116.9, "lat": -0.9},
        ("layout", "map", "zoom"): 7.5,
    }
    assert mapview.camera_updates(ViewState()) == {}


@pytest.fixture(scope="module")
def runtime(atlas):
    return build_runtime(atlas)


def test_kaltim_kpis_count_the_kaltim_zones(runtime, atlas):
    kaltim = len(kaltim_sites(atlas))
    assert 0 < kaltim < len(atlas.zones)
    outputs = panels.panel_outputs(runtime, ViewState(view="kaltim").as_dict())
    zones = outputs["kpis"]["kpi-zones"]
    values = [part["props"]["children"] for part in zones]
    assert values[1:] == [str(kaltim), f"dari {kaltim} kawasan"]
    national = panels.panel_outputs(runtime, ViewState().as_dict())["kpis"]["kpi-zones"]
    assert national[2]["props"]["children"] == f"dari {len(atlas.zones)} kawasan"
