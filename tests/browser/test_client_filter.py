"""The filter in the browser (assets/filter.js): the map follows a filter before the server answers,
and the server, once it answers, agrees and does not send the map's visibility again."""

from __future__ import annotations

import json

import pytest

from dashboard.figures import TRACE_FACILITIES, TRACE_ZONES
from geodata import load_atlas
from geodata.filterspec import select

ZONES_SHOWN_JS = (
    "([zones, plants]) => { const gd = document.querySelector('#map .js-plotly-plot');"
    " const n = (t) => (gd.data[t].lon || []).filter((x) => x !== null && x !== undefined).length;"
    " return [n(zones), n(plants)]; }"
)
INDEX_READY_JS = (
    "() => { const gd = document.querySelector('#map .js-plotly-plot');"
    " return !!(gd && gd.layout && gd.layout.meta && window.atlasFilter.ready(gd.layout.meta.filterIndex)); }"
)


@pytest.fixture(scope="module")
def atlas():
    return load_atlas()


def test_map_follows_a_filter_while_the_server_is_held_then_the_server_agrees(session, atlas):
    page = session.page
    session.open("?facilities=1")
    page.wait_for_function(INDEX_READY_JS)
    filters = {"sector": ["nickel"]}
    zones = int(select(atlas.zones, filters).sum())
    plants = int(select(atlas.facilities, filters, facilities=True).sum())
    assert 0 < zones < len(atlas.zones) and 0 < plants < len(atlas.facilities)
    held: list = []
    holding = [True]
    bodies: list[str] = []

    def answer(route) -> None:
        """Pass a callback request to the server, keeping the answer's body."""
        response = route.fetch()
        bodies.append(response.text())
        route.fulfill(response=response)

    page.route(
        "**/_dash-update-component*", lambda route: held.append(route) if holding[0] else answer(route)
    )
    page.locator("#sector-filter").click()
    page.locator(".dash-dropdown-content input[value=nickel]").click()
    page.wait_for_function(
        f"(t) => {{ const [z, p] = ({ZONES_SHOWN_JS})(t); return z === {zones} && p === {plants}; }}",
        arg=[TRACE_ZONES, TRACE_FACILITIES],
    )
    for _ in range(100):  # the route handler sees the request asynchronously
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the server's callbacks were not held"
    assert "sector=" not in page.url  # no server answer yet: the browser drew it alone
    holding[0] = False
    for route in held:
        answer(route)
    page.keyboard.press("Escape")
    page.wait_for_url("**sector=nickel**")
    session.settle()
    assert page.evaluate(ZONES_SHOWN_JS, [TRACE_ZONES, TRACE_FACILITIES]) == [zones, plants]
    assert session.text("#kpi-zones .kpi-value") == str(zones)
    views = [json.loads(b)["response"] for b in bodies if '"map-applied"' in b]
    assert views, "the server's map answer was not seen"
    map_answer = json.dumps(views[-1].get("map", {}))
    assert '"lon"' not in map_answer  # the visibility the browser drew is not sent again
    assert views[-1]["map-applied"]["data"]["sector"] == ["nickel"]
