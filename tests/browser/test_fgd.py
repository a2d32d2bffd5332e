"""FGD-room flows in headless Chromium: presentation mode, saved views across a restart, exports, scoring."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from PIL import Image
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from pypdf import PdfReader

from dashboard.state import ViewState
from geodata.comparison import criteria_values
from geodata.scoring import CRITERIA, rank_sites
from tests.browser.conftest import new_session
from tests.browser.harness import running_server


def screen_table(session) -> pd.DataFrame:
    """The zone table as rendered on the page (headers and cell texts)."""
    session.show("table")
    session.page.locator("#title-table").click()
    session.page.wait_for_selector("#zone-table-grid")
    return session.page.evaluate(
        """() => {
            const table = document.querySelector('#zone-table-grid');
            const head = [...table.querySelectorAll('thead th')].map(th => th.innerText);
            const rows = [...table.querySelectorAll('tbody tr')].map(tr => [...tr.children].map(td => td.innerText));
            return {head, rows};
        }"""
    )


def download(session, button_id: str, tmp_path: Path, timeout: float = 150_000) -> Path:
    """The file a button exports. A PNG or PDF is a job (Kaleido, one render at a time on the machine,
    so it may queue behind another process's render); if none comes, the job's status says why."""
    if session.page.locator("#pane-export").is_hidden():
        session.show("export")
    try:
        with session.page.expect_download(timeout=timeout) as info:
            session.page.locator(f"#{button_id}").click()
    except PlaywrightTimeoutError as exc:
        status = session.page.locator("#export-status").inner_text()
        raise AssertionError(f"no download from #{button_id}; the export status says: {status!r}") from exc
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    return path


def test_presentation_mode_on_and_off(session):
    session.open()
    assert session.page.locator(".filters").is_visible()
    session.page.locator("#presentation-toggle").click()
    session.page.wait_for_function("() => document.body.classList.contains('presenting')")
    assert session.page.locator("#presentation-toggle").get_attribute("aria-pressed") == "true"
    assert not session.page.locator(".filters").is_visible()
    assert (
        session.page.locator("#map").is_visible() and session.page.locator("#investment-chart").is_visible()
    )
    font = session.page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
    assert font >= 20
    session.page.keyboard.press("Escape")
    session.page.wait_for_function("() => !document.body.classList.contains('presenting')")
    assert session.page.locator(".filters").is_visible()


def test_saved_views_survive_a_restart_and_step_with_arrow_keys(browser, tmp_path):
    queries = ["?sector=bauxite", "?view=kaltim", "?kind=KI&lang=en"]
    data_dir = tmp_path / "data"
    with running_server(env={"ATLAS_DATA_DIR": str(data_dir)}) as url:
        session, context = new_session(browser, url)
        for number, query in enumerate(queries, start=1):
            session.open(query)
            session.show("saved")
            session.page.locator("#saved-title").fill(f"Tampilan {number}")
            session.page.locator("#saved-note").fill(f"catatan {number}")
            session.page.locator("#save-view").click()
            session.page.wait_for_function(
                "(n) => document.querySelectorAll('#saved-views li[data-view]').length === n", arg=number
            )
        context.close()
    with running_server(env={"ATLAS_DATA_DIR": str(data_dir)}) as url:
        session, context = new_session(browser, url)
        session.open()
        items = session.page.locator("#saved-views li[data-view]")
        assert [items.nth(i).get_attribute("data-query") for i in range(3)] == queries
        session.page.locator("#presentation-toggle").click()
        # the keys step only once the page presents (the state comes back from the server first)
        session.page.wait_for_function("() => document.body.classList.contains('presenting')")
        session.settle()
        session.page.locator("#map").click(position={"x": 5, "y": 5})
        for query in queries:  # stepping keeps presentation mode on
            session.page.keyboard.press("ArrowRight")
            session.page.wait_for_function("(q) => location.search === q + '&present=1'", arg=query)
            session.settle()
        assert session.page.locator("#kind-filter input[value='KI']").is_checked()
        session.page.keyboard.press("ArrowLeft")
        session.page.wait_for_function("(q) => location.search === q + '&present=1'", arg=queries[1])
        session.settle()
        assert session.page.locator("#view-tabs input[value='kaltim']").is_checked()
        context.close()


def test_saved_views_rename_reorder_delete(session):
    session.open("?sector=nickel")
    session.show("saved")
    for title in ("Pertama", "Kedua"):
        session.page.locator("#saved-title").fill(title)
        session.page.locator("#save-view").click()
        session.page.wait_for_function(
            "(t) => [...document.querySelectorAll('#saved-views li[data-view] button.link-button')].some(b => b.innerText === t)",
            arg=title,
        )
    titles = lambda: session.page.locator("#saved-views li[data-view] .link-button").all_inner_texts()  # noqa: E731
    assert titles()[-2:] == ["Pertama", "Kedua"]
    last = session.page.locator("#saved-views li[data-view]").last
    last.get_by_role("button", name="Naik").click()
    session.page.wait_for_function(
        "() => { const b = [...document.querySelectorAll('#saved-views li[data-view] .link-button')].map(b => b.innerText);"
        " return b.indexOf('Kedua') < b.indexOf('Pertama'); }"
    )
    item = session.page.locator("#saved-views li[data-view]", has_text="Kedua")
    item.locator("input").fill("Kedua (ubah)")
    item.get_by_role("button", name="Ganti judul").click()
    session.page.wait_for_function(
        "() => document.querySelector('#saved-views').innerText.includes('Kedua (ubah)')"
    )
    session.page.locator("#saved-views li[data-view]", has_text="Pertama").get_by_role(
        "button", name="Hapus"
    ).click()
    session.page.wait_for_function(
        "() => !document.querySelector('#saved-views').innerText.includes('Pertama')"
    )
    assert "Kedua (ubah)" in titles()


def test_table_exports_have_the_screen_rows_and_columns(session, tmp_path):
    session.open("?sector=palm_oil&lang=en")
    session.page.wait_for_function("() => document.querySelector('#label-sector').innerText === 'Sector'")
    screen = screen_table(session)
    ids = [row[0] for row in screen["rows"]]
    csv_path = download(session, "export-csv", tmp_path)
    csv = pd.read_csv(csv_path, encoding="utf-8-sig")
    assert list(csv.columns) == screen["head"] and list(csv["id"]) == ids
    # the page's script says so in the page's language (its texts come from dashboard.i18n)
    session.page.wait_for_function(
        "(f) => document.querySelector('#export-status').innerText === 'Done: ' + f", arg=csv_path.name
    )
    xlsx = pd.read_excel(download(session, "export-xlsx", tmp_path), sheet_name=None)
    assert list(xlsx["zones"].columns) == screen["head"] and list(xlsx["zones"]["id"]) == ids
    assert "filters" in set(xlsx["about"]["field"])
    geojson_path = download(session, "export-geojson", tmp_path)
    geo = gpd.read_file(geojson_path)
    assert list(geo["id"]) == ids and set(screen["head"]) <= set(geo.columns)
    assert json.loads(geojson_path.read_text())["metadata"]["exported"]
    gpkg = download(session, "export-gpkg", tmp_path)
    layer = gpd.read_file(gpkg, layer="zones")
    assert list(layer["id"]) == ids and set(screen["head"]) <= set(layer.columns)
    assert set(layer["boundary"]) <= {"official", "imported", "indicative", "none"}
    with sqlite3.connect(gpkg) as db:
        assert (
            db.execute("select count(*) from gpkg_contents where table_name='footprints'").fetchone()[0] == 1
        )


def test_png_export_decodes_at_the_requested_size(session, tmp_path):
    session.open("?view=kaltim")
    projector = Image.open(download(session, "export-png", tmp_path))
    assert projector.size == (1920, 1080)
    status = session.text("#export-status")
    assert ".png" in status
    session.page.get_by_label("Grafik investasi per kawasan").check()
    session.page.get_by_label("Cetak A4 300 dpi").check()
    printed = Image.open(download(session, "export-png", tmp_path))
    assert printed.size == (3508, 2480)


def test_pdf_brief_is_one_page_with_names_and_sources(session, tmp_path, atlas):
    session.open("?view=kaltim&province=kalimantan_timur")
    reader = PdfReader(download(session, "export-pdf", tmp_path))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    for zone_id in ("ki_kariangau", "ki_buluminung", "maloy_batuta_trans_kalimantan"):
        assert atlas.zones.at[zone_id, "name"][:30] in text
    assert "Sumber" in text and "https://" in text
    assert "Jarak ke IKN" in text


def test_export_failure_is_reported_in_plain_words(session):
    session.open()
    session.page.route(
        "**/export/csv*", lambda route: route.fulfill(status=503, json={"error": "disk penuh"})
    )
    session.show("export")
    session.page.locator("#export-csv").click()
    session.page.wait_for_function(
        "() => document.querySelector('#export-status').innerText === 'Ekspor gagal: disk penuh'"
    )
    assert session.page.locator("#export-csv").is_enabled()
    # a render job the server refuses (a forged request) says why, in the page's language
    session.page.evaluate(
        "() => dash_clientside.set_props('export-request', {data: {kind: 'png', params: 'target=globe'}})"
    )
    session.page.wait_for_function(
        "() => document.querySelector('#export-status').innerText.startsWith('Ekspor gagal: pilih gambar')"
    )


def test_a_render_runs_as_a_job_with_progress_and_can_be_cancelled(session):
    session.open()
    session.show("export")
    session.page.get_by_label("Cetak A4 300 dpi").check()  # the slowest render: time to see the job
    session.page.locator("#export-pdf").click()
    progress, cancel = session.page.locator("#export-progress"), session.page.locator("#export-cancel")
    progress.wait_for(state="visible")
    cancel.wait_for(state="visible")
    session.page.wait_for_function("() => Number(document.querySelector('#export-progress').value) >= 1")
    cancel.click()
    progress.wait_for(state="hidden")
    assert cancel.is_hidden() and session.text("#export-status") == ""  # cancelled: no file, no message


def test_changing_a_weight_re_ranks_the_sites_as_the_formula_says(session, atlas):
    session.open("?view=kaltim")
    session.page.wait_for_selector("#comparison-table")

    def order() -> list[str]:
        return session.page.locator("#comparison-table tbody tr").evaluate_all(
            "rows => rows.map(r => r.dataset.site)"
        )

    sites = list(ViewState().sites)
    values = criteria_values(atlas, sites)
    weights = {c.id: c.default_weight for c in CRITERIA}
    expected = [r.site for r in rank_sites(values, weights)]
    assert order() == expected
    new_weights = {**weights, "road_km_to_ikn": 0.0, "area_ha": 10.0}
    for criterion in ("road_km_to_ikn", "area_ha"):
        box = session.page.locator(f"#criteria-weights input[id*='{criterion}']")
        box.fill(f"{new_weights[criterion]:g}")
        box.press("Enter")
        session.settle()
    expected = [r.site for r in rank_sites(values, new_weights)]
    session.page.wait_for_function(
        "(first) => document.querySelector('#comparison-table tbody tr').dataset.site === first",
        arg=expected[0],
    )
    assert order() == expected
    assert "weights=" in session.page.url
    assert session.page.locator("#comparison-formula").inner_text().startswith("Skor =")


@pytest.mark.parametrize("missing", ["investment_idr_trillion"])
def test_missing_values_are_marked_in_the_comparison(session, atlas, missing):
    session.open("?view=kaltim")
    session.page.wait_for_selector("#comparison-table")
    assert session.page.locator("#comparison-table td.missing").count() >= 1
