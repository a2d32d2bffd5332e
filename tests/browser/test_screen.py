"""The map-first screen at a laptop, a tablet and a phone, offline: the map's room, no sideways
scrolling, the folding control panel, tool tabs and presentation mode in the URL, the camera in the
URL, the Kaltim KPIs, <html lang>, the mode bar, the comparison's width and the saved views' undo."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dashboard.features.language import DROPDOWN_IDS
from geodata.connectivity import kaltim_sites
from tests.browser.conftest import LAPTOP, new_session

VIEWPORTS = {"laptop": (1366, 768), "tablet": (768, 1024), "phone": (390, 844)}
# axe-core 4.14.1 (MPL-2.0, licence header inside the file and in vendor/axe-core.LICENSE)
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
# Two findings come from Dash 4's Dropdown itself and cannot be removed without breaking it: its Tab
# stop is an aria-hidden input that hands focus straight to the labelled button, and that button,
# named by our <label>, shows the chosen values (axe's label-in-name check reads them as its text).
DASH_DROPDOWN_FINDINGS = {
    "aria-hidden-focus": lambda target: ".dash-dropdown-focus-target" in target,
    "label-content-name-mismatch": lambda target: target.lstrip("#") in DROPDOWN_IDS,
}
AXE_JS = """async () => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
  return result.violations.filter((v) => ['serious', 'critical'].includes(v.impact))
    .map((v) => ({id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(' '))}));
}"""

# Where the map lies on the first screen, and whether anything scrolls sideways (or the page at all).
MAP_BOX_JS = """() => {
  const r = document.querySelector('#map').getBoundingClientRect();
  const w = innerWidth, h = innerHeight;
  const seen = Math.max(0, Math.min(r.right, w) - Math.max(r.left, 0))
    * Math.max(0, Math.min(r.bottom, h) - Math.max(r.top, 0));
  return {top: r.top, width: r.width, share: seen / (w * h), scroll: document.scrollingElement.scrollWidth, w,
          tall: document.scrollingElement.scrollHeight, h};
}"""
CAMERA_JS = """() => {
  const map = document.querySelector('#map .js-plotly-plot')._fullLayout.map._subplot.map;
  const c = map.getCenter();
  return {lon: c.lng, lat: c.lat, zoom: map.getZoom()};
}"""


@pytest.fixture(params=list(VIEWPORTS), ids=list(VIEWPORTS))
def screen(request, browser, server_url):
    """A page at one of the three screen sizes (same offline harness as every browser test)."""
    width, height = VIEWPORTS[request.param]
    current, context = new_session(
        browser, server_url, viewport={"width": width, "height": height}, accept_downloads=True
    )
    current.size = request.param
    yield current
    context.close()
    failures = [e for e in current.console_errors if "Callback error" in e or "500" in e]
    assert not failures, f"a callback failed on the server during the test: {failures[:3]}"


def no_sideways_scroll(session) -> None:
    box = session.page.evaluate(MAP_BOX_JS)
    assert box["scroll"] <= box["w"], f"the page scrolls sideways: {box}"


def test_the_map_fills_the_first_screen_and_nothing_scrolls_sideways(screen):
    screen.open()
    box = screen.page.evaluate(MAP_BOX_JS)
    height = VIEWPORTS[screen.size][1]
    if screen.size == "laptop":
        assert box["top"] < height / 3 and box["share"] >= 0.40, box
        assert box["tall"] <= box["h"], f"the page scrolls: the panels scroll inside themselves {box}"
    else:
        assert box["top"] < height / 2 and box["share"] >= 0.30, box
    assert box["scroll"] <= box["w"], box
    assert screen.page.evaluate("() => document.documentElement.lang") == "id"
    # the mode bar: on hover only, and no button that would send data to Plotly's cloud
    screen.page.locator("#investment-chart").hover()
    buttons = screen.page.locator("#investment-chart .modebar-btn")
    buttons.first.wait_for()
    titles = buttons.evaluate_all("(bs) => bs.map((b) => b.dataset.title || '')")
    assert titles and not [b for b in titles if "Cloud" in b or "Chart Studio" in b or "Link" in b], titles
    config = screen.page.evaluate(
        "() => document.querySelector('#investment-chart .js-plotly-plot')._context"
    )
    assert config["displayModeBar"] == "hover" and not config["showSendToCloud"]
    assert not screen.blocked


# The KPI strip's height and the map's top when the cards first appear, before their figures come
# (an init script: it runs before the page's own).
KPI_STRIP_FIRST_JS = """
new MutationObserver((_, observer) => {
  const strip = document.querySelector('.kpis');
  const map = document.querySelector('#map');
  if (!strip || !map) return;
  observer.disconnect();
  window.__kpiFirst = {strip: strip.getBoundingClientRect().height, mapTop: map.getBoundingClientRect().top,
                       text: strip.textContent.trim()};
}).observe(document, {childList: true, subtree: true});
"""
KPI_STRIP_NOW_JS = """() => ({strip: document.querySelector('.kpis').getBoundingClientRect().height,
  mapTop: document.querySelector('#map').getBoundingClientRect().top})"""


def test_the_kpi_strip_keeps_its_height_when_its_figures_come_in_either_language(screen):
    """The map under the strip keeps its size: empty cards grew by ~70 px when their figures came
    (and Indonesian notes wrap to two lines where English ones do not), which shrank the map after
    its first draw, and MapLibre drew it again, under load after the page looked ready."""
    screen.page.add_init_script(KPI_STRIP_FIRST_JS)
    for query in ("", "?lang=en"):
        screen.open(query)
        screen.page.wait_for_function(
            "() => document.querySelector('#kpi-zones .kpi-value').textContent.trim()"
        )
        first = screen.page.evaluate("() => window.__kpiFirst")
        assert first.pop("text") == ""  # seen before the figures came
        assert screen.page.evaluate(KPI_STRIP_NOW_JS) == first, query


def test_the_control_panel_folds_away_and_the_map_takes_the_room_and_so_does_the_legend(screen):
    screen.open()
    before = screen.page.evaluate(MAP_BOX_JS)
    toggle = screen.page.locator("#controls-toggle")
    toggle.click()
    screen.page.wait_for_function("() => !document.querySelector('#controls-panel').offsetParent")
    assert toggle.get_attribute("aria-expanded") == "false"
    if screen.size == "laptop":  # beside the map: the map grows into the panel's room, and Plotly follows
        screen.page.wait_for_function(
            "(w) => document.querySelector('#map .main-svg').getBoundingClientRect().width > w + 100",
            arg=before["width"],
        )
    toggle.click()
    screen.page.wait_for_function("() => !!document.querySelector('#controls-panel').offsetParent")
    no_sideways_scroll(screen)
    # the legend folds to its named button (a presenter gives the room the whole map) and back
    fold, legend = screen.page.locator("#legend-fold"), screen.page.locator("#map-legend")
    legend.get_by_text("Legenda").wait_for()
    name = fold.locator(".legend-fold-name")  # read by screen readers; shown only when folded
    assert fold.get_attribute("aria-expanded") == "true" and name.bounding_box()["width"] <= 1
    fold.click()
    legend.wait_for(state="hidden")
    assert fold.get_attribute("aria-expanded") == "false" and name.bounding_box()["width"] > 20
    mark = "(m) => getComputedStyle(m, '::before').content"
    assert fold.locator(".legend-fold-mark").evaluate(mark) == '" +"'
    fold.click()
    legend.get_by_text("Legenda").wait_for()
    assert fold.get_attribute("aria-expanded") == "true"


def test_tool_tabs_presentation_and_camera_live_in_the_url(screen):
    screen.open("?panel=saved&zoom=6.5&center=116.9,-0.9")
    assert screen.page.locator("#saved-title").is_visible()
    # a pane's part rendered when its tab first opens comes with a URL naming the tab too
    assert screen.page.locator("#saved-import input[type=file]").count() == 1
    assert screen.text("#national-source") == ""  # not opened yet: not sent (issue 14)
    assert screen.page.locator("#investment-chart").is_hidden()
    # the shared link's camera reaches the live map (after the first render)
    screen.page.wait_for_function(
        f"() => {{ const c = ({CAMERA_JS})(); return Math.abs(c.zoom - 6.5) < 0.01"
        " && Math.abs(c.lon - 116.9) < 0.01 && Math.abs(c.lat + 0.9) < 0.01; }"
    )
    # a tab click goes to the URL; the keyboard moves between tabs, with a visible focus ring
    screen.show("national")
    screen.page.wait_for_function("() => location.search.includes('panel=national')")
    screen.page.wait_for_function(
        "() => document.querySelector('#national-source').innerText.startsWith('Sumber')"
    )
    screen.page.locator("#tool-tabs input[value='national']").focus()
    screen.page.keyboard.press("ArrowRight")
    screen.page.wait_for_function("() => !document.querySelector('#pane-kaltim').hidden")
    ring = screen.page.evaluate(
        "() => getComputedStyle(document.querySelector('#tool-tabs label:has(input:focus-visible)')).outlineStyle"
    )
    assert ring == "solid"
    # zooming the map writes the camera to the URL (rounded), and nothing loops
    screen.page.locator("#map").hover()
    screen.page.mouse.wheel(0, -300)
    screen.page.wait_for_function(
        "() => { const z = new URLSearchParams(location.search).get('zoom'); return z && z !== '6.5'; }"
    )
    screen.settle()
    zoom = screen.page.evaluate("() => new URLSearchParams(location.search).get('zoom')")
    assert len(zoom.split(".")[-1]) <= 2
    history = screen.page.evaluate("() => history.length")
    screen.settle()
    assert screen.page.evaluate("() => history.length") == history
    # presentation mode in the URL: a shared link opens presenting
    screen.open("?present=1")
    screen.page.wait_for_function("() => document.body.classList.contains('presenting')")
    assert screen.page.locator("#presentation-toggle").get_attribute("aria-pressed") == "true"
    no_sideways_scroll(screen)


def test_kaltim_view_counts_kaltim_and_presentation_keeps_the_notes(screen, atlas):
    kaltim = len(kaltim_sites(atlas))
    screen.open("?view=kaltim&present=1")
    screen.page.wait_for_function("() => document.body.classList.contains('presenting')")
    assert screen.text("#kpi-zones .kpi-value") == str(kaltim)
    assert screen.text("#kpi-zones .kpi-note") == f"dari {kaltim} kawasan"
    for kpi in ("kpi-investment", "kpi-workforce", "kpi-area"):
        note = screen.page.locator(f"#{kpi} .kpi-note")
        assert note.is_visible() and note.inner_text().endswith(f"dari {kaltim} kawasan melaporkan")
    screen.page.get_by_label("Nasional", exact=True).check()
    screen.page.wait_for_function(
        "(n) => document.querySelector('#kpi-zones .kpi-value').innerText !== String(n)", arg=kaltim
    )
    assert screen.text("#kpi-zones .kpi-note") == f"dari {len(atlas.zones)} kawasan"


def test_the_comparison_fits_its_panel_and_the_rename_box_is_usable(screen):
    screen.open("?view=kaltim")
    screen.page.wait_for_selector("#comparison-table")
    panel = screen.page.evaluate("() => document.querySelector('#tools').getBoundingClientRect().width")
    box = screen.page.evaluate(
        "() => document.querySelector('#site-comparison').getBoundingClientRect().width"
    )
    table = screen.page.evaluate(
        "() => document.querySelector('#comparison-table').getBoundingClientRect().width"
    )
    assert box <= panel + 1 and table < 3 * panel, (box, table, panel)
    no_sideways_scroll(screen)
    screen.show("saved")
    screen.page.locator("#saved-title").fill("Rename me")
    screen.page.locator("#save-view").click()
    rename = screen.page.locator("#saved-views li[data-view] input").first
    rename.wait_for()
    screen.settle()  # the list is drawn again once the save is stored
    width, em = rename.evaluate(
        "(el) => [el.getBoundingClientRect().width, parseFloat(getComputedStyle(el).fontSize)]"
    )
    assert width >= 12 * em, (width, em)
    no_sideways_scroll(screen)


def test_language_reaches_html_lang_and_the_import_panel(browser, server_url):
    session, context = new_session(browser, server_url, viewport=LAPTOP)
    session.open("?lang=en&panel=import")
    session.page.wait_for_function("() => document.documentElement.lang === 'en'")
    assert session.text("#title-import") == "Import your own data"
    # the drop zone is a lazily loaded component (dcc.Upload): its text may follow a frame later
    session.page.wait_for_function(
        "() => document.querySelector('#label-import-drop').innerText.includes('Drag and drop')"
    )
    assert session.page.get_by_label("Overlay layer").count() == 1
    session.page.get_by_label("Bahasa Indonesia").check()
    session.page.wait_for_function("() => document.documentElement.lang === 'id'")
    session.page.wait_for_function(
        "() => document.querySelector('#title-import').innerText === 'Impor data sendiri'"
    )
    assert session.text("#tool-tabs label:has(input[value='import'])") == "Impor"
    context.close()


def test_saved_views_undo_a_delete_and_an_import_twice_adds_nothing(browser, server_url, tmp_path):
    session, context = new_session(browser, server_url, viewport=LAPTOP)
    session.open("?sector=nickel&panel=saved")
    count = "() => document.querySelectorAll('#saved-views li[data-view]').length"
    before = session.page.evaluate(count)
    session.page.locator("#saved-title").fill("Nikel")
    session.page.locator("#save-view").click()
    session.page.wait_for_function(f"() => ({count})() === {before + 1}")
    item = session.page.locator("#saved-views li[data-view]", has_text="Nikel")
    assert item.get_attribute("data-query") == "?sector=nickel"  # saved without the open tab
    item.get_by_role("button", name="Hapus").click()
    session.page.wait_for_function(f"() => ({count})() === {before}")
    session.page.locator("#saved-message").get_by_role("button", name="Urungkan").click()
    session.page.wait_for_function(f"() => ({count})() === {before + 1}")
    document = {
        "format": "atlas-kawasan/saved-views",
        "version": 1,
        "views": [{"title": "Dari berkas", "note": "", "query": "?view=kaltim", "created": ""}],
    }
    # the same views twice (the second copy formatted differently, as another editor would save it)
    for indent, expected in ((None, "1 tampilan diimpor"), (2, "0 tampilan diimpor")):
        copy = tmp_path / f"views-{indent}.json"
        copy.write_text(json.dumps(document, indent=indent))
        session.page.locator("#saved-import input[type=file]").set_input_files(str(copy))
        session.page.wait_for_function(
            "(m) => document.querySelector('#saved-message').innerText === m", arg=expected
        )
    assert session.page.evaluate(count) == before + 2
    context.close()


@pytest.mark.parametrize("query", ["", "?view=kaltim"])
def test_axe_finds_no_serious_or_critical_wcag_violations(screen, query):
    screen.open(query)
    screen.page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    violations = screen.page.evaluate(AXE_JS)
    dash_own = DASH_DROPDOWN_FINDINGS
    found = [
        {**v, "targets": [t for t in v["targets"] if not (v["id"] in dash_own and dash_own[v["id"]](t))]}
        for v in violations
    ]
    assert [v for v in found if v["targets"]] == []
