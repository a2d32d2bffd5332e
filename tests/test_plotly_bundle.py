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
