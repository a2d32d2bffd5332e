"""Regency boundaries and the regency filter in headless Chromium (the internet blocked)."""

from __future__ import annotations

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from dashboard.features import filters
from dashboard.figures import REGENCIES_URL
from tests.browser.harness import SHOWN_ZONES_JS

LIVE_MAP_JS = "document.querySelector('#map .js-plotly-plot')._fullLayout.map._subplot.map"
# Where the regency layer is on the live map: its source added and loaded, its line layer added.
REGENCIES_DRAWN_JS = f"""(() => {{
  const map = {LIVE_MAP_JS};
  const source = !!map.getSource('regencies'), layer = !!map.getLayer('regency-lines');
  const loaded = source && map.isSourceLoaded('regencies');
  return {{source, loaded, layer, drawn: source && loaded && layer}};
}})()"""


def test_regency_layer_loads_only_when_switched_on_and_the_url_filters_by_regency(session, atlas):
    requested: list[str] = []
    session.page.on("request", lambda request: requested.append(request.url))

    balikpapan = atlas.zones[atlas.zones["regency_code"] == "64.71"]
    session.open("?regency=64.71")
    session.page.wait_for_function(
        "(n) => document.querySelector('#kpi-zones .kpi-value').innerText === String(n)", arg=len(balikpapan)
    )
    # the map applies its Patch after the panels of the same response: wait for it, then compare
    session.page.wait_for_function(f"(n) => ({SHOWN_ZONES_JS})().length === n", arg=len(balikpapan))
    assert sorted(session.shown_zones()) == sorted(balikpapan.index)
    assert "Kota Balikpapan" in session.text("#regency-filter")
    assert session.page.evaluate(f"() => !{LIVE_MAP_JS}.getSource('regencies')")
    assert not [url for url in requested if REGENCIES_URL in url]  # not fetched while the layer is off

    session.page.locator("#map-layers").get_by_text("Batas kabupaten/kota").click()
    session.page.wait_for_function("() => location.search.includes('layers=regencies')")
    try:  # 1.4 MB of GeoJSON cut into tiles by a software-rendered map on two shared cores
        session.page.wait_for_function(REGENCIES_DRAWN_JS + ".drawn", timeout=240_000)
    except PlaywrightTimeout as exc:
        state = session.page.evaluate(REGENCIES_DRAWN_JS)
        fetched = [url for url in requested if REGENCIES_URL in url]
        raise AssertionError(
            f"the regency layer was not drawn: {state}; its file asked for: {fetched}"
        ) from exc
    session.settle()
    assert [url for url in requested if REGENCIES_URL in url]
    assert "regency=64.71" in session.page.url  # the filter survives the restyle
    assert sorted(session.shown_zones()) == sorted(balikpapan.index)
    assert session.blocked == []
    assert session.console_errors == []


def test_the_regency_list_follows_the_provinces_and_is_not_resent_otherwise(session, atlas):
    options = "() => window.dash_component_api.getLayout('regency-filter').props.options.length"
    answers: list[str] = []
    session.page.on(
        "request",
        lambda r: answers.append(r.url) if '"regency-filter.options"' in (r.post_data or "") else None,
    )
    session.open("?province=kalimantan_timur")
    kaltim = len(filters.regency_options(atlas, ["kalimantan_timur"]))
    session.page.wait_for_function(f"() => ({options})() === {kaltim}")
    asked = len(answers)
    session.page.locator("#kind-filter input[value='KEK']").check()  # not a province
    session.page.wait_for_function("() => location.search.includes('kind=')")
    session.settle()
    assert len(answers) == asked
    session.page.locator("#filter-reset").click()
    session.page.wait_for_function(f"() => ({options})() === {len(filters.regency_options(atlas))}")
