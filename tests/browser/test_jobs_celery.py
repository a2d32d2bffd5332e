"""An office's exports on Celery: a real Redis, a real Celery worker, the page's PNG job through them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis

from tests.browser.conftest import new_session
from tests.browser.harness import ROOT, free_port, running_server, stop

REDIS = shutil.which("redis-server")
pytestmark = pytest.mark.skipif(
    REDIS is None and os.environ.get("CI") != "true", reason="redis-server is not installed here"
)


@contextmanager
def redis_server(directory: Path):
    """A throwaway Redis on a loopback port, no persistence; stopped afterwards."""
    assert REDIS, "redis-server is needed (tests/run.sh installs it)"
    port = free_port()
    process = subprocess.Popen(
        [REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(directory)],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis.from_url(url).ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def celery_worker(env: dict[str, str]):
    """``celery -A app:celery_app worker``, as the README tells an office to run it."""
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "app:celery_app", "worker", "--pool=solo", "--loglevel=INFO"],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield process
    finally:
        stop(process, timeout=20)


def test_a_png_export_is_made_by_a_celery_worker_through_redis(browser, tmp_path):
    with redis_server(tmp_path) as url:
        env = {"REDIS_URL": url, "ATLAS_DATA_DIR": str(tmp_path / "data")}
        with celery_worker(env) as worker, running_server(env=env) as base:
            session, context = new_session(browser, base, accept_downloads=True)
            try:
                session.open()
                session.show("export")
                with session.page.expect_download(timeout=120_000) as info:
                    session.page.locator("#export-png").click()
                path = tmp_path / info.value.suggested_filename
                info.value.save_as(path)
                assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
                assert session.text("#export-status").startswith("Selesai:")
            finally:
                context.close()
            worker.terminate()
            log = worker.communicate(timeout=20)[0]
    assert "succeeded" in log  # the worker, not the web process, made the file
