"""The browser's filter evaluator (assets/lazy/filter-eval.js) against the server's (geodata.filterspec), in
headless Chromium, over every filter combination the UI can make, the year included (drawn by
Hypothesis): on the shipped data and on 20,000 synthetic zones and 5,000 synthetic plants. The map
change and the KPI cards the browser makes from the index must equal the server's for the same
state: with a year the browser computes the cards too, with the note on the zones of unknown year it
hides (features.panels.kpi_children)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dashboard import figures
from dashboard.clientfilter import chart_columns, client_index
from dashboard.features.filters import control_values
from dashboard.features.panels import investment_note, kpi_children, kpi_summary, panel_outputs
from dashboard.i18n import LANGUAGES, format_number
from dashboard.runtime import build_runtime
from dashboard.state import COLOR_MODES, VIEWS, ViewState
from dashboard.widgets import plain
from geodata.filterspec import DIMENSIONS, Dimension, filter_index, select
from tests.browser.harness import CHROMIUM, CHROMIUM_ARGS, block_the_internet

playwright_api = pytest.importorskip("playwright.sync_api")
FILTER_JS = Path(__file__).resolve().parents[1] / "assets" / "lazy" / "filter-eval.js"
EVALUATE_JS = "([f, plants]) => Array.from(window.atlasFilter.evaluate(window.__index, f, plants))"
# Many filter states in one round trip, each answered as a string of 0s and 1s per zone and per plant:
# Playwright takes ~250 ms to pass back a list of 20,000 numbers, and a round trip under CI's load
# costs far more than the evaluation.
BATCH_JS = """(batch) => batch.map((f) => [false, true].map(
    (plants) => window.atlasFilter.evaluate(window.__index, f, plants).join("")))"""


@pytest.fixture(scope="module")
def page():
    """A blank offline page with the evaluator (assets/lazy/filter-eval.js) loaded (no server: the evaluator alone)."""
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context()
        block_the_internet(context, [])
        page = context.new_page()
        page.set_content("<html><body><div id='map'><div class='js-plotly-plot'></div></div></body></html>")
        page.add_script_tag(path=str(FILTER_JS))
        yield page
        browser.close()


def load_index(page, index: dict) -> None:
    page.evaluate("(ix) => { window.__index = ix; }", index)


@pytest.fixture(scope="module")
def runtime(atlas):
    return build_runtime(atlas)


def ui_filters(vocabulary) -> st.SearchStrategy[dict[str, Any]]:
    """What the filter panel can hold: any subset of each list; regencies only of the chosen
    provinces (all provinces' when none is chosen), as the regency dropdown offers them; and the
    time slider's year, or none."""

    def subset(values) -> st.SearchStrategy[list[str]]:
        return st.lists(st.sampled_from(sorted(values)), unique=True, max_size=6)

    @st.composite
    def build(draw) -> dict[str, Any]:
        provinces = draw(subset(vocabulary.provinces))
        offered = [c for c, p in vocabulary.regencies.items() if not provinces or p in provinces]
        return {
            "sector": draw(subset(vocabulary.sectors)),
            "kind": draw(subset(vocabulary.kinds)),
            "status": draw(subset(vocabulary.statuses)),
            "province": provinces,
            "regency": draw(subset(offered)) if offered else [],
            "year": draw(st.one_of(st.none(), st.integers(*vocabulary.years))),
        }

    return build()


def state_of(filters: dict[str, Any], **others: Any) -> ViewState:
    """The server's state for the filters the UI holds."""
    lists = {name: tuple(values) for name, values in filters.items() if name != "year"}
    return ViewState(**lists, year=filters.get("year"), **others)


@pytest.fixture
def shipped(page, runtime):
    """The runtime, with its index loaded in the page (each test: another may have loaded its own)."""
    load_index(page, client_index(runtime))
    return runtime


FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def bits(mask: Any) -> str:
    """A 0/1 mask as BATCH_JS answers it."""
    return "".join("1" if keep else "0" for keep in mask)


def test_shipped_data_same_zones_and_plants_in_browser_and_server(page, shipped):
    runtime = shipped
    plants = runtime.model.facilities.attributes

    @settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.lists(ui_filters(runtime.vocabulary), min_size=5, max_size=10))
    def check(batch):
        for filters, (zones, facilities) in zip(batch, page.evaluate(BATCH_JS, batch), strict=True):
            state = state_of(filters)
            assert zones == bits(state.selection(runtime.attributes))
            assert facilities == bits(runtime.model.facilities.mask(state))
            assert facilities == bits(select(plants, filters, facilities=True))

    check()


def test_shipped_data_browser_map_change_equals_the_server_update(page, shipped):
    """The Patch filter.js sends the map (labels, plants, selection marker) and its footprint filter
    equal figures.map_updates and footprint_filter for the same state; neither sends the zones'
    points a position (the page hides them by feature state, from the footprint filter)."""
    runtime = shipped
    model = runtime.model
    traces = client_index(runtime)["map"]["traces"]
    page.evaluate(
        "([ids, i]) => { const gd = document.querySelector('#map .js-plotly-plot');"
        " gd.data = []; gd.data[i] = {customdata: ids}; }",
        [model.zone_ids, traces["zones"]],
    )
    zone_ids = st.sampled_from(model.zone_ids)

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(ui_filters(runtime.vocabulary), st.booleans(), zone_ids)
    def check(filters, facilities, zone):
        before = ViewState(facilities=facilities, zone=zone)
        after = state_of(filters, facilities=facilities, zone=zone)
        drawn = figures.drawn_map(before, "offline")
        change = page.evaluate(
            "([f, drawn]) => window.atlasFilter.mapChange(window.__index, f, drawn)", [filters, drawn]
        )
        if after.filters == before.filters:
            assert change is None
            return

        def updates(state, shown):
            mask = state.selection(runtime.attributes)
            return figures.map_updates(runtime.atlas, model, runtime.hovers, state, mask, "offline", shown)

        server = updates(after, drawn)  # what the server sends a map that shows ``before``
        current = updates(before, None)  # everything such a map shows
        sent = {tuple(op["location"]): op["params"]["value"] for op in change["patch"]["operations"]}
        for path, value in sent.items():  # the server's value, or (where it sends none) the current one
            assert value == server.get(path, current[path]), path
        assert {path for path in server if path[-1] in ("lon", "lat")} <= set(sent)
        points = {("data", figures.TRACE_ZONES, "lon"), ("data", figures.TRACE_HALO, "lon")}
        assert not points & (set(sent) | set(server))
        assert change["footprints"] == figures.footprint_filter(after.selection(runtime.attributes))
        assert change["record"] == figures.drawn_map(after, "offline")

    check()


def synthetic(zones: int, plants: int, vocabulary, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Zones and plants with random attributes from the UI's vocabulary, some unknown values, and
    sector lists of 1-3 tags (one sometimes outside the vocabulary)."""
    rng = np.random.default_rng(seed)
    sectors = [*sorted(vocabulary.sectors), "unlisted"]
    provinces = sorted(vocabulary.provinces)
    regencies = sorted(vocabulary.regencies)
    names = {p: p.replace("_", " ").title() for p in provinces}  # province_id() of these is p again

    def pick(values: list, n: int, missing: float) -> list:
        chosen = [values[i] for i in rng.integers(0, len(values), n)]
        return [None if rng.random() < missing else v for v in chosen]

    zone_frame = pd.DataFrame(
        {
            "sectors": [tuple(rng.choice(sectors, rng.integers(1, 4), replace=False)) for _ in range(zones)],
            "kind": pick(sorted(vocabulary.kinds), zones, 0.0),
            "status": pick(sorted(vocabulary.statuses), zones, 0.0),
            "province": [names[p] if p else None for p in pick(provinces, zones, 0.05)],
            "regency_code": pick(regencies, zones, 0.1),
            "established": [None if rng.random() < 0.2 else int(y) for y in rng.integers(1970, 2027, zones)],
        }
    )
    # what the investment chart reads: amounts to one decimal (equal amounts are common), a third
    # unknown, and names from short to longer than the chart's axis shows
    zone_frame["investment_idr_trillion"] = [
        None if rng.random() < 0.33 else round(float(v), 1) for v in rng.uniform(0, 50, zones)
    ]
    zone_frame["investment_as_of"] = [f"20{y:02d}-06-30" for y in rng.integers(15, 26, zones)]
    zone_frame["name"] = [
        f"KI {'Kawasan Industri ' * int(k)}{i}" for i, k in enumerate(rng.integers(0, 3, zones))
    ]
    zone_frame["primary_sector"] = [tags[0] for tags in zone_frame["sectors"]]
    zone_frame.index = pd.Index([f"z{i}" for i in range(zones)], name="id")
    plant_frame = pd.DataFrame(
        {
            "sector": pick(sectors, plants, 0.0),
            "province": [names[p] if p else "" for p in pick(provinces, plants, 0.1)],
        }
    )
    return zone_frame, plant_frame


def test_synthetic_20000_zones_same_in_browser_and_server(page, runtime):
    zones, plants = synthetic(20_000, 5_000, runtime.vocabulary)
    load_index(page, filter_index(zones, plants))
    years = st.one_of(st.none(), st.integers(1965, 2030))  # beyond the synthetic years on both sides
    chosen = st.builds(lambda filters, year: {**filters, "year": year}, ui_filters(runtime.vocabulary), years)

    @settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.lists(chosen, min_size=3, max_size=6))
    def check(batch):
        for filters, (shown, facilities) in zip(batch, page.evaluate(BATCH_JS, batch), strict=True):
            assert shown == bits(select(zones, filters))
            assert facilities == bits(select(plants, filters, facilities=True))

    check()


CHART_JS = (
    "([f, state]) => { const ix = window.__index; const shown = window.atlasFilter.evaluate(ix, f, false);"
    " return [window.atlasFilter.investmentFigure(ix, shown, state), window.atlasFilter.chartKey(ix, f, state)]; }"
)


def browser_chart(page, filters: dict[str, Any], state: ViewState) -> tuple[dict, str]:
    """The chart and its key assets/filter.js draws for ``filters`` in ``state``'s language, colour,
    selection and view."""
    wanted = {"lang": state.lang, "color": state.color, "zone": state.zone, "kaltim": state.view == "kaltim"}
    figure, key = page.evaluate(CHART_JS, [filters, wanted])
    return figure, key


def test_shipped_data_browser_chart_equals_the_server_chart(page, shipped):
    """The investment chart filter.js draws from the index is the panels callback's (the zones it
    counts, in the Kaltim view only Kaltim's; selection; colours; both languages), and so is the key
    it records for it."""
    runtime = shipped
    reporting = sorted(runtime.attributes.index[runtime.attributes["investment_idr_trillion"].notna()])
    zones = st.one_of(
        st.none(), st.sampled_from(reporting), st.sampled_from(sorted(runtime.attributes.index))
    )

    @FAST
    @given(
        ui_filters(runtime.vocabulary),
        st.sampled_from(LANGUAGES),
        st.sampled_from(VIEWS),
        st.sampled_from(COLOR_MODES),
        zones,
    )
    def check(filters, lang, view, color, zone):
        state = state_of(filters, view=view, lang=lang, color=color, zone=zone)
        server = panel_outputs(runtime, state.as_dict())
        figure, key = browser_chart(page, filters, state)
        assert figure == server["chart"]
        assert key == server["drawn"]["chart"]

    check()


def test_synthetic_20000_zones_browser_chart_equals_the_server_chart(page, runtime):
    """On 20,000 zones (many equal amounts, more than CHART_BARS bars): the same largest bars in the
    same order, the selected zone kept wherever it ranks, in either view."""
    zones, plants = synthetic(20_000, 10, runtime.vocabulary, seed=11)
    scope = np.random.default_rng(5).random(len(zones)) < 0.3  # the "Kaltim" zones
    index = filter_index(zones, plants)
    index["kpi"] = {
        "investment": [None if pd.isna(v) else v for v in zones["investment_idr_trillion"]],
        "kaltim": scope.astype(int).tolist(),
    }
    index["chart"] = chart_columns(zones, runtime.model)
    load_index(page, index)
    reports = zones["investment_idr_trillion"].notna().to_numpy()
    seen_kept: set[bool] = set()

    # a sector or two alone leaves hundreds of zones: more than the chart's bars
    broad = st.fixed_dictionaries(
        {"sector": st.lists(st.sampled_from(sorted(runtime.vocabulary.sectors)), unique=True, max_size=2)}
    )

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(
        st.one_of(ui_filters(runtime.vocabulary), broad),
        st.sampled_from(LANGUAGES),
        st.sampled_from(VIEWS),
        st.sampled_from(COLOR_MODES),
        st.one_of(st.none(), st.floats(0, 1)),
    )
    # always one selected zone far below the largest bars (the first of thousands that report),
    # so the closing check does not rest on what Hypothesis happens to draw
    @example({"sector": []}, "en", "national", COLOR_MODES[0], 0.0)
    def check(filters, lang, view, color, where):
        """``where``: the selected zone's place among the counted zones that report (none: no selection)."""
        counted = select(zones, filters) & (scope if view == "kaltim" else True)
        candidates = zones.index[counted & reports]
        zone = (
            None if where is None or not len(candidates) else candidates[int(where * (len(candidates) - 1))]
        )
        state = state_of(filters, view=view, lang=lang, color=color, zone=zone)
        server = figures.investment_figure(zones, runtime.model, zones[counted], state)
        figure, _ = browser_chart(page, filters, state)
        assert figure == server
        if zone is not None:
            unselected = figures.investment_figure(zones, runtime.model, zones[counted], ViewState())
            if zone not in unselected["data"][0]["customdata"]:  # it ranks below the largest bars
                seen_kept.add(zone in figure["data"][0]["customdata"])

    check()
    assert seen_kept == {True}  # selected zones, some outside the largest bars, all kept


def test_the_parity_test_can_fail(page, runtime):
    """A different evaluation (a sector test that matches on the first tag only) is caught."""
    zones, plants = synthetic(2_000, 100, runtime.vocabulary, seed=3)
    load_index(page, filter_index(zones, plants))
    first_only = (Dimension("sector", "in", lambda z: [tags[0] for tags in z["sectors"]]), *DIMENSIONS[1:])
    filters = {"sector": ["unlisted"]}
    browser = page.evaluate(EVALUATE_JS, [filters, False])
    assert browser == select(zones, filters).astype(int).tolist()
    assert browser != select(zones, filters, spec=first_only).astype(int).tolist()


def test_shipped_data_browser_kpis_equal_the_server_cards(page, shipped):
    """The KPI cards filter.js computes from the index equal the server's (panels.kpi_children:
    same sums, reporting counts and number formats, and with a year the count of zones of unknown
    year it hides), in both languages and both views."""
    runtime = shipped
    seen_hidden: set[bool] = set()

    nothing = {"sector": [], "kind": [], "status": [], "province": [], "regency": []}

    @FAST
    @given(ui_filters(runtime.vocabulary), st.sampled_from(LANGUAGES), st.sampled_from(VIEWS))
    # always a year that hides the zones of unknown year, and none (the closing check's two cases)
    @example({**nothing, "year": runtime.vocabulary.years[1]}, "id", "national")
    @example({**nothing, "year": None}, "en", "national")
    def check(filters, lang, view):
        state = state_of(filters, view=view, lang=lang)
        summary, of, hidden = kpi_summary(runtime, state, state.selection(runtime.attributes))
        seen_hidden.add(hidden > 0)
        cards = page.evaluate(
            "([f, lang, kaltim]) => window.atlasFilter.kpis(window.__index, f, lang, kaltim)",
            [filters, lang, view == "kaltim"],
        )
        assert cards.pop("investment-note") == investment_note(summary, lang, figures.CHART_BARS)
        assert cards == plain(kpi_children(summary, of, lang, state.year, hidden))

    check()
    assert seen_hidden == {True, False}  # the note's count was tested, zero and not


@given(st.one_of(st.none(), st.integers(2000, 2026)), st.one_of(st.none(), st.integers(2000, 2026)))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_browser_reads_the_year_from_the_slider_as_the_server_does(page, shown, moved_to):
    """The slider rests at the last year while no year is chosen (filters.control_values): read at
    rest it gives the map's year back (none included); moved elsewhere, the year it was moved to, as
    the server's reducer takes it on a 'year-slider' input."""
    first, last = 2000, 2026
    rest = control_values(ViewState(year=shown), last)["year"]
    read = "([slider, drawn]) => window.atlasFilter.chosenYear(slider, drawn)"
    assert page.evaluate(read, [{"value": rest, "min": first, "max": last}, shown]) == shown
    if moved_to is not None and moved_to != rest:
        assert page.evaluate(read, [{"value": moved_to, "min": first, "max": last}, shown]) == moved_to


@pytest.mark.parametrize(
    ("value", "decimals"),
    [(0.125, 2), (2.5, 0), (3.5, 0), (154895.5, 0), (1234567.891, 2), (99.95, 1), (0, 0)],
)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_browser_number_format_equals_the_server(page, value, decimals, lang):
    """Rounding (half to even on exact ties, as Python) and separators, as i18n.format_number."""
    assert page.evaluate(
        "([v, d, lang]) => window.atlasFilter.formatNumber(v, lang, d)", [value, decimals, lang]
    ) == format_number(value, lang, decimals)
