/* Atlas Kawasan: the metric scale bar on the live map. */
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
  // Hooked by the footprints' watch (assets/map-footprints.js, on Plotly's plotly_afterplot): the
  // map appears after this script, and anew after a rebuild.
  return {hook: hook};
})();
