"""Export jobs: which manager runs them, what a request may ask, and the steps a render reports."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import signal
import subprocess
import sys
import threading
import time

import plotly.graph_objects as go
import psutil
import pytest
from dash import CeleryManager, DiskcacheManager
from filelock import FileLock

from dashboard import exports, jobs
from dashboard.runtime import LiveRuntime
from geodata.store import Store


def test_one_machine_keeps_jobs_in_the_data_directory_and_an_office_sends_them_to_celery(tmp_path):
    local = jobs.background_manager(tmp_path, {})
    assert isinstance(local, DiskcacheManager) and local.handle.directory == str(tmp_path / "jobs")
    office = jobs.background_manager(tmp_path, {"REDIS_URL": "redis://127.0.0.1:6390/0"})
    assert isinstance(office, CeleryManager)
    assert office.handle.conf.broker_url == "redis://127.0.0.1:6390/0"


@pytest.mark.parametrize(
    "data",
    [None, "png", {}, {"kind": "csv", "params": ""}, {"kind": "png"}, {"kind": "pdf", "params": "x" * 9000}],
)
def test_a_request_that_is_not_a_render_is_refused(data):
    with pytest.raises(ValueError):
        jobs._request(data)


def test_the_request_keeps_only_the_views_url_state_and_the_render_choices():
    kind, query, params = jobs._request(
        {"kind": "png", "params": "sector=nickel&evil=1&target=map&preset=print&lon=117&lat=-1&zoom=7"}
    )
    assert (kind, query) == ("png", "?sector=nickel&zoom=7")  # the camera is URL state too
    assert (params["target"], params["preset"], params["zoom"]) == ("map", "print", "7")


def test_a_png_job_reports_its_steps_and_returns_the_file(atlas, tmp_path):
    live = LiveRuntime(atlas, Store(tmp_path))
    steps: list[tuple[str, str]] = []
    download, message = jobs.export_job(
        live, steps.append, {"kind": "png", "params": "view=kaltim&lang=en&target=map&preset=projector"}
    )
    assert message.startswith("Done: "), message  # a failed render says why here
    assert steps == [("1", "3"), ("2", "3"), ("3", "3")]
    assert download["filename"].startswith("atlas-kawasan-map-projector-")
    assert base64.b64decode(download["content"])[:8] == b"\x89PNG\r\n\x1a\n"
    assert message == f"Done: {download['filename']}"


def _waiting_for_the_lock(thread: threading.Thread) -> bool:
    """Whether ``thread`` is inside FileLock.acquire (filelock polls the lock file while it waits)."""
    frame = sys._current_frames().get(thread.ident or -1)
    while frame is not None:
        if frame.f_code.co_name == "acquire" and "filelock" in frame.f_code.co_filename:
            return True
        frame = frame.f_back
    return False


def test_a_render_waits_while_another_process_renders(tmp_path):
    """Job processes share the machine: a render starts only when another process's render is done."""
    ready, release = tmp_path / "ready", tmp_path / "release"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time, pathlib; from filelock import FileLock; from dashboard import exports\n"
            "with FileLock(exports.RENDER_LOCK_FILE):\n"
            "    pathlib.Path(sys.argv[1]).touch()\n"
            "    while not pathlib.Path(sys.argv[2]).exists(): time.sleep(0.05)\n",
            str(ready),
            str(release),
        ]
    )
    try:
        deadline = time.monotonic() + 60
        while not ready.exists():
            assert holder.poll() is None and time.monotonic() < deadline, "the other process never rendered"
            time.sleep(0.05)
        result: list[bytes] = []
        figure = go.Figure(go.Bar(x=["a"], y=[1]))
        render = threading.Thread(target=lambda: result.append(exports.render_png(figure, "projector")))
        render.start()
        deadline = time.monotonic() + 20
        while not _waiting_for_the_lock(render):
            assert render.is_alive() and time.monotonic() < deadline, "the render did not wait for the lock"
            time.sleep(0.05)
        release.touch()
        render.join(timeout=120)
        assert result and result[0][:8] == b"\x89PNG\r\n\x1a\n"
    finally:
        release.touch()
        holder.wait(timeout=30)


def _blank_first_pages(monkeypatch, pages: int) -> list[str]:
    """Make Kaleido's first `pages` tabs draw in a page without its script, as when Kaleido takes the
    blank tab's JavaScript context before its page has loaded (the race CI hit on a loaded machine).
    The fault is made in the real Chromium: the page's `kaleido_scopes` is deleted before drawing."""
    from kaleido._kaleido_tab._tab import _KaleidoTab

    draw = _KaleidoTab._calc_fig
    blanked: list[str] = []

    async def calc_fig(self, *args, **kwargs):
        if len(blanked) < pages:
            params = {"expression": "delete window.kaleido_scopes", "contextId": self._current_js_id}
            blanked.append(str(await self.tab.send_command("Runtime.evaluate", params=params)))
        return await draw(self, *args, **kwargs)

    monkeypatch.setattr(_KaleidoTab, "_calc_fig", calc_fig)
    return blanked


def test_a_render_whose_page_had_not_loaded_is_drawn_again(monkeypatch, caplog):
    blanked = _blank_first_pages(monkeypatch, pages=1)
    png = exports.render_png(go.Figure(go.Bar(x=["a"], y=[1])), "projector")
    assert len(blanked) == 1 and png[:8] == b"\x89PNG\r\n\x1a\n"
    assert "before its page had loaded" in caplog.text


def test_a_render_whose_kaleido_took_another_context_draws_in_the_loaded_page(monkeypatch, caplog):
    """Kaleido is made to take another live context of its tab than the page's (an isolated world,
    which has no ``kaleido_scopes``: the ReferenceError CI saw, in both tries) after each navigation
    and reload. The render finds the page's own context and draws at the first try."""
    from kaleido._kaleido_tab._tab import _KaleidoTab

    navigate, reload = _KaleidoTab.navigate, _KaleidoTab.reload
    taken: list[int] = []

    async def take_another_context(self) -> None:
        tree = await self.tab.send_command("Page.getFrameTree")
        frame = tree["result"]["frameTree"]["frame"]["id"]
        world = await self.tab.send_command("Page.createIsolatedWorld", params={"frameId": frame})
        self._current_js_id = world["result"]["executionContextId"]
        taken.append(self._current_js_id)

    async def navigate_then_take(self, url=""):
        await navigate(self, url)
        await take_another_context(self)

    async def reload_then_take(self):
        await reload(self)
        await take_another_context(self)

    monkeypatch.setattr(_KaleidoTab, "navigate", navigate_then_take)
    monkeypatch.setattr(_KaleidoTab, "reload", reload_then_take)
    png = exports.render_png(go.Figure(go.Bar(x=["a"], y=[1])), "projector")
    assert taken and png[:8] == b"\x89PNG\r\n\x1a\n"
    assert "before its page had loaded" not in caplog.text


def test_a_render_that_never_finds_its_page_fails_after_two_tries_and_the_job_says_so(
    monkeypatch, atlas, tmp_path, caplog
):
    blanked = _blank_first_pages(monkeypatch, pages=exports.RENDER_ATTEMPTS)
    live = LiveRuntime(atlas, Store(tmp_path))
    _, message = jobs.export_job(live, lambda _: None, {"kind": "png", "params": "target=investment"})
    assert len(blanked) == exports.RENDER_ATTEMPTS
    # The user reads Indonesian; Kaleido's own words go to the server log.
    assert (
        message
        == "Ekspor gagal: gambar tidak dapat dibuat di server; coba lagi, dan bila gagal lagi lihat log server"
    )
    assert exports.KALEIDO_NOT_READY in caplog.text


def _chromium_children() -> list[psutil.Process]:
    return [c for c in psutil.Process().children(recursive=True) if "chrom" in c.name().lower()]


def test_a_browser_that_hangs_is_killed_at_the_limit_and_the_next_render_is_drawn(monkeypatch):
    """A Chromium whose page never loads (the hang that once held the render lock for a whole test
    run) is ended at RENDER_SECONDS; the error says so, no browser is left, the lock is free."""
    from kaleido._kaleido_tab._tab import _KaleidoTab

    async def never_loads(self, url=""):
        await asyncio.sleep(3600)

    with monkeypatch.context() as patch:
        patch.setattr(_KaleidoTab, "navigate", never_loads)
        patch.setattr(exports, "RENDER_SECONDS", 8.0)
        with pytest.raises(exports.ExportError, match="not drawn within 8 s"):
            exports.render_png(go.Figure(go.Bar(x=["a"], y=[1])), "projector")
    assert _chromium_children() == []
    png = exports.render_png(go.Figure(go.Bar(x=["a"], y=[1])), "projector")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_browser_that_does_not_answer_its_close_is_killed_with_its_process_group(monkeypatch):
    """A Chromium that stops answering after drawing would keep choreographer's close waiting for ever
    (and the machine's render lock with it): the image still comes, and nothing of the browser is left."""
    import kaleido

    draw = kaleido.Kaleido.calc_fig
    groups: list[int] = []

    async def draw_then_freeze(self, *args, **kwargs):
        png = await draw(self, *args, **kwargs)
        groups.append(self.subprocess.pid)  # the wrapper leads the browser's session and group
        os.killpg(self.subprocess.pid, signal.SIGSTOP)
        return png

    monkeypatch.setattr(kaleido.Kaleido, "calc_fig", draw_then_freeze)
    monkeypatch.setattr(exports, "CLOSE_SECONDS", 3.0)
    png = exports.render_png(go.Figure(go.Bar(x=["a"], y=[1])), "projector")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert groups and _live_members(groups[0]) == []


def _live_members(group: int) -> list[psutil.Process]:
    """The processes of a process group that still run (a zombie has ended)."""
    members = []
    for process in psutil.process_iter(["status"]):
        with contextlib.suppress(ProcessLookupError, psutil.Error):
            if os.getpgid(process.pid) == group and process.info["status"] != psutil.STATUS_ZOMBIE:
                members.append(process)
    return members


def test_an_export_waits_for_the_machines_render_lock_only_so_long(monkeypatch):
    monkeypatch.setattr(exports, "LOCK_SECONDS", 0.5)
    held = FileLock(exports.RENDER_LOCK_FILE, mode=0o666)  # another process's render, as the lock sees it
    with (
        held,
        pytest.raises(exports.ExportError, match=r"other images were being drawn for more than 0\.5 s"),
    ):
        exports.render_png(go.Figure(go.Bar(x=["a"], y=[1])), "projector")


def test_a_job_with_a_bad_choice_says_why_in_the_users_language(atlas, tmp_path):
    live = LiveRuntime(atlas, Store(tmp_path))
    _, message = jobs.export_job(live, lambda _: None, {"kind": "png", "params": "lang=en&target=globe"})
    assert message.startswith("Export failed: choose an image of the map")
