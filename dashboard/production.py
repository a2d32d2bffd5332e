"""Production serving that survives slow clients: waitress, with bounded connections and timeouts.

A WSGI server whose worker threads read requests themselves (gunicorn's sync and gthread workers)
is stopped by a handful of clients that send their headers or body a byte at a time: each holds a
thread until it finishes. Waitress reads every request on one asynchronous loop and hands a thread
only a complete, buffered request, so slow clients cost a socket, not a thread; ``channel_timeout``
closes idle connections and ``connection_limit`` bounds the sockets. Its own error answers (400,
413, 431, ...) carry the same security headers as the app's.
"""

from __future__ import annotations

from typing import Any

from waitress.channel import HTTPChannel
from waitress.server import create_server
from waitress.task import ErrorTask

from dashboard.hardening import SECURITY_HEADERS
from geodata.upload import ImportLimits

THREADS = 8
CONNECTION_LIMIT = 200
CHANNEL_TIMEOUT_S = 30
MAX_HEADER_BYTES = 32 * 1024


class _HeaderedErrorTask(ErrorTask):
    """Waitress's own error answer, with the security headers every response carries."""

    def execute(self) -> None:
        self.response_headers.extend(SECURITY_HEADERS.items())
        super().execute()


class _Channel(HTTPChannel):
    error_task_class = _HeaderedErrorTask


def build_server(application: Any, host: str, port: int, threads: int = THREADS) -> Any:
    """A waitress server for ``application`` on host:port (call ``.run()``), configured for production."""
    limits = ImportLimits.from_env()
    server = create_server(
        application,
        host=host,
        port=port,
        threads=threads,
        connection_limit=CONNECTION_LIMIT,
        channel_timeout=CHANNEL_TIMEOUT_S,
        cleanup_interval=5,
        max_request_header_size=MAX_HEADER_BYTES,
        max_request_body_size=int(limits.max_bytes * 1.4) + 1_000_000,
        ident="atlas-kawasan",
    )
    server.channel_class = _Channel
    return server
