"""Start the servers under test as separate processes and read their memory from /proc.

The browser-test harness (tests/browser/harness.py) starts only ``python app.py`` and hides the
process; the benchmarks also start gunicorn and the bench launcher (another data directory, the
naive app) and need the process for its start-up time and peak RSS, so they launch here. Ports
and the loopback-only policy come from the harness.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from tests.browser.harness import ROOT, free_port

OUT = ROOT / "bench" / "out"
LOGS = OUT / "logs"


@dataclass
class Server:
    """A running server: its process, base URL, and seconds from process start to the first 200 of /."""

    process: subprocess.Popen
    url: str
    port: int
    ready_s: float
    log: Path
    started_at: float  # time.perf_counter() just before the process was spawned

    def pids(self) -> list[int]:
        """The server process and its children (gunicorn's workers)."""
        return [self.process.pid, *_children(self.process.pid)]

    def memory_mb(self) -> dict[str, float]:
        """Peak (VmHWM) and current (VmRSS) resident memory in MiB (the ``_mb`` keys): of the largest
        process and summed."""
        peaks, current = [], []
        for pid in self.pids():
            status = _status(pid)
            peaks.append(status.get("VmHWM", 0.0))
            current.append(status.get("VmRSS", 0.0))
        return {
            "peak_rss_mb": round(max(peaks, default=0.0), 1),
            "peak_rss_sum_mb": round(sum(peaks), 1),
            "rss_mb": round(max(current, default=0.0), 1),
            "processes": len(peaks),
        }


def _status(pid: int) -> dict[str, float]:
    """VmHWM/VmRSS of a process from /proc/<pid>/status, in MiB."""
    values: dict[str, float] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                values[key] = int(rest.split()[0]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return values


def rss_mb(pid: int) -> float | None:
    """Current resident memory (VmRSS) of a process in MiB; None once it has gone."""
    return _status(pid).get("VmRSS")


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                found += [int(child), *_children(int(child))]
    except OSError:
        pass
    return found


def wait_for_200(url: str, process: subprocess.Popen, timeout: float, interval: float = 0.01) -> None:
    """Poll ``url`` until it answers 200; raise if the process dies or the time runs out."""
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    response.read()
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")
        time.sleep(interval)


def _post(url: str, body: dict) -> dict | None:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        payload = response.read()
    return json.loads(payload) if payload else None  # 204: a job still running, nothing yet


def post_callback(url: str, body: dict, timeout: float = 120.0) -> dict:
    """POST one Dash callback request as the browser does; the server's JSON answer. A background
    callback (dashboard/jobs.py) answers with its job's handles first: poll them, as the page does,
    until the job's answer comes (at most ``timeout`` s)."""
    answer = _post(url + "/_dash-update-component", body) or {}
    if "cacheKey" not in answer:
        return answer
    poll = (
        url + "/_dash-update-component?" + urlencode({"cacheKey": answer["cacheKey"], "job": answer["job"]})
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        time.sleep(0.2)
        polled = _post(poll, body)
        if polled and "response" in polled:
            return polled
    raise TimeoutError(
        f"the background callback {body.get('output', '')[:60]} did not answer in {timeout:g} s"
    )


@dataclass(frozen=True)
class Spec:
    """How to start one server: its command line (listening on 127.0.0.1:port), a log name and the
    environment variables it gets on top of this process's."""

    argv: list[str]
    port: int
    name: str
    env: dict[str, str] = field(default_factory=dict)


@contextmanager
def launch_many(specs: list[Spec], timeout: float = 600.0) -> Iterator[list[Server]]:
    """Start every server at once (start-ups overlap), wait until each serves /, yield, stop them all.

    Output goes to bench/out/logs/<name>.log: a pipe nobody reads would block a chatty server.
    """
    LOGS.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        started: list[tuple[Spec, subprocess.Popen, float, Path]] = []
        for spec in specs:
            log = LOGS / f"{spec.name}.log"
            sink = stack.enter_context(log.open("w"))
            t0 = time.perf_counter()
            process = subprocess.Popen(
                spec.argv,
                cwd=ROOT,
                stdout=sink,
                stderr=subprocess.STDOUT,
                env={**os.environ, **spec.env, "PYTHONUNBUFFERED": "1"},
            )
            stack.callback(_stop, process)
            started.append((spec, process, t0, log))
        servers = []
        for spec, process, t0, log in started:
            url = f"http://127.0.0.1:{spec.port}"
            try:
                wait_for_200(url + "/", process, timeout)
            except RuntimeError as exc:
                raise RuntimeError(f"{spec.name}: {exc}; see {log}") from None
            servers.append(Server(process, url, spec.port, time.perf_counter() - t0, log, t0))
        yield servers


@contextmanager
def launch(argv: list[str], port: int, name: str, timeout: float = 600.0) -> Iterator[Server]:
    """One server (see ``launch_many``); ``ready_s`` is process start to the first 200 of /."""
    with launch_many([Spec(argv, port, name)], timeout) as servers:
        yield servers[0]


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=15)


def app_argv(port: int) -> list[str]:
    """The development server exactly as a user starts it."""
    return [sys.executable, "app.py", "--port", str(port)]


def gunicorn_argv(port: int, workers: int = 2, threads: int = 4) -> list[str]:
    """The production command from the README."""
    return [
        sys.executable, "-m", "gunicorn", "-w", str(workers), "--threads", str(threads),
        "-b", f"127.0.0.1:{port}", "app:server",
    ]  # fmt: skip


def data_argv(port: int, data_dir: Path, naive: bool = False) -> list[str]:
    """The bench launcher: the app (or the naive app) on another data directory."""
    argv = [sys.executable, "-m", "bench.serve", "--data", str(data_dir), "--port", str(port)]
    return [*argv, "--naive"] if naive else argv


__all__ = [
    "OUT",
    "Server",
    "Spec",
    "app_argv",
    "data_argv",
    "free_port",
    "gunicorn_argv",
    "launch",
    "launch_many",
    "rss_mb",
]
