"""OGC API - Features (Part 1: Core, GeoJSON, OpenAPI 3.0) over the atlas's layers, as pure functions.

A planner's GIS (QGIS, ArcGIS Pro, GDAL's OAPIF driver, OWSLib) reads the zones, their footprints,
the places and every imported layer as standard collections, so nobody copies the atlas by hand.
Every document is a plain dict for the web shell to send; every refusal is an ``ApiError`` carrying
an HTTP status and an OGC exception code. Coordinates are longitude/latitude (CRS84).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlencode

import geopandas as gpd
import numpy as np
import orjson
import pandas as pd
import shapely

from geodata.atlas import Atlas
from geodata.query import established_years
from geodata.schema import ZONE_COLUMNS
from geodata.store import LayerInfo

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
CONFORMANCE = (
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
)
DEFAULT_LIMIT, MAX_LIMIT = 100, 10_000
# Atlas layers other engineers may add; each becomes a collection as soon as the Atlas has it.
# Further atlas layers served when the atlas has them: (title, description).
EXTRA_LAYERS: dict[str, tuple[str, str]] = {
    "facilities": (
        "Industrial facilities",
        "Plants by sector (palm-oil mills, rubber, smelters, nickel, steel, cement, ...) from BIG's RBI "
        "industrial companies by KBLI code, the CGSP nickel tracker and GEM's steel and cement trackers; "
        "each row names its source and licence (see FACILITIES.md).",
    ),
    "infrastructure": (
        "KEK infrastructure",
        "Ports, airports, toll gates, stations and utilities listed in the KEK profiles on kek.go.id, "
        "inside or outside the zone.",
    ),
    "provinces": (
        "Provinces (Kepmendagri 2025)",
        "The 38 provinces, simplified from wilayah_boundaries (MIT), Kepmendagri 2025; code and name.",
    ),
    "regencies": (
        "Regencies and cities (Kepmendagri 2025)",
        "The 514 regencies and cities, simplified from wilayah_boundaries (MIT), Kepmendagri 2025.",
    ),
}
IMPORT_PREFIX = "imports-"
ITEM_PARAMETERS = ("f", "bbox", "limit", "offset", "datetime")
JSON, GEOJSON = "application/json", "application/geo+json"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
SCHEMA = "application/schema+json"
FORMATS = {"json": JSON, "geojson": GEOJSON}
# The zone columns of whole numbers (pandas holds workforce as floats, for its missing values).
_INTEGERS = frozenset(c.name for c in ZONE_COLUMNS if c.kind == "integer")
_COUNT = re.compile(r"[0-9]{1,15}")  # 15 digits at most: Python refuses to parse very long numbers


class ApiError(Exception):
    """A request the API refuses: HTTP ``status``, OGC exception ``code`` and a message for the user."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message

    def document(self) -> dict[str, Any]:
        """The OGC exception body: {"code", "description"}."""
        return {"code": self.code, "description": self.message}


def _bad(message: str) -> ApiError:
    return ApiError(400, "InvalidParameterValue", message)


@dataclass(frozen=True)
class Collection:
    """One layer as an OGC collection: its features as GeoJSON, ready to page through and filter."""

    id: str
    title: str
    description: str
    features: tuple[dict[str, Any], ...]
    geometries: np.ndarray = field(repr=False)  # shapely geometries, one per feature, for bbox queries
    types: dict[str, str] = field(default_factory=dict)  # property -> JSON type (the queryables)
    lists: frozenset[str] = frozenset()  # properties holding ';'-joined lists: a filter matches one item
    bbox: tuple[float, float, float, float] | None = None
    positions: dict[str, int] = field(default_factory=dict, repr=False)  # feature id as text -> position
    # the year each feature's time starts (open-ended; NaN where unknown), for ``datetime``; None: no time
    start_years: np.ndarray | None = field(default=None, repr=False)


def _json_value(value: Any, integer: bool) -> Any:
    """A cell as a JSON value: lists joined with ';' (as in the CSV exports), NaN and NaT as null."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, tuple | list):
        return ";".join(str(v) for v in value) or None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        if not math.isfinite(value):
            return None
        return int(value) if integer else float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _json_type(values: Iterable[Any]) -> str:
    kinds = {type(v) for v in values if v is not None}
    if kinds == {bool}:
        return "boolean"
    if kinds == {int}:
        return "integer"
    if kinds and kinds <= {int, float}:
        return "number"
    return "string"


def _feature_ids(frame: gpd.GeoDataFrame) -> list[Any]:
    """Stable ids: the first complete, unique id column (id, zone_id, code, row), else the index, else 1..n."""
    for name in ("id", "zone_id", "code", "row"):
        if name in frame.columns:
            ids = [_json_value(v, integer=True) for v in frame[name]]
            if None not in ids and len(set(ids)) == len(ids):
                return ids
    if not isinstance(frame.index, pd.RangeIndex) and frame.index.is_unique:
        return [str(v) for v in frame.index]
    return list(range(1, len(frame) + 1))


def make_collection(
    identifier: str,
    title: str,
    description: str,
    frame: gpd.GeoDataFrame,
    integers: frozenset[str] = frozenset(),
    start_years: np.ndarray | None = None,
) -> Collection:
    """A collection of every feature of ``frame`` (reprojected to lon/lat) with all its attributes;
    ``integers`` are whole-number columns that pandas holds as floats (for their missing values);
    ``start_years``, when the features have a time, the year each one's starts (``datetime``)."""
    if frame.crs is not None and frame.crs.to_epsg() != 4326:
        frame = frame.to_crs(4326)
    geometries = np.asarray(frame.geometry.values, dtype=object)
    empty = shapely.is_missing(geometries) | shapely.is_empty(geometries)
    # GEOS writes GeoJSON ~5x faster than shapely's mapping(): 0.3 s instead of 1.5 s for 20,000 polygons
    shapes = [
        None if text is None else orjson.loads(text)
        for text in shapely.to_geojson(np.where(empty, None, geometries))
    ]
    names = [c for c in frame.columns if c != frame.geometry.name]
    columns = {n: [_json_value(v, n in integers) for v in frame[n]] for n in names}
    lists = frozenset(n for n in names if any(isinstance(v, tuple | list) for v in frame[n]))
    ids = _feature_ids(frame)
    features = tuple(
        {
            "type": "Feature",
            "id": fid,
            "geometry": shape,
            "properties": {n: columns[n][i] for n in names},
        }
        for i, (fid, shape) in enumerate(zip(ids, shapes, strict=True))
    )
    bbox = tuple(float(v) for v in shapely.total_bounds(geometries[~empty])) if (~empty).any() else None
    return Collection(
        id=identifier,
        title=title,
        description=description,
        features=features,
        geometries=geometries,
        types={n: "integer" if n in integers else _json_type(columns[n]) for n in names},
        lists=lists,
        bbox=bbox,  # type: ignore[arg-type]
        positions={str(fid): i for i, fid in enumerate(ids)},
        start_years=start_years,
    )


def atlas_collections(
    atlas: Atlas, imports: Iterable[tuple[LayerInfo, gpd.GeoDataFrame]] = ()
) -> dict[str, Collection]:
    """Every collection the API serves, by id: zones, footprints, places, any extra atlas layer
    (facilities, infrastructure) and each imported layer as ``imports-<layer id>``."""
    zones = atlas.zones
    footprints = atlas.footprints
    footprints = footprints.assign(
        name=zones["name"].reindex(footprints.index).to_numpy(),
        kind=zones["kind"].reindex(footprints.index).to_numpy(),
        # one geometry type per collection, as GIS clients expect of a layer: circles and single
        # parcels become one-part MultiPolygons beside the multi-parcel official boundaries
        geometry=[shapely.MultiPolygon([g]) if g.geom_type == "Polygon" else g for g in footprints.geometry],
    )
    found = [
        make_collection(
            "zones",
            "Zones (KEK, KI, KIHT)",
            "Indonesia's special economic zones and industrial estates as points, with every attribute of "
            "the atlas: kind, status, province, sectors (';'-separated, the first is primary), legal basis, "
            "operator, realized investment and workforce each with its source and as-of date, sources. "
            "coord_precision and coord_method say how exact each point is. A zone's time starts in the "
            "year it was established (PP, decree or licence) and is open: datetime selects the zones standing "
            "by then, and never a zone of unknown year.",
            zones,
            _INTEGERS,
            established_years(zones),
        ),
        make_collection(
            "footprints",
            "Zone footprints",
            "Zone boundaries. boundary 'official' is the KEK's official boundary from kek.go.id (legal_basis, "
            "official_area_ha, map_sources and match say where it comes from); 'imported' is a planner's own "
            "file; 'indicative' is a geodesic circle of the official area, not a boundary. measured_area_ha "
            "is the geodesic area of a real boundary.",
            footprints,
        ),
        make_collection(
            "places",
            "Places",
            "IKN, Kaltim cities, ports and airports used for the distances, with sources.",
            atlas.places,
        ),
    ]
    for name, (title, description) in EXTRA_LAYERS.items():
        layer = getattr(atlas, name, None)
        if isinstance(layer, gpd.GeoDataFrame):
            found.append(make_collection(name, title, description, layer))
    for info, frame in imports:
        found.append(
            make_collection(
                IMPORT_PREFIX + info.id,
                info.name,
                f"Imported {info.kind} layer: {info.features} features from {info.source_file}, "
                f"imported {info.imported_at}"
                + (" (also merged into 'footprints')" if info.kind == "footprints" else "")
                + ".",
                frame,
            )
        )
    return {c.id: c for c in found}


@dataclass(frozen=True)
class ItemsQuery:
    """A checked items request: bbox in lon/lat, paging, and property equality filters."""

    bbox: tuple[float, float, float, float] | None = None
    limit: int = DEFAULT_LIMIT
    offset: int = 0
    filters: tuple[tuple[str, str], ...] = ()
    until: float | None = None  # the last year ``datetime`` reaches (inf: open end); None: no datetime


def single_values(args: Mapping[str, Sequence[str]], allowed: Iterable[str]) -> dict[str, str]:
    """The query parameters, each given once and each one this request knows; else ApiError 400."""
    known = set(allowed)
    unknown = sorted(set(args) - known)
    if unknown:
        raise _bad(f"unknown parameter {', '.join(unknown)}; accepted here: {', '.join(sorted(known))}"[:600])
    repeated = sorted(name for name, values in args.items() if len(values) != 1)
    if repeated:
        raise _bad(f"parameter {', '.join(repeated)} given more than once; give it once")
    return {name: values[0] for name, values in args.items()}


def media_type(value: str | None, allowed: Sequence[str]) -> str | None:
    """The media type asked for by ``f`` (None when not given); ApiError 400 for a format not served."""
    if value is None:
        return None
    if value not in allowed:
        raise _bad(f"f={value[:20]} is not served here; use f={' or f='.join(allowed)}")
    return FORMATS[value]


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """min lon, min lat, max lon, max lat in CRS84; refuses anything else with a message saying why."""
    parts = text.split(",")
    if len(parts) == 6:
        raise _bad("bbox with heights (6 numbers) is not supported: the layers are 2D; give 4 numbers")
    try:
        values = [float(p) for p in parts]
    except ValueError:
        values = []
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise _bad("bbox must be 4 numbers separated by commas: min lon, min lat, max lon, max lat (CRS84)")
    west, south, east, north = values
    if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= 90 and -90 <= north <= 90):
        raise _bad("bbox is outside -180..180 longitude or -90..90 latitude; give lon/lat in degrees")
    if south > north:
        raise _bad("bbox: min lat is above max lat; the order is min lon, min lat, max lon, max lat")
    if west > east:
        raise _bad("bbox: min lon is east of max lon (crossing the antimeridian is not supported)")
    return west, south, east, north


def _count(name: str, text: str, minimum: int) -> int:
    if not _COUNT.fullmatch(text) or int(text) < minimum:
        raise _bad(
            f"{name} must be a whole number of at least {minimum} (15 digits at most), got '{text[:20]}'"
        )
    return int(text)


def _datetime_until(text: str) -> float:
    """The last year an RFC 3339 instant or interval ('..' open) reaches: the instant's year, the
    interval's end year, or inf for an open end. A feature whose time starts by then intersects it."""
    years: list[float] = []
    for part in text.split("/"):
        if part in ("", ".."):
            years.append(math.inf)
            continue
        try:
            years.append(datetime.fromisoformat(part.replace("Z", "+00:00")).year)
        except ValueError:
            raise _bad(
                f"datetime '{text[:40]}' is not an RFC 3339 date-time or interval (e.g. 2024-01-01T00:00:00Z/..)"
            ) from None
    return years[-1]


def _check_filter(collection: Collection, name: str, value: str) -> None:
    kind = collection.types[name]
    if kind in ("number", "integer"):
        try:
            float(value)
        except ValueError:
            raise _bad(f"{name} is a number; '{value[:20]}' is not one") from None
    if kind == "boolean" and value not in ("true", "false"):
        raise _bad(f"{name} is true or false, got '{value[:20]}'")


def parse_items_query(collection: Collection, args: Mapping[str, Sequence[str]]) -> ItemsQuery:
    """Check an items request's parameters: bbox, limit (above the maximum counts as the maximum, as the
    standard says), offset, datetime and equality filters on the collection's queryable properties."""
    values = single_values(args, (*ITEM_PARAMETERS, *collection.types))
    filters = tuple((n, v) for n, v in values.items() if n not in ITEM_PARAMETERS)
    for name, value in filters:
        _check_filter(collection, name, value)
    return ItemsQuery(
        bbox=parse_bbox(values["bbox"]) if "bbox" in values else None,
        limit=min(_count("limit", values["limit"], 1), MAX_LIMIT) if "limit" in values else DEFAULT_LIMIT,
        offset=_count("offset", values["offset"], 0) if "offset" in values else 0,
        filters=filters,
        until=_datetime_until(values["datetime"]) if "datetime" in values else None,
    )


def _matches(collection: Collection, properties: dict[str, Any], name: str, wanted: str) -> bool:
    value = properties.get(name)
    if value is None:
        return False
    kind = collection.types[name]
    if kind in ("number", "integer"):
        return float(value) == float(wanted)
    if kind == "boolean":
        return value == (wanted == "true")
    if name in collection.lists:
        return wanted in value.split(";")
    return value == wanted


def select(collection: Collection, query: ItemsQuery) -> list[int]:
    """Positions of the features that intersect the bbox and the datetime and match every filter, in
    collection order. A collection without time (``start_years`` None) has every feature at any
    time; in one with time, a feature of unknown start is not selected by a datetime."""
    if query.bbox is None:
        hits = np.ones(len(collection.features), dtype=bool)
    else:
        hits = shapely.intersects(collection.geometries, shapely.box(*query.bbox))  # None geometries: False
    if query.until is not None and collection.start_years is not None:
        with np.errstate(invalid="ignore"):
            hits &= collection.start_years <= query.until  # NaN (unknown) is False
    positions = np.flatnonzero(hits).tolist()
    return [
        i
        for i in positions
        if all(_matches(collection, collection.features[i]["properties"], n, v) for n, v in query.filters)
    ]


def _link(href: str, rel: str, media: str, title: str | None = None) -> dict[str, str]:
    link = {"href": href, "rel": rel, "type": media}
    if title:
        link["title"] = title
    return link


def _items_url(base: str, collection: Collection, params: Mapping[str, str | int]) -> str:
    url = f"{base}/collections/{collection.id}/items"
    return f"{url}?{urlencode(params)}" if params else url


def items_document(
    collection: Collection, query: ItemsQuery, base: str, args: Mapping[str, str], now: datetime | None = None
) -> dict[str, Any]:
    """One page of matching features as a GeoJSON FeatureCollection with numberMatched/numberReturned
    and self, next and prev links that keep the request's other parameters. ``base`` is the API's URL."""
    matched = select(collection, query)
    page = matched[query.offset : query.offset + query.limit]
    params: dict[str, str | int] = {k: v for k, v in args.items() if k != "offset"}
    if "limit" in params:
        params["limit"] = query.limit  # a limit above the maximum is served as the maximum
    links = [
        _link(_items_url(base, collection, {**params, **_offset(query.offset)}), "self", GEOJSON),
        _link(f"{base}/collections/{collection.id}", "collection", JSON, collection.title),
    ]
    if query.offset + query.limit < len(matched):
        next_params = {**params, "limit": query.limit, "offset": query.offset + query.limit}
        links.append(_link(_items_url(base, collection, next_params), "next", GEOJSON, "next page"))
    if query.offset > 0:
        previous = {**params, "limit": query.limit, **_offset(max(0, query.offset - query.limit))}
        links.append(_link(_items_url(base, collection, previous), "prev", GEOJSON, "previous page"))
    return {
        "type": "FeatureCollection",
        "features": [collection.features[i] for i in page],
        "numberMatched": len(matched),
        "numberReturned": len(page),
        "timeStamp": (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "links": links,
    }


def _offset(offset: int) -> dict[str, int]:
    """The offset parameter of a link: left out at 0, so the first page's URL is the plain one."""
    return {"offset": offset} if offset else {}


def item_document(collection: Collection, feature_id: str, base: str) -> dict[str, Any]:
    """One feature by id, with self and collection links; ApiError 404 for an unknown id."""
    position = collection.positions.get(feature_id)
    if position is None:
        raise ApiError(404, "NotFound", f"collection '{collection.id}' has no feature '{feature_id[:60]}'")
    url = f"{base}/collections/{collection.id}"
    return {
        **collection.features[position],
        "links": [
            _link(f"{url}/items/{feature_id}", "self", GEOJSON),
            _link(url, "collection", JSON, collection.title),
        ],
    }


def collection_document(collection: Collection, base: str) -> dict[str, Any]:
    """A collection's metadata: title, description, lon/lat extent (and time, for the zones), links."""
    url = f"{base}/collections/{collection.id}"
    document: dict[str, Any] = {
        "id": collection.id,
        "title": collection.title,
        "description": collection.description,
        "itemType": "feature",
        "crs": [CRS84],
        "links": [
            _link(url, "self", JSON, collection.title),
            _link(f"{url}/items", "items", GEOJSON, f"{collection.title}: features"),
            _link(f"{url}/queryables", "http://www.opengis.net/def/rel/ogc/1.0/queryables", SCHEMA),
        ],
    }
    if collection.bbox is not None:
        document["extent"] = {"spatial": {"bbox": [list(collection.bbox)], "crs": CRS84}}
    if collection.start_years is not None and not np.isnan(collection.start_years).all():
        first = int(np.nanmin(collection.start_years))
        document.setdefault("extent", {})["temporal"] = {"interval": [[f"{first:04d}-01-01T00:00:00Z", None]]}
    return document


def collections_document(collections: Mapping[str, Collection], base: str) -> dict[str, Any]:
    """The list of collections with their metadata."""
    return {
        "links": [_link(f"{base}/collections", "self", JSON)],
        "collections": [collection_document(c, base) for c in collections.values()],
    }


def queryables_document(collection: Collection, base: str) -> dict[str, Any]:
    """The properties an items request can filter on by equality, as a JSON Schema."""
    return {
        "$schema": "https://json-schema.org/draft/2019-09/schema",
        "$id": f"{base}/collections/{collection.id}/queryables",
        "type": "object",
        "title": collection.title,
        "properties": {
            name: {"title": name, "type": kind}
            | (
                {"description": "';'-separated list; a filter matches one item"}
                if name in collection.lists
                else {}
            )
            for name, kind in collection.types.items()
        },
        "additionalProperties": False,
    }


def landing_document(base: str) -> dict[str, Any]:
    """The API's entry point: links to itself, its OpenAPI description, conformance and the data."""
    return {
        "title": "Atlas Kawasan",
        "description": "Indonesia's special economic zones (KEK), industrial estates (KI) and the Kaltim "
        "estates around IKN, with footprints, places and the imported layers, as OGC API - Features.",
        "links": [
            _link(base, "self", JSON, "this document"),
            _link(f"{base}/api", "service-desc", OPENAPI, "the API definition (OpenAPI 3.0)"),
            _link(f"{base}/conformance", "conformance", JSON, "conformance classes"),
            _link(f"{base}/collections", "data", JSON, "the collections"),
        ],
    }


def conformance_document() -> dict[str, Any]:
    """The conformance classes implemented: Core, GeoJSON and OpenAPI 3.0."""
    return {"conformsTo": list(CONFORMANCE)}


def _parameter(name: str, description: str, schema: dict[str, Any], where: str = "query") -> dict[str, Any]:
    return {
        "name": name,
        "in": where,
        "required": where == "path",
        "description": description,
        "schema": schema,
        **({"style": "form", "explode": False} if where == "query" else {}),
    }


_PARAMETERS = {
    "f": _parameter("f", "the format; JSON (GeoJSON for features) is the only one", {"type": "string"}),
    "bbox": _parameter(
        "bbox",
        "min lon, min lat, max lon, max lat (CRS84); features that intersect it",
        {"type": "array", "minItems": 4, "maxItems": 4, "items": {"type": "number"}},
    ),
    "limit": _parameter(
        "limit",
        f"features per page; more than {MAX_LIMIT} counts as {MAX_LIMIT}",
        {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
    ),
    "offset": _parameter(
        "offset", "features to skip (paging)", {"type": "integer", "minimum": 0, "default": 0}
    ),
    "datetime": _parameter(
        "datetime",
        "RFC 3339 instant or interval ('..' open): zones established (by year) by its end; a zone of "
        "unknown year is not selected. The other layers have no time: every feature",
        {"type": "string"},
    ),
}


def _responses(media: str) -> dict[str, Any]:
    error = {
        "description": "refused",
        "content": {JSON: {"schema": {"$ref": "#/components/schemas/exception"}}},
    }
    return {"200": {"description": "OK", "content": {media: {}}}, "400": error, "404": error}


def _operation(summary: str, media: str, parameters: Sequence[dict[str, Any]]) -> dict[str, Any]:
    return {"get": {"summary": summary, "parameters": list(parameters), "responses": _responses(media)}}


def openapi_document(collections: Mapping[str, Collection], base: str) -> dict[str, Any]:
    """The OpenAPI 3.0 description of every endpoint, with each collection's filterable properties."""
    f = _PARAMETERS["f"]
    collection_id = _parameter(
        "collectionId", "a collection", {"type": "string", "enum": list(collections)}, "path"
    )
    feature_id = _parameter("featureId", "a feature's id", {"type": "string"}, "path")
    paging = [_PARAMETERS[name] for name in ITEM_PARAMETERS]
    paths: dict[str, Any] = {
        "/": _operation("landing page", JSON, [f]),
        "/api": _operation("this API definition", OPENAPI, [f]),
        "/conformance": _operation("conformance classes", JSON, [f]),
        "/collections": _operation("the collections", JSON, [f]),
        "/collections/{collectionId}": _operation("a collection", JSON, [collection_id, f]),
        "/collections/{collectionId}/queryables": _operation(
            "filterable properties", SCHEMA, [collection_id, f]
        ),
        "/collections/{collectionId}/items": _operation("features", GEOJSON, [collection_id, *paging]),
        "/collections/{collectionId}/items/{featureId}": _operation(
            "one feature", GEOJSON, [collection_id, feature_id, f]
        ),
    }
    for collection in collections.values():
        filters = [
            _parameter(name, "equals (one item of a ';'-list)", {"type": kind})
            for name, kind in collection.types.items()
        ]
        paths[f"/collections/{collection.id}/items"] = _operation(
            f"features of {collection.title}", GEOJSON, [*paging, *filters]
        )
    return {
        "openapi": "3.0.3",
        "info": {"title": "Atlas Kawasan OGC API - Features", "version": "1.0.0"},
        "servers": [{"url": base}],
        "paths": paths,
        "components": {
            "schemas": {
                "exception": {
                    "type": "object",
                    "required": ["code"],
                    "properties": {"code": {"type": "string"}, "description": {"type": "string"}},
                }
            }
        },
    }
