"""What the server derives from the atlas once at start-up and shares with every callback."""

from __future__ import annotations

import logging
import os
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

import geopandas as gpd
import numpy as np
import pandas as pd

from dashboard.figures import zone_hover
from dashboard.i18n import LANGUAGES
from dashboard.mapmodel import MapModel, build_map_model
from dashboard.state import Vocabulary
from geodata import Atlas
from geodata.connectivity import kaltim_analysis, kaltim_sites
from geodata.import_plan import OVERLAY, with_imports
from geodata.query import province_id, year_span
from geodata.schema import KINDS, STATUSES
from geodata.store import LayerInfo, Store, StoreUnreadable

T = TypeVar("T")
MEMO_SIZE = 256  # entries per runtime; keys come from user input (ring distances), so it is bounded


class Memo:
    """A thread-safe, bounded (least recently used out) cache of derived values.

    Two threads may build the same missing value at once; both results are equal and one is kept.
    """

    def __init__(self, maxsize: int = MEMO_SIZE) -> None:
        self.maxsize = maxsize
        self._values: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, build: Callable[[], T]) -> T:
        """The value for ``key``, built by ``build()`` the first time (and again after eviction)."""
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]  # type: ignore[return-value]
        value = build()
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self.maxsize:
                self._values.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._values)


@dataclass(frozen=True)
class Runtime:
    """The loaded atlas plus its derived map model, hover texts and URL vocabulary.

    ``memo`` caches what callbacks derive from this atlas and a few small inputs (a language, the
    ring distances); it belongs to this runtime, so a rebuilt runtime starts with an empty one.
    Cached values are shared between requests: never mutate them.
    """

    atlas: Atlas
    model: MapModel
    hovers: dict[str, list[str]]
    vocabulary: Vocabulary
    overlays: tuple[tuple[LayerInfo, gpd.GeoDataFrame], ...] = ()
    # atlas.zones without the geometry column: selecting rows of a plain DataFrame is ~4x faster
    attributes: pd.DataFrame = field(default_factory=pd.DataFrame, compare=False, repr=False)
    memo: Memo = field(default_factory=Memo, compare=False, repr=False)

    def cached(self, key: Hashable, build: Callable[[], T]) -> T:
        """``build()`` once per ``key`` for this runtime (bounded, least recently used out)."""
        return self.memo.get(key, build)


def build_runtime(atlas: Atlas, overlays: tuple[tuple[LayerInfo, gpd.GeoDataFrame], ...] = ()) -> Runtime:
    """Derive everything the callbacks need, once per atlas."""
    zones = atlas.zones
    attributes = pd.DataFrame(zones.drop(columns=zones.geometry.name))
    records = attributes.to_dict("records")  # row dicts: 20x faster than pandas rows for the hovers
    labels = {lang: atlas.sectors[f"label_{lang}"].to_dict() for lang in LANGUAGES}
    held = set(zones["regency_code"].dropna())  # regencies a URL may name: those that hold a zone
    return Runtime(
        atlas=atlas,
        model=build_map_model(atlas),
        hovers={lang: [zone_hover(zone, labels[lang], lang) for zone in records] for lang in LANGUAGES},
        vocabulary=Vocabulary(
            sectors=frozenset(atlas.sectors.index),
            kinds=frozenset(KINDS),
            statuses=frozenset(STATUSES),
            provinces=frozenset(province_id(p) for p in atlas.provinces["name"]),
            zones=frozenset(zones.index),
            regencies={
                code: province_id(province)
                for code, province in zip(atlas.regencies["code"], atlas.regencies["province"], strict=True)
                if code in held
            },
            years=year_span(zones),
        ),
        overlays=overlays,
        attributes=attributes,
    )


def kaltim_scope(runtime: Runtime) -> np.ndarray:
    """Which zones the Kaltim view counts in its KPIs and chart (its sites), in zone order."""
    return runtime.cached(
        ("kaltim-scope",), lambda: runtime.attributes.index.isin(kaltim_sites(runtime.atlas).index)
    )


def kaltim_report(runtime: Runtime, rings: tuple[float, ...]) -> dict[str, Any]:
    """``geodata.connectivity.kaltim_analysis`` for the ring distances, once per runtime and rings."""
    return runtime.cached(("kaltim-analysis", tuple(rings)), lambda: kaltim_analysis(runtime.atlas, rings))


def _renew_lock(ref: weakref.ref[LiveRuntime]) -> None:
    """An export job is a fork of a server process with several threads (dashboard.jobs): one of
    them may hold the lock (rebuilding after an import) at that instant, and in the child nobody
    would ever release it, so the job would wait forever for its runtime. The child gets its own."""
    live = ref()
    if live is not None:
        live._lock = threading.Lock()


class LiveRuntime:
    """The runtime of the shipped atlas plus the imported layers, rebuilt when the import store changes.

    Every server worker checks the store's revision (one small query) before using the runtime, so
    an import made through any worker, on any host, or from the shell, shows up everywhere.
    """

    def __init__(self, atlas: Atlas, store: Store) -> None:
        self.base = atlas
        self.store = store
        self.unreadable: StoreUnreadable | None = None  # why the imports are not shown, if they are not
        self._lock = threading.Lock()
        self._stamp: int | None = -1
        self._runtime: Runtime | None = None
        if hasattr(os, "register_at_fork"):  # not on Windows, which does not fork
            os.register_at_fork(after_in_child=partial(_renew_lock, weakref.ref(self)))

    def get(self) -> Runtime:
        """The runtime for the store as it is now."""
        stamp = self.store.revision()
        with self._lock:
            if self._runtime is None or stamp != self._stamp:
                try:
                    overlays = tuple(
                        (info, self.store.read(info.id))
                        for info in self.store.layers()
                        if info.kind == OVERLAY
                    )
                    self._runtime = build_runtime(with_imports(self.base, self.store), overlays)
                    self.unreadable = None
                except StoreUnreadable as exc:  # the shipped atlas still serves; the panel says why
                    logging.getLogger(__name__).error("%s", exc.report())
                    self._runtime = build_runtime(self.base, ())
                    self.unreadable = exc
                self._stamp = stamp
            return self._runtime
