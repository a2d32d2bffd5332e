"""The view's state, kept in the URL query string so that a copied link restores the same view.

Query names: view, sector, kind, status, province, regency, zone, rings, color, basemap, layers,
lang, plus the site comparison's sites and weights, and the facilities layer (``facilities=1``) with
the radius of the zone detail's "facilities within" (``radius`` in km) and the zone points' size
(``size=investment|area``), and the year the atlas is shown as it stood in (``year=2015``: only
the zones established by then; absent, every zone). The screen's own state rides along so that a
shared link opens on the same place: the map camera (``zoom``, ``center=lon,lat``), presentation
mode (``present=1``, larger map labels) and the open tool tab (``panel``). Anything unknown or
malformed in a URL is dropped (and reported), never trusted.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlencode

import pandas as pd

from dashboard.i18n import DEFAULT_LANGUAGE, LANGUAGES
from geodata.comparison import KALTIM_ESTATES
from geodata.connectivity import DEFAULT_RINGS_KM, parse_rings
from geodata.facilities import DEFAULT_RADIUS_KM
from geodata.filterspec import NAMES as FILTER_NAMES
from geodata.filterspec import select
from geodata.scoring import CRITERIA, MAX_WEIGHT

VIEWS = ("national", "kaltim")
COLOR_MODES = ("sector", "kind")
BASEMAPS = ("offline", "online")
MAP_LAYERS = ("regencies",)  # optional map layers, fetched only when switched on
# The tool tabs beside the map (dashboard.features.screen); "detail" is open by default.
PANELS = ("detail", "national", "kaltim", "table", "export", "saved", "import")
POINT_SIZES = ("none", "investment", "area")  # what a zone point's size shows (``size``)
QUERY_NAMES = (
    "view", "sector", "kind", "status", "province", "regency", "zone", "rings", "color", "basemap", "layers",
    "lang", "sites", "weights", "facilities", "radius", "size", "year", "zoom", "center", "present", "panel",
)  # fmt: skip
# What only frames the screen (camera, presentation, open tab): a saved view is the same view
# whatever these say, and a view is saved without ``present``.
SCREEN_NAMES = ("zoom", "center", "present", "panel")
MIN_ZOOM, MAX_ZOOM = 0.0, 22.0  # MapLibre's range
ZOOM_DECIMALS, CENTER_DECIMALS = 2, 4  # 1/100 of a zoom step; 1e-4 degree is ~11 m: finer is noise
MAX_LIST = 64  # more values than any vocabulary has: a longer list is not from this app
MAX_SITES = 12
DEFAULT_WEIGHTS = tuple(c.default_weight for c in CRITERIA)
MAX_RADIUS_KM = 500.0  # beyond this "near" means nothing; a typo, not a question


@dataclass(frozen=True)
class Vocabulary:
    """The ids a URL may name, taken from the loaded atlas."""

    sectors: Collection[str]
    kinds: Collection[str]
    statuses: Collection[str]
    provinces: Collection[str]
    zones: Collection[str]
    #: official code of each regency that holds a zone -> its province id
    regencies: Mapping[str, str] = field(default_factory=dict)
    #: the years a URL may name (first and last): the earliest zone's establishment to this year
    years: tuple[int, int] = field(default_factory=lambda: (1900, date.today().year))


@dataclass(frozen=True)
class ViewState:
    """Everything that defines what the user sees; empty filter lists mean 'all'."""

    view: str = "national"
    sector: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    province: tuple[str, ...] = ()
    regency: tuple[str, ...] = ()
    zone: str | None = None
    rings: tuple[float, ...] = field(default=DEFAULT_RINGS_KM)
    color: str = "sector"
    basemap: str = "offline"
    layers: tuple[str, ...] = ()
    lang: str = DEFAULT_LANGUAGE
    sites: tuple[str, ...] = KALTIM_ESTATES
    weights: tuple[float, ...] = DEFAULT_WEIGHTS
    facilities: bool = False
    radius: float = DEFAULT_RADIUS_KM
    size: str = "none"
    year: int | None = None  # None: today, every zone (also those of unknown year)
    zoom: float | None = None  # None: the figure's own camera (all of Indonesia)
    center: tuple[float, ...] | None = None  # (lon, lat) or None
    present: bool = False
    panel: str | None = None  # None: the view's own tab (default_panel)

    @property
    def open_panel(self) -> str:
        """The tool tab on screen."""
        return self.panel or default_panel(self.view)

    @property
    def filters(self) -> dict[str, Any]:
        """The filters' choices by dimension name (geodata.filterspec.DIMENSIONS; the year is one)."""
        return {name: getattr(self, name) for name in FILTER_NAMES}

    def selection(self, zones: pd.DataFrame) -> pd.Series:
        """Which zones this state's filters show (the one place the filters are applied)."""
        return pd.Series(select(zones, self.filters), index=zones.index)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form for a dcc.Store."""
        data = asdict(self)
        return {key: list(value) if isinstance(value, tuple) else value for key, value in data.items()}

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None, vocabulary: Vocabulary) -> ViewState:
        """Rebuild from a Store, re-checking every value as if it came from a URL."""
        if not isinstance(data, dict):
            return cls()
        return sanitize(data, vocabulary)[0]


def _known(values: Iterable[Any], allowed: Collection[str], name: str, dropped: list[str]) -> tuple[str, ...]:
    kept: list[str] = []
    for value in list(values)[:MAX_LIST]:
        if isinstance(value, str) and value in allowed and value not in kept:
            kept.append(value)
        else:
            dropped.append(f"{name}={value!r}")
    return tuple(kept)


def _one_of(value: Any, allowed: Collection[str], default: str, name: str, dropped: list[str]) -> str:
    if value is None or value == "":
        return default
    if isinstance(value, str) and value in allowed:
        return value
    dropped.append(f"{name}={value!r}")
    return default


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, str):
        return [part for part in value.split(",") if part]
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def _weights(value: Any, dropped: list[str]) -> tuple[float, ...]:
    items = _as_list(value)
    if not items:
        return DEFAULT_WEIGHTS
    try:
        weights = tuple(float(w) for w in items)
    except (TypeError, ValueError):
        weights = ()
    if len(weights) != len(DEFAULT_WEIGHTS) or not all(0 <= w <= MAX_WEIGHT for w in weights):
        dropped.append(f"weights={value!r}"[:200])
        return DEFAULT_WEIGHTS
    return weights


def _flag(value: Any, name: str, dropped: list[str]) -> bool:
    """A URL switch: 1/true/on (or a non-empty checklist) is on, 0/false/off/empty is off."""
    if isinstance(value, bool):
        return value
    if isinstance(value, list):
        return bool(value)
    text = "" if value is None else str(value).strip().lower()
    if text in ("1", "true", "on"):
        return True
    if text not in ("", "0", "false", "off"):
        dropped.append(f"{name}={value!r}"[:200])
    return False


def _number(value: Any, name: str, fits: Callable[[float], bool], dropped: list[str]) -> float | None:
    """A number for which ``fits`` holds; None when absent, and None (reported) when bad."""
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = float("nan")
    if not fits(number):
        dropped.append(f"{name}={value!r}"[:200])
        return None
    return number


def _radius(value: Any, dropped: list[str]) -> float:
    """A radius in km, more than 0 and at most MAX_RADIUS_KM; the default when absent or bad."""
    radius = _number(value, "radius", lambda r: 0 < r <= MAX_RADIUS_KM, dropped)
    return DEFAULT_RADIUS_KM if radius is None else radius


def _year(value: Any, years: tuple[int, int], dropped: list[str]) -> int | None:
    """A year within ``years`` (first, last), written as digits ('2015', or 2015 from the slider);
    None when absent or bad ('2e3' or '2015.0' are not how anyone writes a year)."""
    if value is None or value == "":
        return None
    text = value if isinstance(value, str) else str(value) if type(value) is int else ""
    first, last = years
    if not (len(text) <= 4 and text.isascii() and text.isdigit() and first <= int(text) <= last):
        dropped.append(f"year={value!r}"[:200])
        return None
    return int(text)


def default_panel(view: Any) -> str:
    """The tool tab a view opens with: the Kaltim view's rings and comparison, else the zone detail."""
    return "kaltim" if view == "kaltim" else "detail"


def _zoom(value: Any, dropped: list[str]) -> float | None:
    """A map zoom within MapLibre's range, rounded; None when absent or bad."""
    zoom = _number(value, "zoom", lambda z: MIN_ZOOM <= z <= MAX_ZOOM, dropped)
    return None if zoom is None else round(zoom, ZOOM_DECIMALS)


def _center(value: Any, dropped: list[str]) -> tuple[float, ...] | None:
    """A map centre 'lon,lat' (degrees, WGS 84), rounded; None when absent or bad."""
    items = _as_list(value)
    if not items:
        return None
    try:
        lon, lat = (float(v) for v in items)
    except (TypeError, ValueError):
        lon = lat = float("nan")
    if not (-180 <= lon <= 180 and -85 <= lat <= 85):  # beyond 85 deg Web Mercator has no map
        dropped.append(f"center={value!r}"[:200])
        return None
    return (round(lon, CENTER_DECIMALS), round(lat, CENTER_DECIMALS))


def sanitize(raw: dict[str, Any], vocabulary: Vocabulary) -> tuple[ViewState, list[str]]:
    """A valid ViewState from untrusted values (URL or browser), and what had to be dropped."""
    dropped: list[str] = []
    view = _one_of(raw.get("view"), VIEWS, "national", "view", dropped)
    panel: str | None = _one_of(raw.get("panel"), PANELS, default_panel(view), "panel", dropped)
    rings: tuple[float, ...] = DEFAULT_RINGS_KM
    raw_rings = raw.get("rings")
    if raw_rings not in (None, "", []):
        text = raw_rings if isinstance(raw_rings, str) else ",".join(str(r) for r in _as_list(raw_rings))
        try:
            rings = parse_rings(text[:200])
        except ValueError:
            dropped.append(f"rings={raw_rings!r}")
    zone = raw.get("zone")
    if zone is not None and not (isinstance(zone, str) and zone in vocabulary.zones):
        dropped.append(f"zone={zone!r}")
        zone = None
    province = _known(_as_list(raw.get("province")), vocabulary.provinces, "province", dropped)
    regency = _known(_as_list(raw.get("regency")), vocabulary.regencies, "regency", dropped)
    outside = [code for code in regency if province and vocabulary.regencies[code] not in province]
    dropped += [f"regency={code!r} (outside the chosen provinces)" for code in outside]
    state = ViewState(
        view=view,
        sector=_known(_as_list(raw.get("sector")), vocabulary.sectors, "sector", dropped),
        kind=_known(_as_list(raw.get("kind")), vocabulary.kinds, "kind", dropped),
        status=_known(_as_list(raw.get("status")), vocabulary.statuses, "status", dropped),
        province=province,
        regency=tuple(code for code in regency if code not in outside),
        zone=zone,
        rings=rings,
        color=_one_of(raw.get("color"), COLOR_MODES, "sector", "color", dropped),
        basemap=_one_of(raw.get("basemap"), BASEMAPS, "offline", "basemap", dropped),
        layers=_known(_as_list(raw.get("layers")), MAP_LAYERS, "layers", dropped),
        lang=_one_of(raw.get("lang"), LANGUAGES, DEFAULT_LANGUAGE, "lang", dropped),
        sites=_known(_as_list(raw.get("sites")), vocabulary.zones, "sites", dropped)[:MAX_SITES]
        if raw.get("sites") not in (None, "")
        else KALTIM_ESTATES,
        weights=_weights(raw.get("weights"), dropped),
        facilities=_flag(raw.get("facilities"), "facilities", dropped),
        radius=_radius(raw.get("radius"), dropped),
        size=_one_of(raw.get("size"), POINT_SIZES, "none", "size", dropped),
        year=_year(raw.get("year"), vocabulary.years, dropped),
        zoom=_zoom(raw.get("zoom"), dropped),
        center=_center(raw.get("center"), dropped),
        present=_flag(raw.get("present"), "present", dropped),
        panel=None if panel == default_panel(view) else panel,
    )
    return state, dropped


def from_query(search: str | None, vocabulary: Vocabulary) -> tuple[ViewState, list[str]]:
    """Parse '?view=kaltim&sector=bauxite,nickel&lang=en' into a state (plus what was dropped)."""
    text = (search or "").lstrip("?")[:4000]
    params = {key: values[-1] for key, values in parse_qs(text, keep_blank_values=False).items()}
    return sanitize(params, vocabulary)


def to_query(state: ViewState) -> str:
    """The query string for a state, leaving out defaults so that links stay short."""
    default = ViewState()
    if state.panel == default_panel(state.view):
        state = replace(state, panel=None)
    params: dict[str, str] = {}
    for name in QUERY_NAMES:
        value = getattr(state, name)
        if value == getattr(default, name) or (value in (None, ()) and name != "sites"):
            continue
        if name in ("rings", "weights"):
            params[name] = ",".join(f"{r:g}" for r in value)
        elif name == "center":
            params[name] = ",".join(f"{r:.10g}" for r in value)
        elif name in ("facilities", "present"):
            params[name] = "1"
        elif name in ("radius", "zoom", "year"):
            params[name] = f"{value:g}"
        elif isinstance(value, tuple):
            params[name] = ",".join(value)
        else:
            params[name] = value
    return "?" + urlencode(params, safe=",") if params else ""


def without_screen(search: str | None, names: Collection[str] = SCREEN_NAMES) -> str:
    """A query string without screen-only parameters (``names``): what identifies a view when saving
    it or finding it among the saved ones. Other parameters keep their order."""
    text = (search or "").lstrip("?")[:4000]
    kept = [(k, v) for k, v in parse_qsl(text, keep_blank_values=False) if k not in names]
    return "?" + urlencode(kept, safe=",") if kept else ""


def with_changes(state: ViewState, **changes: Any) -> ViewState:
    """A copy of the state with some fields replaced (filters as tuples)."""
    normalised = {k: tuple(v) if isinstance(v, list) else v for k, v in changes.items()}
    return replace(state, **normalised)
