"""OGC API - Features at /ogc: the atlas's layers for the planners' own GIS (QGIS, ArcGIS, GDAL, OWSLib).

The documents come from ``geodata.ogc``; this module only routes, negotiates the format and sends
them, gzipped when the client accepts it, with the app's security headers (added app-wide).
Every /ogc route is on one blueprint and reads only, so dashboard.auth's check of every request
applies the page's rule: any signed-in user (viewer and above; HTTP Basic for GIS clients), 401
when anonymous with a login on.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable, Sequence
from typing import Any

import geopandas as gpd
import orjson
from flask import Blueprint, Flask, Response, request

from dashboard.runtime import LiveRuntime, Runtime
from geodata import ogc
from geodata.ogc import GEOJSON, JSON, OPENAPI, SCHEMA, ApiError, Collection
from geodata.store import LayerInfo

PREFIX = "/ogc"
GZIP_MIN_BYTES = 500


def _imports(live: LiveRuntime, runtime: Runtime) -> list[tuple[LayerInfo, gpd.GeoDataFrame]]:
    """Every active imported layer: overlays as the runtime holds them, footprint layers as stored."""
    overlays = {info.id: frame for info, frame in runtime.overlays}
    return [
        (info, overlays[info.id] if info.id in overlays else live.store.read(info.id))
        for info in live.store.layers()
    ]


def _send(document: dict[str, Any], media: str, status: int = 200) -> Response:
    response = Response(orjson.dumps(document), status=status, content_type=media)
    response.vary.add("Accept")
    return response


def _negotiate(media: str, formats: Sequence[str] = ("json",)) -> str:
    """``media`` when ``f`` names a format served here or the Accept header takes it (or JSON)."""
    if ogc.media_type(request.args.get("f"), formats) is not None:
        return media
    accept = request.accept_mimetypes
    if not accept or accept.best_match([media, media.split(";")[0], JSON]):  # with or without ;version=
        return media
    raise ApiError(
        406, "NotAcceptable", f"this resource is {media}; ask for it with Accept: {media} or f=json"
    )


def _base() -> str:
    return request.url_root.rstrip("/") + PREFIX


def register_ogc(server: Flask, live: LiveRuntime) -> None:
    """Attach /ogc: landing page, OpenAPI definition, conformance, collections, items, single features."""
    blueprint = Blueprint("ogc", __name__, url_prefix=PREFIX)

    def collections() -> dict[str, Collection]:
        runtime = live.get()  # after an import, a new runtime and so new collections
        return runtime.cached(
            ("ogc-collections",), lambda: ogc.atlas_collections(runtime.atlas, _imports(live, runtime))
        )

    def collection(collection_id: str) -> Collection:
        found = collections().get(collection_id)
        if found is None:
            raise ApiError(
                404, "NotFound", f"no collection '{collection_id[:60]}'; see {_base()}/collections"
            )
        return found

    def metadata(build: Callable[[], dict[str, Any]], media: str = JSON) -> Response:
        ogc.single_values(request.args.to_dict(flat=False), ("f",))
        chosen = _negotiate(media)
        return _send(build(), chosen)

    @blueprint.errorhandler(ApiError)
    def refuse(error: ApiError) -> Response:
        return _send(error.document(), JSON, error.status)

    @blueprint.after_request
    def compress(response: Response) -> Response:
        """gzip like the rest of the app (flask-compress does not know the GeoJSON and OpenAPI types)."""
        response.vary.add("Accept-Encoding")
        if (
            "gzip" in request.accept_encodings
            and "Content-Encoding" not in response.headers
            and not response.direct_passthrough
            and response.content_length is not None
            and response.content_length >= GZIP_MIN_BYTES
        ):
            response.set_data(gzip.compress(response.get_data(), compresslevel=6, mtime=0))
            response.headers["Content-Encoding"] = "gzip"
        return response

    @blueprint.get("", strict_slashes=False)
    def landing() -> Response:
        return metadata(lambda: ogc.landing_document(_base()))

    @blueprint.get("/api")
    def api() -> Response:
        return metadata(lambda: ogc.openapi_document(collections(), _base()), OPENAPI)

    @blueprint.get("/conformance")
    def conformance() -> Response:
        return metadata(ogc.conformance_document)

    @blueprint.get("/collections")
    def all_collections() -> Response:
        return metadata(lambda: ogc.collections_document(collections(), _base()))

    @blueprint.get("/collections/<collection_id>")
    def one_collection(collection_id: str) -> Response:
        found = collection(collection_id)
        return metadata(lambda: ogc.collection_document(found, _base()))

    @blueprint.get("/collections/<collection_id>/queryables")
    def queryables(collection_id: str) -> Response:
        found = collection(collection_id)
        return metadata(lambda: ogc.queryables_document(found, _base()), SCHEMA)

    @blueprint.get("/collections/<collection_id>/items")
    def items(collection_id: str) -> Response:
        found = collection(collection_id)
        query = ogc.parse_items_query(found, request.args.to_dict(flat=False))
        media = _negotiate(GEOJSON, ("json", "geojson"))
        return _send(ogc.items_document(found, query, _base(), request.args.to_dict()), media)

    @blueprint.get("/collections/<collection_id>/items/<feature_id>")
    def item(collection_id: str, feature_id: str) -> Response:
        found = collection(collection_id)
        ogc.single_values(request.args.to_dict(flat=False), ("f",))
        media = _negotiate(GEOJSON, ("json", "geojson"))
        return _send(ogc.item_document(found, feature_id, _base()), media)

    server.register_blueprint(blueprint)
