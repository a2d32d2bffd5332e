"""Server hardening: security headers on every response, bounded request sizes, and clean refusals.

A crafted /_dash-update-component request (wrong types, unknown ids, broken JSON) is logged and
answered with a short 400, never a traceback; the worker keeps serving.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

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


def harden(server: Flask) -> None:
    """Attach headers, a request size bound (the import limit plus base64 overhead), and error handling."""
    limits = ImportLimits.from_env()
    server.config["MAX_CONTENT_LENGTH"] = int(limits.max_bytes * 1.4) + 1_000_000

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
        log.warning(
            "refused %s %s: %s: %s", request.method, request.path, type(error).__name__, str(error)[:300]
        )
        response = jsonify({"error": "the request could not be processed"})
        response.status_code = 400
        return add_headers(response)
