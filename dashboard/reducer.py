"""How one user action changes the view state: a pure function, so it is tested without a browser."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dashboard.state import ViewState, Vocabulary, sanitize, with_changes
from geodata.connectivity import parse_rings


@dataclass(frozen=True)
class Controls:
    """The values the page's controls hold right now (untrusted: they come from the browser)."""

    view: Any = None
    sector: Any = None
    kind: Any = None
    status: Any = None
    province: Any = None
    regency: Any = None
    zone: Any = None
    color: Any = None
    basemap: Any = None
    layers: Any = None
    lang: Any = None
    rings: Any = None
    sites: Any = None
    weights: Any = None
    facilities: Any = None
    radius: Any = None
    panel: Any = None
    year: Any = None


def clicked_zone(click: Any, known: set[str] | frozenset[str] | Any) -> str | None:
    """The zone id in a map or bar-chart clickData, if it names a known zone."""
    try:
        point = click["points"][0]
    except (TypeError, KeyError, IndexError):
        return None
    if not isinstance(point, dict):
        return None
    for key in ("customdata", "location"):
        value = point.get(key)
        if isinstance(value, list) and value:
            value = value[0]
        if isinstance(value, str) and value in known:
            return value
    return None


def camera_from_relayout(relayout: Any) -> dict[str, Any]:
    """The camera a pan or zoom left, from the map's relayoutData ({'map.center': {'lon', 'lat'},
    'map.zoom': z}) as raw URL values; {} for any other relayout (autosize, a chart axis)."""
    if not isinstance(relayout, dict):
        return {}
    camera: dict[str, Any] = {}
    center = relayout.get("map.center")
    if isinstance(center, dict) and "lon" in center and "lat" in center:
        camera["center"] = [center["lon"], center["lat"]]
    if "map.zoom" in relayout:
        camera["zoom"] = relayout["map.zoom"]
    return camera


def ring_text(rings: tuple[float, ...]) -> str:
    """Ring radii as the user types them: '25,50,100'."""
    return ",".join(f"{r:g}" for r in rings)


def apply_controls(
    previous: ViewState, controls: Controls, trigger: str | None, click: Any, vocabulary: Vocabulary
) -> tuple[ViewState, str | None]:
    """The new state after the control named ``trigger`` changed; also an error text for bad rings.

    Bad ring text keeps the previous rings; a click on a zone (map or bar) selects it; the reset
    button clears the filters (the year too) but keeps the view, language and selection. The year
    changes only with its slider (which shows the last year when none is chosen) or its clear button
    ('year-clear', back to every zone). The camera changes only with the map (camera_moved), or
    is forgotten when the view or the selected zone changes (the map then frames those),
    presentation mode only with its button, and switching to the Kaltim view opens its tool tab (and
    leaving it, its tab closes).
    """
    rings_error = None
    rings: Any = previous.rings
    if trigger == "ring-distances":
        try:
            rings = parse_rings(str(controls.rings or "")[:200])
        except ValueError as exc:
            rings_error = str(exc)
    zone = controls.zone
    if trigger in ("map", "investment-chart"):
        zone = clicked_zone(click, vocabulary.zones) or previous.zone
    raw = {
        "view": controls.view,
        "sector": controls.sector,
        "kind": controls.kind,
        "status": controls.status,
        "province": controls.province,
        "regency": controls.regency,
        "zone": zone,
        "rings": list(rings),
        "color": controls.color,
        "basemap": controls.basemap,
        "layers": controls.layers,
        "lang": controls.lang,
        "sites": controls.sites if controls.sites else "",
        "weights": [0 if w in (None, "") else w for w in controls.weights]
        if isinstance(controls.weights, list)
        else controls.weights,
        "facilities": controls.facilities,
        "radius": controls.radius,
        "size": previous.size,  # set by the URL, never by a control: kept as it was
        "year": {"year-slider": controls.year, "year-clear": None}.get(trigger or "", previous.year),
        "zoom": previous.zoom,
        "center": list(previous.center) if previous.center else None,
        "present": previous.present != (trigger == "presentation-toggle"),
        "panel": controls.panel,
    }
    if (raw["view"], zone) != (previous.view, previous.zone):
        raw["zoom"] = raw["center"] = None  # the map frames the new view or zone (figures.map_updates)
    if raw["view"] != previous.view and "kaltim" in (controls.view, previous.open_panel):
        raw["panel"] = None  # into the Kaltim view, or out of its tab: the new view's own tab
    state, _ = sanitize(raw, vocabulary)
    if trigger == "filter-reset":
        state = with_changes(state, sector=(), kind=(), status=(), province=(), regency=(), year=None)
    return state, rings_error


def camera_moved(previous: ViewState, controls: Controls, relayout: Any, vocabulary: Vocabulary) -> ViewState:
    """The state after the map reported a relayout (a pan, a zoom or a mere resize).

    Dash keeps only the latest request of a callback: a relayout reported while the answer to a
    control change is still on its way (a view switch resizes the map) drops that answer. So the
    controls' values are applied again here, and a new view or zone forgets the camera (the map
    frames them); otherwise the reported camera, checked like a URL's, is kept.
    """
    recovered, _ = apply_controls(previous, controls, None, None, vocabulary)
    if (recovered.view, recovered.zone) != (previous.view, previous.zone):
        return recovered
    camera = camera_from_relayout(relayout)
    moved = sanitize(camera, vocabulary)[0]
    zoom = moved.zoom if "zoom" in camera else previous.zoom
    return with_changes(recovered, zoom=zoom, center=moved.center or previous.center)
