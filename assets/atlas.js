/* Atlas Kawasan clientside helpers. Nothing here loads anything from the internet unless the user
   has opted into the online basemap, and then only a probe of one tile. */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  atlas: {
    /* Use the online basemap only if a tile actually loads: offline, an online style floods tile
       errors and the map stops applying updates, so we stay on the shipped basemap instead. */
    probeBasemap: async function (state, current) {
      const lang = (state && state.lang) || "id";
      const unchanged = window.dash_clientside.no_update;
      if (!state || state.basemap !== "online") {
        return current === "offline" ? [unchanged, null] : ["offline", null];
      }
      if (current === "online") {
        return [unchanged, unchanged];
      }
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), 4000);
      try {
        await fetch("https://tile.openstreetmap.org/0/0/0.png", {
          mode: "no-cors", cache: "no-store", signal: controller.signal,
        });
        return ["online", null];
      } catch (err) {
        const text = lang === "en"
          ? "The online map could not be loaded; showing the offline map."
          : "Peta daring tidak dapat dimuat; peta luring ditampilkan.";
        return [current === "offline" ? unchanged : "offline", text];
      } finally {
        clearTimeout(timer);
      }
    },
  },
});
