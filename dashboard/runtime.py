"""What the server derives from the atlas once at start-up and shares with every callback."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import geopandas as gpd

from dashboard.figures import zone_hover
from dashboard.i18n import LANGUAGES
from dashboard.mapmodel import MapModel, build_map_model
from dashboard.state import Vocabulary
from geodata import Atlas
from geodata.import_plan import OVERLAY, with_imports
from geodata.query import province_id
from geodata.schema import KINDS, STATUSES
from geodata.store import LayerInfo, Store


@dataclass(frozen=True)
class Runtime:
    """The loaded atlas plus its derived map model, hover texts and URL vocabulary."""

    atlas: Atlas
    model: MapModel
    hovers: dict[str, list[str]]
    vocabulary: Vocabulary
    overlays: tuple[tuple[LayerInfo, gpd.GeoDataFrame], ...] = ()


def build_runtime(atlas: Atlas, overlays: tuple[tuple[LayerInfo, gpd.GeoDataFrame], ...] = ()) -> Runtime:
    """Derive everything the callbacks need, once per atlas."""
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
        overlays=overlays,
    )


class LiveRuntime:
    """The runtime of the shipped atlas plus the imported layers, rebuilt when the import store changes.

    Every server worker checks the store file's modification stamp (one stat) before using the
    runtime, so an import made through any worker, or from the shell, shows up everywhere.
    """

    def __init__(self, atlas: Atlas, store: Store) -> None:
        self.base = atlas
        self.store = store
        self._lock = threading.Lock()
        self._stamp: int | None = -1
        self._runtime: Runtime | None = None

    def _current_stamp(self) -> int | None:
        try:
            return self.store.path.stat().st_mtime_ns
        except FileNotFoundError:
            return None

    def get(self) -> Runtime:
        """The runtime for the store as it is now."""
        stamp = self._current_stamp()
        with self._lock:
            if self._runtime is None or stamp != self._stamp:
                overlays = tuple(
                    (info, self.store.read(info.id)) for info in self.store.layers() if info.kind == OVERLAY
                )
                self._runtime = build_runtime(with_imports(self.base, self.store), overlays)
                self._stamp = stamp
            return self._runtime
