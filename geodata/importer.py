"""Reading an uploaded file into one checked layer in EPSG:4326, its columns read as zone fields.

GeoJSON, GeoPackage, Shapefile and KML go through GDAL (pyogrio), but only after the file has
shown it is what its extension says (and, where GDAL allows, opened with that one driver): a file
that merely calls itself .geojson, such as a GDAL VRT pointing at other files, is never
interpreted. KML is read by GDAL's KML/LIBKML driver after refusing any DTD or entity, so no XML
expansion tricks reach the parser. CSV with lon/lat columns is read here, row by row.

Nothing an upload says may reach the network or run unbounded: GDAL runs with its HTTP client
pointed at a closed local port (a GeoJSON ``crs`` link, a CRS named by URL, a KML link can fetch
nothing), and such references are refused before GDAL sees them; a GeoPackage is read only from
its tables (its views and triggers are dropped from the private copy first, by SQLite under a time
budget), and every read is bounded in time, rows, columns and vertices.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import cast
from urllib.parse import quote

import geopandas as gpd
import pandas as pd
import pyogrio
import pyproj
import shapely
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
# GDAL's HTTP client, for anything that asks it to fetch, points at the discard port of this machine
# with no retry: a request fails at once and never leaves the machine. Directories are not listed.
OFFLINE_GDAL = {
    "GDAL_HTTP_PROXY": "127.0.0.1:9",
    "GDAL_HTTP_MAX_RETRY": "0",
    "GDAL_HTTP_TIMEOUT": "1",
    "GDAL_HTTP_CONNECTTIMEOUT": "1",
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": "none",
    "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
}
pyogrio.set_gdal_config_options(OFFLINE_GDAL)
pyproj.network.set_network_enabled(False)
# The CRS URLs GDAL understands without fetching anything (OGC's EPSG and CRS84 names).
_OGC_CRS_URL = re.compile(r"^https?://www\.opengis\.net/def/crs/(EPSG/0/\d+|OGC/1\.3/CRS84)$")
_DECIMAL_COMMA = re.compile(r"^\s*[-+]?\d+,\d+\s*$")
SQL_PROGRESS_STEPS = 10_000  # SQLite virtual-machine steps between two looks at the clock


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


def _reject(
    file: str, message: str, row: int | None = None, code: str = "", **params: object
) -> ImportRejected:
    return ImportRejected([Problem(file, row, None, message, code, tuple(params.items()))])


def _too_many(file: str, count: int, limits: ImportLimits) -> ImportRejected:
    return _reject(
        file,
        f"has {count} features; the limit is {limits.max_features} (split it, or raise ATLAS_IMPORT_MAX_FEATURES)",
        code="too_many_features",
        n=count,
        limit=limits.max_features,
    )


def _check_columns(file: str, count: int, limits: ImportLimits) -> None:
    """A file with more columns than the limit is refused before it is read (2,100 columns would
    pass every check and then break the GeoPackage write: SQLite's limit is 2,000)."""
    if count > limits.max_columns:
        raise _reject(
            file,
            f"has {count} columns; the limit is {limits.max_columns} (keep the columns the atlas needs)",
            code="too_many_columns",
            n=count,
            limit=limits.max_columns,
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
            _check_columns(file, len(info["fields"]), limits)
            frame = pyogrio.read_dataframe(
                source, on_invalid="ignore", max_features=limits.max_features + 1, **options
            )
        except ImportRejected:
            raise
        except Exception as exc:  # GDAL fails in many ways on a bad file; each is the file's fault
            raise _reject(file, f"cannot be read as {what} ({exc}); export it again and retry") from None
    if len(frame) > limits.max_features:
        raise _too_many(file, len(frame), limits)
    _check_columns(file, len(frame.columns) - 1, limits)
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


def _check_crs_member(crs: object, file: str) -> None:
    """Refuse a GeoJSON ``crs`` that would make GDAL fetch something: a link, or a name that is a
    web address other than OGC's standard CRS names."""
    if not isinstance(crs, dict):
        return
    properties = crs.get("properties") if isinstance(crs.get("properties"), dict) else {}
    names = [str(v) for k, v in properties.items() if k in ("name", "href", "url")]
    if crs.get("type") == "link" or any("://" in n and not _OGC_CRS_URL.match(n) for n in names):
        raise _reject(
            file,
            "names its CRS by a link to a web address, which the atlas never fetches; "
            "save it with EPSG:4326 (or give the EPSG code)",
            code="crs_link",
        )


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
    _check_crs_member(document.get("crs"), file)
    frame, _, notes = _gdal(f"GeoJSON:{upload.path}", file, "GeoJSON", limits)
    return _Raw(frame, _positions(frame), notes)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _keep_tables_only(path: Path, file: str, limits: ImportLimits) -> list[str]:
    """Drop every view and trigger from the private copy of a GeoPackage, so that GDAL reads only
    stored rows (a view can recurse forever or call load_extension; dropping it runs nothing).
    Tables with computed columns are refused. Returns the names of the feature layers that were
    views. SQLite is stopped once the read's time budget is spent."""
    deadline = time.monotonic() + limits.max_seconds
    try:
        connection = sqlite3.connect(f"file:{quote(str(path))}?mode=rw", uri=True, isolation_level=None)
    except sqlite3.Error as exc:
        raise _reject(file, f"cannot be read as a GeoPackage ({exc}); export it again") from None
    connection.set_progress_handler(lambda: int(time.monotonic() > deadline), SQL_PROGRESS_STEPS)
    try:
        objects = connection.execute("SELECT type, name FROM sqlite_master WHERE type IN ('view', 'trigger')")
        doomed = [(kind, str(name)) for kind, name in objects.fetchall()]
        tables = [
            str(name) for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        computed = [
            name
            for name in tables
            if any(
                column[6] in (2, 3) for column in connection.execute(f"PRAGMA table_xinfo({_quoted(name)})")
            )
        ]
        if computed:
            raise _reject(
                file,
                f"table '{computed[0]}' has computed columns; save the layer as a plain table and import again",
                code="gpkg_computed",
                name=computed[0],
            )
        for kind, name in doomed:
            connection.execute(f"DROP {kind.upper()} IF EXISTS {_quoted(name)}")
        views = [name for kind, name in doomed if kind == "view"]
        for catalogue in ("gpkg_contents", "gpkg_geometry_columns"):
            if catalogue in tables:
                connection.executemany(f"DELETE FROM {catalogue} WHERE table_name = ?", [(v,) for v in views])
    except sqlite3.OperationalError as exc:
        if time.monotonic() > deadline:
            raise _took_too_long(file, limits) from None
        raise _reject(file, f"cannot be read as a GeoPackage ({exc}); export it again") from None
    except sqlite3.Error as exc:
        raise _reject(file, f"cannot be read as a GeoPackage ({exc}); export it again") from None
    finally:
        connection.close()
    return views


def _took_too_long(file: str, limits: ImportLimits) -> ImportRejected:
    return _reject(
        file,
        f"took more than {limits.max_seconds:g} s to read; it was stopped (simplify or split the file, "
        "or raise ATLAS_IMPORT_MAX_SECONDS)",
        code="too_slow",
        seconds=f"{limits.max_seconds:g}",
    )


def _read_gpkg(upload: Staged, layer: str | None, limits: ImportLimits) -> _Raw:
    file = upload.label
    with upload.path.open("rb") as handle:
        if handle.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
            raise _reject(file, "is not a GeoPackage (it is not an SQLite database); export it again")
    views = _keep_tables_only(upload.path, file, limits)
    source = f"GPKG:{upload.path}"
    spatial = [name for name, geometry in _layers(source, file, "a GeoPackage") if geometry is not None]
    chosen_views = [name for name in views if layer and name.lower() == layer.lower()]
    if chosen_views or (views and not spatial):
        raise _reject(
            file,
            f"'{(chosen_views or views)[0]}' is a SQL view, not a table; the atlas reads only tables: "
            "save the layer as a table (e.g. QGIS: Export > Save Features As) and import again",
            code="gpkg_view",
            name=(chosen_views or views)[0],
        )
    if not spatial:
        raise _reject(file, "holds no layer with geometry")
    chosen = [name for name in spatial if layer and name.lower() == layer.lower()]
    if len(spatial) > 1 and len(chosen) != 1:
        raise _reject(
            file,
            f"holds {len(spatial)} layers ({', '.join(spatial)}); choose one with --layer NAME",
            code="several_layers",
            n=len(spatial),
            names=", ".join(spatial),
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
    if re.search(rb"<(\w+:)?NetworkLink[\s>]", data):
        raise _reject(
            file,
            "has a NetworkLink (content fetched from the web), which the atlas never follows; "
            "save the linked places into the file itself",
            code="kml_network_link",
        )
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
        problems.append(
            Problem(
                file, row, column, "is empty; every row needs a longitude and a latitude", "empty_coordinate"
            )
        )
        return None
    try:
        return cast(float, _NUMBER(text))
    except ValueError as exc:
        problems.append(Problem(file, row, column, str(exc), "not_a_number", (("value", text),)))
        return None


def _decode_csv(raw: bytes, file: str) -> tuple[str, list[Problem]]:
    """The text of a CSV: UTF-8 (with or without a byte-order mark), else Windows-1252, which is
    what Excel in Indonesian Windows saves as 'CSV'; then it says so, as names may look wrong."""
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise _reject(file, "is not UTF-8 text; save it as 'CSV UTF-8' and import again", row=line) from None
    note = (
        "is not UTF-8; it was read as Windows-1252 (Excel's 'CSV' on Indonesian Windows); "
        "if names look wrong, save it as 'CSV UTF-8' and import again"
    )
    return text, [Problem(file, None, None, note, "csv_cp1252")]


def _duplicate_header(header: list[str], file: str) -> None:
    seen: dict[str, int] = {}
    for position, name in enumerate(header, start=1):
        key = normalise(name) or name
        if key in seen:
            raise _reject(
                file,
                f"has the column '{name}' twice (columns {seen[key]} and {position}); "
                "keep one, so that no value silently wins",
                row=1,
                code="duplicate_column",
                name=name,
            )
        seen[key] = position


def _decimal_commas(records: list[dict[str, str]], lon: str, lat: str, file: str) -> list[Problem]:
    """Rewrite '116,8' as '116.8' in every cell that is a decimal-comma number, when the
    coordinates are written so (Excel in Indonesian: ';' between columns, ',' before decimals)."""
    if not any(_DECIMAL_COMMA.match(r.get(c) or "") for r in records for c in (lon, lat)):
        return []
    for record in records:
        for key, value in record.items():
            if isinstance(value, str) and _DECIMAL_COMMA.match(value):
                record[key] = value.replace(",", ".")
    note = "uses ';' between columns and ',' as the decimal mark (Excel in Indonesian); read so"
    return [Problem(file, None, None, note, "csv_decimal_comma")]


def _read_csv(upload: Staged, layer: str | None, limits: ImportLimits) -> _Raw:
    file = upload.label
    text, notes = _decode_csv(upload.path.read_bytes(), file)
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise _reject(
            file, "holds NUL bytes, which text never has; export it again as CSV", row=line, code="nul"
        )
    if not text.strip():
        raise _reject(file, "is empty; it needs a header row with lon and lat columns and one row per point")
    first = text.splitlines()[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h for h in reader.fieldnames or [] if h is not None]
        _check_columns(file, len(header), limits)
        _duplicate_header(header, file)
        records = []
        for record in reader:
            if len(records) >= limits.max_features:
                raise _too_many(file, len(records) + 1, limits)
            records.append(record)
    except csv.Error as exc:
        raise _reject(file, f"is not valid CSV ({exc})", row=reader.line_num) from None
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
    if delimiter == ";":
        notes += _decimal_commas(records, lon, lat, file)
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
    return _Raw(frame, list(range(2, len(records) + 2)), notes)


READERS: dict[str, Callable[[Staged, str | None, ImportLimits], _Raw]] = {
    "geojson": _read_geojson,
    "gpkg": _read_gpkg,
    "shp": _read_shp,
    "kml": _read_kml,
    "csv": _read_csv,
}


def _other_columns(attributes: pd.DataFrame, extra: list[str]) -> dict[str, list[str | None]]:
    """The file's unmapped, non-empty columns as text, renamed where they would clash with the
    store's own columns (a property called 'geom' would break the GeoPackage write; GeoPackage
    column names are case-insensitive)."""
    taken = {"row", "geometry", "geom", "fid", "zone_id", "plausibility_override", *FIELDS}
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
    started = time.monotonic()
    with staged(Path(path), limits, layer) as upload:
        raw = READERS[upload.format](upload, layer, limits)
    file = upload.label
    if len(raw.frame) == 0:
        raise _reject(file, "has no features")
    vertices = int(shapely.get_num_coordinates(raw.frame.geometry.values).sum())
    if vertices > limits.max_vertices:
        raise _reject(
            file,
            f"has {vertices:,} vertices; the limit is {limits.max_vertices:,} (simplify the boundaries)",
            code="too_many_vertices",
            n=vertices,
            limit=limits.max_vertices,
        )
    geometries, crs_notes = to_wgs84(raw.frame, file, crs)
    checked = check_geometries(geometries, raw.rows, file)
    if time.monotonic() - started > limits.max_seconds:
        raise _took_too_long(file, limits)
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
