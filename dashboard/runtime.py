"""What the server derives from the atlas once at start-up and shares with every callback."""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.figures import zone_hover
from dashboard.i18n import LANGUAGES
from dashboard.mapmodel import MapModel, build_map_model
from dashboard.state import Vocabulary
from geodata import Atlas
from geodata.query import province_id
from geodata.schema import KINDS, STATUSES


@dataclass(frozen=True)
class Runtime:
    """The loaded atlas plus its derived map model, hover texts and URL vocabulary."""

    atlas: Atlas
    model: MapModel
    hovers: dict[str, list[str]]
    vocabulary: Vocabulary


def build_runtime(atlas: Atlas) -> Runtime:
    """Derive everything the callbacks need, once."""
    zones = atlas.zones
    return Runtime(
        atlas=atlas,
        model=build_map_model(atlas),
        hovers={lang: [zone_hover(zone, atlas, lang) for _, zone in zones.iterrows()] for lang in LANGUAGES},
        vocabulary=Vocabulary(
            sectors=frozenset(atlas.sectors.index),
            kinds=frozenset(KINDS),
            statuses=frozenset(STATUSES),
            provinces=frozenset(province_id(p) for p in zones["province"]),
            zones=frozenset(zones.index),
        ),
    )
