"""Slow clients against the production command: do 8 or 16 clients that trickle their headers or
bodies stop everyone else? ``python -m bench.slowclients`` (about 5 minutes, loopback only).

For each server (the README's production command, waitress via ``app.py --production``, and
gunicorn ``-w 2 --threads 4``, the earlier production command) and each number of slow clients
(0, 8, 16; half trickle headers, half a 1 MB body, one byte every 0.5 s, reconnecting when closed),
a normal client makes sequential GETs of / with a 3 s timeout; a timed-out request counts as 3 s.
Results: p50/p95 and failures per case, in bench/results/slowclients-<timestamp>.json and a dated
section of bench/RESULTS.md.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
import urllib.request
from datetime import UTC, datetime

from bench.servers import gunicorn_argv, launch
from bench.stats import percentile
from tests.browser.harness import ROOT, free_port

SLOW_COUNTS = (0, 8, 16)
REQUESTS = 20
TIMEOUT_S = 3.0
TRICKLE_S = 0.5
SETTLE_S = 2.0


def waitress_argv(port: int) -> list[str]:
    """The README's production command."""
    return [sys.executable, "app.py", "--production", "--port", str(port)]


def _slow_client(port: int, body: bool, stop: threading.Event) -> None:
    """Hold a connection by sending one byte every TRICKLE_S; reconnect whenever the server closes it."""
    while not stop.is_set():
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
                if body:
                    sock.sendall(
                        b"POST /_dash-update-component HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        b"Content-Type: application/json\r\nContent-Length: 1000000\r\n\r\n"
                    )
                else:
                    sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                while not stop.wait(TRICKLE_S):
                    sock.sendall(b"x" if body else b"X")
        except OSError:
            stop.wait(TRICKLE_S)


def _normal_latencies(url: str) -> tuple[list[float], int]:
    """Seconds per sequential GET of / (TIMEOUT_S for a failure), and how many failed."""
    latencies, failures = [], 0
    for _ in range(REQUESTS):
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(url + "/", timeout=TIMEOUT_S) as response:
                response.read()
            latencies.append(time.perf_counter() - started)
        except OSError:
            latencies.append(TIMEOUT_S)
            failures += 1
    return latencies, failures


def run_case(url: str, port: int, slow: int) -> dict[str, float | int]:
    """One server under ``slow`` slow clients: the normal client's p50, p95 and failures."""
    stop = threading.Event()
    threads = [
        threading.Thread(target=_slow_client, args=(port, n % 2 == 1, stop), daemon=True) for n in range(slow)
    ]
    for thread in threads:
        thread.start()
    time.sleep(SETTLE_S if slow else 0)
    latencies, failures = _normal_latencies(url)
    stop.set()
    for thread in threads:
        thread.join(timeout=10)
    after, after_failures = _normal_latencies(url)
    return {
        "slow_clients": slow,
        "p50_ms": round(percentile(latencies, 50) * 1000, 1),
        "p95_ms": round(percentile(latencies, 95) * 1000, 1),
        "failed": failures,
        "requests": REQUESTS,
        "after_p95_ms": round(percentile(after, 95) * 1000, 1),
        "after_failed": after_failures,
    }


def main() -> None:
    servers = {
        "waitress (python app.py --production, 8 threads)": waitress_argv,
        "gunicorn -w 2 --threads 4 (gthread)": gunicorn_argv,
    }
    results = {}
    for name, argv in servers.items():
        port = free_port()
        with launch(argv(port), port, "slowclients-" + name.split()[0]) as server:
            results[name] = [run_case(server.url, port, slow) for slow in SLOW_COUNTS]
            print(name, results[name], flush=True)
    stamp = datetime.now(UTC)
    out = ROOT / "bench" / "results" / f"slowclients-{stamp:%Y%m%dT%H%M%SZ}.json"
    out.write_text(json.dumps({"when": stamp.isoformat(), "results": results}, indent=2) + "\n")
    lines = [
        "",
        f"## {stamp:%Y-%m-%d %H:%M} UTC — slow clients (issue 15)",
        "",
        f"- Command: `python -m bench.slowclients`; JSON: `bench/results/{out.name}`.",
        f"- Method: N slow clients (half trickle headers, half a 1 MB body, 1 byte / {TRICKLE_S:g} s, "
        f"reconnecting); a normal client makes {REQUESTS} sequential GETs of / (timeout {TIMEOUT_S:g} s, "
        "a timeout counts as that); then the slow clients stop and 20 more GETs are made.",
        "",
        "| server | slow clients | p50 ms | p95 ms | failed | p95 after (ms) |",
        "|---|---|---|---|---|---|",
    ]
    for name, cases in results.items():
        for case in cases:
            lines.append(
                f"| {name} | {case['slow_clients']} | {case['p50_ms']:,} | {case['p95_ms']:,} | "
                f"{case['failed']}/{case['requests']} | {case['after_p95_ms']:,} |"
            )
    with (ROOT / "bench" / "RESULTS.md").open("a") as handle:
        handle.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
