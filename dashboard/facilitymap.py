"""The facilities layer on the map (mills, smelters, plants): its arrays, its trace and its updates.

~3,400 plants are too heavy for the first page, so the map's facilities trace starts empty and
hidden; the first time the layer is switched on, one Patch sends its points, colours and hovers,
and afterwards a filter sends only the longitudes (null for a hidden plant), as the zones do.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from dashboard.i18n import LANGUAGES, t
from dashboard.state import ViewState
from geodata import Atlas
from geodata.filterspec import select

DOT_SIZE = 6
DOT_OPACITY = 0.6
# 3,400 plants are a smear at national zoom: MapLibre clusters them (a grey disc with the count,
# drawn with the map's label glyphs) up to zoom CLUSTER_MAXZOOM, where single plants take over.
CLUSTER_MAXZOOM = 7
CLUSTER = {
    "enabled": True, "maxzoom": CLUSTER_MAXZOOM, "step": [50, 200], "size": [14, 20, 28],
    "color": "rgba(90,90,90,0.55)", "opacity": 0.9,
}  # fmt: skip
CLUSTER_FONT = {"family": "Noto Sans Bold", "size": 11, "color": "#ffffff"}
UNKNOWN_COLOR = "#888888"


@dataclass(frozen=True)
class FacilityLayer:
    """The plants' map arrays, derived once per atlas: positions, sector colours, hovers per language."""

    ids: list[str]
    lon: np.ndarray
    lat: np.ndarray
    sectors: np.ndarray
    #: the columns the filters read (geodata.filterspec's facility values: sector, province)
    attributes: pd.DataFrame
    colors: list[str]
    hovers: dict[str, list[str]]

    def mask(self, state: ViewState) -> np.ndarray:
        """Which plants the state's filters show (those a plant carries: sector and province)."""
        return select(self.attributes, state.filters, facilities=True)


def _hover(plant: Mapping[str, Any], labels: Mapping[str, str], lang: str) -> str:
    kbli = " ".join(part for part in (plant["kbli"], plant["kbli_title"]) if part) or t("value.missing", lang)
    return (
        f"<b>{plant['name']}</b><br>{labels.get(plant['sector'], plant['sector'])}"
        f"<br>{t('field.kbli', lang)}: {kbli}<br>{t('field.source', lang)}: {plant['source']}"
    )


def build_facility_layer(atlas: Atlas, sector_colors: Mapping[str, str]) -> FacilityLayer:
    """Derive the layer's arrays from the validated atlas (hovers in every language)."""
    plants = atlas.facilities
    records = pd.DataFrame(plants.drop(columns=plants.geometry.name)).to_dict("records")
    labels = {lang: atlas.sectors[f"label_{lang}"].to_dict() for lang in LANGUAGES}
    return FacilityLayer(
        ids=list(plants.index),
        lon=np.round(plants["lon"].to_numpy(float), 5),
        lat=np.round(plants["lat"].to_numpy(float), 5),
        sectors=plants["sector"].to_numpy(str),
        attributes=pd.DataFrame(plants[["sector", "province"]]),
        colors=[sector_colors.get(s, UNKNOWN_COLOR) for s in plants["sector"]],
        hovers={lang: [_hover(p, labels[lang], lang) for p in records] for lang in LANGUAGES},
    )


def facility_trace() -> dict[str, Any]:
    """The empty, hidden trace the first page carries (its points come with the first switch-on)."""
    return {
        "type": "scattermap", "lon": [], "lat": [], "mode": "markers", "name": "facilities",
        "marker": {"size": DOT_SIZE, "opacity": DOT_OPACITY}, "hovertemplate": "%{hovertext}<extra></extra>",
        "visible": False, "cluster": CLUSTER, "textfont": CLUSTER_FONT,
    }  # fmt: skip


def facility_updates(
    layer: FacilityLayer,
    state: ViewState,
    was_on: bool,
    changed: Callable[..., bool],
    trace: int,
    filters: tuple[str, ...],
) -> dict[tuple[str | int, ...], Any]:
    """Map updates of the facilities trace (index ``trace``), given whether the page already shows the
    layer (``was_on``) and which state fields changed. Off: only ``visible``. Switched on: everything
    once. On: the longitudes when a filter changed, the hovers when the language did."""
    updates: dict[tuple[str | int, ...], Any] = {}
    if state.facilities != was_on:
        updates["data", trace, "visible"] = state.facilities
    if not state.facilities:
        return updates
    if not was_on:
        updates["data", trace, "lat"] = layer.lat.tolist()
        updates["data", trace, "marker", "color"] = layer.colors
    if not was_on or changed(*filters):
        shown = layer.mask(state)
        updates["data", trace, "lon"] = [
            float(x) if keep else None for x, keep in zip(layer.lon, shown, strict=True)
        ]
    if not was_on or changed("lang"):
        updates["data", trace, "hovertext"] = layer.hovers[state.lang]
    return updates
