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
    /* The checked tiled layers and the chosen categories, straight to the live map (map-tiles.js). */
    showTiles: function (layers, categories, meta) {
      window.atlasTiles.set(layers, categories, meta);
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
