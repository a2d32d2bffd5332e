"""Checking an upload as a background job, with a progress bar and a cancel button.

Reading and checking a file of 20,000 features takes seconds, so the page's check is a Dash
background callback. Its job writes the upload to the store's pending table and answers with the
token, so the confirm may reach any worker or host.

Why the job is not simply forked from the web process, as Dash's diskcache manager does: a server
process runs several threads, and a fork copies whatever they held at that instant (a SQLite
connection's mutex while another thread was reading, the live runtime's lock while it was
rebuilding after an import) into a child where nobody ever releases it. Under gunicorn and
waitress with a few imports at once the child hung; when it hung inside its own write transaction
it held the database's write lock, and every other writer failed with "database is locked". So on
one machine the job is started by a fork server (multiprocessing's ``forkserver``: a fresh,
single-threaded interpreter with the import modules loaded, started with the first check), and
builds its own store and atlas from the settings the app started with. With ``REDIS_URL`` it runs
on a Celery worker, like the exports.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from contextlib import suppress
from functools import cache
from typing import Any

import psutil
from dash import CeleryManager, Dash, DiskcacheManager, Input, Output, State

from dashboard.features.imports import PLAN_OUTPUTS, PLAN_STEPS, plan_upload
from dashboard.i18n import LANGUAGES
from dashboard.settings import data_dir
from geodata import Atlas, load_atlas
from geodata.import_plan import with_imports
from geodata.store import Store, StoreUnreadable

PRELOAD = ["dashboard.importjob"]  # imported once by the fork server, not again by every job
SETTINGS_PREFIXES = ("ATLAS_", "DATABASE_URL")  # the data directory, the database, the import limits


class ForkServerManager(DiskcacheManager):
    """Dash's diskcache manager (state and results in the data directory's ``jobs`` cache, shared
    by the workers of a host) whose jobs a fork server starts, with the app's settings."""

    def __init__(self, cache_handle: Any, expire: int, settings: Mapping[str, str]) -> None:
        super().__init__(cache_handle, expire=expire)
        self.settings = dict(settings)

    def call_job_fn(self, key: str, job_fn: Any, args: Any, context: Any) -> int:
        process = _fork_server().Process(
            target=_run_job,
            args=(self.settings, job_fn, key, self._make_progress_key(key), args, context),
        )
        process.start()
        return process.pid

    def terminate_job(self, job: Any) -> None:
        """Dash's kill, for a job that may already be gone: the fork server reaps its children at
        once (a forked child stays a zombie until its parent looks), so a job that finishes between
        Dash's "does it exist" and its kill is no error."""
        with suppress(psutil.NoSuchProcess):
            super().terminate_job(job)


@cache
def _fork_server() -> Any:
    """The forkserver context of ``multiprocess`` (Dash's own: it pickles Dash's job closures)."""
    import multiprocess

    context = multiprocess.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def _run_job(settings: Mapping[str, str], job_fn: Any, *args: Any) -> None:
    """In the job's process: the app's settings (the fork server has those it started with)."""
    for name in [n for n in os.environ if n.startswith(SETTINGS_PREFIXES)]:
        del os.environ[name]
    os.environ.update(settings)
    job_fn(*args)


def import_manager(jobs: Any) -> Any:
    """The manager of the import check: the exports' Celery manager when there is one, else a
    fork server beside the exports' diskcache."""
    if isinstance(jobs, CeleryManager):
        return jobs
    settings = {n: v for n, v in os.environ.items() if n.startswith(SETTINGS_PREFIXES)}
    settings["ATLAS_DATA_DIR"] = str(data_dir())
    return ForkServerManager(jobs.handle, jobs.expire, settings)


@cache
def _shipped_atlas() -> Atlas:
    return load_atlas()


def check_upload(set_progress: Any, contents: Any, filename: Any, mode: Any, lang: Any) -> dict[str, Any]:
    """The job: check the upload against the atlas with the stored imports, keep it for the
    confirm; the answer names the outputs (PLAN_OUTPUTS)."""
    store = Store(data_dir())
    try:
        atlas = with_imports(_shipped_atlas(), store)
    except StoreUnreadable:  # the check still runs against the shipped atlas; the panel says why
        atlas = _shipped_atlas()
    return plan_upload(
        atlas,
        store,
        contents,
        filename,
        mode,
        lang if lang in LANGUAGES else "id",
        lambda n: set_progress((str(n), str(PLAN_STEPS))),
    )


def register_import_job(app: Dash, jobs: Any) -> None:
    """The page's import check as a background callback (its role is checked like any callback:
    ``import-contents`` needs an editor, on the first request and on every poll). Its input is the
    store the drop zone's file is copied to (features.imports), not the drop zone, which is
    rendered when the tab opens: an input in a part added later fires its callback then."""
    app.callback(
        output={name: Output(cid, prop) for name, (cid, prop) in PLAN_OUTPUTS.items()},
        inputs={"contents": Input("import-contents", "data")},
        state={
            "filename": State("import-filename", "data"),
            "mode": State("import-mode", "value"),
            "lang": State("lang-toggle", "value"),
        },
        background=True,
        manager=import_manager(jobs),
        progress=[Output("import-progress", "value"), Output("import-progress", "max")],
        running=[
            (Output("import-progress", "hidden"), False, True),
            (Output("import-cancel", "hidden"), False, True),
        ],
        cancel=[Input("import-cancel", "n_clicks")],
        prevent_initial_call=True,
    )(check_upload)
