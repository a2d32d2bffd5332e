/* Atlas Kawasan: export downloads (one job of the page's scripts; see assets/*.js). */
/* Exports: fetch the file for exactly what is on screen (the URL state plus the map camera), show
   progress while Kaleido draws, then hand the file to the browser as a download. The page stays
   usable meanwhile; failures are shown in plain words. */
(function () {
  function lang() { return document.documentElement.lang === "en" || new URLSearchParams(location.search).get("lang") === "en" ? "en" : "id"; }
  /* The texts in the page's language, from dashboard.i18n (features.exports puts them in #export-texts). */
  function texts() { return JSON.parse(document.getElementById("export-texts").dataset[lang()]); }
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
    const t = texts();
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
