"""dashboard.validation: the layout inlined in each page keeps every component and id, nothing else."""

from __future__ import annotations

from dash import dcc, html
from dash.development.base_component import Component

from dashboard.factory import create_app
from dashboard.validation import id_skeleton


def _components(root: Component) -> list[tuple[str, str, str]]:
    return sorted(
        (c._namespace, c._type, str(getattr(c, "id", "")))
        for c in [root, *root._traverse()]
        if isinstance(c, Component)
    )


def test_skeleton_keeps_every_component_and_id_and_drops_the_rest():
    graph = dcc.Graph(id="g", figure={"data": [{"type": "bar"}]}, className="chart")
    tabs = dcc.Tabs([dcc.Tab(html.P("body"), label=html.B("label", id="tab-label"), value="a")], id="tabs")
    root = html.Div(["text", graph, tabs, html.Span("x", id={"type": "t", "index": 1})], id="root", title="t")

    skeleton = id_skeleton(root)

    assert _components(skeleton) == _components(root)
    props = skeleton.to_plotly_json()["props"]
    assert set(props) == {"id", "children"}
    assert skeleton["g"].to_plotly_json()["props"] == {"id": "g"}
    assert skeleton["tabs"].children[0].label.id == "tab-label"  # a component in another prop is kept
    assert graph.figure == {"data": [{"type": "bar"}]}  # the original is untouched


def test_the_page_no_longer_inlines_the_figures(atlas, tmp_path, monkeypatch):
    monkeypatch.setenv("ATLAS_DATA_DIR", str(tmp_path))
    html_page = create_app(atlas).server.test_client().get("/").get_data(as_text=True)
    # ~30 kB of ids and script tags (their ?m= stamps vary in length); the figures would add hundreds of kB
    assert len(html_page) < 40_000
    assert '"validation_layout"' in html_page and "choroplethmap" not in html_page
