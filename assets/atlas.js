/* Atlas Kawasan clientside helpers. Nothing here loads anything from the internet unless the user
   has opted into the online basemap, and then only a probe of one tile. */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  atlas: {
    /* Forward the state to a panel's server callback only when that panel has something to show
       (or to clear): a filter in the national view then costs no request for the zone table
       (closed) or the site comparison (Kaltim only). */
    whenTableOpen: function (state, clicks) {
      return Number.isInteger(clicks) && clicks % 2 === 1 ? state : window.dash_clientside.no_update;
    },
    whenKaltim: function (state, shown) {
      const wanted = (state && state.view === "kaltim") || (Array.isArray(shown) && shown.length > 0);
      return wanted ? state : window.dash_clientside.no_update;
    },
    /* The footprints' filter goes straight to the live MapLibre map: in the figure's style it would
       make Plotly reload the style and rebuild every trace on each filter. It is kept and applied
       again whenever the style is replaced (basemap or colour change), and on a new map. */
    filterFootprints: function (filter) {
      window.atlasFootprints.set(filter);
    },
    /* Use the online basemap only if a tile actually loads: offline, an online style floods tile
       errors and the map stops applying updates, so we stay on the shipped basemap instead. */
    probeBasemap: function (basemap, lang, current, notice) {
      const unchanged = window.dash_clientside.no_update;
      if (basemap !== "online") {
        // Answered at once, and only when the basemap choice changes: the map callback waits for
        // this output whenever it runs, so it must never sit in a filter's path.
        return [current === "offline" ? unchanged : "offline", notice ? null : unchanged];
      }
      if (current === "online") {
        return [unchanged, unchanged];
      }
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), 4000);
      return fetch("https://tile.openstreetmap.org/0/0/0.png", {
        mode: "no-cors", cache: "no-store", signal: controller.signal,
      }).then(
        () => ["online", null],
        () => {
          const text = lang === "en"
            ? "The online map could not be loaded; showing the offline map."
            : "Peta daring tidak dapat dimuat; peta luring ditampilkan.";
          return [current === "offline" ? unchanged : "offline", text];
        },
      ).finally(() => clearTimeout(timer));
    },
  },
});

/* Exports: fetch the file for exactly what is on screen (the URL state plus the map camera), show
   progress while Kaleido draws, then hand the file to the browser as a download. The page stays
   usable meanwhile; failures are shown in plain words. */
(function () {
  const texts = {
    id: {working: "Menyiapkan {kind}… {s} dtk", done: "Selesai: {file}", failed: "Ekspor gagal: {why}"},
    en: {working: "Preparing {kind}… {s} s", done: "Done: {file}", failed: "Export failed: {why}"},
  };
  function lang() { return document.documentElement.lang === "en" || new URLSearchParams(location.search).get("lang") === "en" ? "en" : "id"; }
  function fill(template, values) { return template.replace(/\{(\w+)\}/g, (_, k) => values[k]); }
  function checked(name) {
    const input = document.querySelector(`#${name} input:checked`);
    return input ? input.value : null;
  }
  function cameraParams() {
    const gd = document.querySelector("#map .js-plotly-plot");
    const map = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot && gd._fullLayout.map._subplot.map;
    if (!map) return {};
    const c = map.getCenter();
    const box = map.getContainer();
    return {lon: c.lng.toFixed(5), lat: c.lat.toFixed(5), zoom: map.getZoom().toFixed(2),
            mapw: box.clientWidth, maph: box.clientHeight};
  }
  async function runExport(button) {
    const kind = button.dataset.export;
    /* Dash owns #export-status (the export job writes it too), so the page says things through it. */
    const say = (text) => window.dash_clientside.set_props("export-status", {children: text});
    const params = new URLSearchParams(location.search);
    if (kind === "png") {
      params.set("target", checked("export-target") || "map");
      params.set("preset", checked("export-size") || "projector");
    }
    if (kind === "png" || kind === "pdf") {
      /* A render takes seconds: a background job on the server (dashboard/jobs.py) makes it, the
         page shows its progress and a cancel button, and the file arrives as a download. */
      Object.entries(cameraParams()).forEach(([k, v]) => params.set(k, v));
      say("");
      window.dash_clientside.set_props("export-request", {data: {kind: kind, params: params.toString(), at: Date.now()}});
      return;
    }
    const t = texts[lang()];
    const started = performance.now();
    const label = button.innerText;
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    const tick = () => { say(fill(t.working, {kind: label, s: Math.round((performance.now() - started) / 1000)})); };
    tick();
    const timer = setInterval(tick, 1000);
    try {
      const response = await fetch(`/export/${kind}?${params.toString()}`);
      if (!response.ok) {
        let why = response.statusText;
        try { why = (await response.json()).error || why; } catch (e) { /* not JSON */ }
        throw new Error(why);
      }
      const blob = await response.blob();
      const disposition = response.headers.get("Content-Disposition") || "";
      const match = disposition.match(/filename="([^"]+)"/);
      const file = match ? match[1] : `atlas-kawasan.${kind}`;
      const link = document.createElement("a");
      link.href = URL.createObjectURL(blob);
      link.download = file;
      document.body.appendChild(link);
      link.click();
      setTimeout(() => { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
      say(fill(t.done, {file: file}));
    } catch (err) {
      say(fill(t.failed, {why: err.message || String(err)}));
    } finally {
      clearInterval(timer);
      button.disabled = false;
      button.removeAttribute("aria-busy");
    }
  }
  document.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-export]");
    if (button) { runExport(button); }
  });

  /* Presentation mode and its keys: assets/screen.js. */
})();

window.atlasFootprints = (function () {
  let current = true;
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
  function apply(map) {
    // The figure's style carries an empty footprint source; fill it from the URL in layout.meta
    // (again after Plotly replaces the style), outside Plotly's own wait for sources, and only once
    // the map is zoomed in near where the footprints show (layout.meta.footprints_zoom).
    const gd = graph();
    const meta = (gd && gd.layout && gd.layout.meta) || {};
    const url = map.getZoom() >= (meta.footprints_zoom || 0) ? meta.footprints : null;
    const source = map.getSource("footprints");
    if (url && source && typeof source.setData === "function") {
      const data = source.serialize().data;
      // Empty: the figure's placeholder, or Plotly's new style reset it; else loaded (or loading).
      const empty = data && typeof data === "object" && Array.isArray(data.features) && !data.features.length;
      if (empty || source.__atlasUrl !== url) {
        source.__atlasUrl = url;
        source.setData(url);
      }
    }
    for (const id of LAYERS) {
      const filter = map.getLayer(id) ? map.getFilter(id) : null;
      if (!filter) { continue; }
      const wanted = ["all", filter[1], current];
      if (JSON.stringify(filter) !== JSON.stringify(wanted)) { map.setFilter(id, wanted); }
    }
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
    if (parsed(map)) { apply(map); }
  }
  // Watch for the map: it appears after this script runs (and anew if Plotly rebuilds it), and the
  // footprints must be loaded into it even when no filter ever arrives.
  setInterval(() => {
    const map = liveMap();
    hook(map);
    if (window.atlasScaleBar) { window.atlasScaleBar.hook(map); }
  }, 500);
  return {
    set(filter) {
      current = filter;
      const map = liveMap();
      hook(map);
      if (map && parsed(map)) { apply(map); }
    },
  };
})();

/* A callback the server refuses (401: signed out; 403: the role may not change data) answers a
   JSON message in both languages. Dash would only log it to the console: show it on the page in
   the page's language instead, and send a signed-out user to the sign-in page. */
(function () {
  const original = window.fetch.bind(window);
  function show(text) {
    let box = document.getElementById("auth-refusal");
    if (!box) {
      box = document.createElement("p");
      box.id = "auth-refusal";
      box.setAttribute("role", "alert");
      box.className = "auth-refusal error";
      document.body.prepend(box);
    }
    box.textContent = text;
  }
  window.fetch = async function (resource, options) {
    const response = await original(resource, options);
    const url = typeof resource === "string" ? resource : (resource && resource.url) || "";
    if ((response.status === 401 || response.status === 403) && url.indexOf("_dash-update-component") !== -1) {
      try {
        const body = await response.clone().json();
        const root = document.getElementById("app-root");
        const lang = (root && root.getAttribute("lang")) || "id";
        show((body.messages && body.messages[lang]) || body.error || String(response.status));
      } catch (ignored) {
        show(String(response.status));
      }
      if (response.status === 401) {
        setTimeout(() => { window.location.assign("/login?next=" + encodeURIComponent(window.location.pathname + window.location.search)); }, 2500);
      }
    }
    return response;
  };
})();

/* A metric scale bar on the live map, added once per MapLibre map through the public IControl
   interface (Plotly's bundle does not expose maplibregl.ScaleControl): the longest 1, 2 or 5 x 10^n
   km or m bar within 120 px, updated as the map moves. Same formula as the exports'
   (dashboard.exports.metres_per_pixel). */
window.atlasScaleBar = (function () {
  const MAX_PX = 120;
  function nice(metres) {
    const exponent = Math.pow(10, Math.floor(Math.log10(metres)));
    return [5, 2, 1].map((step) => step * exponent).find((length) => length <= metres) || exponent;
  }
  function update(map, bar) {
    const lat = map.getCenter().lat;
    const perPixel = 40075016.686 * Math.cos(lat * Math.PI / 180) / (512 * Math.pow(2, map.getZoom()));
    const metres = nice(perPixel * MAX_PX);
    bar.style.width = `${Math.round(metres / perPixel)}px`;
    bar.textContent = metres >= 1000 ? `${metres / 1000} km` : `${metres} m`;
  }
  function hook(map) {
    if (!map || map.__atlasScale) { return; }
    map.__atlasScale = true;
    const bar = document.createElement("div");
    bar.className = "atlas-scale";
    const control = {
      onAdd: () => { const box = document.createElement("div"); box.className = "maplibregl-ctrl"; box.appendChild(bar); return box; },
      onRemove: () => {},
    };
    map.addControl(control, "bottom-left");
    map.on("move", () => update(map, bar));
    update(map, bar);
  }
  // Hooked by the footprints' watch (window.atlasFootprints): the map appears after this script,
  // and anew after a rebuild.
  return {hook: hook};
})();
