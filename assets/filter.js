/* Filters in the browser (issue 14): what the page loads at once. The evaluator
   (assets/lazy/filter-eval.js, window.atlasFilter) and the index it evaluates
   (dashboard/clientfilter.py, the map figure's layout.meta.filterIndex) come at the first sign of a
   filter to come: the pointer over the control panel or the time bar, a press or a key anywhere.
   The first screen needs neither (issue 14: 5 kB and 28 kB gzip of the first page), and both
   arrive long before a dropdown's option can be chosen; a filter applied before they do is drawn
   by the server, as without them. */
(function () {
  const EVALUATOR = document.currentScript.src.replace(/filter\.js(\?.*)?$/, "lazy/filter-eval.js");
  let evaluator = null;
  function loadEvaluator() {
    if (!evaluator) {
      evaluator = new Promise((resolve, reject) => {
        const script = document.createElement("script");
        script.src = EVALUATOR;
        script.onload = resolve;
        script.onerror = () => { evaluator = null; reject(new Error("filter evaluator not loaded")); };
        document.head.appendChild(script);
      });
    }
    return evaluator;
  }
  function indexUrl() {
    const gd = document.querySelector("#map .js-plotly-plot");
    return gd && gd.layout && gd.layout.meta ? gd.layout.meta.filterIndex : null;
  }
  const INTENT = ["pointerover", "pointerdown", "keydown", "focusin"];
  const listen = (on) => INTENT.forEach((type) => (on ? document.addEventListener : document.removeEventListener).call(document, type, intent, true));
  function intent(event) {
    if (event.type === "pointerover" && !(event.target.closest && event.target.closest("#controls-panel, #timebar"))) {
      return;
    }
    const url = indexUrl();
    if (!url) { return; } // no map yet (or no index: the naive baseline): the next sign asks again
    listen(false);
    loadEvaluator().then(() => window.atlasFilter.load(url)).catch(() => listen(true));
  }
  listen(true);
})();

/* A filter control changed: redraw the map, the KPI cards and the investment chart from the index
   at once. Not a Dash callback: Dash holds back every callback whose input the pending server
   callback may rewrite (the URL sync writes the filter controls), which would put this behind a
   round trip. So after each user input the filter controls' values are read from Dash's layout,
   and the map and its 'map-applied' record, the cards, the chart and its key in 'panels-applied'
   (with the index it came from, so that the server redraws a chart from an older index) are
   written with Dash's own set_props (the map's figure as a Patch), before the server is asked. */
(function () {
  function props(id) {
    const api = window.dash_component_api;
    const component = api && api.getLayout ? api.getLayout(id) : null;
    return component ? component.props : null;
  }
  function apply() {
    const gd = document.querySelector("#map .js-plotly-plot");
    const url = gd && gd.layout && gd.layout.meta ? gd.layout.meta.filterIndex : null;
    const index = url && window.atlasFilter ? window.atlasFilter.ready(url) : null;
    const applied = props("map-applied");
    if (!index || !applied || !applied.data) { return; } // not loaded yet: the server draws it
    const filters = {};
    for (const d of index.dimensions) {
      if (d.name === "year") {
        filters.year = window.atlasFilter.chosenYear(props("year-slider"), applied.data.year);
        continue;
      }
      const control = props(`${d.name}-filter`);
      if (!control) { return; }
      const value = control.value;
      filters[d.name] = Array.isArray(value) ? value : (value ? [value] : []);
    }
    const change = window.atlasFilter.mapChange(index, filters, applied.data);
    if (!change) { return; }
    window.dash_clientside.set_props("map", {figure: change.patch});
    window.dash_clientside.set_props("map-applied", {data: change.record});
    window.atlasFootprints.set(change.footprints);
    const lang = (props("lang-toggle") || {}).value === "en" ? "en" : "id";
    const view = (props("view-tabs") || {}).value;
    const cards = window.atlasFilter.kpis(index, filters, lang, view === "kaltim", change.zones);
    Object.entries(cards).forEach(([id, children]) => window.dash_clientside.set_props(id, {children}));
    const panels = props("panels-applied");
    if (!panels || !panels.data) { return; } // no chart from the server yet: it draws the first
    const state = {lang, color: change.record.color, zone: change.record.zone, kaltim: view === "kaltim"};
    const key = window.atlasFilter.chartKey(index, filters, state);
    if (panels.data.chart === key) { return; }
    window.dash_clientside.set_props("investment-chart", {figure: window.atlasFilter.investmentFigure(index, change.zones, state)});
    window.dash_clientside.set_props("panels-applied", {data: Object.assign({}, panels.data, {chart: key, chart_index: url})});
  }
  // After the event, once the dropdown has written its value into Dash's store.
  const later = () => setTimeout(apply, 0);
  ["click", "keydown", "change"].forEach((type) => document.addEventListener(type, later));
})();
