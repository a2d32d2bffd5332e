"""Browser fixtures: one dashboard server per session, a fresh offline page per test."""

from __future__ import annotations

import pytest

from tests.browser.harness import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DASH_IDLE_JS,
    MAP_READY_JS,
    SHOWN_ZONES_JS,
    block_the_internet,
    running_server,
)

playwright_api = pytest.importorskip("playwright.sync_api")
TIMEOUT_MS = 90_000  # software WebGL on 2 shared cores: generous, so that only real hangs fail
# The brief's laptop screen. Chromium draws the map in software here (no GPU), and that time grows with
# the pixels: a page opens about a fifth sooner than at 1600 x 1000 (6 alternating loads each, under load).
LAPTOP = {"width": 1366, "height": 768}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


# One server and one browser per test module: a long run never depends on a process that has
# served every other module's tests, and a slow machine only slows its own module.
@pytest.fixture(scope="module")
def server_url(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("atlas-data")
    with running_server(env={"ATLAS_DATA_DIR": str(data_dir)}) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


class Session:
    """A page on the dashboard with the internet blocked, plus what it logged."""

    def __init__(self, page, base_url: str, blocked: list[str], console_errors: list[str]) -> None:
        self.page = page
        self.base_url = base_url
        self.blocked = blocked
        self.console_errors = console_errors

    def open(self, query: str = "") -> None:
        self.page.goto(self.base_url + "/" + query, wait_until="domcontentloaded")
        self.page.wait_for_function(MAP_READY_JS, timeout=TIMEOUT_MS)
        self.settle()

    def settle(self) -> None:
        """Wait until Dash has no callback in flight (twice, so that chained callbacks have started)."""
        for _ in range(2):
            self.page.wait_for_function(DASH_IDLE_JS, timeout=TIMEOUT_MS)
            self.page.wait_for_timeout(50)

    def show(self, panel: str) -> None:
        """Open a tool tab of the drawer beside the map and wait until its pane shows."""
        self.page.locator(f"#tool-tabs label:has(input[value='{panel}'])").click()
        self.page.wait_for_function("(p) => !document.getElementById('pane-' + p).hidden", arg=panel)

    def map_trace(self, index: int) -> dict:
        return self.page.evaluate(
            "(i) => { const gd = document.querySelector('#map .js-plotly-plot'); "
            "const t = gd.data[i]; return {lon: t.lon, lat: t.lat, customdata: t.customdata, visible: t.visible}; }",
            index,
        )

    def shown_zones(self) -> list[str]:
        """Ids of the zones the map draws (see harness.SHOWN_ZONES_JS)."""
        return self.page.evaluate(SHOWN_ZONES_JS)

    def text(self, selector: str) -> str:
        return self.page.locator(selector).inner_text()


def new_session(
    browser, base_url: str, viewport: dict[str, int] | None = None, **context_options
) -> tuple[Session, object]:
    """A fresh browser context on ``base_url`` with the internet blocked; close the context after use."""
    context = browser.new_context(viewport=viewport or LAPTOP, **context_options)
    blocked: list[str] = []
    errors: list[str] = []
    block_the_internet(context, blocked)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    def uncaught(error) -> None:
        errors.append(str(error))
        print(f"uncaught in the page: {error.stack}")  # the message has no stack; shown if the test fails

    page.on("pageerror", uncaught)
    return Session(page, base_url, blocked, errors), context


@pytest.fixture
def session(browser, server_url):
    current, context = new_session(browser, server_url, accept_downloads=True)
    yield current
    # A test's route handler (a held server) may still be passing a request on: its answer is
    # disposed of with the context, and the error would be reported against the next test.
    current.page.unroute_all(behavior="ignoreErrors")
    context.close()
    failures = [e for e in current.console_errors if "Callback error" in e or "500" in e]
    assert not failures, f"a callback failed on the server during the test: {failures[:3]}"
