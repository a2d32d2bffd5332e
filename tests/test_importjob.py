"""The import check as a background job: its steps and answer, the fork server that starts it with
the app's settings, cancelling it, and why a job forked from a threaded server could hang."""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from pathlib import Path

import diskcache
import multiprocess
import psutil

from dashboard.importjob import PLAN_OUTPUTS, ForkServerManager, check_upload, import_manager
from dashboard.runtime import LiveRuntime
from geodata.store import Store

POINT = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"nama": "Gudang"},
            "geometry": {"type": "Point", "coordinates": [117, -1]},
        }
    ],
}


def test_the_check_reports_its_steps_and_keeps_the_upload_for_any_worker(tmp_path, monkeypatch):
    monkeypatch.setenv("ATLAS_DATA_DIR", str(tmp_path))
    contents = "data:application/geo+json;base64," + base64.b64encode(json.dumps(POINT).encode()).decode()
    steps: list[tuple[str, str]] = []
    answer = check_upload(steps.append, contents, "gudang.geojson", "overlay", "en")
    assert steps == [("1", "3"), ("2", "3"), ("3", "3")]
    assert set(answer) == set(PLAN_OUTPUTS) and answer["disabled"] is False
    pending = Store(tmp_path).pending.get(answer["token"])  # another worker's store finds it
    assert pending is not None and pending.filename == "gudang.geojson"
    refused = check_upload(steps.append, "not an upload", "x.geojson", "overlay", "en")
    assert refused["disabled"] is True and refused["token"] is None


def _record_settings(path: str, *_job: object) -> None:
    """A job that writes down the data directory it was given."""
    Path(path).write_text(os.environ["ATLAS_DATA_DIR"])


def _sleep(*_job: object) -> None:
    time.sleep(120)


def _manager(tmp_path: Path, data: Path) -> ForkServerManager:
    return ForkServerManager(diskcache.Cache(str(tmp_path / "jobs")), 60, {"ATLAS_DATA_DIR": str(data)})


def _wait(condition, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the job did not get there in time"
        time.sleep(0.1)


def test_jobs_start_from_the_fork_server_with_the_apps_settings_and_cancel_ends_them(tmp_path):
    manager = _manager(tmp_path, tmp_path / "app-data")
    note = tmp_path / "settings.txt"
    pid = manager.call_job_fn(str(note), _record_settings, (), {})
    assert psutil.Process(pid).ppid() != os.getpid()  # not a fork of this (threaded) process
    _wait(lambda: note.exists() and note.read_text())
    assert note.read_text() == str(tmp_path / "app-data")  # not whatever the fork server started with
    slow = manager.call_job_fn("slow", _sleep, (), {})
    assert manager.job_running(slow)
    manager.terminate_job(slow)  # what the page's cancel button asks for
    _wait(lambda: not manager.job_running(slow))


def test_one_machine_uses_the_fork_server_and_an_office_the_exports_celery(tmp_path):
    from dashboard.jobs import background_manager

    local = import_manager(background_manager(tmp_path, {}))
    assert isinstance(local, ForkServerManager) and local.handle.directory == str(tmp_path / "jobs")
    assert local.settings["ATLAS_DATA_DIR"]
    office = background_manager(tmp_path, {"REDIS_URL": "redis://127.0.0.1:6390/0"})
    assert import_manager(office) is office


def _runtime_revision(live: LiveRuntime, queue) -> None:
    queue.put(live.get().atlas is not None)


def test_a_job_forked_while_another_thread_rebuilds_the_runtime_still_gets_it(atlas, tmp_path):
    """The export jobs are still forks of the web process: the runtime's lock, held by another
    thread at the fork, is a new one in the child (it used to wait for it forever)."""
    live = LiveRuntime(atlas, Store(tmp_path))
    live.get()
    held, release = threading.Event(), threading.Event()

    def rebuild() -> None:
        with live._lock:
            held.set()
            release.wait(30)

    thread = threading.Thread(target=rebuild)
    thread.start()
    held.wait(10)
    context = multiprocess.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_runtime_revision, args=(live, queue))
    child.start()
    try:
        assert queue.get(timeout=60) is True
    finally:
        release.set()
        thread.join()
        child.join(10)
