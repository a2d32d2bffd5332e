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
        minzoom: layer.polygon_minzoom, paint: {"fill-color": colour, "fill-opacity": 0.6, "fill-antialias": false}},
      {id: `${source}-line`, type: "line", source, "source-layer": layer.polygons,
        minzoom: layer.polygon_minzoom + 2, paint: {"line-color": "#333333", "line-width": 0.4}},
    ];
  }
  // MapLibre compiles a layer type's shaders the first time it draws one. In software GL (SwiftShader,
  // a machine without GPU) a compile blocks the page 200-700 ms: mid-pan, where the parcels'
  // polygons first appear. One frame of the same fill and line layers over a small polygon, under
  // the base map where it is never seen, compiles them when a layer is switched on. Shaders are
  // the map's, kept across Plotly's style changes: once per map.
  const warmed = new WeakSet();
  function warm(map, layer) {
    if (warmed.has(map)) { return; }
    warmed.add(map);
    // not "atlas-tiles-…": a tiled layer may be named "warm"
    const source = "atlas-shader-warm-up";
    // the middle ninth of the view: big enough at any zoom to be drawn (a tiny one is no triangle)
    const b = map.getBounds();
    const [dx, dy] = [(b.getEast() - b.getWest()) / 3, (b.getNorth() - b.getSouth()) / 3];
    const [w, s] = [b.getWest() + dx, b.getSouth() + dy];
    const ring = [[w, s], [w + dx, s], [w + dx, s + dy], [w, s + dy], [w, s]];
    map.addSource(source, {type: "geojson",
      data: {type: "Feature", properties: {category: ""}, geometry: {type: "Polygon", coordinates: [ring]}}});
    const layers = styleLayers("", layer).filter((l) => l.type !== "circle")
      .map(({minzoom, "source-layer": sourceLayer, ...l}) => ({...l, id: `${source}-${l.type}`, source}));
    const bottom = map.getStyle().layers[0];
    layers.forEach((l) => map.addLayer(l, bottom ? bottom.id : undefined));
    map.once("idle", () => {
      layers.forEach((l) => map.getLayer(l.id) && map.removeLayer(l.id));
      if (map.getSource(source)) { map.removeSource(source); }
    });
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
        warm(map, layer);
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
