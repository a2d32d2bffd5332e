"""Reading an uploaded file into one checked layer in EPSG:4326, its columns read as zone fields.

GeoJSON, GeoPackage, Shapefile and KML go through GDAL (pyogrio), but only after the file has
shown it is what its extension says (and, where GDAL allows, opened with that one driver): a file
that merely calls itself .geojson, such as a GDAL VRT pointing at other files, is never
interpreted. KML is read by GDAL's KML/LIBKML driver after refusing any DTD or entity, so no XML
expansion tricks reach the parser. CSV with lon/lat columns is read here, row by row.
"""

from __future__ import annotations

import csv
import io
import json
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import geopandas as gpd
import pandas as pd
import pyogrio
from shapely.geometry import Point

from geodata.fieldmap import FIELDS, as_text, map_fields, normalise, sector_lookup
from geodata.geomcheck import WGS84, check_geometries, to_wgs84
from geodata.problems import Problem
from geodata.schema import Column, cell_parser
from geodata.upload import ImportLimits, ImportRejected, Staged, staged

LON_NAMES = ("lon", "lng", "long", "longitude", "bujur", "x")
LAT_NAMES = ("lat", "latitude", "lintang", "y")
# LIBKML's styling columns: not attributes a planner wrote.
KML_STYLE = (
    "timestamp",
    "begin",
    "end",
    "altitudeMode",
    "tessellate",
    "extrude",
    "visibility",
    "drawOrder",
    "icon",
)
SHAPEFILE_MAGIC = b"\x00\x00\x27\x0a"
SQLITE_MAGIC = b"SQLite format 3\x00"
_NUMBER = cell_parser(Column("lon", "number"))


@dataclass(frozen=True)
class ImportedLayer:
    """One uploaded layer, checked and in EPSG:4326, ready to become footprints or an overlay."""

    name: str
    source_file: str
    frame: gpd.GeoDataFrame  # row, the zone fields, the file's other columns as text, geometry
    geometry_kind: str  # "polygon" or "point"
    fields: dict[str, str]  # zone field -> the file's column it was read from
    repaired: int
    notes: tuple[Problem, ...]


@dataclass(frozen=True)
class _Raw:
    """A file as read: features (CRS as declared), their row numbers, and notes on the reading."""

    frame: gpd.GeoDataFrame
    rows: list[int]
    notes: list[Problem]


def _reject(file: str, message: str, row: int | None = None) -> ImportRejected:
    return ImportRejected([Problem(file, row, None, message)])


def _too_many(file: str, count: int, limits: ImportLimits) -> ImportRejected:
    return _reject(
        file,
        f"has {count} features; the limit is {limits.max_features} (split it, or raise ATLAS_IMPORT_MAX_FEATURES)",
    )


def _gdal(
    source: str, file: str, what: str, limits: ImportLimits, **options: object
) -> tuple[gpd.GeoDataFrame, str, list[Problem]]:
    """Read one layer with GDAL: (features, driver, notes); any GDAL failure becomes a rejection."""
    notes: list[Problem] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            info = pyogrio.read_info(source, **options)
            if info["features"] > limits.max_features:
                raise _too_many(file, info["features"], limits)
            frame = pyogrio.read_dataframe(
                source, on_invalid="ignore", max_features=limits.max_features + 1, **options
            )
        except ImportRejected:
            raise
        except Exception as exc:  # GDAL fails in many ways on a bad file; each is the file's fault
            raise _reject(file, f"cannot be read as {what} ({exc}); export it again and retry") from None
    if len(frame) > limits.max_features:
        raise _too_many(file, len(frame), limits)
    if not isinstance(frame, gpd.GeoDataFrame):
        raise _reject(file, f"holds no geometry; {what} features need points or polygons")
    if any("Measured (M)" in str(w.message) for w in caught):
        notes.append(Problem(file, None, None, "has measures (M values); they were dropped"))
    return frame, str(info["driver"]), notes


def _layers(source: str, file: str, what: str) -> list[tuple[str, str | None]]:
    """(name, geometry type) of each layer GDAL sees in a file."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # _gdal reports what matters when each layer is read
        try:
            return [(str(name), geometry) for name, geometry in pyogrio.list_layers(source)]
        except Exception as exc:  # see _gdal
            raise _reject(file, f"cannot be read as {what} ({exc}); export it again and retry") from None


def _positions(frame: gpd.GeoDataFrame) -> list[int]:
    return list(range(1, len(frame) + 1))


def _read_geojson(upload: Staged, layer: str | None, limits: ImportLimits) -> _Raw:
    file = upload.label
    try:
        document = json.loads(upload.path.read_bytes())
    except UnicodeDecodeError:
        raise _reject(file, "is not UTF-8 text; GeoJSON must be saved as UTF-8") from None
    except json.JSONDecodeError as exc:
        hint = (
            "it ends too early, so it was cut short" if exc.pos >= len(exc.doc.rstrip()) else "it is damaged"
        )
        raise _reject(
            file,
            f"is not valid JSON at line {exc.lineno}, column {exc.colno} ({exc.msg}); {hint}: export it again",
        ) from None
    except RecursionError:
        raise _reject(file, "is nested too deeply to be GeoJSON") from None
    if not isinstance(document, dict) or document.get("type") not in ("FeatureCollection", "Feature"):
        raise _reject(
            file, 'is JSON but not GeoJSON; it needs "type": "FeatureCollection" and its "features"'
        )
    if document["type"] == "FeatureCollection" and not document.get("features"):
        raise _reject(file, "has no features")
    frame, _, notes = _gdal(f"GeoJSON:{upload.path}", file, "GeoJSON", limits)
    return _Raw(frame, _positions(frame), notes)


def _read_gpkg(upload: Staged, layer: str | None, limits: ImportLimits) -> _Raw:
    file = upload.label
    with upload.path.open("rb") as handle:
        if handle.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
            raise _reject(file, "is not a GeoPackage (it is not an SQLite database); export it again")
    source = f"GPKG:{upload.path}"
    spatial = [name for name, geometry in _layers(source, file, "a GeoPackage") if geometry is not None]
    if not spatial:
        raise _reject(file, "holds no layer with geometry")
    chosen = [name for name in spatial if layer and name.lower() == layer.lower()]
    if len(spatial) > 1 and len(chosen) != 1:
        raise _reject(
            file, f"holds {len(spatial)} layers ({', '.join(spatial)}); choose one with --layer NAME"
        )
    frame, _, notes = _gdal(source, file, "a GeoPackage layer", limits, layer=(chosen or spatial)[0])
    return _Raw(frame, _positions(frame), notes)


def _sibling(path: Path, suffix: str) -> Path | None:
    """The file next to ``path`` with the same stem and ``suffix``, in any letter case."""
    for candidate in path.parent.iterdir():
        if candidate.stem == path.stem and candidate.suffix.lower() == suffix:
            return candidate
    return None


def _dbf_encoding(shp: Path, file: str) -> tuple[str | None, list[Problem]]:
    """The encoding to read a .dbf with when no .cpg says: UTF-8 if its text is, else Windows-1252."""
    dbf = _sibling(shp, ".dbf")
    if _sibling(shp, ".cpg") is not None or dbf is None:
        return None, []
    data = dbf.read_bytes()
    body = data[int.from_bytes(data[8:10], "little") :] if len(data) >= 32 else b""
    if body.isascii():
        return None, []
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        note = (
            "has no .cpg saying how its text is encoded and it is not UTF-8; it was read as Windows-1252 "
            "(Latin-1); if names look wrong, add a .cpg naming the encoding and import again"
        )
        return "cp1252", [Problem(file, None, None, note)]
    return "UTF-8", []


def _read_shp(upload: Staged, layer: str | None, limits: ImportLimits) -> _Raw:
    file = upload.label
    with upload.path.open("rb") as handle:
        if handle.read(4) != SHAPEFILE_MAGIC:
            raise _reject(file, "is not a shapefile (its .shp does not start like one); export it again")
    if _sibling(upload.path, ".shx") is None:
        raise _reject(file, "has no .shx next to its .shp; zip the .shp, .shx, .dbf and .prj together")
    encoding, notes = _dbf_encoding(upload.path, file)
    options = {"encoding": encoding} if encoding else {}
    frame, driver, read_notes = _gdal(str(upload.path), file, "a shapefile", limits, **options)
    if driver != "ESRI Shapefile":
        raise _reject(file, f"was recognised as {driver}, not a shapefile")
    return _Raw(frame, _positions(frame), notes + read_notes)


def _check_kml(upload: Staged) -> None:
    """A KML document starts with <kml> and has no DTD: nothing for an XML parser to expand or fetch."""
    file = upload.label
    data = upload.path.read_bytes()
    if re.search(rb"<!\s*(DOCTYPE|ENTITY)", data, re.IGNORECASE):
        raise _reject(file, "declares a DTD or entities, which KML never needs; export it again")
    head = re.sub(
        rb"^(\xef\xbb\xbf)?\s*(<\?xml[^>]*\?>)?\s*(<!--.*?-->\s*)*", b"", data[:65536], flags=re.DOTALL
    )
    if not re.match(rb"<(\w+:)?kml[\s>]", head):
        raise _reject(file, "is not a KML document (it does not start with <kml>); export it again")


def _read_kml(upload: Staged, layer: str | None, limits: ImportLimits) -> _Raw:
    file = upload.label
    _check_kml(upload)
    source = str(upload.path)
    layers = [name for name, _ in _layers(source, file, "KML")]
    frames: list[gpd.GeoDataFrame] = []
    notes: list[Problem] = []
    for name in layers:
        frame, driver, read_notes = _gdal(source, file, "KML", limits, layer=name)
        if driver not in ("KML", "LIBKML"):
            raise _reject(file, f"was recognised as {driver}, not KML")
        frames.append(frame.drop(columns=[c for c in KML_STYLE if c in frame.columns]).assign(folder=name))
        notes += read_notes
    frames = [f for f in frames if len(f)]
    if not frames:
        raise _reject(file, "has no placemarks")
    frame = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=frames[0].crs)
    if len(frame) > limits.max_features:
        raise _too_many(file, len(frame), limits)
    if len(frames) == 1:
        frame = frame.drop(columns="folder")
    return _Raw(frame, _positions(frame), notes)


def _find(header: list[str], names: tuple[str, ...]) -> str | None:
    by_name = {normalise(h): h for h in header}
    return next((by_name[n] for n in names if n in by_name), None)


def _coordinate(
    record: dict[str, str], column: str, row: int, file: str, problems: list[Problem]
) -> float | None:
    text = (record.get(column) or "").strip()
    if not text:
        problems.append(Problem(file, row, column, "is empty; every row needs a longitude and a latitude"))
        return None
    try:
        return cast(float, _NUMBER(text))
    except ValueError as exc:
        problems.append(Problem(file, row, column, str(exc)))
        return None


def _read_csv(upload: Staged, layer: str | None, limits: ImportLimits) -> _Raw:
    file = upload.label
    raw = upload.path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise _reject(file, "is not UTF-8 text; save it as 'CSV UTF-8' and import again", row=line) from None
    if not text.strip():
        raise _reject(file, "is empty; it needs a header row with lon and lat columns and one row per point")
    first = text.splitlines()[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = []
        for record in reader:
            if len(records) >= limits.max_features:
                raise _too_many(file, len(records) + 1, limits)
            records.append(record)
    except csv.Error as exc:
        raise _reject(file, f"is not valid CSV ({exc})", row=reader.line_num) from None
    header = [h for h in reader.fieldnames or [] if h is not None]
    lon, lat = _find(header, LON_NAMES), _find(header, LAT_NAMES)
    if lon is None or lat is None:
        missing = " and ".join(n for n, c in (("longitude", lon), ("latitude", lat)) if c is None)
        raise _reject(
            file,
            f"has no {missing} column (its columns: {', '.join(header) or 'none'}); "
            "name them lon and lat (decimal degrees)",
        )
    if not records:
        raise _reject(file, "has a header but no rows")
    problems: list[Problem] = []
    points: list[Point | None] = []
    for offset, record in enumerate(records):
        row = offset + 2
        if None in record:
            problems.append(Problem(file, row, None, "has more cells than the header has columns"))
        x = _coordinate(record, lon, row, file, problems)
        y = _coordinate(record, lat, row, file, problems)
        points.append(Point(x, y) if x is not None and y is not None else None)
    if problems:
        raise ImportRejected(problems)
    attributes = pd.DataFrame([{k: v for k, v in r.items() if k not in (None, lon, lat)} for r in records])
    frame = gpd.GeoDataFrame(attributes, geometry=points, crs=WGS84)
    return _Raw(frame, list(range(2, len(records) + 2)), [])


READERS: dict[str, Callable[[Staged, str | None, ImportLimits], _Raw]] = {
    "geojson": _read_geojson,
    "gpkg": _read_gpkg,
    "shp": _read_shp,
    "kml": _read_kml,
    "csv": _read_csv,
}


def _other_columns(attributes: pd.DataFrame, extra: list[str]) -> dict[str, list[str | None]]:
    """The file's unmapped, non-empty columns as text, renamed where they would clash (GeoPackage
    column names are case-insensitive)."""
    taken = {"row", "geometry", "fid", *FIELDS}
    columns: dict[str, list[str | None]] = {}
    for column in extra:
        values = [as_text(v) for v in attributes[column]]
        if all(v is None for v in values):
            continue
        name, n = str(column), 2
        while name.lower() in taken:
            name, n = f"{column}_{n}", n + 1
        taken.add(name.lower())
        columns[name] = values
    return columns


def read_upload(
    path: Path,
    *,
    sectors: pd.DataFrame,
    layer: str | None = None,
    crs: str | None = None,
    limits: ImportLimits | None = None,
) -> ImportedLayer:
    """Read, check and map one uploaded file, or raise ImportRejected saying every problem found.

    ``sectors`` is the atlas's sector table (to read sector names); ``layer`` names the layer and
    picks it from a file that holds several; ``crs`` is the CRS of a file that declares none.
    Limits default to ImportLimits.from_env().
    """
    limits = limits or ImportLimits.from_env()
    with staged(Path(path), limits, layer) as upload:
        raw = READERS[upload.format](upload, layer, limits)
    file = upload.label
    if len(raw.frame) == 0:
        raise _reject(file, "has no features")
    geometries, crs_notes = to_wgs84(raw.frame, file, crs)
    checked = check_geometries(geometries, raw.rows, file)
    if checked.errors or checked.family is None:
        raise ImportRejected(checked.errors)
    attributes = pd.DataFrame(raw.frame.drop(columns=raw.frame.geometry.name))
    mapped = map_fields(attributes, raw.rows, file, sector_lookup(sectors))
    columns = {"row": raw.rows, **{f: list(mapped.frame[f]) for f in FIELDS}}
    columns.update(_other_columns(attributes, mapped.extra))
    table = pd.DataFrame(columns, dtype=object).astype({"row": int, "area_ha": float})
    frame = gpd.GeoDataFrame(table, geometry=checked.geometries, crs=WGS84)
    return ImportedLayer(
        name=layer or Path(path).stem,
        source_file=Path(path).name,
        frame=frame,
        geometry_kind=checked.family,
        fields=mapped.columns,
        repaired=checked.repaired,
        notes=tuple(raw.notes + crs_notes + checked.notes + mapped.notes),
    )
