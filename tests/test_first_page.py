"""What the first page asks for beyond the atlas's own content (issue 14, first page <= 1 MB gzip):
no @babel/polyfill (regenerator-runtime only), no dash_table bundle (there is no DataTable), and
the atlas's small favicon instead of Dash's."""

from __future__ import annotations

import gzip
import json
import re
from typing import Any

import pytest
from dash import no_update
from dash._utils import to_json

from dashboard.factory import ASSETS, create_app, lazy_components
from dashboard.features import filters
from dashboard.features.language import language_outputs
from dashboard.features.panels import national_sources
from dashboard.i18n import DEFAULT_LANGUAGE
from dashboard.reducer import Controls
from dashboard.runtime import build_runtime


@pytest.fixture(scope="module")
def app(atlas, tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ATLAS_DATA_DIR", str(tmp_path_factory.mktemp("data")))
        yield create_app(atlas)


def _scripts(app) -> list[str]:
    page = app.server.test_client().get("/").get_data(as_text=True)
    return re.findall(r'<script src="([^"]+)"', page)


def test_the_page_loads_regenerator_runtime_instead_of_the_babel_polyfill(app):
    scripts = _scripts(app)
    assert not [src for src in scripts if "polyfill" in src]
    assert [src for src in scripts if src.startswith("/assets/vendor/regenerator-runtime.min.js")]
    # React, the renderer and dcc still come, after the runtime they call lazily.
    for bundle in ("react@", "react-dom@", "dash_renderer", "dash_core_components"):
        assert [src for src in scripts if bundle in src], bundle


def test_the_page_has_no_datatable_and_loads_no_dash_table_bundle(app):
    assert not [src for src in _scripts(app) if "dash_table" in src]
    namespaces: set[str] = set()

    def walk(node: Any) -> None:
        if hasattr(node, "_namespace"):
            namespaces.add(node._namespace)
            for value in vars(node).values():
                walk(value)
        elif isinstance(node, list | tuple):
            for child in node:
                walk(child)

    with app.server.test_request_context("/"):
        walk(app.layout())  # the page as served: built per load
    assert namespaces and "dash_table" not in namespaces, namespaces


@pytest.mark.parametrize(
    ("path", "raw_at_least", "zstd_ratio"),
    [
        ("/assets/vendor/plotly-atlas.min.js", 1_500_000, 0.285),  # zstd level 3 sends 0.31 of it
        ("/assets/glyphs/Noto%20Sans%20Bold/0-255.pbf", 50_000, 0.3),  # was sent raw
    ],
)
def test_the_map_s_script_and_glyphs_are_sent_compressed(app, path, raw_at_least, zstd_ratio):
    """What the first screen fetches comes compressed, for a browser that takes zstd and for one
    that takes only gzip (files are streamed, and flask-compress leaves gzip out of streams)."""
    from backports import zstd  # flask-compress's own zstd on Python < 3.14

    client = app.server.test_client()
    raw = client.get(path, headers={"Accept-Encoding": "identity"}).get_data()
    assert len(raw) >= raw_at_least
    for encoding, decode, ratio in (("zstd", zstd.decompress, zstd_ratio), ("gzip", gzip.decompress, 0.32)):
        response = client.get(path, headers={"Accept-Encoding": encoding})
        assert response.headers["Content-Encoding"] == encoding
        assert decode(response.get_data()) == raw
        assert len(response.get_data()) <= ratio * len(raw), encoding


def test_the_favicon_is_the_atlas_s_own(app):
    client = app.server.test_client()
    page = client.get("/").get_data(as_text=True)
    (href,) = re.findall(r'<link rel="icon"[^>]* href="([^"]+)"', page)
    response = client.get(href)
    assert response.status_code == 200
    assert response.data == (ASSETS / "favicon.ico").read_bytes()


def test_the_layout_is_already_in_the_default_language_so_the_switch_skips_the_first_load(app, atlas):
    """The language callback does not run on page load (prevent_initial_call): every text, option,
    label and placeholder it sets is the layout's own in the default language. A URL with another
    language still runs it: the URL sync sets the switch."""

    with app.server.test_request_context("/"):
        layout = app.layout()
    props: dict[str, dict[str, Any]] = {}

    def walk(node: Any) -> None:
        if hasattr(node, "_namespace"):
            if isinstance(getattr(node, "id", None), str):
                props[node.id] = node.to_plotly_json()["props"]
            for value in vars(node).values():
                walk(value)
        elif isinstance(node, list | tuple):
            for child in node:
                walk(child)

    walk([layout, *lazy_components()])  # a pane's part rendered when its tab opens: in the tab's language

    def same(a: Any, b: Any) -> bool:
        return json.loads(to_json(a)) == json.loads(to_json(b))

    outputs = language_outputs(build_runtime(atlas), DEFAULT_LANGUAGE)
    for element_id, text in outputs["texts"].items():
        assert same(props[element_id].get("children"), text), element_id
    for kind, prop in (("options", "options"), ("labels", "labels"), ("placeholders", "placeholder")):
        for element_id, value in outputs[kind].items():
            assert same(props[element_id].get(prop), value), (element_id, prop)
    assert same(props["comparison-sites"]["options"], outputs["sites"])
    assert props["app-root"]["lang"] == outputs["lang"]
    # the national sources are rendered in the language of the moment when their tab first opens
    assert props["national-source"].get("children") is None
    assert same(national_sources(atlas, DEFAULT_LANGUAGE), outputs["national_source"])


def test_a_page_load_sets_the_language_switch_only_when_the_url_changes_it(atlas):
    """So the language callback (prevent_initial_call) runs on load only for another language."""
    runtime = build_runtime(atlas)
    kept = filters.sync_state(runtime, None, "?sector=bauxite", Controls(lang=DEFAULT_LANGUAGE), None, None)
    assert kept["controls"]["lang"] is no_update
    assert kept["controls"]["sector"] == ["bauxite"]  # the others are set as before
    other = "en" if DEFAULT_LANGUAGE != "en" else "id"
    switched = filters.sync_state(
        runtime, None, f"?lang={other}", Controls(lang=DEFAULT_LANGUAGE), None, None
    )
    assert switched["controls"]["lang"] == other
