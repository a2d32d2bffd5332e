"""Importing a planner's file in the browser: check, confirm, and see it on the map and in the data."""

from __future__ import annotations

import json

from shapely.geometry import mapping

from geodata.measure import geodesic_circle
from geodata.store import Store
from tests.browser.conftest import new_session
from tests.browser.harness import running_server


def boundary_file(tmp_path, atlas) -> str:
    zone = atlas.zones.loc["ki_kariangau"]
    polygon = geodesic_circle(zone["lon"], zone["lat"], 2.0, vertices=24)
    feature = {
        "type": "Feature",
        "properties": {"nama": "Kawasan Industri Kariangau", "sumber": "survei BPN 2025"},
        "geometry": mapping(polygon),
    }
    path = tmp_path / "batas_kariangau.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    return str(path)


def test_import_boundaries_confirm_and_see_them(browser, tmp_path, atlas):
    with running_server(env={"ATLAS_DATA_DIR": str(tmp_path / "data")}) as url:
        session, context = new_session(browser, url)
        session.open("?zone=ki_kariangau")
        assert "indikatif" in session.text("#zone-detail")
        session.show("import")
        session.page.get_by_label("Batas kawasan (ganti batas resmi atau indikatif)").check()
        session.page.locator("#import-upload input[type=file]").set_input_files(
            boundary_file(tmp_path, atlas)
        )
        session.page.wait_for_selector("#import-matches input[value='ki_kariangau']")
        assert session.page.locator("#import-matches input[value='ki_kariangau']").is_checked()
        assert "batas_kariangau.geojson" in session.text("#import-report")
        with session.page.expect_navigation():
            session.page.locator("#import-confirm").click()
        session.page.wait_for_function("() => document.querySelector('#zone-detail h3')")
        session.settle()
        session.show("detail")
        detail = session.text("#zone-detail")
        assert "Batas impor" in detail and "batas_kariangau.geojson" in detail
        assert session.page.locator("#import-layers li[data-layer]").count() == 1
        context.close()


def test_overlay_import_remove_and_undo(browser, tmp_path):
    csv = tmp_path / "calon_lokasi.csv"
    csv.write_text("nama,lon,lat\nCalon A,116.9,-1.1\nCalon B,117.2,-0.6\n", encoding="utf-8")
    with running_server(env={"ATLAS_DATA_DIR": str(tmp_path / "data")}) as url:
        session, context = new_session(browser, url)
        session.open("?panel=import")  # the open tool tab is part of the URL
        traces = session.page.evaluate("() => document.querySelector('#map .js-plotly-plot').data.length")
        session.page.locator("#import-upload input[type=file]").set_input_files(str(csv))
        session.page.wait_for_function("() => !document.querySelector('#import-confirm').disabled")
        with session.page.expect_navigation():
            session.page.locator("#import-confirm").click()
        session.open("?panel=import")
        assert (
            session.page.evaluate("() => document.querySelector('#map .js-plotly-plot').data.length")
            == traces + 1
        )
        assert "calon_lokasi.csv" in session.text("#map-legend")
        layer = session.page.locator("#import-layers li[data-layer]")
        with session.page.expect_navigation():
            layer.get_by_role("button", name="Hapus").click()
        session.open("?panel=import")
        assert session.page.locator("#import-layers li[data-removed='true']").count() == 1
        assert (
            session.page.evaluate("() => document.querySelector('#map .js-plotly-plot').data.length")
            == traces
        )
        with session.page.expect_navigation():
            session.page.locator("#import-layers li[data-layer]").get_by_role(
                "button", name="Pulihkan"
            ).click()
        session.open("?panel=import")
        assert (
            session.page.evaluate("() => document.querySelector('#map .js-plotly-plot').data.length")
            == traces + 1
        )
        context.close()


def test_a_bad_file_gets_a_specific_message_and_the_page_keeps_working(session, tmp_path):
    bad = tmp_path / "rusak.geojson"
    bad.write_text('{"type": "FeatureCollection", "features": [')
    scripts: list[str] = []
    session.page.on(
        "request", lambda request: scripts.append(request.url) if "upload" in request.url else None
    )
    session.open()
    # the drop zone and its script come when the tab first opens, not with the first page (issue 14)
    assert session.page.locator("#import-upload").count() == 0 and scripts == []
    session.show("import")
    session.page.locator("#import-upload input[type=file]").set_input_files(str(bad))
    assert [url for url in scripts if "async-upload" in url]
    session.page.wait_for_function(
        "() => document.querySelector('#import-report').innerText.includes('rusak.geojson')"
    )
    assert "ditolak" in session.text("#import-report")
    assert session.page.locator("#import-confirm").is_disabled()
    session.page.get_by_label("English").check()
    session.page.wait_for_function("() => document.querySelector('#label-sector').innerText === 'Sector'")


def test_a_long_check_shows_its_progress_and_cancel_stops_it(browser, tmp_path):
    rows = "\n".join(f"Titik {n},{116 + (n % 100) / 100},{-1 - (n // 100) / 100}" for n in range(20_000))
    big = tmp_path / "banyak_titik.csv"
    big.write_text("nama,lon,lat\n" + rows + "\n", encoding="utf-8")
    small = tmp_path / "calon_lokasi.csv"
    small.write_text("nama,lon,lat\nCalon A,116.9,-1.1\n", encoding="utf-8")
    with running_server(env={"ATLAS_DATA_DIR": str(tmp_path / "data")}) as url:
        session, context = new_session(browser, url)
        session.open("?panel=import")
        session.page.locator("#import-upload input[type=file]").set_input_files(str(big))
        session.page.locator("#import-progress").wait_for(state="visible")
        # the job has reported a step: the page knows its handle, so cancel can name it
        session.page.wait_for_function("() => Number(document.querySelector('#import-progress').value) >= 1")
        cancel = session.page.locator("#import-cancel")
        assert cancel.inner_text() == "Batalkan pemeriksaan"
        cancel.click()
        session.page.locator("#import-progress").wait_for(state="hidden")
        assert cancel.is_hidden() and session.page.locator("#import-confirm").is_disabled()
        assert session.text("#import-report") == ""
        session.page.locator("#import-upload input[type=file]").set_input_files(str(small))
        session.page.wait_for_function("() => !document.querySelector('#import-confirm').disabled")
        assert "calon_lokasi.csv" in session.text("#import-report")
        # the big check (about 10 s here) would have kept its upload for a confirm by now, had the
        # cancel not ended its process: only the small one waits
        session.page.wait_for_timeout(15_000)
        assert Store(tmp_path / "data").pending.stats()[0] == 1
        context.close()
