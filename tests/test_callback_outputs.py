"""Callbacks name their outputs (Dash dict outputs), and Dash's own dispatch applies a dict result with
no_update values inside it: only the named parts that changed reach the page."""

from __future__ import annotations

import json

import pytest

from dashboard.factory import create_app
from geodata.scoring import CRITERIA

MAX_POSITIONAL = 3  # more outputs than this must be named


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ATLAS_DATA_DIR", str(tmp_path_factory.mktemp("outputs")))
        yield create_app()


def _outputs(key: str) -> list[str]:
    return key[2:-2].split("...") if key.startswith("..") else [key]


def test_every_server_callback_with_more_than_three_outputs_names_them(app):
    """A server callback keeps its output grouping in ``outputs_indices``: a dict when named. (A
    clientside callback returns a JavaScript array; Dash has no names for those.)"""
    server = {
        key: entry for key, entry in app.callback_map.items() if entry.get("outputs_indices") is not None
    }
    assert len(server) >= 10  # the app's callbacks are all here
    positional = [
        key
        for key, entry in server.items()
        if len(_outputs(key)) > MAX_POSITIONAL and not isinstance(entry["outputs_indices"], dict)
    ]
    assert positional == []
    named = [key for key, entry in server.items() if isinstance(entry["outputs_indices"], dict)]
    assert any("view-state.data" in key for key in named)  # the state sync
    assert any("national-chart.figure" in key for key in named)  # the language switch
    assert any("kpi-zones.children" in key for key in named)  # the map and panels


def _entry(spec: dict, value: object) -> object:
    """A request's input, state or output entry for a spec of the callback map (a pattern id with
    ALL stands for every weight input on the page)."""
    if isinstance(spec["id"], dict):
        return [
            {"id": {"type": "weight", "criterion": c.id}, "property": spec["property"], "value": w}
            for c, w in zip(CRITERIA, value or [c.default_weight for c in CRITERIA], strict=True)
        ]
    return {"id": spec["id"], "property": spec["property"], "value": value}


def test_a_dict_result_with_no_update_inside_reaches_the_page_by_name(app):
    """A sector change: the state and the URL are sent, the controls the user did not touch are not
    (no_update inside the dict), and the wildcard weights output gets nothing either."""
    key = next(k for k in app.callback_map if k.startswith("..view-state.data...url.search.."))
    entry = app.callback_map[key]
    values = {"sector-filter": ["bauxite"], "url": "", "view-tabs": "national", "lang-toggle": "id"}
    body = {
        "output": key,
        "outputs": [
            [{"id": {"type": "weight", "criterion": c.id}, "property": "value"} for c in CRITERIA]
            if part.startswith("{")
            else {"id": part.rsplit(".", 1)[0], "property": part.rsplit(".", 1)[1]}
            for part in _outputs(key)
        ],
        "inputs": [_entry(spec, values.get(spec["id"])) for spec in entry["inputs"]],
        "state": [_entry(spec, None) for spec in entry["state"]],
        "changedPropIds": ["sector-filter.value"],
    }
    answer = app.server.test_client().post("/_dash-update-component", json=body)
    assert answer.status_code == 200, answer.data[:300]
    response = json.loads(answer.data)["response"]
    assert response["view-state"]["data"]["sector"] == ["bauxite"]
    assert response["url"]["search"] == "?sector=bauxite"
    assert "sector-filter" not in response and "kind-filter" not in response  # no_update: not sent
    assert not any(name.startswith("{") for name in response)  # the weights' list of no_update
