"""Server hardening: security headers on every response, bounded request sizes, and clean refusals.

A malformed /_dash-update-component request (broken JSON, not an object, an output no callback has,
outputs or inputs not shaped as that callback declares) is refused with a logged 400 before Dash
dispatches it. Anything that fails after that is a bug of the server, not of the request: it is
logged with its traceback and answered 500 (with no traceback in the body), never disguised as a
400. The worker keeps serving either way.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import BadRequest, HTTPException

from geodata.upload import ImportLimits

log = logging.getLogger(__name__)

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval'",  # Dash's inline config; Plotly compiles shaders
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob: https://tile.openstreetmap.org",
        "connect-src 'self' blob: data: https://tile.openstreetmap.org",
        "worker-src 'self' blob:",
        "font-src 'self' data:",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "geolocation=(), camera=(), microphone=()",
}


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
    callback requests against ``callbacks`` (Dash's callback map), and error handling."""
    limits = ImportLimits.from_env()
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
        for name, value in SECURITY_HEADERS.items():
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
