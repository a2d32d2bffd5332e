"""Reading data files into raw text records, turning every read failure into a Problem."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import orjson
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from geodata.problems import Problem


def read_csv_records(path: Path) -> tuple[list[dict[str, str]], list[Problem]]:
    """The rows of a CSV file as dicts of text, or the problem that stopped it being read.

    Accepts a UTF-8 byte-order mark (as Excel writes); anything not UTF-8 is refused with the line
    on which it fails, because silently mis-decoded names would end up on the map.
    """
    name = path.name
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return [], [Problem(name, None, None, f"cannot be read: {exc.strerror or exc}")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return [], [Problem(name, line, None, "is not UTF-8 text; save it as 'CSV UTF-8' and try again")]
    if not text.strip():
        return [], [Problem(name, None, None, "is empty; it needs a header row and at least one row")]
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        return [], [Problem(name, line, None, "holds NUL bytes, which text never has; save it again as CSV")]
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    repeated = sorted({column for column in header if header.count(column) > 1})
    if repeated:
        return [], [
            Problem(name, 1, column, "appears twice in the header; keep one, so that no value silently wins")
            for column in repeated
        ]
    records: list[dict[str, str]] = []
    problems: list[Problem] = []
    try:
        for record in reader:
            if None in record:
                problems.append(
                    Problem(name, reader.line_num, None, "has more cells than the header has columns")
                )
                record.pop(None)
            records.append({key: value or "" for key, value in record.items()})
    except csv.Error as exc:
        problems.append(Problem(name, reader.line_num, None, f"is not valid CSV: {exc}"))
    if not records and not problems:
        problems.append(Problem(name, None, None, "has a header but no rows"))
    return records, problems


def read_geojson_features(
    path: Path,
) -> tuple[list[tuple[dict[str, Any], BaseGeometry | None]], list[Problem]]:
    """(properties, geometry) per feature of a GeoJSON FeatureCollection, with per-feature problems.

    A feature whose geometry cannot be built keeps its place with geometry None, so that the row
    numbers in messages stay the feature's position in the file.
    """
    name = path.name
    try:
        document = orjson.loads(path.read_bytes())  # 3x faster than json on the 1.4 MB regencies
    except OSError as exc:
        return [], [Problem(name, None, None, f"cannot be read: {exc.strerror or exc}")]
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        where = f" at line {exc.lineno}, column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else ""
        return [], [Problem(name, None, None, f"is not valid GeoJSON{where}: {exc}")]
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        return [], [Problem(name, None, None, "is not a GeoJSON FeatureCollection")]
    raw = document.get("features") or []
    fast = _all_geometries(raw)
    if fast is not None:
        return [
            (feature.get("properties") or {}, geometry) for feature, geometry in zip(raw, fast, strict=True)
        ], []
    features: list[tuple[dict[str, Any], BaseGeometry | None]] = []
    problems: list[Problem] = []
    for position, feature in enumerate(raw, start=1):
        properties = feature.get("properties") or {} if isinstance(feature, dict) else {}
        try:
            geometry = shape(feature["geometry"])
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            problems.append(Problem(name, position, "geometry", f"cannot be read as a geometry ({exc})"))
            geometry = None
        features.append((properties, geometry))
    return features, problems


def _all_geometries(features: list[Any]) -> list[BaseGeometry] | None:
    """Every feature's geometry built in one GEOS call (20,000 footprints in well under a second),
    or None when any feature is malformed, so the caller's per-feature pass can name it."""
    try:
        texts = [orjson.dumps(feature["geometry"]) for feature in features]
        geometries = shapely.from_geojson(texts, on_invalid="raise")
    except (KeyError, TypeError, ValueError, orjson.JSONEncodeError, shapely.errors.GEOSException):
        return None
    if any(geometry is None or geometry.is_empty for geometry in geometries):
        return None
    return list(geometries)
