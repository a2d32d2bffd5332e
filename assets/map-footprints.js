/* Atlas Kawasan: the footprints' source and filter, and the detailed provinces and land, on the live MapLibre map. */
window.atlasFootprints = (function () {
  let current = true; // the footprints' filter (dashboard.figures.footprint_filter)
  function graph() {
    return document.querySelector("#map .js-plotly-plot");
  }
  function liveMap() {
    const gd = graph();
    const subplot = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot;
    return subplot ? subplot.map : null;
  }
  // The layers of dashboard.figures.footprint_layers; each filter is ["all", <source test>, <shown>].
  const LAYERS = ["indicative", "official", "imported"].flatMap((s) => [`footprints-${s}`, `footprints-${s}-outline`]);
  // The URL a GeoJSON source was last given, by anyone: ours, or Plotly's new style (MapLibre's
  // style diff sets a changed source's data through setData too). After loading a URL MapLibre
  // holds the parsed data, so the source itself no longer says which file it holds.
  function givenUrl(source) {
    if (!source.__atlasSetData) {
      const setData = source.setData.bind(source);
      source.__atlasSetData = true;
      source.setData = (data, ...rest) => {
        source.__atlasUrl = typeof data === "string" ? data : null;
        return setData(data, ...rest);
      };
    }
    return source.__atlasUrl;
  }
  // The style's provinces and land are the whole-country simplifications; from
  // layout.meta.details_zoom on the detailed ones (layout.meta.details: source id -> URL) replace
  // them in the same sources, so MapLibre draws the old land until the new has loaded (two sources
  // by zoom would leave it empty meanwhile). Once loaded they stay, zooming out too, until Plotly
  // sets a new style.
  function detail(map, meta) {
    if (map.getZoom() < (meta.details_zoom || 0)) { return; }
    for (const [id, url] of Object.entries(meta.details || {})) {
      const source = map.getSource(id);
      if (source && typeof source.setData === "function" && givenUrl(source) !== url) { source.setData(url); }
    }
  }
  /* The footprint ids (zone positions) a filter hides, out of ``rows``; kept for the last filter,
     since apply() runs on every style and zoom event and the filter changes far less often. */
  let hiddenFor = {filter: true, rows: 0, hidden: new Set()};
  function hiddenBy(filter, rows) {
    if (hiddenFor.filter === filter && hiddenFor.rows === rows) { return hiddenFor.hidden; }
    const hidden = new Set();
    if (filter !== true) {
      const shown = new Set(Array.isArray(filter) ? filter[2] : []);
      for (let i = 0; i < rows; i++) { if (!shown.has(i)) { hidden.add(i); } }
    }
    hiddenFor = {filter, rows, hidden};
    return hidden;
  }
  /* Hide by feature state, which MapLibre applies to the drawn tiles' paint (figures.unless_hidden):
     a layer filter would make its worker re-tile every footprint, ~20,000 of them at scale. Only
     the features whose visibility changes are touched; the source remembers what it hides, so a
     new style (a new source) gets every state again. A zone position i is feature id i + offset. */
  function hide(map, id, rows, offset) {
    const source = map.getSource(id);
    if (!source) { return; }
    const wanted = hiddenBy(current, rows);
    if (source.__atlasHidden === wanted) { return; } // the same filter's set: nothing to touch
    const before = source.__atlasHidden || new Set();
    before.forEach((i) => { if (!wanted.has(i)) { map.setFeatureState({source: id, id: i + offset}, {hidden: false}); } });
    wanted.forEach((i) => { if (!before.has(i)) { map.setFeatureState({source: id, id: i + offset}, {hidden: true}); } });
    source.__atlasHidden = wanted;
  }
  /* The circle sources of the traces that hide by feature state (figures.BY_FEATURE_STATE: the
     zones and their halo). Plotly numbers a circle feature by point index + 1 (scattermap's
     convert.js) and draws one whose state is hidden transparent (tools/plotly-bundle/build.mjs). */
  function pointSources(gd) {
    const subplot = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot;
    if (!subplot || !gd._fullData) { return []; }
    return gd._fullData.filter((trace) => trace.meta && trace.meta.featureState && subplot.traceHash[trace.uid])
      .map((trace) => subplot.traceHash[trace.uid].sourceIds.circle);
  }
  /* The zones' points: the same hidden set as the footprints. Their sources are Plotly's, made
     anew after a new style, once Plotly has the style (after styledata): hooked below to when a
     source is ready and to plotly_afterplot. */
  function hidePoints(map) {
    if (!parsed(map)) { return; }
    const gd = graph();
    const rows = (gd && gd.layout && gd.layout.meta && gd.layout.meta.footprints_rows) || 0;
    for (const id of pointSources(gd)) { hide(map, id, rows, 1); }
  }
  function apply(map) {
    // The figure's style carries an empty footprint source; fill it from the URL in layout.meta
    // (again after Plotly replaces the style), outside Plotly's own wait for sources, and only once
    // the map is zoomed in near where the footprints show (layout.meta.footprints_zoom).
    const gd = graph();
    const meta = (gd && gd.layout && gd.layout.meta) || {};
    detail(map, meta);
    const url = map.getZoom() >= (meta.footprints_zoom || 0) ? meta.footprints : null;
    hidePoints(map);
    const source = map.getSource("footprints");
    if (!source) { return; }
    if (url && typeof source.setData === "function") {
      const data = source.serialize().data;
      // Empty: the figure's placeholder, or Plotly's new style reset it; else loaded (or loading).
      const empty = data && typeof data === "object" && Array.isArray(data.features) && !data.features.length;
      if (empty || source.__atlasUrl !== url) {
        source.__atlasUrl = url;
        source.setData(url);
      }
    }
    for (const id of LAYERS) { // the page's layers show every footprint (an export's may not)
      const filter = map.getLayer(id) ? map.getFilter(id) : null;
      if (filter && filter[2] !== true) { map.setFilter(id, ["all", filter[1], true]); }
    }
    hide(map, "footprints", meta.footprints_rows || 0, 0);
  }
  // The style is parsed (its layers exist). Not isStyleLoaded(): that also waits for every source,
  // so a filter arriving while the footprints load would be dropped.
  function parsed(map) {
    return Boolean(map.style && map.style._loaded);
  }
  function hook(map) {
    if (!map || map.__atlasFootprints) { return; }
    map.__atlasFootprints = true;
    map.on("styledata", () => apply(map));
    map.on("zoomend", () => apply(map));
    // a zones' source Plotly has just added (a new style): its states before its tiles are drawn
    map.on("sourcedata", (event) => {
      if (event.sourceDataType === "metadata" && pointSources(graph()).includes(event.sourceId)) { hidePoints(map); }
    });
    if (parsed(map)) { apply(map); }
  }
  // Watch for the map without polling: the graph appears after this script runs (an observer of
  // the page finds it), and Plotly's public plotly_afterplot event says when it has drawn, the first
  // time and anew after it rebuilds the map; each time, the map it now holds is hooked (once). The
  // footprints must be loaded into it even when no filter ever arrives.
  function hookAll() {
    const map = liveMap();
    hook(map);
    if (map && parsed(map)) { hidePoints(map); }
    if (window.atlasScaleBar) { window.atlasScaleBar.hook(map); }
    if (window.atlasTiles) { window.atlasTiles.hook(map); }
  }
  function watch(gd) {
    if (!gd || gd.__atlasWatched || typeof gd.on !== "function") { return; }
    gd.__atlasWatched = true;
    gd.on("plotly_afterplot", hookAll);
    hookAll();
  }
  new MutationObserver(() => watch(graph())).observe(document.documentElement, {childList: true, subtree: true});
  return {
    map: liveMap,
    set(filter) {
      current = filter;
      const map = liveMap();
      hook(map);
      if (map && parsed(map)) { apply(map); }
    },
  };
})();
