"""A malformed callback request is a logged 400; a bug in a callback is a logged 500 with its
traceback (never disguised as a 400), and the body carries no traceback either way."""

from __future__ import annotations

import logging

import pytest
from dash import Dash, Input, Output, html

from dashboard.hardening import harden


@pytest.fixture(scope="module")
def client():
    app = Dash(__name__)
    app.layout = html.Div([html.Button(id="go"), html.Div(id="out"), html.Div(id="bug")])

    @app.callback(Output("out", "children"), Input("go", "n_clicks"))
    def fine(clicks):
        return f"clicked {clicks}"

    @app.callback(Output("bug", "children"), Input("go", "title"))
    def broken(title):
        return {"a": 1}["missing"]  # a server bug: KeyError

    harden(app.server, app.callback_map)
    return app.server.test_client()


def call(client, output: str, prop: str, value, changes: dict | None = None):
    body = {
        "output": f"{output}.children",
        "outputs": {"id": output, "property": "children"},
        "inputs": [{"id": "go", "property": prop, "value": value}],
        "changedPropIds": [f"go.{prop}"],
        "state": [],
        **(changes or {}),
    }
    return client.post("/_dash-update-component", json=body)


def test_a_well_formed_request_is_answered(client):
    response = call(client, "out", "n_clicks", 3)
    assert response.status_code == 200 and b"clicked 3" in response.data


@pytest.mark.parametrize(
    "changes",
    [
        {"output": "nope.children"},
        {"outputs": [{"id": "out", "property": "children"}]},
        {"inputs": "go"},
        {"inputs": []},
        {"state": 5},
    ],
)
def test_malformed_requests_are_a_logged_400(client, caplog, changes):
    with caplog.at_level(logging.WARNING, logger="dashboard.hardening"):
        response = call(client, "out", "n_clicks", 1, changes)
    assert response.status_code == 400 and b"Traceback" not in response.data
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert any(r.levelno == logging.WARNING and "refused POST" in r.getMessage() for r in caplog.records)


def test_broken_json_is_a_400(client):
    response = client.post("/_dash-update-component", data=b"{not json", content_type="application/json")
    assert response.status_code == 400


def test_a_bug_in_a_callback_is_a_logged_500_with_its_traceback(client, caplog):
    with caplog.at_level(logging.ERROR, logger="dashboard.hardening"):
        response = call(client, "bug", "title", "x")
    assert response.status_code == 500
    assert b"Traceback" not in response.data and b"missing" not in response.data
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert errors and errors[0].exc_info and errors[0].exc_info[0] is KeyError
