"""Plain HTTP routes beside the Dash callbacks: file exports, saved-view files, the map's GeoJSON layers.

Downloads are ordinary GET requests fetched by the page's script, so a slow PNG never blocks the
other callbacks, and every failure comes back as a short JSON message, never a traceback.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import threading

from dash import Dash
from flask import Response, jsonify, request

from dashboard.auth import view_owner
from dashboard.clientfilter import FILTER_INDEX_URL, index_document
from dashboard.exports import (
    PNG_SIZES,
    PNG_TARGETS,
    ExportError,
    ExportFile,
    camera_from,
    pdf_brief,
    png_export,
    table_export,
)
from dashboard.figures import (
    FOOTPRINTS_URL,
    LAND_NATIONAL_URL,
    LAND_URL,
    PROVINCES_NATIONAL_URL,
    PROVINCES_URL,
    REGENCIES_URL,
)
from dashboard.runtime import LiveRuntime
from dashboard.state import QUERY_NAMES, from_query
from geodata.savedviews import SavedViewStore

log = logging.getLogger(__name__)
TABLE_KINDS = ("csv", "xlsx", "geojson", "gpkg", "facilities")


def _download(file: ExportFile) -> Response:
    response = Response(file.content, mimetype=file.mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{file.filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _refuse(message: str, status: int) -> Response:
    response = jsonify({"error": message})
    response.status_code = status
    return response


class _GzipCache:
    """gzip of each served document, made once per content version (an import makes a new one)."""

    def __init__(self, keep: int = 6) -> None:
        self._keep = keep
        self._bodies: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def get(self, etag: str, body: bytes) -> bytes:
        with self._lock:
            if etag not in self._bodies:
                if len(self._bodies) >= self._keep:
                    self._bodies.pop(next(iter(self._bodies)))
                self._bodies[etag] = gzip.compress(body, compresslevel=6, mtime=0)
            return self._bodies[etag]


def _geojson_response(
    body: bytes, etag: str, compressed: _GzipCache, mimetype: str = "application/geo+json"
) -> Response:
    """A GeoJSON (or JSON) document with a strong ETag, cached by the browser and gzipped when accepted."""
    if request.if_none_match.contains(etag):
        return Response(status=304)
    if "gzip" in request.accept_encodings:
        response = Response(compressed.get(etag, body), mimetype=mimetype)
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = Response(body, mimetype=mimetype)
    response.headers["Vary"] = "Accept-Encoding"
    response.set_etag(etag)
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    return response


def register_routes(app: Dash, live: LiveRuntime, views: SavedViewStore) -> None:
    """Attach the export, saved-view and basemap routes to the Flask server."""
    server = app.server
    model = live.get().model
    # The basemap documents do not change while the server runs (an import changes only footprints).
    static = {
        url: (body, hashlib.sha256(body).hexdigest()[:16])
        for url, body in (
            (PROVINCES_URL, json.dumps(model.provinces_geojson, separators=(",", ":")).encode()),
            (PROVINCES_NATIONAL_URL, model.provinces_national_geojson),
            (LAND_NATIONAL_URL, model.land_national_geojson),
            (REGENCIES_URL, model.regencies_geojson),
            (LAND_URL, model.land_geojson),
        )
    }
    compressed = _GzipCache()

    @server.route(PROVINCES_URL, endpoint="provinces_geojson")
    @server.route(PROVINCES_NATIONAL_URL, endpoint="provinces_national_geojson")
    @server.route(REGENCIES_URL, endpoint="regencies_geojson")
    @server.route(LAND_URL, endpoint="land_geojson")
    @server.route(LAND_NATIONAL_URL, endpoint="land_national_geojson")
    def basemap_geojson() -> Response:
        return _geojson_response(*static[request.path], compressed)

    @server.route(FOOTPRINTS_URL)
    def footprints_geojson() -> Response:
        model = live.get().model  # after an import, the new footprints (and a new ?v= in the figure)
        return _geojson_response(model.footprint_geojson, model.footprint_version, compressed)

    @server.route(FILTER_INDEX_URL)
    def filter_index_json() -> Response:
        return _geojson_response(*index_document(live.get()), compressed, "application/json")

    @server.route("/export/<kind>")
    def export(kind: str) -> Response:
        runtime = live.get()
        query = "?" + "&".join(f"{k}={request.args[k]}" for k in QUERY_NAMES if k in request.args)
        state, dropped = from_query(query, runtime.vocabulary)
        if dropped:
            log.warning("export ignored URL values: %s", ", ".join(dropped)[:300])
        try:
            if kind in TABLE_KINDS:
                return _download(table_export(runtime, state, query, kind))
            if kind == "png":
                target = request.args.get("target", "map")
                size = request.args.get("preset", "projector")  # "size" is the points' size
                if target not in PNG_TARGETS or size not in PNG_SIZES:
                    return _refuse(
                        "choose target map, investment or national and preset projector or print", 400
                    )
                return _download(png_export(runtime, state, target, size, camera_from(request.args)))
            if kind == "pdf":
                return _download(pdf_brief(runtime, state, query, camera_from(request.args)))
        except ExportError as exc:
            log.error("export %s failed: %s", kind, exc)
            return _refuse(str(exc), 503)
        return _refuse(f"unknown export '{kind[:20]}'", 404)

    @server.route("/saved-views/export")
    def saved_views_export() -> Response:
        return _download(
            ExportFile(views.export_bytes(view_owner()), "application/json", "atlas-kawasan-views.json")
        )
