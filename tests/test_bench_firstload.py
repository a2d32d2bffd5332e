"""The first-page measure (bench/firstload.py) counts what travels over HTTP, not in-memory URLs."""

from __future__ import annotations

from bench.firstload import is_transfer


def test_only_http_responses_count_as_the_first_page_s_bytes():
    assert is_transfer("http://127.0.0.1:8050/assets/vendor/plotly-atlas.min.js")
    assert is_transfer("https://atlas.example/_dash-layout")
    # MapLibre's worker source: a blob of code the bundle already brought
    assert not is_transfer("blob:http://127.0.0.1:8050/a4c6ed5b-6fbb-4561-8965-8c013f5f8ee1")
    assert not is_transfer("data:image/svg+xml;base64,PHN2Zy8+")
