"""The filter in the browser (assets/filter.js): the map follows a filter before the server answers,
and the server, once it answers, agrees and does not send the map's visibility again. With a year
chosen (the time slider) the browser applies it too and its KPI card says how many zones of unknown
year the year hides, as the server's does. The investment chart is redrawn in the browser too, and
the server, which agrees, leaves it as it is (and a click on its bars still selects the zone)."""

from __future__ import annotations

import json

import pytest

from dashboard.figures import TRACE_FACILITIES, TRACE_ZONES
from dashboard.i18n import DEFAULT_LANGUAGE, format_number, t
from geodata import load_atlas
from geodata.filterspec import select

ZONES_SHOWN_JS = (
    "([zones, plants]) => { const gd = document.querySelector('#map .js-plotly-plot');"
    " const n = (t) => (gd.data[t].lon || []).filter((x) => x !== null && x !== undefined).length;"
    " return [n(zones), n(plants)]; }"
)
#: the page fetches the index at the first sign of a filter to come (assets/filter.js)
INDEX_READY_JS = (
    "() => { const gd = document.querySelector('#map .js-plotly-plot');"
    " return !!(gd && gd.layout && gd.layout.meta && window.atlasFilter"
    " && window.atlasFilter.ready(gd.layout.meta.filterIndex)); }"
)
YEAR = 2015


@pytest.fixture(scope="module")
def atlas():
    return load_atlas()


class HeldServer:
    """Holds the page's callback requests until released, then passes them on, keeping the answers."""

    def __init__(self, page) -> None:
        self.page = page
        self.held: list = []
        self.holding = True
        self.bodies: list[str] = []
        page.route("**/_dash-update-component*", self._route)

    def _route(self, route) -> None:
        if self.holding:
            self.held.append(route)
        else:
            self._answer(route)

    def _answer(self, route) -> None:
        response = route.fetch()
        self.bodies.append(response.text())
        route.fulfill(response=response)

    def wait_held(self) -> None:
        for _ in range(100):  # the route handler sees the request asynchronously
            if self.held:
                return
            self.page.wait_for_timeout(50)
        raise AssertionError("the server's callbacks were not held")

    def release(self) -> None:
        self.holding = False
        for route in self.held:
            self._answer(route)

    def map_answers(self) -> list[dict]:
        """The server's answers that wrote the map's record ('map-applied')."""
        return [json.loads(b)["response"] for b in self.bodies if '"map-applied"' in b]


def pick_sector_while_held(session, shown: tuple[int, int | None], sector: str = "nickel") -> HeldServer:
    """Hold the server, choose ``sector`` in the sector filter and wait until the map
    shows ``shown`` (zones, and plants unless None: layer off) without the server; the held server
    is returned, still held."""
    page = session.page
    server = HeldServer(page)
    page.locator("#sector-filter").click()
    page.locator(f".dash-dropdown-content input[value={sector}]").click()
    page.wait_for_function(
        f"([t, want]) => {{ const [z, p] = ({ZONES_SHOWN_JS})(t);"
        " return z === want[0] && (want[1] === null || p === want[1]); }",
        arg=[[TRACE_ZONES, TRACE_FACILITIES], list(shown)],
    )
    server.wait_held()
    assert "sector=" not in page.url  # no server answer yet: the browser drew it alone
    return server


def release_and_settle(session, server: HeldServer, sector: str = "nickel") -> None:
    server.release()
    session.page.keyboard.press("Escape")
    session.page.wait_for_url(f"**sector={sector}**")
    session.settle()


def page_year_max(page) -> int:
    """The time slider's last year (where it rests while no year is chosen)."""
    return page.evaluate("() => window.dash_component_api.getLayout('year-slider').props.max")


def test_evaluator_and_index_come_at_the_first_sign_of_a_filter_not_with_the_first_screen(session):
    page = session.page
    fetched: list[str] = []
    page.on(
        "request",
        lambda r: fetched.append(r.url) if "filter-index" in r.url or "filter-eval" in r.url else None,
    )
    session.open()
    page.wait_for_timeout(500)
    assert fetched == []  # the first screen is drawn without them (issue 14)
    page.locator("#controls-panel").hover()
    page.wait_for_function(INDEX_READY_JS)
    assert sorted("index" if "filter-index" in url else "evaluator" for url in fetched) == [
        "evaluator",
        "index",
    ]


def test_map_follows_a_filter_while_the_server_is_held_then_the_server_agrees(session, atlas):
    page = session.page
    session.open("?facilities=1")
    page.locator("#controls-panel").hover()
    page.wait_for_function(INDEX_READY_JS)
    filters = {"sector": ["nickel"]}
    zones = int(select(atlas.zones, filters).sum())
    plants = int(select(atlas.facilities, filters, facilities=True).sum())
    assert 0 < zones < len(atlas.zones) and 0 < plants < len(atlas.facilities)
    # no year chosen: the slider rests at this year, yet the zones of unknown year stay
    assert zones > int(select(atlas.zones, {**filters, "year": page_year_max(page)}).sum())
    server = pick_sector_while_held(session, (zones, plants))
    release_and_settle(session, server)
    assert page.evaluate(ZONES_SHOWN_JS, [TRACE_ZONES, TRACE_FACILITIES]) == [zones, plants]
    assert session.text("#kpi-zones .kpi-value") == str(zones)
    views = server.map_answers()
    assert views, "the server's map answer was not seen"
    assert '"lon"' not in json.dumps(views[-1].get("map", {}))  # the browser's visibility is not resent
    assert views[-1]["map-applied"]["data"]["sector"] == ["nickel"]


def test_with_a_year_the_browser_filters_and_counts_the_unknown_years_before_the_server(session, atlas):
    page = session.page
    session.open(f"?year={YEAR}")
    page.locator("#controls-panel").hover()
    page.wait_for_function(INDEX_READY_JS)
    lang = DEFAULT_LANGUAGE
    nickel = select(atlas.zones, {"sector": ["nickel"]})
    zones = int(select(atlas.zones, {"sector": ["nickel"], "year": YEAR}).sum())
    unknown = int((nickel & atlas.zones["established"].isna().to_numpy()).sum())
    assert 0 < zones < int(nickel.sum()) and unknown > 0
    note = (
        t("kpi.of_total", lang, m=len(atlas.zones))
        + "; "
        + t("year.kpi", lang, n=format_number(unknown, lang))
    )
    server = pick_sector_while_held(session, (zones, None))
    assert session.text("#kpi-zones .kpi-value") == str(zones)  # the browser's cards, server held
    assert session.text("#kpi-zones .kpi-note") == note
    release_and_settle(session, server)
    assert f"year={YEAR}" in page.url
    assert page.evaluate(ZONES_SHOWN_JS, [TRACE_ZONES, TRACE_FACILITIES])[0] == zones
    assert session.text("#kpi-zones .kpi-note") == note
    views = server.map_answers()
    assert views and views[-1]["map-applied"]["data"]["year"] == YEAR
    assert '"lon"' not in json.dumps(views[-1].get("map", {}))


CHART_BARS_JS = "() => document.querySelector('#investment-chart .js-plotly-plot').data[0].y || []"


def test_the_chart_follows_a_filter_while_the_server_is_held_and_the_server_leaves_it(session, atlas):
    page = session.page
    session.open()
    page.locator("#controls-panel").hover()
    page.wait_for_function(INDEX_READY_JS)
    sector = "smelter"
    chosen = atlas.zones[select(atlas.zones, {"sector": [sector]})]
    reporting = chosen.dropna(subset=["investment_idr_trillion"]).sort_values("investment_idr_trillion")
    bars = list(reporting["name"])
    assert 0 < len(bars) < int(atlas.zones["investment_idr_trillion"].notna().sum())
    assert page.evaluate(CHART_BARS_JS) != bars
    server = pick_sector_while_held(session, (len(chosen), None), sector)
    page.wait_for_function(
        f"(want) => JSON.stringify(({CHART_BARS_JS})()) === JSON.stringify(want)", arg=bars
    )
    assert "sector=" not in page.url  # no server answer yet: the browser drew the chart alone
    note = session.text("#investment-note")
    assert note.startswith(f"{len(bars)} dari {len(chosen)} kawasan")  # and the note under it
    page.evaluate(
        "() => { window.__browserBars = document.querySelector('#investment-chart .js-plotly-plot').data[0]; }"
    )
    release_and_settle(session, server, sector)
    views = server.map_answers()
    assert views, "the server's view answer was not seen"
    assert "investment-chart" not in views[-1]  # the server agrees: it does not send the chart
    assert page.evaluate(
        "() => document.querySelector('#investment-chart .js-plotly-plot').data[0] === window.__browserBars"
    )
    assert session.text("#investment-note") == note
    bar = page.locator("#investment-chart .bars .point path").last  # the largest, on top
    bar.scroll_into_view_if_needed()
    box = bar.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url(f"**zone={reporting.index[-1]}**")
    page.wait_for_function("() => document.querySelector('#zone-detail h3')")
    assert session.text("#zone-detail h3") == bars[-1]
    assert session.console_errors == []
