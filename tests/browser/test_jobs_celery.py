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
from playwright.sync_api import TimeoutError as PlaywrightTimeout

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
def celery_worker(env: dict[str, str], log: Path):
    """``celery -A app:celery_app worker``, as the README tells an office to run it. Its output goes to
    ``log``: a pipe nobody reads during the test would block the worker once Chromium's log filled it."""
    with log.open("w") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "app:celery_app",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
            ],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            yield process
        finally:
            stop(process, timeout=20)


def test_a_png_export_is_made_by_a_celery_worker_through_redis(browser, tmp_path):
    log = tmp_path / "worker.log"
    with redis_server(tmp_path) as url:
        env = {"REDIS_URL": url, "ATLAS_DATA_DIR": str(tmp_path / "data")}
        with celery_worker(env, log), running_server(env=env) as base:
            session, context = new_session(browser, base, accept_downloads=True)
            try:
                session.open()
                session.show("export")
                try:  # the worker's start, then a render that may queue for the machine's render lock
                    with session.page.expect_download(timeout=240_000) as info:
                        session.page.locator("#export-png").click()
                except PlaywrightTimeout:  # say what the worker did, not only that no file came
                    pytest.fail(
                        f"no PNG within 240 s; the page says {session.text('#export-status')!r};"
                        f" the worker's log ends:\n{log.read_text()[-4000:]}"
                    )
                path = tmp_path / info.value.suggested_filename
                info.value.save_as(path)
                assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
                assert session.text("#export-status").startswith("Selesai:")
            finally:
                context.close()
    assert "succeeded" in log.read_text()  # the worker, not the web process, made the file
