"""With a login on: an editor signs in and may import; a viewer signs in, sees the import panel
disabled, and the server refuses the import even when the page's request is forged; each keeps
personal saved views, and the editor shares one that the viewer then sees."""

from __future__ import annotations

from geodata.store import Store
from geodata.users import UserStore
from tests.browser.conftest import new_session
from tests.browser.harness import running_server

PASSWORDS = {"edda": "editor-password-1", "vera": "viewer-password-1"}

# A confirm of an import, forged in the page: the request the disabled button would have sent.
FORGED_CONFIRM_JS = """async () => {
  const deps = await (await fetch('/_dash-dependencies')).json();
  const cb = deps.find((d) => d.inputs.length === 1 && d.inputs[0].id === 'import-confirm');
  const parts = cb.output.slice(2, -2).split('...');
  const body = {
    output: cb.output,
    outputs: parts.map((p) => ({id: p.split('.')[0], property: p.split('.')[1].split('@')[0]})),
    inputs: [{id: 'import-confirm', property: 'n_clicks', value: 1}],
    state: cb.state.map((s) => ({id: s.id, property: s.property, value: s.id === 'lang-toggle' ? 'id' : null})),
    changedPropIds: ['import-confirm.n_clicks'],
  };
  const answer = await fetch('/_dash-update-component', {
    method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body),
  });
  return [answer.status, await answer.json()];
}"""


def sign_in(session, name: str) -> None:
    page = session.page
    page.goto(session.base_url + "/?view=kaltim", wait_until="domcontentloaded")
    assert page.url.startswith(session.base_url + "/login")
    assert page.locator("h2").inner_text() == "Sign in"  # headless Chromium asks for en-US
    page.fill("#name", name)
    page.fill("#password", PASSWORDS[name])
    with page.expect_navigation():
        page.click("#login-submit")
    assert page.url == session.base_url + "/?view=kaltim"
    session.open("?view=kaltim")


def test_editor_may_import_and_viewer_is_refused_even_when_forging(browser, tmp_path):
    data = tmp_path / "data"
    users = UserStore.for_data_dir(data)
    users.add("edda", "editor", PASSWORDS["edda"])
    users.add("vera", "viewer", PASSWORDS["vera"])
    csv = tmp_path / "calon_lokasi.csv"
    csv.write_text("nama,lon,lat\nCalon A,116.9,-1.1\n", encoding="utf-8")
    env = {"ATLAS_DATA_DIR": str(data), "ATLAS_AUTH": "login", "SECRET_KEY": "s" * 64}
    with running_server(env=env) as url:
        session, context = new_session(browser, url)
        sign_in(session, "edda")
        assert "edda (editor)" in session.text("#auth-user")
        session.show("import")  # the map-first screen: the import panel is a tool tab
        assert session.page.locator("#import-not-allowed").count() == 0
        assert not session.page.locator("#import-upload input[type=file]").is_disabled()
        session.page.locator("#import-upload input[type=file]").set_input_files(str(csv))
        session.page.wait_for_function("() => !document.querySelector('#import-confirm').disabled")
        with session.page.expect_navigation():
            session.page.locator("#import-confirm").click()
        assert [info.id for info in Store(data).layers()] == ["calon_lokasi"]
        context.close()

        session, context = new_session(browser, url)
        sign_in(session, "vera")
        assert "vera (pembaca)" in session.text("#auth-user")
        assert "impor memerlukan editor" in session.text("#import-not-allowed")
        session.show("import")  # the drop zone is rendered when the tab opens
        assert session.page.locator("#import-upload input[type=file]").is_disabled()
        status, answer = session.page.evaluate(FORGED_CONFIRM_JS)
        assert status == 403 and answer["code"] == "auth.forbidden"
        refusal = session.page.locator("#auth-refusal")
        refusal.wait_for()
        assert refusal.inner_text().startswith("Ditolak: peran Anda (pembaca)")
        session.page.get_by_label("English").check()
        session.settle()
        assert session.text("#auth-user") == "Signed in as vera (viewer)"
        assert session.text("#auth-sign-out") == "Sign out"
        with session.page.expect_navigation():
            session.page.locator("#auth-sign-out").click()
        assert session.page.url.startswith(url + "/login")
        context.close()


SAVED_TITLES_JS = (
    "() => [...document.querySelectorAll('#saved-views li[data-view] .link-button')].map((b) => b.innerText)"
)


def save_view(session, title: str) -> None:
    """Save the current view under ``title`` from the saved-views tab and wait until it is listed."""
    session.page.locator("#saved-title").fill(title)
    session.page.locator("#save-view").click()
    session.page.wait_for_function(f"(t) => ({SAVED_TITLES_JS})().includes(t)", arg=title)


def test_saved_views_are_personal_and_an_editor_shares_one_with_the_office(browser, tmp_path):
    data = tmp_path / "data"
    users = UserStore.for_data_dir(data)
    users.add("edda", "editor", PASSWORDS["edda"])
    users.add("vera", "viewer", PASSWORDS["vera"])
    env = {"ATLAS_DATA_DIR": str(data), "ATLAS_AUTH": "login", "SECRET_KEY": "s" * 64}
    with running_server(env=env) as url:
        session, context = new_session(browser, url)
        sign_in(session, "edda")
        session.show("saved")
        save_view(session, "Rencana Edda")
        save_view(session, "Untuk kantor")
        office = session.page.locator("#saved-views li[data-view]", has_text="Untuk kantor")
        assert "oleh edda" in office.inner_text() and "Pribadi" in office.inner_text()
        office.get_by_role("button", name="Bagikan ke kantor").click()
        session.page.wait_for_function(
            "() => [...document.querySelectorAll('#saved-views li[data-shared=true]')]"
            ".some((li) => li.innerText.includes('Untuk kantor'))"
        )
        assert "Dibagikan ke kantor: Untuk kantor" in session.text("#saved-message")
        context.close()

        session, context = new_session(browser, url)
        sign_in(session, "vera")
        session.show("saved")
        assert session.page.evaluate(SAVED_TITLES_JS) == ["Untuk kantor"]  # not edda's personal one
        shared = session.page.locator("#saved-views li[data-view]", has_text="Untuk kantor")
        assert "oleh edda" in shared.inner_text() and "Dibagikan" in shared.inner_text()
        assert shared.get_by_role("button", name="Hapus").count() == 0  # hers to look at, not to change
        save_view(session, "Catatan Vera")
        own = session.page.locator("#saved-views li[data-view]", has_text="Catatan Vera")
        assert (
            "Pribadi" in own.inner_text() and own.get_by_role("button", name="Bagikan ke kantor").count() == 0
        )
        context.close()

        session, context = new_session(browser, url)
        sign_in(session, "edda")
        session.show("saved")
        assert session.page.evaluate(SAVED_TITLES_JS) == ["Rencana Edda", "Untuk kantor"]
        context.close()
