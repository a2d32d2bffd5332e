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


def ring_text(rings: tuple[float, ...]) -> str:
    """Ring radii as the user types them: '25,50,100'."""
    return ",".join(f"{r:g}" for r in rings)


def apply_controls(
    previous: ViewState, controls: Controls, trigger: str | None, click: Any, vocabulary: Vocabulary
) -> tuple[ViewState, str | None]:
    """The new state after the control named ``trigger`` changed; also an error text for bad rings.

    Bad ring text keeps the previous rings; a click on a zone (map or bar) selects it; the reset
    button clears the filters but keeps the view, language and selection.
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
        # set by the URL or the page's presentation toggle, never by a control: kept as they were
        "size": previous.size,
        "present": previous.present,
    }
    state, _ = sanitize(raw, vocabulary)
    if trigger == "filter-reset":
        state = with_changes(state, sector=(), kind=(), status=(), province=(), regency=())
    return state, rings_error
