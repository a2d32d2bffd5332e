"""The partial plotly.js bundle in assets/vendor/ matches the plotly.js that plotly.py ships."""

from __future__ import annotations

import re
from pathlib import Path

from plotly.offline import get_plotlyjs_version

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
    changed (``_atlasSize``), and the online icon and font fixes are gone (the page is offline); and
    its scattermap trace gives a source data only when it changed (``_atlasSent``).
    tests/browser/test_plotly_bundle.py checks what the patches do on a live map."""
    bundle = BUNDLE.read_text(encoding="utf-8")
    assert bundle.count("this._atlasSize=") == 1
    assert "._atlasSent" in bundle
    assert "@mapbox/maki" not in bundle
    assert "Open Sans Extra Bold" not in bundle  # the font-name rewrites of setTransformRequest
