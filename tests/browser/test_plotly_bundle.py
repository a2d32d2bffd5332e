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
  const container = map.getContainer();
  window.__mapEvents = {resize: 0, sizes: [container.clientWidth + 'x' + container.clientHeight]};
  window.__sourceData = {};
  map.on('resize', () => {
    window.__mapEvents.resize += 1;
    window.__mapEvents.sizes.push(container.clientWidth + 'x' + container.clientHeight);
  });
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
# The map drawn again (a pan there and back) until MapLibre is idle, or 30 s have passed.
REDRAWN_JS = """() => new Promise((resolve) => {
  const map = document.querySelector('#map .js-plotly-plot')._fullLayout.map._subplot.map;
  map.once('idle', resolve);
  setTimeout(resolve, 30000);
  map.panBy([80, 0], {animate: false});
  map.panBy([-80, 0], {animate: false});
})"""
# True once the map has drawn what the page's first updates gave it: the zones have positions,
# MapLibre has loaded, and Plotly has not redrawn for 500 ms; false after 30 s. Dash is idle before
# dcc.Graph has applied the last figure it was given: the zones' positions came ~0.5 s later.
MAP_QUIET_JS = """() => new Promise((resolve) => {
  const gd = document.querySelector('#map .js-plotly-plot');
  const started = performance.now();
  let plotted = started;
  gd.on('plotly_afterplot', () => { plotted = performance.now(); });
  const check = () => {
    const zones = gd._fullData.find((t) => t.name === 'zones');
    const now = performance.now();
    if (zones && zones.lon && zones.lon.length && gd._fullLayout.map._subplot.map.loaded() && now - plotted > 500) {
      resolve(true);
    } else if (now - started > 30000) {
      resolve(false);
    } else {
      setTimeout(check, 50);
    }
  };
  check();
})"""
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
    assert page.evaluate(MAP_QUIET_JS), "the map was still being redrawn 30 s after the page was ready"
    page.evaluate(WATCH_MAP_JS)
    events = page.evaluate(SAME_VIEW_UPDATE_JS)
    assert events["resize"] == 0, f"map sizes, then at each resize: {events['sizes']}"
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


# A new map in a div of its own (Plotly.newPlot, not Dash) and two data updates: how often the
# map is resized after MapLibre has made it (counted through MapLibre's Map class, which the page's
# map shares).
FIRST_UPDATES_JS = """async () => {
  const Map = document.querySelector('#map .js-plotly-plot')._fullLayout.map._subplot.map.constructor;
  const div = document.createElement('div');
  div.style.cssText = 'position: fixed; left: 0; top: 0; width: 300px; height: 200px';
  document.body.appendChild(div);
  const resize = Map.prototype.resize;
  const made = new WeakSet();  // MapLibre sizes a map once as it makes it: not a resize
  let resizes = 0;
  Map.prototype.resize = function (...args) {
    if (div.contains(this.getContainer())) {
      if (made.has(this)) { resizes += 1; } else { made.add(this); }
    }
    return resize.apply(this, args);
  };
  try {
    await Plotly.newPlot(div, [{type: 'scattermap', lon: [117], lat: [-1], mode: 'markers'}],
      {map: {style: 'white-bg', center: {lon: 117, lat: -1}, zoom: 4},
       width: 300, height: 200, margin: {l: 0, r: 0, t: 0, b: 0}});
    for (const lon of [118, 119]) { await Plotly.restyle(div, {lon: [[lon]]}); }
  } finally {
    Map.prototype.resize = resize;
    Plotly.purge(div);
    div.remove();
  }
  return resizes;
}"""


def test_a_new_maps_first_updates_do_not_resize_it(session):
    """The bundle's map subplot resized the map right after making it, at the size it was made at
    (it compared with the size it had last seen itself: nothing yet), a full frame as the page
    opened; it now compares the container with the canvas MapLibre drew."""
    session.open()
    assert session.page.evaluate(FIRST_UPDATES_JS) == 0
    assert not session.console_errors


# A tile's label bucket bound to a style layer that was never evaluated (no layout yet), as MapLibre
# leaves one when a trace's layer is replaced twice under its id before the style is next evaluated;
# then a full label placement, as a frame makes. Says "placed", or the error the placement threw.
STALE_LABEL_BUCKET_JS = """() => {
  const map = document.querySelector('#map .js-plotly-plot')._fullLayout.map._subplot.map;
  const style = map.style;
  for (const manager of Object.values(style.tileManagers)) {
    for (const tile of manager.getRenderableIds(true).map((key) => manager.getTileByID(key))) {
      for (const [id, bucket] of Object.entries(tile.buckets || {})) {
        const layer = style._layers[id];
        if (!layer || layer.type !== 'symbol' || bucket.layers[0] !== layer) continue;
        bucket.layers = [Object.create(Object.getPrototypeOf(layer), {id: {value: id}, type: {value: 'symbol'}})];
        try {
          style._updatePlacement(map._camera.transform, false, 0, true, true);
          return 'placed';
        } catch (error) {
          return String(error);
        }
      }
    }
  }
  return 'no label bucket on the map';
}"""


def test_a_label_bucket_whose_layer_was_never_evaluated_is_passed_over_by_the_placement(session):
    """tools/plotly-bundle patches MapLibre's Placement.getBucketParts: such a bucket threw from every
    frame's placement until its tile was parsed again (seen under load after quick restyles)."""
    session.open()
    session.page.wait_for_function(MAP_DRAWN_JS)
    assert session.page.evaluate(STALE_LABEL_BUCKET_JS) == "placed"
    session.page.evaluate(REDRAWN_JS)
    assert not session.console_errors
