/* Atlas Kawasan: tiled layers (dashboard/features/tiles.py) on the live MapLibre map. Each checked
   layer is a vector source (its TileJSON) with the parcels coloured by category from their first
   zoom and the aggregates' circles below it; the category filter is MapLibre's setFilter, so
   neither touches the Plotly figure. Applied again whenever Plotly replaces the style. */
window.atlasTiles = (function () {
  let wanted = {layers: [], categories: [], meta: {}};
  const hooked = new WeakSet();
  function colours(layer) {
    const pairs = Object.entries(layer.colours || {}).flat();
    return pairs.length ? ["match", ["get", "category"], ...pairs, "#888888"] : "#888888";
  }
  function styleLayers(name, layer) {
    const source = `atlas-tiles-${name}`;
    const colour = colours(layer);
    return [
      {id: `${source}-cells`, type: "circle", source, "source-layer": layer.aggregates,
        maxzoom: layer.polygon_minzoom,
        paint: {"circle-color": colour, "circle-opacity": 0.75, "circle-stroke-width": 0.5,
          "circle-stroke-color": "#ffffff",
          "circle-radius": ["interpolate", ["linear"], ["get", "count"], 1, 2, 100, 4, 2000, 7, 20000, 9]}},
      {id: `${source}-fill`, type: "fill", source, "source-layer": layer.polygons,
        minzoom: layer.polygon_minzoom, paint: {"fill-color": colour, "fill-opacity": 0.6}},
      {id: `${source}-line`, type: "line", source, "source-layer": layer.polygons,
        minzoom: layer.polygon_minzoom + 2, paint: {"line-color": "#333333", "line-width": 0.4}},
    ];
  }
  function apply(map) {
    if (!map || !map.style || !map.style._loaded) { return; }
    const chosen = wanted.categories;
    const filter = chosen.length ? ["in", ["get", "category"], ["literal", chosen]] : null;
    // an aggregate stays when it holds a parcel of a chosen category (its "n:<category>" counts)
    const cells = chosen.length ? ["any", ...chosen.map((c) => [">", ["coalesce", ["get", `n:${c}`], 0], 0])] : null;
    // under Plotly's traces and the labels, so the zones stay on top
    const top = map.getStyle().layers.find((l) => l.id.startsWith("plotly-") || l.type === "symbol");
    for (const [name, layer] of Object.entries(wanted.meta || {})) {
      const source = `atlas-tiles-${name}`;
      const layers = styleLayers(name, layer);
      if (!wanted.layers.includes(name)) {
        layers.forEach((l) => map.getLayer(l.id) && map.removeLayer(l.id));
        if (map.getSource(source)) { map.removeSource(source); }
        continue;
      }
      if (!map.getSource(source)) {
        map.addSource(source, {type: "vector", url: window.location.origin + layer.url});
      }
      for (const l of layers) {
        if (!map.getLayer(l.id)) { map.addLayer(l, top ? top.id : undefined); }
        const wantedFilter = l.type === "circle" ? cells : filter;
        if (JSON.stringify(map.getFilter(l.id) || null) !== JSON.stringify(wantedFilter)) { map.setFilter(l.id, wantedFilter); }
      }
    }
  }
  return {
    hook(map) {
      if (!map || hooked.has(map)) { return; }
      hooked.add(map);
      map.on("styledata", () => apply(map));
      apply(map);
    },
    set(layers, categories, meta) {
      wanted = {layers: layers || [], categories: categories || [], meta: meta || {}};
      const map = window.atlasFootprints.map();
      this.hook(map);
      apply(map);
    },
  };
})();
