"""Work that takes seconds runs beside the web workers, not in them: PNG and PDF exports.

A Kaleido render takes 5-9 s; served in the request, it held one of the few worker threads the
whole time. Here the page asks for the file through a Dash background callback: the job runs in
its own process, the page shows its progress and can cancel it (which ends the process and its
Chromium), and the finished file arrives as a download. On one machine the jobs run as child
processes with their state in a diskcache in the data directory; with ``REDIS_URL`` they go to
Celery workers on any host (``celery -A app:celery_app worker``) through Redis.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from dash import CeleryManager, DiskcacheManager, Input, Output, dcc, html, no_update

from dashboard.exports import (
    PNG_SIZES,
    PNG_TARGETS,
    ExportError,
    ExportFile,
    camera_from,
    pdf_brief,
    render_png,
    screen_figure,
)
from dashboard.i18n import LANGUAGES, t
from dashboard.runtime import LiveRuntime
from dashboard.state import QUERY_NAMES, from_query

log = logging.getLogger(__name__)
REDIS_ENV = "REDIS_URL"
JOBS_DIR = "jobs"
JOB_KINDS = ("png", "pdf")
JOB_EXPIRY_S = 3600  # a finished file waits this long for its page to fetch it
JOBS_EXTENSION = "atlas_jobs"  # where the Flask app keeps its background-callback manager


def background_manager(directory: Path, environ: Mapping[str, str] = os.environ) -> Any:
    """Celery + Redis when ``REDIS_URL`` says so (several hosts), else diskcache in the data dir."""
    redis_url = environ.get(REDIS_ENV, "").strip()
    if redis_url:
        from celery import Celery  # imported only for an office that runs Celery workers

        celery_app = Celery("atlas_kawasan", broker=redis_url, backend=redis_url)
        celery_app.conf.update(result_expires=JOB_EXPIRY_S, broker_connection_retry_on_startup=True)
        return CeleryManager(celery_app, expire=JOB_EXPIRY_S)
    import diskcache

    return DiskcacheManager(diskcache.Cache(str(Path(directory) / JOBS_DIR)), expire=JOB_EXPIRY_S)


def celery_app_of(server: Any) -> Any | None:
    """The Celery app a ``celery worker`` must load (``celery -A app:celery_app``), or None on one
    machine."""
    manager = server.extensions.get(JOBS_EXTENSION)
    return manager.handle if isinstance(manager, CeleryManager) else None


def job_controls() -> list[Any]:
    """The export panel's job parts: the request the page writes, the progress bar and the download
    (the cancel button is labelled with the panel's other texts)."""
    return [
        dcc.Store(id="export-request"),
        html.Progress(id="export-progress", value="0", max="3", hidden=True),
        dcc.Download(id="export-file"),
    ]


def _request(data: Any) -> tuple[str, str, dict[str, str]]:
    """(kind, query, the other parameters) of the page's request; ValueError when it is not one."""
    if not isinstance(data, dict) or data.get("kind") not in JOB_KINDS:
        raise ValueError("not an export request")
    raw = data.get("params")
    if not isinstance(raw, str) or len(raw) > 8000:
        raise ValueError("the export's parameters are not valid")
    params = {key: values[-1] for key, values in parse_qs(raw).items()}
    query = "?" + "&".join(f"{k}={params[k]}" for k in QUERY_NAMES if k in params)
    return data["kind"], query, params


def export_job(live: LiveRuntime, set_progress: Any, data: Any) -> tuple[Any, Any]:
    """Build the requested PNG or PDF, reporting each step; return (download, message)."""
    try:
        kind, query, params = _request(data)
    except ValueError as exc:
        log.warning("export job refused: %s", exc)
        return no_update, t("export.failed", "id", why=str(exc))
    runtime = live.get()
    state, dropped = from_query(query, runtime.vocabulary)
    if dropped:
        log.warning("export ignored URL values: %s", ", ".join(dropped)[:300])
    lang = state.lang if state.lang in LANGUAGES else "id"
    camera = camera_from(params)
    set_progress(("1", "3"))
    try:
        if kind == "png":
            target, size = params.get("target", "map"), params.get("preset", "projector")
            if target not in PNG_TARGETS or size not in PNG_SIZES:
                return no_update, t("export.failed", lang, why=t("export.bad_choice", lang))
            figure = screen_figure(runtime, state, target, camera, size)
            set_progress(("2", "3"))
            file = ExportFile.png(render_png(figure, size), target, size)
        else:
            set_progress(("2", "3"))
            file = pdf_brief(runtime, state, query, camera)
    except ExportError:
        log.exception("export %s failed", kind)
        return no_update, t("export.failed", lang, why=t("export.render_failed", lang))
    set_progress(("3", "3"))
    return dcc.send_bytes(file.content, file.filename), t("export.done", lang, file=file.filename)


def register_jobs(app: Any, live: LiveRuntime) -> None:
    """The export job callback (the app was built with ``background_manager``'s manager)."""

    @app.callback(
        Output("export-file", "data"),
        Output("export-status", "children"),
        Input("export-request", "data"),
        background=True,
        progress=[Output("export-progress", "value"), Output("export-progress", "max")],
        running=[
            (Output("export-progress", "hidden"), False, True),
            (Output("export-cancel", "hidden"), False, True),
        ],
        cancel=[Input("export-cancel", "n_clicks")],
        prevent_initial_call=True,
    )
    def _export(set_progress: Any, data: Any) -> tuple[Any, Any]:
        return export_job(live, set_progress, data)
