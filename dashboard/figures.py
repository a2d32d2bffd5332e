"""Pure figure builders: (data, state) -> Plotly figure or a Patch of one.

The map figure is built once with all geometry; afterwards only ``map_patch`` runs, and it sends
ids, colours, texts and view settings, never the GeoJSON again.
"""

from __future__ import annotations

import base64
import functools
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from dash import Patch

from dashboard.i18n import format_hectares, format_idr_trillion, format_number, t
from dashboard.mapmodel import KIND_COLORS, PLACE_COLORS, MapModel, category_colors, feature_collection
from dashboard.state import ViewState
from geodata import Atlas
from geodata.measure import buffer_rings
from geodata.national import national_rows, target

# Trace order on the map: fixed, so that patches can address traces by index.
TRACE_INDICATIVE, TRACE_SURVEYED, TRACE_ROADS, TRACE_ROADS_EST, TRACE_RINGS = 0, 1, 2, 3, 4
TRACE_PLACES, TRACE_IKN, TRACE_HALO, TRACE_ZONES, TRACE_SELECTED = 5, 6, 7, 8, 9
KALTIM_TRACES = (TRACE_ROADS, TRACE_ROADS_EST, TRACE_RINGS, TRACE_PLACES, TRACE_IKN)

SEA = "#cfe3f1"
LAND = "#f4f1ea"
PROVINCE_LINE = "#9b9488"
NATIONAL_VIEW = {"center": {"lon": 118.0, "lat": -2.4}, "zoom": 3.7}
KALTIM_VIEW = {"center": {"lon": 117.25, "lat": -0.3}, "zoom": 6.7}
STATUS_OPACITY = {"operating": 1.0, "development": 0.85, "candidate": 0.6, "revoked": 0.4}
ONLINE_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
FONT = "Inter, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"


def separators(lang: str) -> str:
    """Plotly's decimal and thousands separators for the language (Indonesian: 2,42 and 126.506)."""
    return ",." if lang == "id" else ".,"


PROVINCES_URL = "/basemap/provinces.geojson"


def map_style(basemap: str) -> dict[str, Any]:
    """A MapLibre style: offline, shipped land and province lines over a sea colour (no tiles, no glyphs);
    online, OpenStreetMap raster tiles with the province lines on top.

    The provinces come from this server's own URL, fetched (and cached) once by the browser, so the
    style itself stays a few hundred bytes and switching basemaps resends no geometry."""
    sources: dict[str, Any] = {"provinces": {"type": "geojson", "data": PROVINCES_URL}}
    layers: list[dict[str, Any]] = [{"id": "sea", "type": "background", "paint": {"background-color": SEA}}]
    if basemap == "online":
        sources["osm"] = {
            "type": "raster",
            "tiles": [ONLINE_TILES],
            "tileSize": 256,
            "attribution": "© OpenStreetMap contributors",
        }
        layers.append({"id": "osm", "type": "raster", "source": "osm"})
    else:
        layers.append({"id": "land", "type": "fill", "source": "provinces", "paint": {"fill-color": LAND}})
    layers.append(
        {
            "id": "province-lines",
            "type": "line",
            "source": "provinces",
            "paint": {"line-color": PROVINCE_LINE, "line-width": 0.8},
        }
    )
    return {"version": 8, "sources": sources, "layers": layers}


def _stepped_colorscale(colors: list[str]) -> list[list[Any]]:
    """A colorscale that paints integer codes 0..n-1 (plus 0.5) each in one flat colour."""
    count = max(len(colors), 1)
    scale: list[list[Any]] = []
    for index, color in enumerate(colors or ["#888888"]):
        scale += [[index / count, color], [(index + 1) / count, color]]
    return scale


def zone_hover(zone: pd.Series, atlas: Atlas, lang: str) -> str:
    """The hover card of a zone: name, kind, status, sectors, figures, as-of and precision."""
    sectors = ", ".join(atlas.sectors.at[s, f"label_{lang}"] for s in zone["sectors"])
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
        f"{t('field.footprint', lang)}: {t('footprint.' + zone['footprint_source'], lang)}",
    ]
    return "<br>".join(lines)


def _place_hover(place: pd.Series) -> str:
    return f"<b>{place['name']}</b><br>{place['kind']} · {place['coord_precision']}"


def _ring_lines(lon: float, lat: float, rings_km: tuple[float, ...]) -> tuple[list, list, list]:
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


def base_map_figure(atlas: Atlas, model: MapModel, overlays: tuple = ()) -> go.Figure:
    """The whole map with every layer at its default state (imported overlays last, on top)."""
    reference = atlas.places.loc["ikn_kipp"]
    open_roads = atlas.roads[atlas.roads["open"]]
    roads_sourced = _road_lines(open_roads[~open_roads["estimated"].astype(bool)])
    roads_estimated = _road_lines(open_roads[open_roads["estimated"].astype(bool)])
    rings = _ring_lines(reference["lon"], reference["lat"], ViewState().rings)
    places = atlas.places[atlas.places.index != "ikn_kipp"]
    traces = [
        go.Choroplethmap(
            geojson=model.indicative_geojson,
            locations=[],
            z=[],
            marker={"opacity": 0.35, "line": {"width": 0.6, "color": "#ffffff"}},
            showscale=False,
            hoverinfo="skip",
            name="indicative",
        ),
        go.Choroplethmap(
            geojson=model.surveyed_geojson,
            locations=[],
            z=[],
            marker={"opacity": 0.75, "line": {"width": 1.2, "color": "#222222"}},
            showscale=False,
            hoverinfo="skip",
            name="surveyed",
        ),
        _line_trace(roads_sourced, "roads", width=3, color="#7f3b08"),
        _line_trace(roads_estimated, "roads-estimated", width=2, color="#e08214", opacity=0.8),
        _line_trace(rings, "rings", width=2, color="#b2182b", hover_prefix="IKN "),
        go.Scattermap(
            lon=list(places["lon"]),
            lat=list(places["lat"]),
            mode="markers",
            marker={"size": 9, "color": [PLACE_COLORS[k] for k in places["kind"]]},
            text=[_place_hover(p) for _, p in places.iterrows()],
            hovertemplate="%{text}<extra></extra>",
            name="places",
            visible=False,
        ),
        go.Scattermap(
            lon=[reference["lon"]],
            lat=[reference["lat"]],
            mode="markers",
            marker={"size": 18, "color": PLACE_COLORS["capital"]},
            text=[f"<b>{reference['name']}</b>"],
            hovertemplate="%{text}<extra></extra>",
            name="ikn",
            visible=False,
        ),
        go.Scattermap(
            lon=[],
            lat=[],
            mode="markers",
            marker={"size": 15, "color": "#ffffff"},
            hoverinfo="skip",
            name="halo",
        ),
        go.Scattermap(
            lon=[],
            lat=[],
            mode="markers",
            marker={"size": 11},
            hovertemplate="%{hovertext}<extra></extra>",
            name="zones",
        ),
        go.Scattermap(
            lon=[],
            lat=[],
            mode="markers",
            marker={"size": 26, "color": "#111111", "opacity": 0.35},
            hoverinfo="skip",
            name="selected",
        ),
    ]
    figure = go.Figure(traces + overlay_traces(overlays))
    figure.update_layout(
        map={"style": map_style("offline"), **NATIONAL_VIEW},
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        showlegend=False,
        uirevision="atlas",
        font={"family": FONT, "size": 14},
        hoverlabel={"font": {"size": 15}},
        clickmode="event",
    )
    return figure


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


def map_updates(
    atlas: Atlas,
    model: MapModel,
    hovers: dict[str, list[str]],
    state: ViewState,
    mask: pd.Series,
    refocus: bool,
    basemap: str | None,
) -> MapUpdates:
    """What changes in the built map for a state, as {path: value}: which zones show, their colours and
    hovers, the Kaltim layers, the rings, the selection, the camera only when ``refocus`` and the
    basemap style only when ``basemap`` is given (it changed). Never geometry."""
    zones = atlas.zones
    categories, palette = category_colors(model, zones, state.color)
    order = list(palette)
    code = {category: index + 0.5 for index, category in enumerate(order)}
    colours = [palette.get(c, "#888888") for c in categories]
    shown = [zone_id for zone_id, keep in zip(model.zone_ids, mask, strict=True) if keep]
    position = {zone_id: index for index, zone_id in enumerate(model.zone_ids)}
    updates: MapUpdates = {}
    for trace, ids in ((TRACE_INDICATIVE, model.indicative_ids), (TRACE_SURVEYED, model.surveyed_ids)):
        visible_ids = [zone_id for zone_id in ids if mask[zone_id]]
        updates["data", trace, "locations"] = visible_ids
        updates["data", trace, "z"] = [code[categories[position[z]]] for z in visible_ids]
        updates["data", trace, "colorscale"] = _stepped_colorscale([palette[c] for c in order])
        updates["data", trace, "zmin"] = 0
        updates["data", trace, "zmax"] = len(order)
    index = [position[z] for z in shown]
    lon = [float(model.lon[i]) for i in index]
    lat = [float(model.lat[i]) for i in index]
    for trace in (TRACE_HALO, TRACE_ZONES):
        updates["data", trace, "lon"] = lon
        updates["data", trace, "lat"] = lat
    updates["data", TRACE_ZONES, "customdata"] = shown
    updates["data", TRACE_ZONES, "hovertext"] = [hovers[state.lang][i] for i in index]
    updates["data", TRACE_ZONES, "marker", "color"] = [colours[i] for i in index]
    updates["data", TRACE_ZONES, "marker", "opacity"] = [
        STATUS_OPACITY[zones["status"].iat[i]] for i in index
    ]
    selected = state.zone if state.zone in shown else None
    updates["data", TRACE_SELECTED, "lon"] = [float(model.lon[position[selected]])] if selected else []
    updates["data", TRACE_SELECTED, "lat"] = [float(model.lat[position[selected]])] if selected else []
    kaltim = state.view == "kaltim"
    for trace in KALTIM_TRACES:
        updates["data", trace, "visible"] = kaltim
    if kaltim:
        reference = atlas.places.loc["ikn_kipp"]
        ring_lon, ring_lat, ring_text = _ring_lines(reference["lon"], reference["lat"], state.rings)
        updates["data", TRACE_RINGS, "lon"] = ring_lon
        updates["data", TRACE_RINGS, "lat"] = ring_lat
        updates["data", TRACE_RINGS, "text"] = ring_text
    if basemap is not None:
        updates["layout", "map", "style"] = map_style(basemap)
    if refocus:
        focus = map_focus(model, state)
        updates["layout", "map", "center"] = focus["center"]
        updates["layout", "map", "zoom"] = focus["zoom"]
    return updates


def map_patch(
    atlas: Atlas,
    model: MapModel,
    hovers: dict[str, list[str]],
    state: ViewState,
    mask: pd.Series,
    refocus: bool,
    basemap: str | None,
) -> Patch:
    """The map's updates for a state as a dash.Patch (see ``map_updates``)."""
    patch = Patch()
    for path, value in map_updates(atlas, model, hovers, state, mask, refocus, basemap).items():
        target = patch
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return patch


def export_map_figure(
    atlas: Atlas,
    model: MapModel,
    hovers: dict[str, list[str]],
    state: ViewState,
    mask: pd.Series,
    camera: dict[str, Any] | None = None,
    overlays: tuple = (),
) -> go.Figure:
    """The map as the user sees it, self-contained for a PNG: provinces inline, offline style, and
    the user's camera when given (else the view's default focus)."""
    figure = base_map_figure(atlas, model, overlays).to_dict()
    for path, value in map_updates(atlas, model, hovers, state, mask, True, None).items():
        target: Any = figure
        for key in path[:-1]:
            target = target[key] if isinstance(key, int) else target.setdefault(key, {})
        target[path[-1]] = value
    style = map_style("offline")
    style["sources"]["provinces"]["data"] = model.provinces_geojson
    figure["layout"]["map"]["style"] = style
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


def investment_figure(atlas: Atlas, model: MapModel, zones: pd.DataFrame, state: ViewState) -> dict[str, Any]:
    """Realized investment of the filtered zones that report it, largest on top; the selection stands out.

    A plain figure dict (the JSON ``go.Figure`` would send, built without its validation; wrap it in
    ``go.Figure`` to edit it)."""
    lang = state.lang
    investment = zones["investment_idr_trillion"].to_numpy(dtype=float, na_value=np.nan)
    rows = np.flatnonzero(~np.isnan(investment))
    rows = rows[np.argsort(investment[rows], kind="quicksort")]  # what sort_values does, NaN dropped
    reported = zones.iloc[rows]
    categories, palette = category_colors(model, reported, state.color)
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
            "color": [palette.get(c, "#888888") for c in categories],
            "line": {"color": "#111111", "width": [3 if z == selected else 0 for z in ids]},
            "opacity": [0.45 if dimmed and z != selected else 1.0 for z in ids],
        },
        "orientation": "h",
        "text": amounts,
        "textposition": "auto",
        "x": typed_array(values),
        "y": names,
        "type": "bar",
    }
    layout: dict[str, Any] = {
        "template": plotly_template(),
        "separators": separators(lang),
        "margin": {"l": 8, "r": 8, "t": 8, "b": 40},
        "xaxis": {"title": {"text": t("chart.investment.axis", lang)}, "rangemode": "tozero"},
        "yaxis": {"automargin": True},
        "height": max(220, 60 + 34 * len(ids)),
        "font": {"family": FONT, "size": 14},
        "plot_bgcolor": "#ffffff",
        "clickmode": "event",
    }
    if not ids:
        layout["annotations"] = [
            {
                "text": t("chart.investment.empty", lang),
                "showarrow": False,
                "x": 0.5,
                "y": 0.5,
                "xref": "paper",
                "yref": "paper",
            }
        ]
        layout["xaxis"]["visible"] = False
        layout["yaxis"]["visible"] = False
    return {"data": [bar], "layout": layout}


def _mid_year(period: str) -> str:
    return f"{int(period[:4]):04d}-07-01T00:00:00"


def national_figure(atlas: Atlas, lang: str) -> dict[str, Any]:
    """National KEK realized investment over time: annual bars, the cumulative line and the 2024 target.

    A plain figure dict, like ``investment_figure``."""
    series = atlas.national
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
    return {"data": data, "layout": layout}


def kind_colors() -> dict[str, str]:
    """Colours of zone kinds, for the legend."""
    return dict(KIND_COLORS)
