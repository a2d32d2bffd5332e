"""The filter in the browser (assets/filter.js): the map follows a filter before the server answers,
and the server, once it answers, agrees and does not send the map's visibility again. With a year
chosen (the time slider) the browser applies it too and its KPI card says how many zones of unknown
year the year hides, as the server's does. The investment chart is redrawn in the browser too, and
the server, which agrees, leaves it as it is (and a click on its bars still selects the zone)."""

from __future__ import annotations

import json

import pytest

from dashboard.figures import TRACE_FACILITIES, TRACE_ZONE_LABELS, TRACE_ZONES
from dashboard.i18n import DEFAULT_LANGUAGE, format_number, t
from geodata import load_atlas
from geodata.filterspec import select
from tests.browser.harness import POINT_STATE_JS, SHOWN_ZONES_JS, center_on, hovers

#: the zones the map draws (a point not hidden by feature state) and the plants (with a longitude)
ZONES_SHOWN_JS = (
    "(plants) => { const gd = document.querySelector('#map .js-plotly-plot');"
    " const n = (gd.data[plants].lon || []).filter((x) => x !== null && x !== undefined).length;"
    f" return [({SHOWN_ZONES_JS})().length, n]; }}"
)
#: the page fetches the index at the first sign of a filter to come (assets/filter.js)
INDEX_READY_JS = (
    "() => { const gd = document.querySelector('#map .js-plotly-plot');"
    " return !!(gd && gd.layout && gd.layout.meta && window.atlasFilter"
    " && window.atlasFilter.ready(gd.layout.meta.filterIndex)); }"
)
#: the investment chart's left margin as set (figures.investment_margins), as Plotly's automargin
#: left it, and whether every axis name starts and every amount ends inside the chart
CHART_AXIS_JS = (
    "() => { const gd = document.querySelector('#investment-chart .js-plotly-plot');"
    " const box = gd.getBoundingClientRect();"
    " const names = [...gd.querySelectorAll('.ytick text')], amounts = [...gd.querySelectorAll('.bartext')];"
    " return {margin: gd.layout.margin.l, used: gd._fullLayout._size.l,"
    " inside: names.length > 0 && names.every((n) => n.getBoundingClientRect().left >= box.left)"
    " && amounts.length === names.length && amounts.every((a) => a.getBoundingClientRect().right <= box.right)}; }"
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
        arg=[TRACE_FACILITIES, list(shown)],
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
    assert page.evaluate(ZONES_SHOWN_JS, TRACE_FACILITIES) == [zones, plants]
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
    assert page.evaluate(ZONES_SHOWN_JS, TRACE_FACILITIES)[0] == zones
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
    axis = page.evaluate(CHART_AXIS_JS)
    assert axis["used"] == axis["margin"] and axis["inside"], axis  # the names fit: nothing to push
    server = pick_sector_while_held(session, (len(chosen), None), sector)
    page.wait_for_function(
        f"(want) => JSON.stringify(({CHART_BARS_JS})()) === JSON.stringify(want)", arg=bars
    )
    assert page.evaluate(CHART_AXIS_JS) == axis  # the axis stays where it was
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


#: per circle source of the zones' points (the zones', the halo's), the zone positions whose feature
#: state is hidden
HIDDEN_POINTS_JS = f"""(rows) => {{
  {POINT_STATE_JS}
  return sources.map((s) => [...Array(rows).keys()]
    .filter((i) => (subplot.map.getFeatureState({{source: s, id: i + 1}}) || {{}}).hidden));
}}"""


def toggle_sector(session, sector: str) -> None:
    page = session.page
    page.locator("#sector-filter").click()
    page.locator(f".dash-dropdown-content input[value={sector}]").click()
    page.keyboard.press("Escape")
    session.settle()


def test_a_filter_hides_zone_points_by_feature_state_not_positions(session, atlas):
    """A filtered-out zone keeps its longitude; MapLibre feature state hides its point and halo,
    drawn transparent, never hovered nor clicked; a new style keeps it hidden; clearing shows it."""
    page = session.page
    session.open()
    zone = atlas.zones.loc["galang_batang"]  # no other zone within 45 km; bauxite, not nickel
    point = center_on(page, zone["lon"], zone["lat"])
    session.settle()
    assert hovers(page, point, "galang_batang", 10)  # before the filter it is hovered
    page.mouse.move(point["x"] - 40, point["y"] - 40)
    clip = {"x": point["x"] - 3, "y": point["y"] - 3, "width": 6, "height": 6}
    drawn = page.screenshot(clip=clip)
    rows = len(atlas.zones)
    nickel = select(atlas.zones, {"sector": ["nickel"]})
    hidden = [i for i, shown in enumerate(nickel) if not shown]
    assert atlas.zones.index.get_loc("galang_batang") in hidden and 0 < len(hidden) < rows

    toggle_sector(session, "nickel")
    page.wait_for_url("**sector=nickel**")
    lon = page.evaluate("(i) => document.querySelector('#map .js-plotly-plot').data[i].lon", TRACE_ZONES)
    assert len(lon) == rows and None not in lon  # every zone keeps its position
    labels = page.evaluate(
        "(i) => document.querySelector('#map .js-plotly-plot').data[i].lon", TRACE_ZONE_LABELS
    )
    assert None in labels  # the labels still hide by longitude
    assert page.evaluate(HIDDEN_POINTS_JS, rows) == [hidden, hidden]  # the halo's source and the zones'
    assert page.screenshot(clip=clip) != drawn  # the point is no longer drawn there
    assert not hovers(page, point, "galang_batang", 3)
    assert page.locator("#map .hoverlayer .hovertext").count() == 0
    page.mouse.click(point["x"], point["y"])
    page.wait_for_timeout(500)
    session.settle()
    assert "zone=" not in page.url and page.locator("#zone-detail h3").count() == 0

    page.get_by_label("Jenis kawasan").check()  # colour by kind: Plotly replaces the style and sources
    page.wait_for_function("() => location.search.includes('color=kind')")
    session.settle()
    assert page.evaluate(HIDDEN_POINTS_JS, rows) == [hidden, hidden]

    toggle_sector(session, "nickel")  # cleared
    page.wait_for_function("() => !location.search.includes('sector=')")
    page.wait_for_function(f"(rows) => ({HIDDEN_POINTS_JS})(rows).every((h) => !h.length)", arg=rows)
    assert hovers(page, point, "galang_batang", 10)
    assert session.console_errors == []
