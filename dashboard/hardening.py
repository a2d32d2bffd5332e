"""Server hardening: security headers on every response, bounded request sizes, and clean refusals.

A malformed /_dash-update-component request (broken JSON, not an object, an output no callback has,
outputs or inputs not shaped as that callback declares) is refused with a logged 400 before Dash
dispatches it. Anything that fails after that is a bug of the server, not of the request: it is
logged with its traceback and answered 500 (with no traceback in the body), never disguised as a
400. The worker keeps serving either way.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import BadRequest, HTTPException

from geodata.upload import ImportLimits

log = logging.getLogger(__name__)

FRAME_ANCESTORS_ENV = "ATLAS_FRAME_ANCESTORS"
_ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?|https?://\*\.[A-Za-z0-9.-]+|'self'")


def content_security_policy(frame_ancestors: tuple[str, ...] = ()) -> str:
    """The page's CSP; only the listed origins (an office portal) may frame it, none by default."""
    ancestors = " ".join(frame_ancestors) or "'none'"
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self' 'unsafe-inline' 'unsafe-eval'",  # Dash's inline config; Plotly compiles shaders
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob: https://tile.openstreetmap.org",
            "connect-src 'self' blob: data: https://tile.openstreetmap.org",
            "worker-src 'self' blob:",
            "font-src 'self' data:",
            f"frame-ancestors {ancestors}",
            "base-uri 'self'",
            "form-action 'self'",
        ]
    )


def security_headers(frame_ancestors: tuple[str, ...] = ()) -> dict[str, str]:
    """Headers for every response; X-Frame-Options: DENY unless a portal may frame the page (old
    browsers that know only that header then refuse framing, new ones follow the CSP)."""
    headers = {
        "Content-Security-Policy": content_security_policy(frame_ancestors),
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "no-referrer",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Permissions-Policy": "geolocation=(), camera=(), microphone=()",
    }
    if frame_ancestors:
        del headers["X-Frame-Options"]
    return headers


def frame_ancestors_from_env(environ: Mapping[str, str] = os.environ) -> tuple[str, ...]:
    """ATLAS_FRAME_ANCESTORS: space-separated origins (https://portal.example.go.id) that may embed
    the atlas; a value that is not an origin stops the start (a typo must not open framing widely)."""
    origins = tuple(environ.get(FRAME_ANCESTORS_ENV, "").split())
    wrong = [o for o in origins if not _ORIGIN.fullmatch(o)]
    if wrong:
        raise ValueError(
            f"{FRAME_ANCESTORS_ENV}: {', '.join(w[:60] for w in wrong)} is not an origin like https://portal.example.go.id"
        )
    return origins


SECURITY_HEADERS = security_headers()


DISPATCH_PATH = "/_dash-update-component"


def _parts(output: str) -> list[str]:
    """The outputs named by a callback's output key: 'a.b' is one, '..a.b...c.d..' are several."""
    return output[2:-2].split("...") if output.startswith("..") else [output]


def _shaped(spec: Any, output: str) -> bool:
    """Whether one output spec of a request has the shape the callback's output declares: a list
    of {id, property} for a pattern-matching id, else one {id, property}."""
    if output.startswith("{"):
        return isinstance(spec, list) and all(isinstance(s, dict) for s in spec)
    return isinstance(spec, dict) and "id" in spec and "property" in spec


def malformed(body: Any, callbacks: Mapping[str, Any]) -> str | None:
    """Why a callback request is malformed (so Dash must not dispatch it), or None when well formed."""
    if not isinstance(body, dict):
        return "the body is not a JSON object"
    output = body.get("output")
    if not isinstance(output, str) or output not in callbacks:
        return "no callback has this output"
    parts = _parts(output)
    outputs = body.get("outputs")
    specs = outputs if output.startswith("..") else [outputs]
    if not isinstance(specs, list) or len(specs) != len(parts):
        return "the outputs do not match the callback"
    if not all(_shaped(spec, part) for spec, part in zip(specs, parts, strict=True)):
        return "the outputs do not match the callback"
    for key in ("inputs", "state"):
        items = body.get(key, [])
        if not isinstance(items, list) or not all(isinstance(i, dict | list) for i in items):
            return f"the {key} are not a list of values"
    if len(body.get("inputs", [])) != len(callbacks[output].get("inputs", [])):
        return "the inputs do not match the callback"
    if not isinstance(body.get("changedPropIds", []), list):
        return "changedPropIds is not a list"
    return None


def harden(server: Flask, callbacks: Mapping[str, Any]) -> None:
    """Attach headers, a request size bound (the import limit plus base64 overhead), the check of
    callback requests against ``callbacks`` (Dash's callback map), and error handling; the page may be framed by the origins in
    ATLAS_FRAME_ANCESTORS only."""
    limits = ImportLimits.from_env()
    headers = security_headers(frame_ancestors_from_env())
    server.config["MAX_CONTENT_LENGTH"] = int(limits.max_bytes * 1.4) + 1_000_000

    @server.before_request
    def check_dispatch() -> None:
        if request.path != DISPATCH_PATH or request.method != "POST":
            return
        why = malformed(request.get_json(silent=True), callbacks)
        if why is not None:
            log.warning("refused %s %s: %s", request.method, request.path, why)
            raise BadRequest(why)

    @server.after_request
    def add_headers(response: Response) -> Response:
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        return response

    @server.errorhandler(Exception)
    def refuse(error: Exception) -> Response:
        if isinstance(error, HTTPException):
            response = jsonify({"error": error.description})
            response.status_code = error.code or 500
            return add_headers(response)
        log.error("server error on %s %s", request.method, request.path, exc_info=error)
        response = jsonify({"error": "internal server error; it was logged"})
        response.status_code = 500
        return add_headers(response)
