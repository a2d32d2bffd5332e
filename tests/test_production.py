"""The production command (``app.py --production``, waitress) keeps serving while slow clients
trickle headers and bodies, and its own error answers carry the security headers."""

from __future__ import annotations

import socket
import threading
import time
import urllib.request

import pytest

from tests.browser.harness import running_server

SLOW = 16  # twice the threads: with gunicorn -w 2 --threads 4, 8 such clients stop every request


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    env = {"ATLAS_DATA_DIR": str(tmp_path_factory.mktemp("production"))}
    with running_server(extra_args=["--production"], env=env) as url:
        yield url


def trickle(port: int, body: bool, stop: threading.Event, connected: list[int]) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        head = (
            b"POST /_dash-update-component HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n"
            if body
            else b"GET / HTTP/1.1\r\nHost: x\r\n"
        )
        sock.sendall(head)
        connected.append(1)
        while not stop.wait(0.3):
            sock.sendall(b"x" if body else b"X")


def test_slow_clients_do_not_stop_the_others(production):
    port = int(production.rsplit(":", 1)[1])
    stop, connected = threading.Event(), []
    clients = [
        threading.Thread(target=trickle, args=(port, n % 2 == 0, stop, connected)) for n in range(SLOW)
    ]
    for client in clients:
        client.start()
    try:
        deadline = time.monotonic() + 5
        while len(connected) < SLOW and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(connected) == SLOW
        time.sleep(1)
        for _ in range(5):
            started = time.monotonic()
            with urllib.request.urlopen(production + "/", timeout=5) as response:
                assert response.status == 200 and b"_dash-config" in response.read()
            assert time.monotonic() - started < 3
    finally:
        stop.set()
        for client in clients:
            client.join(timeout=5)


def raw(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"POST /_dash-update-component HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999999\r\n\r\n", b"413"),
        (b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n", b"400"),
    ],
)
def test_the_servers_own_errors_carry_the_security_headers(production, request_bytes, status):
    answer = raw(int(production.rsplit(":", 1)[1]), request_bytes)
    head = answer.split(b"\r\n\r\n", 1)[0]
    assert head.split(b" ")[1] == status
    assert b"Content-Security-Policy: default-src 'self'" in head and b"X-Frame-Options: DENY" in head
