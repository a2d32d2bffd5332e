"""Pure figure builders: (data, state) -> Plotly figure or a Patch of one.

The map figure is built once per page with every trace at the default state; afterwards only
``map_patch`` runs, and it sends only what changed since the map was last drawn (``drawn_map``):
the zones' visibility as one array, colours or hovers when those changed. The footprints are never
in a figure or a callback response: the style holds an empty source and the page loads the
document from its URL (``layout.meta.footprints``) into the live map, where their filter
(``footprint_filter``) is applied too; MapLibre tiles them and draws them from zoom 5 on.
"""

from __future__ import annotations

import base64
import functools
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from dash import Patch

from dashboard.facilitymap import facility_trace, facility_updates
from dashboard.i18n import format_hectares, format_idr_trillion, format_number, t
from dashboard.mapmodel import KIND_COLORS, PLACE_COLORS, MapModel, category_colors, feature_collection
from dashboard.state import ViewState
from geodata import Atlas
from geodata.footprints import IMPORTED, INDICATIVE, OFFICIAL
from geodata.measure import buffer_rings
from geodata.national import national_rows, target, up_to

# Trace order on the map: fixed, so that patches can address traces by index. The facilities sit
# under the zones' halo, so a zone point is never hidden by a plant.
TRACE_ROADS, TRACE_ROADS_EST, TRACE_RINGS, TRACE_PLACES = 0, 1, 2, 3
TRACE_IKN, TRACE_FACILITIES, TRACE_HALO, TRACE_ZONES, TRACE_SELECTED = 4, 5, 6, 7, 8
# Labels come last, so that they are drawn over every point; MapLibre places the upper layer's
# labels first, so IKN and the ring distances win over zone names, and zone names over places.
TRACE_ZONE_LABELS, TRACE_KALTIM_LABELS = 9, 10
# Shown only in the Kaltim view. The Kaltim labels are not among them: a trace made visible later
# gets its MapLibre layer under the zone labels, so that trace stays visible and empties instead.
KALTIM_TRACES = (TRACE_ROADS, TRACE_ROADS_EST, TRACE_RINGS, TRACE_PLACES, TRACE_IKN)
LABEL_TRACES = (TRACE_PLACES, TRACE_ZONE_LABELS, TRACE_KALTIM_LABELS)

SEA = "#cfe3f1"
LAND = "#f4f1ea"
PROVINCE_LINE = "#9b9488"
# Indonesia (95-141 deg E) whole in the map of a 1366x768 laptop with the control panel open (~770 px).
NATIONAL_VIEW = {"center": {"lon": 118.0, "lat": -2.4}, "zoom": 3.5}
KALTIM_VIEW = {"center": {"lon": 117.25, "lat": -0.3}, "zoom": 6.7}
STATUS_OPACITY = {"operating": 1.0, "development": 0.85, "candidate": 0.6, "revoked": 0.4}
ONLINE_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
FONT = "Inter, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
# Below zoom 5 a pixel is ~5 km and even the largest estate is a dot: the zone points say it all.
FOOTPRINT_MINZOOM = 5
# The footprints' document (the first screen's largest GeoJSON after the provinces) is fetched
# only from this zoom on, half a step before the layers show: the whole-country
# first screen (zoom 3.5) never draws them.
# (fetched by assets/map-footprints.js)
FOOTPRINT_LOAD_ZOOM = FOOTPRINT_MINZOOM - 0.5
# (fill opacity, outline width, outline colour, outline dashes) per boundary kind: a real boundary
# reads as firmer; an indicative circle is dashed, so that it never passes for a boundary.
FOOTPRINT_LOOK = {
    INDICATIVE: (0.3, 1.0, "#333333", [3, 2]),
    OFFICIAL: (0.75, 1.2, "#222222", None),
    IMPORTED: (0.75, 1.2, "#222222", None),
}
UNKNOWN_COLOR = "#888888"
EMPTY_COLLECTION: dict[str, Any] = {"type": "FeatureCollection", "features": []}
CHART_BARS = 40
# Map labels: SDF glyphs built by tools/build_glyphs.py, served by Dash from assets/glyphs (same
# origin, so the CSP's default-src 'self' covers them) and read from disk by Kaleido for exports.
GLYPHS_DIR = Path(__file__).resolve().parents[1] / "assets" / "glyphs"
GLYPHS_URL = "/assets/glyphs/{fontstack}/{range}.pbf"
LABEL_FONT = "Noto Sans Bold"
PLACE_FONT = "Noto Sans Regular"
LABEL_COLOR = "#1a1a1a"
# Label text size (px) on screen, in presentation mode (read from the back of a room) and in a
# 1920 px wide export.
LABEL_SIZE = {"screen": 12, "present": 20, "export": 17}
# Zone point diameters (px) when sized by investment or area: by the square root, so that the
# point's area follows the figure; a zone that does not report it keeps the smallest size.
POINT_SIZE, POINT_SIZE_RANGE, HALO_EXTRA = 11, (7.0, 32.0), 4
IKN_SIZE = 18
SIZE_COLUMNS = {"investment": "investment_idr_trillion", "area": "area_ha"}
# Kinds by outline (the halo ring around each zone point), whatever the fill shows: a KEK has a
# dark ring, an estate (KI) a white one, a tobacco estate (KIHT) a grey one.
KIND_OUTLINE = {"KEK": "#1a1a1a", "KI": "#ffffff", "KIHT": "#8a8a8a"}


def separators(lang: str) -> str:
    """Plotly's decimal and thousands separators for the language (Indonesian: 2,42 and 126.506)."""
    return ",." if lang == "id" else ".,"


PROVINCES_URL = "/basemap/provinces.geojson"
LAND_URL = "/basemap/land.geojson"  # neighbouring countries (Natural Earth), under the provinces
# The provinces and the land simplified for the whole-country zooms (tools/build_boundaries.py,
# tools/build_land.py; 58 kB gzip instead of 143): the style's sources hold these, and
# assets/map-footprints.js swaps the detailed ones (layout.meta.details) into the same sources from
# DETAIL_ZOOM on, so the land is never empty while they load. The first screen (zoom 3.5) never
# fetches them.
PROVINCES_NATIONAL_URL = "/basemap/provinces-national.geojson"
LAND_NATIONAL_URL = "/basemap/land-national.geojson"
DETAIL_ZOOM = 4.5  # a pixel is then ~3.4 km, about the national files' largest error
REGENCIES_URL = "/basemap/regencies.geojson"
REGENCY_LINE_WIDTH = 0.4  # the province style, thinner: regencies nest inside provinces
FOOTPRINTS_URL = "/basemap/footprints.geojson"


def footprints_url(model: MapModel) -> str:
    """The footprint layer's URL, versioned by content so an import is never hidden by a cache."""
    return f"{FOOTPRINTS_URL}?v={model.footprint_version}"


def footprint_filter(mask: pd.Series) -> Any:
    """The MapLibre filter that shows the footprints of the shown zones, by zone position (``match``
    is a hash lookup, fast at 20,000); ``true`` when every zone is shown."""
    shown = np.flatnonzero(mask.to_numpy(dtype=bool)).tolist()
    if len(shown) == len(mask):
        return True
    return ["match", ["get", "i"], shown, True, False] if shown else False


def unless_hidden(opacity: float) -> list[Any]:
    """A footprint's opacity: 0 while the page's filter hides it (feature state 'hidden', set by
    assets/map-footprints.js), else ``opacity``. A PNG export has no feature state: its layers'
    filter hides instead."""
    return ["case", ["boolean", ["feature-state", "hidden"], False], 0, opacity]


def footprint_layers(model: MapModel, state: ViewState, shown: Any = True) -> list[dict[str, Any]]:
    """MapLibre fill and outline layers of the footprints, coloured like the zone points, showing
    the zones ``shown`` lets through (a ``footprint_filter``, for exports; in the page every layer
    shows all and assets/map-footprints.js hides by feature state, so a filter neither reloads the
    style nor makes MapLibre re-tile)."""
    categories, palette = (
        (model.sector_order, model.sector_colors)
        if state.color != "kind"
        else (list(KIND_COLORS), KIND_COLORS)
    )
    prop = "kind" if state.color == "kind" else "sector"
    pairs = [item for category in categories for item in (category, palette.get(category, UNKNOWN_COLOR))]
    color = ["match", ["get", prop], *pairs, UNKNOWN_COLOR] if pairs else UNKNOWN_COLOR
    layers: list[dict[str, Any]] = []
    for source, (opacity, width, outline, dashes) in FOOTPRINT_LOOK.items():
        only = ["all", ["==", ["get", "src"], source], shown]
        common = {"source": "footprints", "minzoom": FOOTPRINT_MINZOOM, "filter": only}
        line = {"line-color": outline, "line-width": width, "line-opacity": unless_hidden(1)} | (
            {"line-dasharray": dashes} if dashes else {}
        )
        layers.append(
            {"id": f"footprints-{source}", "type": "fill", **common,
             "paint": {"fill-color": color, "fill-opacity": unless_hidden(opacity)}}
        )  # fmt: skip
        layers.append({"id": f"footprints-{source}-outline", "type": "line", **common, "paint": line})
    return layers


def map_style(
    basemap: str, model: MapModel, footprints: list[dict[str, Any]], layers: tuple[str, ...] = ()
) -> dict[str, Any]:
    """A MapLibre style: offline, shipped land and province lines over a sea colour (no tiles; the
    label glyphs from this server, ``GLYPHS_URL``); online, OpenStreetMap raster tiles under the province lines; the footprints on top.
    With "regencies" in ``layers`` the regency lines are drawn too: their 1.4 MB source is only in
    the style, and so only fetched, while that layer is switched on.

    Provinces and footprints come from this server's own URLs (the footprints' is the figure's
    ``layout.meta.footprints``), fetched and cached by the browser, so the style stays small and a
    new filter or basemap resends no geometry."""
    sources: dict[str, Any] = {
        "provinces": {"type": "geojson", "data": PROVINCES_NATIONAL_URL},
        # Empty in the figure: assets/map-footprints.js loads layout.meta.footprints into it once the map is
        # up and zoomed in to layout.meta.footprints_zoom. Plotly resolves a map update only when
        # every source has loaded, and 20,000 footprints take MapLibre seconds to index: as a style
        # URL they held back the first filters.
        # promoteId: the zone position "i" is each footprint's id, so that a filter in the page hides
        # footprints by feature state (assets/map-footprints.js), a paint-only change
        "footprints": {"type": "geojson", "data": EMPTY_COLLECTION, "promoteId": "i"},
    }
    drawn: list[dict[str, Any]] = [{"id": "sea", "type": "background", "paint": {"background-color": SEA}}]
    if basemap == "online":
        sources["osm"] = {
            "type": "raster",
            "tiles": [ONLINE_TILES],
            "tileSize": 256,
            "attribution": "© OpenStreetMap contributors",
        }
        drawn.append({"id": "osm", "type": "raster", "source": "osm"})
    else:
        sources["neighbours"] = {"type": "geojson", "data": LAND_NATIONAL_URL}
        drawn.append(
            {"id": "neighbours", "type": "fill", "source": "neighbours", "paint": {"fill-color": LAND}}
        )
        drawn.append({"id": "land", "type": "fill", "source": "provinces", "paint": {"fill-color": LAND}})
    if "regencies" in layers:
        sources["regencies"] = {"type": "geojson", "data": REGENCIES_URL}
        drawn.append(
            {
                "id": "regency-lines",
                "type": "line",
                "source": "regencies",
                "paint": {"line-color": PROVINCE_LINE, "line-width": REGENCY_LINE_WIDTH},
            }
        )
    drawn.append(
        {
            "id": "province-lines",
            "type": "line",
            "source": "provinces",
            "paint": {"line-color": PROVINCE_LINE, "line-width": 0.8},
        }
    )
    return {"version": 8, "glyphs": GLYPHS_URL, "sources": sources, "layers": drawn + footprints}


def zone_hover(zone: Mapping[str, Any], sector_labels: Mapping[str, str], lang: str) -> str:
    """The hover card of a zone (a row as a mapping): name, kind, status, sectors (``sector_labels``
    in the language), figures, as-of and precision."""
    sectors = ", ".join(sector_labels[s] for s in zone["sectors"])
    missing = t("value.missing", lang)

    def figure(value: float, text: str) -> str:
        return text if pd.notna(value) else missing

    lines = [
        f"<b>{zone['name']}</b>",
        f"{t('kind.' + zone['kind'], lang)} · {t('status.' + zone['status'], lang)} · {zone['province']}",
        f"{t('field.sectors', lang)}: {sectors}",
        f"{t('field.area', lang)}: {figure(zone['area_ha'], format_hectares(zone['area_ha'], lang))}",
        f"{t('field.investment', lang)}: "
        f"{figure(zone['investment_idr_trillion'], format_idr_trillion(zone['investment_idr_trillion'], lang))}",
        f"{t('field.workforce', lang)}: {figure(zone['workforce'], format_number(zone['workforce'], lang))}",
        f"{t('field.as_of', lang)}: {zone['as_of']}",
        f"{t('field.precision', lang)}: {t('precision.' + zone['coord_precision'], lang)}; "
        f"{t('field.footprint', lang)}: {t('footprint.' + zone['boundary'], lang)}",
    ]
    return "<br>".join(lines)


def _place_hover(place: pd.Series) -> str:
    return f"<b>{place['name']}</b><br>{place['kind']} · {place['coord_precision']}"


@functools.lru_cache(maxsize=64)
def _ring_lines(lon: float, lat: float, rings_km: tuple[float, ...]) -> tuple[list, list, list]:
    """The IKN buffer rings as one line trace's (lons, lats, texts); cached, rings come back often."""
    lons: list[float | None] = []
    lats: list[float | None] = []
    texts: list[str | None] = []
    for radius, polygon in zip(
        *(lambda g: (g["radius_km"], g.geometry))(buffer_rings(lon, lat, rings_km)), strict=True
    ):
        xs, ys = polygon.exterior.coords.xy
        lons += [round(x, 5) for x in xs] + [None]
        lats += [round(y, 5) for y in ys] + [None]
        texts += [f"{radius:g} km"] * len(xs) + [None]
    return lons, lats, texts


@functools.lru_cache(maxsize=64)
def _ring_labels(lon: float, lat: float, rings_km: tuple[float, ...]) -> tuple[list, list, list]:
    """Where each IKN ring is labelled ("25 km"): under its northernmost point, clear of the other rings."""
    rings = buffer_rings(lon, lat, rings_km)
    tops = [max(polygon.exterior.coords, key=lambda xy: xy[1]) for polygon in rings.geometry]
    return (
        [round(x, 5) for x, _ in tops],
        [round(y, 5) for _, y in tops],
        [f"{radius:g} km" for radius in rings["radius_km"]],
    )


def place_label(name: str) -> str:
    """A place's map label: its name without the explanation in parentheses or after a colon."""
    return name.split(" (")[0].split(":")[0].strip()


def _label_trace(name: str, font: str, color: str, position: str = "top center") -> dict[str, Any]:
    """An empty label-only map trace (a MapLibre symbol layer: collision-aware, offline glyphs).
    Its markers are invisible but sized like a zone point: Plotly offsets the text of a
    ``top center`` label by the marker's size, and a text-only trace leaves that offset undefined
    (MapLibre then fails the whole map)."""
    return {
        "type": "scattermap", "lon": [], "lat": [], "text": [], "mode": "markers+text", "name": name,
        "marker": {"size": POINT_SIZE, "opacity": 0}, "textposition": position, "hoverinfo": "skip",
        "textfont": {"family": font, "size": LABEL_SIZE["screen"], "color": color},
    }  # fmt: skip


def _road_lines(roads: pd.DataFrame) -> tuple[list, list, list]:
    lons: list[float | None] = []
    lats: list[float | None] = []
    texts: list[str | None] = []
    for road in roads.itertuples():
        xs, ys = road.geometry.coords.xy
        label = f"{road.name}: {road.length_km:g} km{' (est.)' if road.estimated else ''}"
        lons += [*xs, None]
        lats += [*ys, None]
        texts += [label] * len(xs) + [None]
    return lons, lats, texts


def overlay_traces(overlays: tuple = ()) -> list[Any]:
    """One trace per imported overlay layer, in its own colour, with its provenance on hover."""
    traces: list[Any] = []
    for info, frame in overlays:
        label = f"{info.name} ({info.source_file}, {info.imported_at})"
        names = [str(n) if n is not None else info.name for n in frame.get("name", [None] * len(frame))]
        if info.geometry_kind == "polygon":
            ids = [f"{info.id}-{i}" for i in range(len(frame))]
            traces.append(
                go.Choroplethmap(
                    geojson=feature_collection(ids, list(frame.geometry)),
                    locations=ids,
                    z=[0] * len(ids),
                    colorscale=[[0, info.colour], [1, info.colour]],
                    marker={"opacity": 0.5, "line": {"width": 1.5, "color": info.colour}},
                    showscale=False,
                    text=[f"<b>{n}</b><br>{label}" for n in names],
                    hovertemplate="%{text}<extra></extra>",
                    name=info.id,
                )
            )
        else:
            traces.append(
                go.Scattermap(
                    lon=list(frame.geometry.x), lat=list(frame.geometry.y), mode="markers",
                    marker={"size": 12, "color": info.colour}, text=[f"<b>{n}</b><br>{label}" for n in names],
                    hovertemplate="%{text}<extra></extra>", name=info.id,
                )
            )  # fmt: skip
    return traces


def _line_trace(
    lines: tuple[list, list, list],
    name: str,
    width: float,
    color: str,
    opacity: float = 1.0,
    hover_prefix: str = "",
) -> go.Scattermap:
    """A hidden-by-default Kaltim line layer (roads or rings) from (lons, lats, hover texts)."""
    return go.Scattermap(
        lon=lines[0],
        lat=lines[1],
        text=lines[2],
        mode="lines",
        line={"width": width, "color": color},
        opacity=opacity,
        hovertemplate=hover_prefix + "%{text}<extra></extra>",
        name=name,
        visible=False,
    )


MAP_FILTERS = ("sector", "kind", "status", "province", "regency", "year")
FACILITY_FILTERS = ("sector", "province")  # a plant has no zone kind or status
MAP_FIELDS = (
    "view",
    *MAP_FILTERS,
    "zone",
    "rings",
    "color",
    "layers",
    "lang",
    "facilities",
    "size",
    "present",
)


def drawn_map(state: ViewState, basemap: str) -> dict[str, Any]:
    """What a map shows for a state, as kept in the page ('map-applied') to diff the next update."""
    data = state.as_dict()
    return {**{name: data[name] for name in MAP_FIELDS}, "basemap": basemap}


# The page's first figure is base_map_figure: the default state on the offline basemap.
BASE_DRAWN = drawn_map(ViewState(), "offline")


def _apply(figure: dict[str, Any], updates: MapUpdates) -> dict[str, Any]:
    """Write {path: value} updates into a figure dict (what a Patch does in the browser)."""
    for path, value in updates.items():
        target: Any = figure
        for key in path[:-1]:
            target = target[key] if isinstance(key, int) else target.setdefault(key, {})
        target[path[-1]] = value
    return figure


def base_map_figure(
    atlas: Atlas, model: MapModel, hovers: dict[str, list[str]], overlays: tuple = ()
) -> dict:
    """The whole map at the default state (BASE_DRAWN), imported overlays last, as a figure dict.

    The zones trace holds every zone once (ids, positions, status opacity); later updates only
    recolour, resize or swap the hover language: a filter hides zones by feature state (see
    ``map_updates``)."""
    lat = model.lat.tolist()
    names = list(atlas.zones["name"])
    kaltim = kaltim_layers(atlas)
    traces = [
        *({key: value for key, value in kaltim[number].items() if key not in KALTIM_DATA} for number in KALTIM_TRACES),
        facility_trace(),
        {"type": "scattermap", "lon": [], "lat": lat, "mode": "markers",
         "marker": {"size": POINT_SIZE + HALO_EXTRA, "color": [KIND_OUTLINE.get(k, "#ffffff") for k in atlas.zones["kind"]]},
         "hoverinfo": "skip", "name": "halo", "meta": BY_FEATURE_STATE},
        {"type": "scattermap", "lon": [], "lat": lat, "mode": "markers", "customdata": model.zone_ids,
         "marker": {"size": POINT_SIZE, "opacity": [STATUS_OPACITY[s] for s in atlas.zones["status"]]},
         "hovertemplate": "%{hovertext}<extra></extra>", "name": "zones", "meta": BY_FEATURE_STATE},
        go.Scattermap(
            lon=[],
            lat=[],
            mode="markers",
            marker={"size": 26, "color": "#111111", "opacity": 0.35},
            hoverinfo="skip",
            name="selected",
        ),
        _label_trace("zone-labels", LABEL_FONT, LABEL_COLOR)
        | {"lat": model.lat[model.label_order].tolist(), "text": [names[i] for i in model.label_order]},
        # IKN's name above it: below, it lay over Kariangau and Buluminung (20-30 km south-east), the
        # estates the Kaltim view is about, and won the collision against their names
        _label_trace("kaltim-labels", LABEL_FONT, PLACE_COLORS["capital"], "top center")
        | {"marker": {"size": IKN_SIZE, "opacity": 0}},
    ]  # fmt: skip
    figure = {
        "data": [
            trace if isinstance(trace, dict) else trace.to_plotly_json()
            for trace in traces + overlay_traces(overlays)
        ],
        "layout": {
            "meta": {
                "footprints": footprints_url(model),
                "footprints_zoom": FOOTPRINT_LOAD_ZOOM,
                "details": {"provinces": PROVINCES_URL, "neighbours": LAND_URL},
                "details_zoom": DETAIL_ZOOM,
                "footprints_rows": len(model.lat),  # the ids ("i") a filter may hide
            },
            "map": dict(NATIONAL_VIEW),
            "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
            "showlegend": False,
            "uirevision": "atlas",
            "font": {"family": FONT, "size": 14},
            "hoverlabel": {"font": {"size": 15}},
            "clickmode": "event",
        },
    }
    everything = pd.Series(True, index=atlas.zones.index)
    return _apply(figure, map_updates(atlas, model, hovers, ViewState(), everything, "offline", None))


#: what the Kaltim view's layers draw (positions and hover cards): sent when the view first shows
#: them. The towns' names stay in the first figure (17 short texts): sent later, they left the
#: Kaltim view's towns unnamed in the README's screenshot until the map was redrawn.
KALTIM_DATA = ("lon", "lat", "hovertext")


def kaltim_layers(atlas: Atlas) -> dict[int, dict[str, Any]]:
    """The Kaltim view's layers (trace number -> trace), hidden on the national view: the roads,
    the rings (drawn by ``map_updates`` from the state's distances), ports, airports and IKN."""
    reference = atlas.places.loc["ikn_kipp"]
    open_roads = atlas.roads[atlas.roads["open"]]
    roads_sourced = _road_lines(open_roads[~open_roads["estimated"].astype(bool)])
    roads_estimated = _road_lines(open_roads[open_roads["estimated"].astype(bool)])
    places = atlas.places[atlas.places.index != "ikn_kipp"]
    traces = {
        TRACE_ROADS: _line_trace(roads_sourced, "roads", width=3, color="#7f3b08"),
        TRACE_ROADS_EST: _line_trace(
            roads_estimated, "roads-estimated", width=2, color="#e08214", opacity=0.8
        ),
        TRACE_RINGS: _line_trace(([], [], []), "rings", width=2, color="#b2182b", hover_prefix="IKN "),
        TRACE_PLACES: go.Scattermap(
            lon=list(places["lon"]),
            lat=list(places["lat"]),
            mode="markers+text",
            marker={"size": 9, "color": [PLACE_COLORS[k] for k in places["kind"]]},
            text=[place_label(name) for name in places["name"]],
            textposition="bottom center",
            textfont={"family": PLACE_FONT, "size": LABEL_SIZE["screen"], "color": "#333333"},
            hovertext=[_place_hover(p) for _, p in places.iterrows()],
            hovertemplate="%{hovertext}<extra></extra>",
            name="places",
            visible=False,
        ),
        TRACE_IKN: go.Scattermap(
            lon=[reference["lon"]],
            lat=[reference["lat"]],
            mode="markers",
            marker={"size": IKN_SIZE, "color": PLACE_COLORS["capital"]},
            hovertext=[f"<b>{reference['name']}</b>"],
            hovertemplate="%{hovertext}<extra></extra>",
            name="ikn",
            visible=False,
        ),
    }
    return {number: trace.to_plotly_json() for number, trace in traces.items()}


def point_sizes(zones: pd.DataFrame, size: str) -> int | list[float]:
    """Zone point diameters: one size, or by the square root of investment or area ("size")."""
    if size not in SIZE_COLUMNS:
        return POINT_SIZE
    values = zones[SIZE_COLUMNS[size]].to_numpy(dtype=float, na_value=np.nan)
    low, high = POINT_SIZE_RANGE
    top = np.nanmax(values) if np.isfinite(values).any() else 0.0
    if not top > 0:
        return [low] * len(values)
    scaled = low + (high - low) * np.sqrt(np.clip(np.nan_to_num(values, nan=0.0), 0, None) / top)
    return np.round(scaled, 1).tolist()


def zoom_for_bounds(bounds: tuple[float, float, float, float]) -> float:
    """A zoom that fits a zone's footprint comfortably (web-mercator zoom ~ log2 of 360/extent)."""
    extent = max(bounds[2] - bounds[0], bounds[3] - bounds[1], 0.01)
    return float(np.clip(np.log2(360.0 / extent) - 1.6, 4.0, 12.5))


def map_focus(model: MapModel, state: ViewState) -> dict[str, Any]:
    """Where the map should look for a state: the selected zone, else the view's extent."""
    if state.zone and state.zone in model.bounds:
        west, south, east, north = model.bounds[state.zone]
        return {
            "center": {"lon": (west + east) / 2, "lat": (south + north) / 2},
            "zoom": zoom_for_bounds(model.bounds[state.zone]),
        }
    return KALTIM_VIEW if state.view == "kaltim" else NATIONAL_VIEW


MapUpdates = dict[tuple[str | int, ...], Any]

#: The zones' and halo's trace meta: the page's plotly.js (tools/plotly-bundle/build.mjs) then draws
#: a point whose MapLibre feature state ``hidden`` is true transparent and never hovers it, and
#: assets/map-footprints.js sets that state from the footprints' filter. Plain plotly.js (Kaleido's
#: exports) ignores it: there ``map_updates(by_state=False)`` blanks the hidden zones' longitudes.
BY_FEATURE_STATE = {"featureState": True}


def map_updates(
    atlas: Atlas,
    model: MapModel,
    hovers: dict[str, list[str]],
    state: ViewState,
    mask: pd.Series,
    basemap: str,
    drawn: dict[str, Any] | None,
    kaltim: dict[int, dict[str, Any]] | None = None,
    by_state: bool = True,
) -> MapUpdates:
    """What must change in a map that shows ``drawn`` (None: nothing yet) to show ``state``, as
    {path: value}. Never geometry. On the live map (``by_state``) a filter sends no zone positions:
    the page hides the zones' points and footprints by MapLibre feature state from the footprints'
    filter sent beside the figure (``footprint_filter``), so a filter neither changes, and reloads,
    the style nor makes MapLibre re-tile 20,000 points; only the labels' longitudes go (null for a
    hidden zone: a transparent label would still win MapLibre's collisions). Without feature state
    (``by_state=False``: exports, plain plotly.js) a hidden zone's longitude is null too.

    The camera moves only when the view or the selected zone changed, so a filter leaves it where
    the user put it. ``kaltim`` is ``kaltim_layers(atlas)`` when the caller keeps it (the live map's
    callback, once per runtime: ~36 ms to build on every switch to the Kaltim view)."""
    now = drawn_map(state, basemap)

    def changed(*names: str) -> bool:
        return drawn is None or any(drawn.get(name) != now[name] for name in names)

    updates: MapUpdates = {}
    if changed("color", "basemap", "layers"):
        updates["layout", "map", "style"] = map_style(
            basemap, model, footprint_layers(model, state), state.layers
        )
    shown = mask.to_numpy(dtype=bool)
    if changed(*MAP_FILTERS):
        lon = [float(x) if keep else None for x, keep in zip(model.lon, shown, strict=True)]
        if not by_state or drawn is None:
            points = model.lon.astype(float).tolist() if by_state else lon
            updates["data", TRACE_HALO, "lon"] = points
            updates["data", TRACE_ZONES, "lon"] = points
        updates["data", TRACE_ZONE_LABELS, "lon"] = [lon[i] for i in model.label_order]
    if changed("size"):
        sizes = point_sizes(atlas.zones, state.size)
        updates["data", TRACE_ZONES, "marker", "size"] = sizes
        updates["data", TRACE_HALO, "marker", "size"] = (
            sizes + HALO_EXTRA if isinstance(sizes, int) else [size + HALO_EXTRA for size in sizes]
        )
    if changed("present"):
        size = LABEL_SIZE["present" if state.present else "screen"]
        for trace in LABEL_TRACES:
            updates["data", trace, "textfont", "size"] = size
    if changed("color"):
        updates["data", TRACE_ZONES, "marker", "color"] = zone_colors(model, atlas.zones, state.color)
    if changed("lang"):
        updates["data", TRACE_ZONES, "hovertext"] = hovers[state.lang]
    if changed("zone", *MAP_FILTERS):
        position = {zone_id: index for index, zone_id in enumerate(model.zone_ids)}
        selected = position.get(state.zone) if state.zone else None
        visible = selected is not None and bool(shown[selected])
        updates["data", TRACE_SELECTED, "lon"] = [float(model.lon[selected])] if visible else []
        updates["data", TRACE_SELECTED, "lat"] = [float(model.lat[selected])] if visible else []
    if changed("view"):
        for trace in KALTIM_TRACES:
            updates["data", trace, "visible"] = state.view == "kaltim"
    # the Kaltim layers' positions and texts only where they show (the first page's map is the
    # national view: issue 14); the rings' below, from the state's distances
    if state.view == "kaltim" and changed("view"):
        for number, trace in (kaltim if kaltim is not None else kaltim_layers(atlas)).items():
            for key in KALTIM_DATA:
                if number != TRACE_RINGS and key in trace:
                    updates["data", number, key] = trace[key]
    if state.view == "kaltim" and changed("rings", "view"):
        reference = atlas.places.loc["ikn_kipp"]
        ring_lon, ring_lat, ring_text = _ring_lines(
            float(reference["lon"]), float(reference["lat"]), state.rings
        )
        updates["data", TRACE_RINGS, "lon"] = ring_lon
        updates["data", TRACE_RINGS, "lat"] = ring_lat
        updates["data", TRACE_RINGS, "text"] = ring_text
    if changed("rings", "view"):
        reference = atlas.places.loc["ikn_kipp"]
        label_lon, label_lat, label_text = _ring_labels(
            float(reference["lon"]), float(reference["lat"]), state.rings
        )
        lons = [float(reference["lon"]), *label_lon]
        updates["data", TRACE_KALTIM_LABELS, "lon"] = lons if state.view == "kaltim" else [None] * len(lons)
        updates["data", TRACE_KALTIM_LABELS, "lat"] = [float(reference["lat"]), *label_lat]
        updates["data", TRACE_KALTIM_LABELS, "text"] = [place_label(reference["name"]), *label_text]
    if model.facilities is not None:
        was_on = bool(drawn.get("facilities")) if drawn is not None else False
        updates |= facility_updates(
            model.facilities, state, was_on, changed, TRACE_FACILITIES, FACILITY_FILTERS
        )
    if changed("view", "zone"):
        focus = map_focus(model, state)
        updates["layout", "map", "center"] = focus["center"]
        updates["layout", "map", "zoom"] = focus["zoom"]
    return updates


def map_patch(updates: MapUpdates) -> Patch:
    """Map updates (see ``map_updates``) as a dash.Patch of the figure."""
    patch = Patch()
    for path, value in updates.items():
        target = patch
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return patch


def full_map_figure(
    atlas: Atlas,
    model: MapModel,
    hovers: dict[str, list[str]],
    state: ViewState,
    mask: pd.Series,
    overlays: tuple = (),
) -> dict[str, Any]:
    """The map for a state, self-contained: the offline style with the detailed provinces, land and
    footprints inline and the view's default camera (for PNG export, and the benchmark's naive
    baseline)."""
    figure = _apply(
        base_map_figure(atlas, model, hovers, overlays),
        map_updates(atlas, model, hovers, state, mask, "offline", None, by_state=False),
    )
    style = map_style("offline", model, footprint_layers(model, state, footprint_filter(mask)), state.layers)
    figure["layout"]["map"]["style"] = style
    style["sources"]["provinces"]["data"] = model.provinces_geojson
    style["sources"]["neighbours"]["data"] = orjson.loads(model.land_geojson)
    if "regencies" in style["sources"]:
        style["sources"]["regencies"]["data"] = orjson.loads(model.regencies_geojson)
    style["sources"]["footprints"]["data"] = orjson.loads(model.footprint_geojson)
    # Kaleido's Chromium cannot reach this server but reads files: the same glyphs from disk.
    style["glyphs"] = GLYPHS_DIR.as_uri() + "/{fontstack}/{range}.pbf"
    for trace in LABEL_TRACES:
        figure["data"][trace]["textfont"]["size"] = LABEL_SIZE["export"]
    return figure


def export_map_figure(
    atlas: Atlas,
    model: MapModel,
    hovers: dict[str, list[str]],
    state: ViewState,
    mask: pd.Series,
    camera: dict[str, Any] | None = None,
    overlays: tuple = (),
) -> go.Figure:
    """The map as the user sees it for a PNG: ``full_map_figure`` at the user's camera when given."""
    figure = full_map_figure(atlas, model, hovers, state, mask, overlays)
    if camera:
        figure["layout"]["map"].update(camera)
    return go.Figure(figure)


def plotly_template() -> dict[str, Any]:
    """The default Plotly template as JSON, exactly what a new ``go.Figure`` carries in its layout.

    Built once per template name and shared by every figure dict: treat it as read-only."""
    return _template_json(pio.templates.default)


@functools.lru_cache(maxsize=4)
def _template_json(name: str) -> dict[str, Any]:
    return go.Figure().to_plotly_json()["layout"]["template"]


def typed_array(values: Any) -> Any:
    """Floats as Plotly's base64 typed array (what ``go.Figure`` sends for a numeric Series); [] when empty."""
    array = np.ascontiguousarray(values, dtype="float64")
    if array.size == 0:
        return []
    return {"dtype": "f8", "bdata": base64.b64encode(array).decode("ascii")}


def short(name: str, limit: int = 20) -> str:
    """A name cut to ``limit`` characters at a word where it can be, with an ellipsis."""
    if len(name) <= limit:
        return name
    cut = name[: limit - 1].rsplit(" ", 1)[0] if " " in name[: limit - 1] else name[: limit - 1]
    return cut.rstrip(" (-,") + "…"


def zone_colors(model: MapModel, zones: pd.DataFrame, mode: str) -> list[str]:
    """Each zone's colour (point and bar) in the colour mode: its sector's or kind's, grey for none."""
    categories, palette = category_colors(model, zones, mode)
    return [palette.get(c, UNKNOWN_COLOR) for c in categories]


#: Widths in em close to Arial's (Liberation Sans, Helvetica and Segoe UI are alike), which the
#: chart's font family resolves to on most machines: from 1 % under to 34 % over the real width of
#: every zone's axis name. A wider font (DejaVu Sans alone) makes Plotly's automargin push the
#: margin: the chart is then drawn twice on a filter, but right.
CHAR_EM = {"…": 1.0, " ": 0.28, "(": 0.34, ")": 0.34, "-": 0.34, ",": 0.34, ".": 0.34, "'": 0.34, "/": 0.34}
CHAR_EM.update(dict.fromkeys("0123456789", 0.56))
LOWER_EM, OTHER_EM = 0.54, 0.68
CHART_FONT_SIZE = 14
CHART_EDGE = 8  # px between the chart and the panel's edges: the top margin, where filter-eval.js finds it


def text_width(text: str, size: float = CHART_FONT_SIZE) -> float:
    """An estimate of ``text``'s width in px (CHAR_EM), without measuring it in a browser."""
    return size * sum(CHAR_EM.get(c, LOWER_EM if c.islower() else OTHER_EM) for c in text)


def investment_margins(zones: pd.DataFrame, lang: str) -> tuple[int, int]:
    """The investment chart's left and right margins: room for the longest axis name, and for the
    widest amount (which sits right of its bar, the longest bar reaching the plot's edge), of every
    zone that reports investment, not only of the zones shown. The axis stays put when a filter
    changes the bars, and Plotly's automargin, still on for a wider font, finds nothing to push: it
    would otherwise draw the chart a second time on each filter (~20 ms of the 100 ms a filter has,
    issue 14). In a narrow side panel the amounts are no longer cut off at its edge."""
    reporting = zones.loc[zones["investment_idr_trillion"].notna()]
    names = tuple(reporting["name"].tolist())
    return _margins(names, tuple(reporting["investment_idr_trillion"].astype(float).tolist()), lang)


@functools.lru_cache(maxsize=8)
def _margins(names: tuple[str, ...], amounts: tuple[float, ...], lang: str) -> tuple[int, int]:
    """investment_margins of these names and amounts (kept: every filter of a data set asks again)."""
    left = max((text_width(short(n)) for n in names), default=0.0)
    right = max((text_width(format_idr_trillion(v, lang)) for v in amounts), default=0.0)
    return CHART_EDGE + math.ceil(left), CHART_EDGE + math.ceil(right)


def investment_layout(lang: str, margins: tuple[int, int]) -> dict[str, Any]:
    """The investment chart's layout before the zones are in it (a fresh dict, filled in by the
    caller) with the left and right ``margins`` of investment_margins; the browser's copy comes with
    the filter index (dashboard.clientfilter)."""
    return {
        "template": plotly_template(),
        "separators": separators(lang),
        "margin": {"l": margins[0], "r": margins[1], "t": CHART_EDGE, "b": 40},
        "xaxis": {"title": {"text": t("chart.investment.axis", lang)}, "rangemode": "tozero"},
        # long names would squeeze the bars in a side panel: shortened on the axis, whole in the hover
        "yaxis": {"automargin": True, "tickmode": "array"},
        "font": {"family": FONT, "size": CHART_FONT_SIZE},
        "plot_bgcolor": "#ffffff",
        "clickmode": "event",
    }


def investment_empty(lang: str) -> dict[str, Any]:
    """The note an investment chart without bars shows instead (a layout annotation)."""
    return {
        "text": t("chart.investment.empty", lang),
        "showarrow": False,
        "x": 0.5,
        "y": 0.5,
        "xref": "paper",
        "yref": "paper",
    }


def investment_figure(
    everyone: pd.DataFrame, model: MapModel, zones: pd.DataFrame, state: ViewState
) -> dict[str, Any]:
    """Realized investment of the filtered zones that report it, largest on top; the selection stands out.
    At most CHART_BARS bars (the largest, plus the selected zone): thousands of imported parcels
    would make an unreadable chart that takes the browser seconds to draw. Equal amounts keep the
    zones' order (a stable sort), so that assets/lazy/filter-eval.js draws the same chart.

    ``everyone``: every zone, of which ``zones`` are those counted; the margins fit all their names
    and amounts (investment_margins). A plain figure dict (the JSON ``go.Figure`` would send, built without
    its validation; wrap it in ``go.Figure`` to edit it)."""
    lang = state.lang
    investment = zones["investment_idr_trillion"].to_numpy(dtype=float, na_value=np.nan)
    rows = np.flatnonzero(~np.isnan(investment))
    rows = rows[np.argsort(investment[rows], kind="stable")]
    if len(rows) > CHART_BARS:  # the largest, and the selected zone wherever it ranks
        chosen = zones.index.get_indexer([state.zone]) if state.zone else np.array([-1])
        keep = rows[-CHART_BARS:]
        if chosen[0] >= 0 and chosen[0] in rows and chosen[0] not in keep:
            keep = np.concatenate([rows[rows == chosen[0]], keep[1:]])
        rows = keep
    reported = zones.iloc[rows]
    selected = state.zone
    ids = list(reported.index)
    values = investment[rows]
    names = list(reported["name"])
    dimmed = selected is not None and selected in ids
    amounts = [format_idr_trillion(v, lang) for v in values.tolist()]
    bar = {
        "customdata": ids,
        "hovertemplate": "%{hovertext}<extra></extra>",
        "hovertext": [
            f"<b>{name}</b><br>{amount}<br>{t('value.as_of', lang, date=as_of)}"
            for name, amount, as_of in zip(names, amounts, reported["investment_as_of"], strict=True)
        ],
        "marker": {
            "color": zone_colors(model, reported, state.color),
            "line": {"color": "#111111", "width": [3 if z == selected else 0 for z in ids]},
            "opacity": [0.45 if dimmed and z != selected else 1.0 for z in ids],
        },
        "orientation": "h",
        "text": amounts,
        "textposition": "outside",
        "cliponaxis": False,
        "x": typed_array(values),
        "y": names,
        "type": "bar",
    }
    layout = investment_layout(lang, investment_margins(everyone, lang))
    layout["yaxis"].update(tickvals=names, ticktext=[short(n) for n in names])
    layout["height"] = max(220, 60 + 34 * len(ids))
    if ids:
        layout["xaxis"]["range"] = [0, float(values.max())]  # its amount goes in the right margin
    else:
        layout["annotations"] = [investment_empty(lang)]
        layout["margin"]["l"] = layout["margin"]["r"] = CHART_EDGE  # no names nor amounts: the note centred
        layout["xaxis"]["visible"] = False
        layout["yaxis"]["visible"] = False
    return {"data": [bar], "layout": layout}


def _mid_year(period: str) -> str:
    return f"{int(period[:4]):04d}-07-01T00:00:00"


def national_figure(atlas: Atlas, lang: str, year: int | None = None) -> dict[str, Any]:
    """National KEK realized investment over time: annual bars, the cumulative line and the 2024 target.

    With a ``year`` (the time slider), only what was known by its end (``national.up_to``), on the
    whole series' time axis and with a line at the year, so the cut shows. A plain figure dict,
    like ``investment_figure``."""
    series = atlas.national if year is None else up_to(atlas.national, year)
    annual = national_rows(series, "investment_realized", "annual", "IDR trillion")
    cumulative = national_rows(series, "investment_realized", "cumulative", "IDR trillion")
    goal = target(series)
    money = ("Rp " if lang == "id" else "IDR ") + "%{y:,.1f} T"
    year_ms = 300 * 24 * 3600 * 1000
    data: list[dict[str, Any]] = [
        {
            "customdata": list(annual["period"]),
            "hovertemplate": "%{customdata}: " + money + "<extra></extra>",
            "marker": {"color": "#6baed6"},
            "name": t("chart.national.annual", lang),
            "width": [year_ms] * len(annual),
            "x": [_mid_year(p) for p in annual["period"]],
            "y": typed_array(annual["value"]),
            "type": "bar",
        },
        {
            "customdata": list(cumulative["period"]),
            "hovertemplate": "%{customdata}: " + money + "<extra></extra>",
            "line": {"color": "#08519c", "width": 3},
            "mode": "lines+markers",
            "name": t("chart.national.cumulative", lang),
            "x": [pd.Timestamp(end).isoformat() for end in cumulative["period_end"]],
            "y": typed_array(cumulative["value"]),
            "type": "scatter",
        },
    ]
    if goal is not None:
        label = t("chart.national.target", lang, year=goal["period"])
        amount = format_idr_trillion(goal["value"], lang, 1)
        data.append(
            {
                "hovertemplate": f"{label}: {amount}<extra></extra>",
                "marker": {
                    "color": "#cb181d",
                    "line": {"color": "#cb181d", "width": 4},
                    "size": 40,
                    "symbol": "line-ew-open",
                },
                "mode": "markers",
                "name": label,
                "x": [_mid_year(goal["period"])],
                "y": [float(goal["value"])],
                "type": "scatter",
            }
        )
    layout = {
        "template": plotly_template(),
        "separators": separators(lang),
        "margin": {"l": 8, "r": 8, "t": 8, "b": 8},
        "height": 340,
        "font": {"family": FONT, "size": 14},
        "plot_bgcolor": "#ffffff",
        "legend": {"orientation": "h", "y": -0.15},
        "yaxis": {
            "title": {"text": t("chart.national.axis", lang)},
            "rangemode": "tozero",
            "gridcolor": "#e5e5e5",
        },
        "xaxis": {"type": "date", "dtick": "M12", "tickformat": "%Y"},
    }
    if year is not None:
        if not any(trace["x"] for trace in data):
            text = t("chart.national.none", lang, year=year)
        elif cumulative.empty:
            text = t("chart.national.upto", lang, year=year)
        else:  # the national figure as it stood: the last cumulative total known by then
            latest = cumulative.iloc[-1]
            amount = format_idr_trillion(latest["value"], lang, 1)
            text = t("chart.national.upto_total", lang, year=year, amount=amount, period=latest["period"])
        _mark_year(layout, national_figure(atlas, lang)["data"], year, text)
    return {"data": data, "layout": layout}


def _mark_year(layout: dict[str, Any], full: list[dict[str, Any]], year: int, text: str) -> None:
    """Fix the time axis to the whole series (and the year) and draw a dashed line at the year's
    end, labelled with ``text``."""
    end = f"{year}-12-31T00:00:00"
    stamps = sorted(str(x) for trace in full for x in trace["x"])
    first = min(stamps[0], end) if stamps else end
    last = max(stamps[-1], end) if stamps else end
    pad = pd.Timedelta(days=200)
    layout["xaxis"]["range"] = [
        (pd.Timestamp(first) - pad).isoformat(),
        (pd.Timestamp(last) + pad).isoformat(),
    ]
    if pd.Timestamp(last).year - pd.Timestamp(first).year > 12:
        layout["xaxis"]["dtick"] = "M60"  # a tick every five years: a yearly one would crowd the axis
    layout["shapes"] = [
        {
            "type": "line", "xref": "x", "yref": "paper", "x0": end, "x1": end, "y0": 0, "y1": 1,
            "line": {"color": "#1a1a1a", "width": 2, "dash": "dash"},
        }
    ]  # fmt: skip
    layout["annotations"] = [
        {
            "text": text, "x": end, "xref": "x", "y": 1, "yref": "paper", "xanchor": "right",
            "yanchor": "top", "showarrow": False, "bgcolor": "rgba(255,255,255,0.9)", "font": {"size": 14},
        }
    ]  # fmt: skip


def kind_colors() -> dict[str, str]:
    """Colours of zone kinds, for the legend."""
    return dict(KIND_COLORS)
