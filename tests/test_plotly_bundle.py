"""The partial plotly.js bundle in assets/vendor/ matches the plotly.js that plotly.py ships."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from plotly.offline import get_plotlyjs_version

from dashboard.figures import base_map_figure, investment_figure, national_figure, plotly_template
from dashboard.runtime import build_runtime
from dashboard.state import ViewState

BUNDLE = Path(__file__).resolve().parents[1] / "assets" / "vendor" / "plotly-atlas.min.js"


def test_bundle_header_and_embedded_version_match_plotly_py():
    text = BUNDLE.read_text(encoding="utf-8")
    header = re.match(r"/\*\*\n\* plotly\.js \(atlas - minified\) v(\S+)\n", text)
    assert header, "the bundle lost its licence header"
    assert "Licensed under the MIT license" in text[:600]
    embedded = re.findall(r'\.version="(\d+\.\d+\.\d+[^"]*)"\}', text)
    expected = get_plotlyjs_version()
    assert header.group(1) == expected, "rebuild tools/plotly-bundle for the plotly.js plotly.py ships"
    assert expected in embedded, f"plotly.js {expected} is not the version compiled into the bundle"


def test_maplibre_shared_code_ships_once():
    """MapLibre's shared chunk is in the bundle once (a string the page evaluates and the worker's
    source starts with), not also inside a worker string of its own as plotly.js's build has it.

    "Unimplemented type" is an error message of the shared chunk's protobuf reader."""
    bundle = BUNDLE.read_text(encoding="utf-8")
    assert bundle.count("Unimplemented type") == 1
    assert bundle.count("//# sourceURL=maplibre-gl-shared.js") == 1
    assert "@license 3-Clause BSD" in bundle  # MapLibre's licence travels with its code


def test_map_subplot_is_patched():
    """build.mjs patches plotly.js's map subplot: it resizes the map only when its container's size
    differs from the canvas MapLibre drew, and the online icon and font fixes are gone (the page is
    offline); and
    its scattermap trace gives a source data only when it changed (``_atlasSent``).
    tests/browser/test_plotly_bundle.py checks what the patches do on a live map."""
    bundle = BUNDLE.read_text(encoding="utf-8")
    assert bundle.count('.style.width!==(this.div.clientWidth||400)+"px"') == 1
    assert "._atlasSent" in bundle
    assert "@mapbox/maki" not in bundle
    assert "Open Sans Extra Bold" not in bundle  # the font-name rewrites of setTransformRequest


#: the colours the bundle's culori parses (tools/plotly-bundle/build.mjs: the rgb, hsl and lrgb
#: spaces only): #hex, rgb()/rgba(), hsl()/hsla() and CSS colour names, transparent among them
PARSED_COLOUR = re.compile(r"#[0-9a-fA-F]{3,8}|(rgba?|hsla?)\([^()]*\)|[a-z]+")


def _colours(node: Any, key: str = "") -> list[str]:
    """Every colour string in a figure's data and layout (MapLibre parses the style's own)."""
    if isinstance(node, dict):
        return [c for k, v in node.items() if k != "style" for c in _colours(v, f"{key}.{k}")]
    if isinstance(node, list | tuple):
        return [c for v in node for c in _colours(v, key)]
    return [node] if isinstance(node, str) and "color" in key.lower() else []


def test_every_colour_the_page_s_figures_name_is_one_the_bundle_parses(atlas, tmp_path, monkeypatch):
    monkeypatch.setenv("ATLAS_DATA_DIR", str(tmp_path))
    runtime = build_runtime(atlas)
    for name, figure in {
        "map": base_map_figure(atlas, runtime.model, runtime.hovers, runtime.overlays),
        "national": national_figure(atlas, "en", 2015),
        "investment": investment_figure(atlas.zones, runtime.model, atlas.zones, ViewState()),
        "template": plotly_template(),
    }.items():
        colours = set(_colours(figure))
        assert colours, name
        assert not {c for c in colours if c and not PARSED_COLOUR.fullmatch(c)}, name  # "": the default
