"""The page draws every chart with the partial plotly.js in assets/vendor/, never dash's full bundle."""

from __future__ import annotations

from urllib.parse import urlparse

from plotly.offline import get_plotlyjs_version

from tests.browser.harness import MAP_DRAWN_JS

# Every trace type the dashboard draws (choroplethmap: imported polygon overlays); tools/plotly-bundle/build.mjs
# bundles exactly these.
TRACE_TYPES = ["bar", "choroplethmap", "scatter", "scattermap"]

CHARTS_JS = """() => {
  const gd = (id) => document.querySelector(`#${id} .js-plotly-plot`);
  const map = gd('map'), investment = gd('investment-chart'), national = gd('national-chart');
  return {
    plotly: window.Plotly.version,
    traces: Object.keys(window.Plotly.PlotSchema.get().traces).sort(),
    map: map._fullData.map((t) => t.type),
    mapCanvas: !!map.querySelector('.maplibregl-canvas'),
    provinces: !!map._fullLayout.map._subplot.map.getSource('provinces'),
    footprints: !!map._fullLayout.map._subplot.map.getSource('footprints'),
    // tiles are cut by MapLibre's web worker, which runs the shared chunk from the bundle's string
    provinceFeatures: map._fullLayout.map._subplot.map.querySourceFeatures('provinces').length,
    investmentBars: investment.querySelectorAll('.barlayer .point').length,
    national: national._fullData.map((t) => t.type),
    nationalXAxis: national._fullLayout.xaxis.type,
    nationalBars: national.querySelectorAll('.barlayer .point').length,
    nationalLines: national.querySelectorAll('.scatterlayer .js-line').length,
    nationalMarkers: national.querySelectorAll('.scatterlayer .point').length,
  };
}"""


def test_page_uses_the_partial_bundle_and_draws_every_chart(session):
    paths: list[str] = []
    session.page.on("request", lambda request: paths.append(urlparse(request.url).path))
    session.open()
    # the investment chart is filled by a callback after the map is drawn
    session.page.wait_for_function(
        "() => document.querySelectorAll('#investment-chart .barlayer .point').length"
    )
    session.page.wait_for_function(MAP_DRAWN_JS)  # the provinces' features exist once tiles are cut
    # the national chart comes when its tab opens (not on the first screen, issue 14)
    assert not session.page.evaluate(
        "() => document.querySelectorAll('#national-chart .barlayer .point').length"
    )
    session.show("national")
    session.page.wait_for_function(
        "() => document.querySelectorAll('#national-chart .barlayer .point').length"
    )

    assert "/assets/vendor/plotly-atlas.min.js" in paths
    assert not [p for p in paths if p.endswith("plotly.min.js")], "dash's full plotly.js was requested"
    charts = session.page.evaluate(CHARTS_JS)
    assert charts["plotly"] == get_plotlyjs_version()
    assert charts["traces"] == TRACE_TYPES
    assert set(charts["map"]) == {"scattermap"}  # footprints and provinces are MapLibre sources
    assert charts["mapCanvas"] and charts["provinces"] and charts["footprints"]
    assert charts["provinceFeatures"] > 0
    assert charts["investmentBars"] > 0
    assert charts["national"][0] == "bar" and set(charts["national"][1:]) == {"scatter"}
    assert charts["nationalXAxis"] == "date"
    assert charts["nationalBars"] > 0
    assert charts["nationalLines"] == 1 and charts["nationalMarkers"] > 0  # the cumulative line, the target
    assert not session.console_errors
    assert not session.blocked


def test_page_inlines_only_the_ids_of_the_layout(session):
    """The HTML carries Dash's validation layout without figures or texts (see dashboard/validation.py)."""
    response = session.page.goto(session.base_url + "/")
    html = response.text()
    # ~30 kB of ids and script tags (their ?m= stamps vary in length); a figure or the texts would
    # add hundreds of kB
    assert len(html) < 40_000
    assert '"validation_layout"' in html and '"id":"map"' in html
    assert "choroplethmap" not in html  # the map figure comes with /_dash-layout only


# What the live MapLibre map does while Plotly updates the figure: its resizes, and the data given to
# each trace's source (by trace name).
WATCH_MAP_JS = """() => {
  const gd = document.querySelector('#map .js-plotly-plot');
  const map = gd._fullLayout.map._subplot.map;
  window.__mapEvents = {resize: 0};
  window.__sourceData = {};
  map.on('resize', () => { window.__mapEvents.resize += 1; });
  for (const trace of gd._fullData) {
    const drawn = gd._fullLayout.map._subplot.traceHash[trace.uid];
    for (const id of new Set(drawn ? Object.values(drawn.sourceIds) : [])) { // cluster ids name the circle source
      const source = map.getSource(id);
      const setData = source.setData.bind(source);
      source.setData = (data) => {
        window.__sourceData[trace.name] = (window.__sourceData[trace.name] || 0) + 1;
        return setData(data);
      };
    }
  }
}"""
# A figure update that changes neither the camera nor the map's size: the selection trace's data,
# as a Dash Patch does (restyle runs the map subplot's whole update).
SAME_VIEW_UPDATE_JS = """async () => {
  const gd = document.querySelector('#map .js-plotly-plot');
  const i = gd.data.findIndex((t) => t.name === 'selected');
  for (const lon of [[110], []]) { await Plotly.restyle(gd, {lon: [lon], lat: [lon.length ? [-7] : []]}, [i]); }
  return {...window.__mapEvents};
}"""


def test_figure_updates_resize_the_map_and_send_data_only_when_needed(session):
    """tools/plotly-bundle patches plotly.js's map subplot and scattermap trace: a figure update used
    to resize the map and give every trace's source its data again each time, painting full frames
    (seconds at 20,000 zones). (The camera is still set on every update: see build.mjs.)"""
    session.open()
    page = session.page
    page.evaluate(WATCH_MAP_JS)
    assert page.evaluate(SAME_VIEW_UPDATE_JS)["resize"] == 0
    # only the changed trace's sources got new data; the zones, halos and labels' did not
    assert set(page.evaluate("() => window.__sourceData")) == {"selected"}

    zoom = page.evaluate(
        "async () => { const gd = document.querySelector('#map .js-plotly-plot');"
        " await Plotly.relayout(gd, {'map.zoom': gd._fullLayout.map.zoom + 1});"
        " return [gd._fullLayout.map.zoom, gd._fullLayout.map._subplot.map.getZoom()]; }"
    )
    assert zoom[0] == zoom[1]  # a camera that differs still moves the map
    assert page.evaluate("() => window.__mapEvents.resize") == 0

    resized = page.evaluate(
        "async () => { const gd = document.querySelector('#map .js-plotly-plot');"
        " gd.style.width = (gd.clientWidth - 40) + 'px'; await Plotly.Plots.resize(gd);"
        " const canvas = gd.querySelector('.maplibregl-canvas');"
        " return [window.__mapEvents.resize, canvas.clientWidth, gd._fullLayout.width]; }"
    )
    assert resized[0] >= 1 and resized[1] == resized[2]  # a new size still resizes the map
    assert not session.console_errors
