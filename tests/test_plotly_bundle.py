"""The partial plotly.js bundle in assets/vendor/ matches the plotly.js that plotly.py ships."""

from __future__ import annotations

import re
from pathlib import Path

from plotly.offline import get_plotlyjs_version

VENDOR = Path(__file__).resolve().parents[1] / "assets" / "vendor"
BUNDLE = VENDOR / "plotly-atlas.min.js"
MAPLIBRE_SHARED = VENDOR / "plotly-atlas-maplibre.js"


def test_bundle_header_and_embedded_version_match_plotly_py():
    text = BUNDLE.read_text(encoding="utf-8")
    header = re.match(r"/\*\*\n\* plotly\.js \(atlas - minified\) v(\S+)\n", text)
    assert header, "the bundle lost its licence header"
    assert "Licensed under the MIT license" in text[:600]
    embedded = re.findall(r'\.version="(\d+\.\d+\.\d+[^"]*)"\}', text)
    expected = get_plotlyjs_version()
    assert header.group(1) == expected, "rebuild tools/plotly-bundle for the plotly.js plotly.py ships"
    assert expected in embedded, f"plotly.js {expected} is not the version compiled into the bundle"


def test_maplibre_shared_code_ships_once_and_loads_first():
    """MapLibre's shared chunk is in its own file, not also inside the worker string of the bundle.

    "Unimplemented type" is an error message of the shared chunk's protobuf reader: plotly.js's own
    build carries it twice (page and worker copy)."""
    bundle, shared = BUNDLE.read_text(encoding="utf-8"), MAPLIBRE_SHARED.read_text(encoding="utf-8")
    assert bundle.count("Unimplemented type") == 0
    assert shared.count("Unimplemented type") == 1
    assert "@license 3-Clause BSD" in shared[:400]  # MapLibre's licence header travels with its code
    # the worker imports the shared file from the URL the page loaded it from
    assert 'import "+JSON.stringify(globalThis.__atlasMaplibreSharedUrl)' in bundle
    # Dash includes assets/ scripts in name order: the shared file must come first
    assert sorted([BUNDLE.name, MAPLIBRE_SHARED.name])[0] == MAPLIBRE_SHARED.name
