"""User flows in headless Chromium with every non-loopback request blocked (as in an FGD ballroom)."""

from __future__ import annotations

import json
import re
import time

import pytest

from dashboard.figures import (
    FOOTPRINT_LOOK,
    LAND_NATIONAL_URL,
    LAND_URL,
    PROVINCES_NATIONAL_URL,
    PROVINCES_URL,
    TRACE_IKN,
    TRACE_RINGS,
    TRACE_SELECTED,
)
from dashboard.i18n import format_km
from geodata.connectivity import kaltim_analysis, kaltim_sites
from geodata.query import select_zones
from tests.browser.harness import SHOWN_ZONES_JS, center_on, hovers


def pick_from_dropdown(session, dropdown_id: str, text: str) -> None:
    """Open a Dash dropdown with the keyboard-reachable trigger, search, and choose an option."""
    page = session.page
    page.locator(f"#{dropdown_id}").click()
    search = page.locator(".dash-dropdown-search, input[type=search]").last
    if search.count():
        search.fill(text)
    page.get_by_role("option", name=re.compile(re.escape(text), re.I)).first.click()
    page.keyboard.press("Escape")
    session.settle()


def kpi_value(session, kpi_id: str) -> str:
    return session.text(f"#{kpi_id} .kpi-value")


def chart_bars(session) -> list[str]:
    return session.page.evaluate(
        "() => { const gd = document.querySelector('#investment-chart .js-plotly-plot'); return gd.data[0].y || []; }"
    )


def test_page_renders_offline_without_errors_or_outside_requests(session, atlas):
    session.open()
    assert kpi_value(session, "kpi-zones") == str(len(atlas.zones))
    assert len(session.shown_zones()) == len(atlas.zones)
    assert session.blocked == []
    assert session.console_errors == []
    # the harness's browser really is offline: an outside request fails, and is recorded
    failed = session.page.evaluate(
        "() => fetch('https://tile.openstreetmap.org/0/0/0.png').then(() => false, () => true)"
    )
    assert failed and session.blocked == ["https://tile.openstreetmap.org/0/0/0.png"]
    session.console_errors.clear()  # the browser's own report of that failure


def test_filtering_to_bauxite_shows_galang_batang_and_hides_sei_mangkei(session, atlas):
    session.open()
    pick_from_dropdown(session, "sector-filter", "Bauksit")
    expected = atlas.zones[select_zones(atlas.zones, ["bauxite"])]
    session.page.wait_for_function(
        "(n) => document.querySelector('#kpi-zones .kpi-value').innerText === String(n)", arg=len(expected)
    )
    bars = chart_bars(session)
    assert "KEK Galang Batang" in bars and "KEK Sei Mangkei" not in bars
    shown = session.shown_zones()
    assert "galang_batang" in shown and "sei_mangkei" not in shown
    investment = expected["investment_idr_trillion"].dropna()
    assert (
        session.text("#kpi-investment .kpi-note")
        == f"{len(investment)} dari {len(expected)} kawasan melaporkan"
    )
    assert "sector=bauxite" in session.page.url
    assert session.console_errors == []


def test_clicking_a_bar_opens_the_detail_and_highlights_the_map(session, atlas):
    session.open("?sector=bauxite")
    bar = session.page.locator("#investment-chart .bars .point path").first
    bar.scroll_into_view_if_needed()
    box = bar.bounding_box()
    session.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    session.page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    session.page.wait_for_function("() => document.querySelector('#zone-detail h3')")
    assert session.text("#zone-detail h3") == "KEK Galang Batang"
    detail = session.text("#zone-detail")
    assert "PP 42/2017" in detail and "PT Bintan Alumina Indonesia" in detail
    session.page.wait_for_function(
        "(i) => document.querySelector('#map .js-plotly-plot').data[i].lon.length === 1", arg=TRACE_SELECTED
    )
    selected = session.map_trace(TRACE_SELECTED)
    assert selected["lon"][0] == pytest.approx(atlas.zones.at["galang_batang", "lon"])
    assert "zone=galang_batang" in session.page.url


def test_clicking_a_zone_on_the_map_selects_it_and_its_bar(session, atlas):
    session.open()
    zone = atlas.zones.loc["galang_batang"]  # no other zone within 45 km: one point under the pointer
    point = center_on(session.page, zone["lon"], zone["lat"])
    session.settle()
    hovers(session.page, point, "galang_batang", 10, wait_ms=3_000)  # the click is what is tested
    session.page.mouse.click(point["x"], point["y"])
    session.page.wait_for_function("() => document.querySelector('#zone-detail h3')")
    assert session.text("#zone-detail h3") == zone["name"]
    widths = session.page.evaluate(
        "() => { const t = document.querySelector('#investment-chart .js-plotly-plot').data[0];"
        " return t.y.map((name, i) => [name, t.marker.line.width[i]]); }"
    )
    assert dict(widths)[zone["name"]] == 3
    assert sum(1 for _, width in widths if width) == 1


def test_kaltim_view_shows_estates_ikn_and_the_core_numbers(session, atlas):
    session.open()
    session.page.get_by_label("Kaltim / IKN").check()
    session.page.wait_for_selector("#distance-table-sites")
    session.settle()
    report = kaltim_analysis(atlas)
    for site in report["sites"]:
        row = session.page.locator(f"#distance-table-sites tr[data-zone='{site['id']}']")
        assert row.count() == 1
        cells = row.locator("td")
        assert cells.nth(0).inner_text() == format_km(site["straight_km_to_ikn"], "id")
        expected_road = (
            "tidak terhubung" if site["road_km_to_ikn"] is None else format_km(site["road_km_to_ikn"], "id")
        )
        assert cells.nth(1).inner_text().rstrip("*") == expected_road
    for estate in ("ki_kariangau", "ki_buluminung", "maloy_batuta_trans_kalimantan"):
        assert session.page.locator(f"tr[data-zone='{estate}']").count() == 1
    assert session.map_trace(TRACE_IKN)["visible"] is True
    assert session.map_trace(TRACE_RINGS)["visible"] is True
    # their positions came with the view (the first page's national map has none: issue 14)
    assert session.map_trace(TRACE_IKN)["lon"] and len(session.map_trace(TRACE_RINGS)["lon"]) > 100
    assert "view=kaltim" in session.page.url


def test_changing_the_rings_changes_ring_membership(session, atlas):
    session.open("?view=kaltim")
    wide = kaltim_analysis(atlas, (25, 50, 100))
    narrow = kaltim_analysis(atlas, (10, 20))
    changed = [
        (w["id"], n["within_ring_km"])
        for w, n in zip(wide["sites"], narrow["sites"], strict=True)
        if w["within_ring_km"] != n["within_ring_km"]
    ]
    assert changed, "the chosen rings must change at least one estate's ring"
    box = session.page.locator("#ring-distances")
    box.fill("10,20")
    box.press("Enter")
    zone_id, ring = changed[0]
    expected = "None" if ring is None else f"{ring:g}"
    session.page.wait_for_function(
        "([id, ring]) => { const c = document.querySelector(`tr[data-zone='${id}'] td:nth-of-type(3)`);"
        " return c && String(c.dataset.ring ?? 'None') === ring; }",
        arg=[zone_id, expected if ring is not None else "None"],
    )
    assert "rings=10,20" in session.page.url
    box.fill("ten")
    box.press("Enter")
    session.page.wait_for_function("() => document.querySelector('#ring-error').innerText.length > 0")
    assert "rings=10,20" in session.page.url


def test_language_toggle_changes_labels_and_number_formats(session, atlas):
    session.open()
    assert session.text("#label-sector") == "Sektor"
    assert session.text("#kpi-investment .kpi-value").startswith("Rp ")
    session.page.get_by_label("English").check()
    session.page.wait_for_function("() => document.querySelector('#label-sector').innerText === 'Sector'")
    session.settle()
    investment = session.text("#kpi-investment .kpi-value")
    assert re.fullmatch(r"IDR [\d,]+\.\d\d T", investment), investment
    assert re.search(r"\d+ of \d+ zones report it", session.text("#kpi-investment .kpi-note"))
    assert session.page.locator("html, #app-root").last.get_attribute("lang") == "en"
    session.page.get_by_label("Bahasa Indonesia").check()
    session.page.wait_for_function(
        "() => document.querySelector('#kpi-investment .kpi-value').innerText.startsWith('Rp ')"
    )
    assert re.fullmatch(r"Rp [\d.]+,\d\d T", session.text("#kpi-investment .kpi-value"))


def test_a_copied_url_restores_the_view_and_back_steps_back(session, atlas):
    session.open("?view=kaltim&kind=KI&zone=ki_kariangau&lang=en&color=kind&rings=10,30,60")
    session.page.wait_for_function("() => document.querySelector('#label-sector').innerText === 'Sector'")
    assert session.page.locator("#view-tabs input[value='kaltim']").is_checked()
    assert session.text("#zone-detail h3") == atlas.zones.at["ki_kariangau", "name"]
    assert session.page.locator("#ring-distances").input_value() == "10,30,60"
    assert session.page.locator("#kind-filter input[value='KI']").is_checked()
    # The Kaltim view counts Kaltim's zones; the national view the nation's (same filter).
    estates = atlas.zones[select_zones(atlas.zones, kinds=["KI"])]
    in_kaltim = estates.index.isin(kaltim_sites(atlas).index)
    assert 0 < in_kaltim.sum() < len(estates)
    assert kpi_value(session, "kpi-zones") == str(in_kaltim.sum())
    before = session.page.url
    session.page.get_by_label("National", exact=True).check()
    session.page.wait_for_function("() => !location.search.includes('view=kaltim')")
    session.page.wait_for_function(
        "(n) => document.querySelector('#kpi-zones .kpi-value').innerText === n", arg=str(len(estates))
    )
    session.page.go_back()
    session.page.wait_for_function("(u) => location.href === u", arg=before)
    session.page.wait_for_function(
        "() => document.querySelector(\"#view-tabs input[value='kaltim']\").checked"
    )
    session.page.wait_for_function("() => !document.querySelector('#kaltim-panel').hidden")
    assert "view=kaltim" in session.page.url


def test_a_map_relayout_during_a_view_switch_does_not_lose_the_switch(session, atlas):
    """Dash keeps only the latest request of a callback: a map relayout reported while the view
    switch's answer is on its way drops that answer (a slow server on a loaded laptop). The switch
    must land all the same. Here the answer is held until the relayout has been answered."""
    session.open("?view=kaltim")
    kaltim = str(len(kaltim_sites(atlas)))
    assert kpi_value(session, "kpi-zones") == kaltim
    held = []

    def hold_the_switch(route):
        # the switch's request may carry another input's change too: match the id, not the whole list
        if not held and "view-tabs.value" in json.loads(route.request.post_data or "{}").get(
            "changedPropIds", []
        ):
            held.append(route)
        else:
            route.continue_()

    session.page.route(lambda url: "/_dash-update-component" in url, hold_the_switch)
    session.page.get_by_label("Nasional", exact=True).check()
    deadline = time.monotonic() + 60
    while not held:
        assert time.monotonic() < deadline, "the view switch's request never reached the server"
        session.page.wait_for_timeout(50)
    session.page.evaluate(
        "() => Plotly.relayout(document.querySelector('#map .js-plotly-plot'), {'map.zoom': 7})"
    )
    session.page.wait_for_function("() => !location.search.includes('view=kaltim')", timeout=30_000)
    held[0].continue_()  # the dropped answer arrives late; Dash ignores it
    session.settle()
    assert kpi_value(session, "kpi-zones") == str(len(atlas.zones))
    assert session.page.locator("#kaltim-panel").is_hidden()


def test_every_filter_updates_offline_and_nothing_is_logged(session, atlas):
    session.open()
    steps = [
        lambda: pick_from_dropdown(session, "sector-filter", "Kelapa sawit"),
        lambda: session.page.locator("#kind-filter").get_by_label("Kawasan industri", exact=True).check(),
        lambda: session.page.locator("#status-filter").get_by_label("Beroperasi").check(),
        lambda: pick_from_dropdown(session, "province-filter", "Kalimantan Timur"),
        lambda: session.page.locator("#color-mode").get_by_label("Jenis kawasan", exact=True).check(),
        lambda: session.page.locator("#filter-reset").click(),
    ]
    last = session.page.url
    for step in steps:
        step()
        session.page.wait_for_function("(u) => location.href !== u", arg=last)
        session.settle()
        last = session.page.url
    session.page.wait_for_function(
        "(n) => document.querySelector('#kpi-zones .kpi-value').innerText === String(n)", arg=len(atlas.zones)
    )
    assert session.blocked == []
    assert session.console_errors == []


def test_online_basemap_without_internet_falls_back_and_keeps_updating(session, atlas):
    session.open()
    session.page.get_by_label("Daring (OpenStreetMap)").check()
    session.page.wait_for_function("() => document.querySelector('#basemap-notice').innerText.length > 0")
    pick_from_dropdown(session, "sector-filter", "Bauksit")
    expected = atlas.zones[select_zones(atlas.zones, ["bauxite"])]
    session.page.wait_for_function(f"() => ({SHOWN_ZONES_JS})().length === {len(expected)}")
    style = session.page.evaluate("() => document.querySelector('#map .js-plotly-plot').layout.map.style")
    assert not any(layer["type"] == "raster" for layer in style["layers"])


def test_controls_are_labelled_and_operable_by_keyboard(session, atlas):
    session.open()
    unlabelled = session.page.evaluate(
        """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea, button')]
            .filter(el => !el.hidden && el.offsetParent !== null && el.getAttribute('aria-hidden') !== 'true')
            .filter(el => {
                const named = (el.labels && el.labels.length) || el.getAttribute('aria-label')
                    || el.getAttribute('aria-labelledby') || (el.innerText || '').trim() || el.getAttribute('title');
                return !named;
            })
            .map(el => el.outerHTML.slice(0, 120))"""
    )
    assert unlabelled == []
    session.page.locator("#status-filter input[value='operating']").focus()
    session.page.keyboard.press("Space")
    session.page.wait_for_function("() => location.search.includes('status=operating')")
    session.page.locator("#view-tabs input[value='national']").focus()
    session.page.keyboard.press("ArrowRight")
    session.page.wait_for_function("() => location.search.includes('view=kaltim')")
    session.page.keyboard.press("Tab")
    focused = session.page.evaluate("() => document.activeElement && document.activeElement.tagName")
    assert focused in ("INPUT", "BUTTON", "A", "SELECT", "TEXTAREA", "DIV")


FOOTPRINT_STATE_JS = """(rows) => {
  const map = document.querySelector('#map .js-plotly-plot')._fullLayout.map._subplot.map;
  const filters = ['indicative', 'official', 'imported'].flatMap((s) => [`footprints-${s}`, `footprints-${s}-outline`])
    .map((id) => map.getFilter(id)[2]);
  const hidden = [];
  for (let i = 0; i < rows; i++) { if ((map.getFeatureState({source: 'footprints', id: i}) || {}).hidden) { hidden.push(i); } }
  return {filters, hidden};
}"""


FOOTPRINTS_LOADED_JS = """() => {
  const map = document.querySelector('#map .js-plotly-plot')._fullLayout.map._subplot.map;
  const data = map.getSource('footprints').serialize().data;
  return typeof data === 'object' ? data.features.length : -1;
}"""


def test_a_filter_reaches_the_footprints_and_outlives_a_style_change(session, atlas):
    session.open()
    assert session.page.evaluate(FOOTPRINTS_LOADED_JS) == 0  # the whole country: not fetched
    session.open("?zoom=6")  # where footprints show (FOOTPRINT_MINZOOM)
    pick_from_dropdown(session, "sector-filter", "Bauksit")
    # every layer shows all; the footprints of zones the filter leaves out are hidden by feature state
    bauxite = select_zones(atlas.zones, ["bauxite"]).to_numpy()
    expected = {"filters": [True] * 6, "hidden": [i for i, shown in enumerate(bauxite) if not shown]}
    assert 0 < len(expected["hidden"]) < len(bauxite)
    rows = len(atlas.zones)
    session.page.wait_for_function(
        f"(e) => JSON.stringify(({FOOTPRINT_STATE_JS})({rows})) === JSON.stringify(e)", arg=expected
    )
    style_before = session.page.evaluate(
        "() => document.querySelector('#map .js-plotly-plot').layout.map.style"
    )
    session.page.get_by_label("Jenis kawasan").check()  # colour by kind: Plotly replaces the whole style
    session.page.wait_for_function(
        "() => JSON.stringify(document.querySelector('#map .js-plotly-plot')._fullLayout.map._subplot.map"
        ".getPaintProperty('footprints-official', 'fill-color')).includes('kind')"
    )
    session.settle()
    assert session.page.evaluate(f"({FOOTPRINT_STATE_JS})({rows})") == expected
    session.page.wait_for_function(  # the footprints are loaded again into the new style
        f"(n) => ({FOOTPRINTS_LOADED_JS})() === n", arg=len(atlas.footprints)
    )
    # a hidden footprint is drawn transparent: its paint reads the state
    opacity = session.page.evaluate(
        "() => document.querySelector('#map .js-plotly-plot')._fullLayout.map._subplot.map"
        ".getPaintProperty('footprints-official', 'fill-opacity')"
    )
    assert opacity[:2] == ["case", ["boolean", ["feature-state", "hidden"], False]] and opacity[2] == 0
    assert style_before["layers"][-1]["filter"][2] is True  # the figure's style never carries the filter
    assert session.console_errors == []


# The provinces the live map holds: the number of vertices of the loaded document (the national
# simplification has far fewer), and the fewest province features drawn in any frame since the
# watch began (0: the land went empty, a flash of sea).
PROVINCES_JS = """() => {
  const map = document.querySelector('#map .js-plotly-plot')._fullLayout.map._subplot.map;
  const data = map.getSource('provinces').serialize().data;
  const vertices = typeof data === 'object' ? JSON.stringify(data).split('],[').length : -1;
  return {vertices, fewest: window.__fewestProvinces};
}"""
WATCH_PROVINCES_JS = """() => {
  const map = document.querySelector('#map .js-plotly-plot')._fullLayout.map._subplot.map;
  window.__fewestProvinces = Infinity;
  const watch = () => {
    window.__fewestProvinces = Math.min(window.__fewestProvinces, map.queryRenderedFeatures({layers: ['land']}).length);
    requestAnimationFrame(watch);
  };
  watch();
}"""


def requested(session, paths: list[str], suffix: str) -> None:
    """Wait until the page (MapLibre's worker included) has asked for ``suffix``: Playwright may
    report a worker's request after the page is ready."""
    for _ in range(300):
        if [p for p in paths if p.endswith(suffix)]:
            return
        session.page.wait_for_timeout(100)  # lets Playwright deliver the events meanwhile
    raise AssertionError(f"the page never asked for {suffix}: {paths}")


def test_detailed_provinces_and_land_replace_the_national_ones_in_place_when_zoomed_in(session):
    paths: list[str] = []
    session.page.on("request", lambda request: paths.append(request.url.split("?")[0]))
    session.open()  # the whole country: the national simplifications only
    requested(session, paths, PROVINCES_NATIONAL_URL)
    requested(session, paths, LAND_NATIONAL_URL)
    assert not [p for p in paths if p.endswith((PROVINCES_URL, LAND_URL))]
    session.page.wait_for_function(f"() => ({PROVINCES_JS})().vertices > 0")
    national = session.page.evaluate(PROVINCES_JS)["vertices"]
    session.settle()  # the page load's camera is applied: it would zoom the map back out
    session.page.evaluate(WATCH_PROVINCES_JS)
    session.page.evaluate(  # zoom in, through Plotly as a user's zoom goes
        "() => Plotly.relayout(document.querySelector('#map .js-plotly-plot'),"
        " {'map.zoom': 6, 'map.center': {lon: 117.0, lat: -0.5}})"
    )
    session.page.wait_for_function(f"(n) => ({PROVINCES_JS})().vertices > 2 * n", arg=national)
    assert [p for p in paths if p.endswith(PROVINCES_URL)]
    session.page.wait_for_function(
        "() => document.querySelector('#map .js-plotly-plot')._fullLayout.map._subplot.map"
        ".getSource('neighbours').__atlasUrl === '" + LAND_URL + "'"
    )
    assert session.page.evaluate(PROVINCES_JS)["fewest"] > 0  # land drawn in every frame of the swap
    # A page opened zoomed in (the camera of a late page-load answer could zoom the map above out).
    session.open("?zoom=6&center=117.0,-0.5")
    session.page.wait_for_function(f"(n) => ({PROVINCES_JS})().vertices > 2 * n", arg=national)
    session.page.get_by_label("Jenis kawasan").check()  # Plotly replaces the style: national again...
    session.page.wait_for_function(
        "() => JSON.stringify(document.querySelector('#map .js-plotly-plot')._fullLayout.map._subplot.map"
        ".getPaintProperty('footprints-official', 'fill-color')).includes('kind')"
    )
    session.settle()  # ... and the detailed ones come back, still zoomed in
    session.page.wait_for_function(f"(n) => ({PROVINCES_JS})().vertices > 2 * n", arg=national)
    assert session.console_errors == []


def test_official_boundaries_are_labelled_and_indicative_circles_dashed(session, atlas):
    session.open("?zone=kendal")
    detail = session.text("#zone-detail")
    footprint = atlas.footprints.loc["kendal"]
    assert "Batas resmi (kek.go.id)" in detail and footprint["legal_basis"] in detail
    assert "Luas resmi (Luas_ha)" in detail and "Luas terukur (geodesik)" in detail
    assert str(footprint["metadata_year"]) in detail and "attributes (slug kek-kendal" in detail
    legend = session.text("#map-legend")
    assert "Batas resmi (kek.go.id)" in legend and "Indikatif, garis putus-putus" in legend
    dashes = session.page.evaluate(
        "() => document.querySelector('#map .js-plotly-plot')._fullLayout.map._subplot.map"
        ".getPaintProperty('footprints-indicative-outline', 'line-dasharray')"
    )
    assert dashes == list(FOOTPRINT_LOOK["indicative"][3])
    session.open("?zone=ki_kariangau")
    assert "indikatif (lingkaran seluas luas resmi, bukan batas)" in session.text("#zone-detail")
