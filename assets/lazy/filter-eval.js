/* Filters in the browser (issue 14): the evaluator, which assets/filter.js loads with the index
   at the first sign of a filter to come. geodata/filterspec.py defines the filters; the server
   ships its columns once as small integer codes (dashboard/clientfilter.py, the map figure's
   layout.meta.filterIndex), and this file evaluates the same tests over them:
     any  - the row's list holds a chosen value (a zone's sector tags)
     in   - the row's one value is chosen (code -1: unknown, never chosen)
     max  - the row's integer is at most the chosen bound (null: unknown, never matches)
   An empty choice matches every row; a plant ignores a dimension it does not carry.
   On a filter change the map is redrawn here at once (a Patch of the zone labels' and plants'
   longitudes and the selection marker; the footprints' filter, from which assets/map-footprints.js
   hides the zones' points and footprints by feature state) and the page's 'map-applied' record
   says so, and the KPI cards and the investment chart are recomputed from the index's figures (the
   chart's key goes into 'panels-applied'); the server still gets the change (URL, KPIs, detail,
   legend) and, being the authority, resends the map and the chart only where its state differs
   from those records.
   tests/test_filter_parity.py runs this evaluator against the Python one. */
window.atlasFilter = (function () {
  /* The codes a choice admits (a Set), the bound of a max test, or null when nothing is chosen. */
  function admitted(dimension, chosen) {
    if (dimension.test === "max") {
      return chosen === null || chosen === undefined || chosen === "" ? null : Number(chosen);
    }
    const values = Array.isArray(chosen) ? chosen : (chosen === null || chosen === undefined || chosen === "" ? [] : [chosen]);
    if (!values.length) { return null; }
    const codes = new Set();
    values.forEach((value) => { const code = dimension.values.indexOf(value); if (code >= 0) { codes.add(code); } });
    return codes;
  }

  /* 1 for each row (zone, or plant when ``facilities``) that ``filters`` ({name: choice}) lets through. */
  function evaluate(index, filters, facilities) {
    const count = facilities ? index.facilities : index.zones;
    const mask = new Uint8Array(count).fill(1);
    for (const dimension of index.dimensions) {
      const column = facilities ? dimension.facilities : dimension.zones;
      const wanted = admitted(dimension, filters[dimension.name]);
      if (column === null || wanted === null) { continue; }
      if (dimension.test === "any") {
        const {offsets, codes} = column;
        for (let row = 0; row < count; row++) {
          if (!mask[row]) { continue; }
          let hit = 0;
          for (let k = offsets[row]; k < offsets[row + 1]; k++) { if (wanted.has(codes[k])) { hit = 1; break; } }
          mask[row] = hit;
        }
      } else if (dimension.test === "in") {
        for (let row = 0; row < count; row++) { if (mask[row] && !wanted.has(column[row])) { mask[row] = 0; } }
      } else {
        for (let row = 0; row < count; row++) {
          if (mask[row] && !(column[row] !== null && column[row] <= wanted)) { mask[row] = 0; }
        }
      }
    }
    return mask;
  }

  let loaded = null; // {url, index}
  let loading = null;
  function load(url) {
    if (loaded && loaded.url === url) { return Promise.resolve(loaded.index); }
    if (!loading || loading.url !== url) {
      const request = fetch(url).then((r) => (r.ok ? r.json() : Promise.reject(new Error(r.statusText))));
      loading = {url, promise: request.then((index) => { loaded = {url, index}; return index; })
        .catch((error) => { loading = null; throw error; })};
    }
    return loading.promise;
  }
  function assign(location, value) {
    return {operation: "Assign", location, params: {value}};
  }
  function shownLon(lon, mask) {
    const out = new Array(mask.length);
    for (let i = 0; i < mask.length; i++) { out[i] = mask[i] ? lon[i] : null; }
    return out;
  }
  /* The footprints' MapLibre filter (dashboard.figures.footprint_filter). */
  function footprintFilter(mask) {
    const shown = [];
    mask.forEach((keep, i) => { if (keep) { shown.push(i); } });
    if (shown.length === mask.length) { return true; }
    return shown.length ? ["match", ["get", "i"], shown, true, false] : false;
  }

  /* The map Patch (Dash's wire form) and the new 'map-applied' record for ``filters``, given what
     the map shows (``drawn``); null when the map shows these filters already. */
  function mapChange(index, filters, drawn) {
    const names = index.dimensions.map((d) => d.name);
    const record = Object.assign({}, drawn);
    names.forEach((name) => { record[name] = filters[name]; });
    if (names.every((name) => JSON.stringify(drawn[name]) === JSON.stringify(record[name]))) { return null; }
    const {traces, lon, lat, labelOrder, facilityLon} = index.map;
    const zones = evaluate(index, filters, false);
    const operations = [assign(["data", traces.labels, "lon"], labelOrder.map((i) => (zones[i] ? lon[i] : null)))];
    const gd = document.querySelector("#map .js-plotly-plot");
    const ids = gd && gd.data && gd.data[traces.zones] ? gd.data[traces.zones].customdata : null;
    const selected = drawn.zone && ids ? Array.prototype.indexOf.call(ids, drawn.zone) : -1;
    const visible = selected >= 0 && zones[selected] === 1;
    operations.push(assign(["data", traces.selected, "lon"], visible ? [lon[selected]] : []));
    operations.push(assign(["data", traces.selected, "lat"], visible ? [lat[selected]] : []));
    if (drawn.facilities) {
      operations.push(assign(["data", traces.facilities, "lon"], shownLon(facilityLon, evaluate(index, filters, true))));
    }
    return {patch: {__dash_patch_update: "__dash_patch_update", operations}, record, footprints: footprintFilter(zones), zones};
  }

  /* Python's f"{value:,.{decimals}f}" (round half to even on the binary value), with the
     separators of dashboard.i18n.format_number: 126,506.5 (en), 126.506,5 (id). */
  function formatNumber(value, lang, decimals) {
    if (value === null || value === undefined || Number.isNaN(value)) { return "–"; }
    const scale = Math.pow(10, decimals);
    const scaled = Math.abs(value) * scale;
    let text = Math.abs(value).toFixed(decimals);
    if (!Number.isInteger(scaled) && Number.isInteger(scaled * 2)) { // an exact tie: to even
      const low = Math.floor(scaled);
      text = ((low % 2 === 0 ? low : low + 1) / scale).toFixed(decimals);
    }
    const [whole, fraction] = text.split(".");
    const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    const signed = (value < 0 && Number(text) !== 0 ? "-" : "") + grouped + (fraction ? "." + fraction : "");
    return lang === "id" ? signed.replace(/[,.]/g, (c) => (c === "," ? "." : ",")) : signed;
  }
  function fill(template, values) { return template.replace(/\{(\w+)\}/g, (_, k) => String(values[k])); }
  /* dashboard.i18n.format_idr_trillion: "Rp 2,42 T" (id), "IDR 2.42 T" (en). */
  function idrTrillion(value, lang) { return `${lang === "id" ? "Rp" : "IDR"} ${formatNumber(value, lang, 2)} T`; }

  /* How many zones the chosen year hides for want of a known year: those of unknown year that the
     other filters show, within the counted zones (features.panels.hidden_by_year); 0 with no year. */
  function hiddenByYear(index, filters, inScope) {
    const year = index.dimensions.find((d) => d.name === "year");
    if (!year || admitted(year, filters.year) === null) { return 0; }
    const others = evaluate(index, Object.assign({}, filters, {year: null}), false);
    let hidden = 0;
    others.forEach((shown, i) => { if (shown && inScope(i) && year.zones[i] === null) { hidden += 1; } });
    return hidden;
  }

  /* The four KPI cards for the zones ``filters`` shows (features.panels.kpi_children), counting only
     the Kaltim zones in the Kaltim view, as Dash component JSON; ``mask`` is evaluate()'s answer
     when the caller has it. With a year, the zone card says how many zones of unknown year it hides. */
  function kpis(index, filters, lang, kaltimView, mask) {
    const shown = mask || evaluate(index, filters, false);
    const texts = index.kpi.texts[lang];
    const {investment, workforce, area, kaltim} = index.kpi;
    const inScope = (i) => !kaltimView || kaltim[i] === 1;
    const counted = [];
    let of = 0;
    for (let i = 0; i < shown.length; i++) {
      if (inScope(i)) { of += 1; if (shown[i]) { counted.push(i); } }
    }
    const total = (column) => {
      let value = 0;
      let reporting = 0;
      counted.forEach((i) => { if (column[i] !== null) { value += column[i]; reporting += 1; } });
      return {value, reporting};
    };
    const div = (text, className) => ({props: {children: text, className}, type: "Div", namespace: "dash_html_components"});
    const card = (label, value, note) => [div(label, "kpi-label"), div(value, "kpi-value"), div(note, "kpi-note")];
    const reported = (t) => fill(texts.reporting, {n: t.reporting, m: counted.length});
    const bars = index.chart.bars;
    const money = total(investment);
    const people = total(workforce);
    const hectares = total(area);
    const yearChosen = index.dimensions.some((d) => d.name === "year" && admitted(d, filters.year) !== null);
    return {
      "kpi-zones": card(texts.zones, formatNumber(counted.length, lang, 0), fill(texts.of_total, {m: of})
        + (yearChosen ? "; " + fill(texts.year, {n: formatNumber(hiddenByYear(index, filters, inScope), lang, 0)}) : "")),
      "kpi-investment": card(texts.investment, money.reporting ? idrTrillion(money.value, lang) : "–", reported(money)),
      "kpi-workforce": card(texts.workforce, people.reporting ? formatNumber(people.value, lang, 0) : "–", reported(people)),
      "kpi-area": card(texts.area, hectares.reporting ? `${formatNumber(hectares.value, lang, hectares.value < 100 ? 1 : 0)} ha` : "–", reported(hectares)),
      // under the chart (features.panels.investment_note)
      "investment-note": reported(money) + (money.reporting > bars ? " · " + fill(texts.top, {n: bars}) : ""),
    };
  }

  /* Floats as Plotly's base64 typed array (dashboard.figures.typed_array); [] when empty. */
  function typedArray(values) {
    if (!values.length) { return []; }
    const bytes = new Uint8Array(new Float64Array(values).buffer);
    let binary = "";
    for (let i = 0; i < bytes.length; i++) { binary += String.fromCharCode(bytes[i]); }
    return {dtype: "f8", bdata: btoa(binary)};
  }

  /* The investment chart (dashboard.figures.investment_figure, the same figure dict) of the zones
     ``shown`` (evaluate()'s mask) that the panels count (only Kaltim's in the Kaltim view) and that
     report investment: ascending, equal amounts in zone order; at most the index's ``bars``, the
     largest, and the selected zone wherever it ranks. ``state``: {lang, color, zone, kaltim}. */
  function investmentFigure(index, shown, state) {
    const chart = index.chart;
    const {investment, kaltim} = index.kpi;
    const lang = state.lang;
    let rows = [];
    for (let i = 0; i < shown.length; i++) {
      if (shown[i] && (!state.kaltim || kaltim[i] === 1) && investment[i] !== null) { rows.push(i); }
    }
    rows.sort((a, b) => investment[a] - investment[b] || a - b);
    if (rows.length > chart.bars) {
      const chosen = state.zone ? chart.ids.indexOf(state.zone) : -1;
      const keep = rows.slice(-chart.bars);
      rows = chosen >= 0 && rows.includes(chosen) && !keep.includes(chosen) ? [chosen, ...keep.slice(1)] : keep;
    }
    const selected = state.zone || null;
    const ids = rows.map((i) => chart.ids[i]);
    const names = rows.map((i) => chart.names[i]);
    const values = rows.map((i) => investment[i]);
    const amounts = values.map((value) => idrTrillion(value, lang));
    const dimmed = selected !== null && ids.includes(selected);
    const colors = chart.colors[state.color];
    const bar = {
      customdata: ids,
      hovertemplate: "%{hovertext}<extra></extra>",
      hovertext: rows.map((i, k) => `<b>${names[k]}</b><br>${amounts[k]}<br>${fill(chart.asOfText[lang], {date: chart.asOf[i]})}`),
      marker: {
        color: rows.map((i) => colors.palette[colors.codes[i]]),
        line: {color: "#111111", width: ids.map((z) => (z === selected ? 3 : 0))},
        opacity: ids.map((z) => (dimmed && z !== selected ? 0.45 : 1.0)),
      },
      orientation: "h",
      text: amounts,
      textposition: "outside",
      cliponaxis: false,
      x: typedArray(values),
      y: names,
      type: "bar",
    };
    const layout = JSON.parse(JSON.stringify(Object.assign({template: chart.template}, chart.layout[lang])));
    Object.assign(layout.yaxis, {tickvals: names, ticktext: rows.map((i) => chart.short[i] || chart.names[i])});
    layout.height = Math.max(220, 60 + 34 * ids.length);
    if (ids.length) {
      layout.xaxis.range = [0, Math.max(...values)]; // its amount goes in the right margin
    } else {
      layout.annotations = [chart.empty[lang]];
      layout.margin.l = layout.margin.r = layout.margin.t; // figures.CHART_EDGE: the note centred
      layout.xaxis.visible = false;
      layout.yaxis.visible = false;
    }
    return {data: [bar], layout};
  }

  /* The chart's key in the page's 'panels-applied' record (features.panels.chart_key): what the
     chart shows, as the same JSON the server writes for it. */
  function chartKey(index, filters, state) {
    return JSON.stringify([state.lang, state.color, state.zone || null, state.kaltim,
      ...index.dimensions.map((d) => (filters[d.name] === undefined ? null : filters[d.name]))]);
  }

  /* The year the user asks for: the slider's value, except that the slider rests at its last year
     while no year is chosen (features.filters.control_values), so a slider still where the map's
     year (``drawn``: null for none) puts it means that year, or none. The server decides the same
     way: its state's year changes only when the slider itself moves (dashboard.reducer). */
  function chosenYear(slider, drawn) {
    if (!slider || !Number.isInteger(slider.value)) { return drawn === undefined ? null : drawn; }
    const resting = Number.isInteger(drawn) ? drawn : slider.max;
    return slider.value === resting ? (Number.isInteger(drawn) ? drawn : null) : slider.value;
  }

  /* The index when it is loaded from ``url`` already, else null. */
  function ready(url) {
    return loaded && loaded.url === url ? loaded.index : null;
  }

  return {evaluate, load, ready, mapChange, kpis, investmentFigure, chartKey, formatNumber, chosenYear};
})();

