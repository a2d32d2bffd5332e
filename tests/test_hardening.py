"""A running server refuses crafted callback requests cleanly, sends security headers, and keeps serving."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from tests.browser.harness import running_server

GARBAGE = [
    None,
    12345,
    {"nested": {"deep": [1, 2]}},
    ["bauxite"] * 20_000,
    "<script>alert(1)</script>",
    "?view=" + "x" * 5000,
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with running_server(env={"ATLAS_DATA_DIR": str(tmp_path_factory.mktemp("hardening"))}) as url:
        yield url


def post(url: str, body: bytes) -> tuple[int, bytes]:
    request = urllib.request.Request(
        url + "/_dash-update-component",
        data=body,
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, dict(response.headers), response.read()


def dependencies(url: str) -> list[dict]:
    return json.loads(get(url + "/_dash-dependencies")[2])


def payload(callback: dict, value) -> dict:
    def entry(item: dict) -> dict:
        return {"id": item["id"], "property": item["property"], "value": value}

    return {
        "output": callback["output"],
        "outputs": [
            {"id": o.split(".")[0], "property": o.split(".")[-1]}
            for o in callback["output"].strip(".").split("...")
        ],
        "inputs": [entry(i) for i in callback["inputs"]],
        "state": [entry(s) for s in callback["state"]],
        "changedPropIds": [
            f"{i['id']}.{i['property']}" for i in callback["inputs"][:1] if not i["id"].startswith("{")
        ],
    }


def test_security_headers_and_no_debugger(server):
    status, headers, body = get(server + "/")
    assert status == 200
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert b"Werkzeug Debugger" not in body
    status, answer = post(server, b"{broken")
    assert status == 400 and b"Traceback" not in answer and b"Werkzeug Debugger" not in answer


@pytest.mark.parametrize(
    "body", [b"{not json", b"[]", b'{"output": "nope.children", "inputs": []}', b"\xff" * 1000]
)
def test_malformed_requests_are_refused_without_a_traceback(server, body):
    status, answer = post(server, body)
    assert 400 <= status < 500
    assert b"Traceback" not in answer


def test_every_callback_survives_garbage_inputs(server):
    callbacks = [c for c in dependencies(server) if not c.get("clientside_function")]
    assert len(callbacks) >= 8
    for callback in callbacks:
        for value in GARBAGE:
            status, answer = post(server, json.dumps(payload(callback, value)).encode())
            assert status in (200, 204, 400), (
                callback["output"],
                value if not isinstance(value, list) else "list",
                status,
            )
            assert b"Traceback" not in answer
    assert get(server + "/")[0] == 200


def test_a_hostile_url_state_is_refused_or_cleaned_and_the_page_still_works(server):
    sync = next(c for c in dependencies(server) if c["output"].startswith("..view-state.data"))
    body = payload(sync, None)
    body["inputs"][0]["value"] = "?view=moon&sector=<b>&rings=1e99&zone=../../etc&lang=xx"
    status, answer = post(server, json.dumps(body).encode())
    assert status in (200, 400) and b"Traceback" not in answer
    if status == 200:
        state = json.loads(answer)["response"]["view-state"]["data"]
        assert state["view"] == "national" and state["zone"] is None and state["lang"] == "id"
    assert get(server + "/")[0] == 200


def test_an_oversized_request_is_refused(server):
    status, _ = post(server, b"{" + b" " * 80_000_000 + b"}")
    assert status == 413
