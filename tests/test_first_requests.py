"""A freshly started worker serves Dash's own bundles from its very first requests, even concurrent
ones (they were answered 400 while Dash was still setting itself up: a blank page)."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

from dashboard.factory import create_app


def test_a_fresh_app_serves_its_bundles_to_concurrent_first_requests(atlas, tmp_path, monkeypatch):
    monkeypatch.setenv("ATLAS_DATA_DIR", str(tmp_path))
    app = create_app(atlas)
    assert "dash" in app.registered_paths  # set up before the server takes a request
    client = app.server.test_client()
    page = client.get("/").get_data(as_text=True)
    bundles = re.findall(r'src="(/_dash-component-suites/[^"]+)"', page)
    assert len(bundles) >= 5
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda url: app.server.test_client().get(url).status_code, bundles * 2))
    assert statuses == [200] * len(bundles) * 2
