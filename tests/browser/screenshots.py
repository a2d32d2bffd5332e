"""Make the README's screenshots: ``python -m tests.browser.screenshots`` (offline, headless Chromium).

Each view is opened from its URL state on a fresh server with the internet blocked, exactly as a
user would see it, and saved under assets/screenshots/.
"""

from __future__ import annotations

import tempfile

from playwright.sync_api import sync_playwright

from tests.browser.harness import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DASH_IDLE_JS,
    MAP_DRAWN_JS,
    MAP_READY_JS,
    ROOT,
    block_the_internet,
    running_server,
)

OUT = ROOT / "assets" / "screenshots"
VIEWS = {
    "national": "?sector=palm_oil,rubber,bauxite,smelter,nickel&zone=galang_batang",
    "kaltim": "?view=kaltim",  # the whole Kaltim picture: IKN, its rings, the estates, the distance table
    "presentation": "?view=kaltim&lang=en&present=1",
}


def main() -> None:
    """Write one PNG per view."""
    OUT.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory() as data,
        running_server(env={"ATLAS_DATA_DIR": data}) as url,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for name, query in VIEWS.items():
            context = browser.new_context(viewport={"width": 1600, "height": 1000}, device_scale_factor=1)
            block_the_internet(context, [])
            page = context.new_page()
            page.goto(url + "/" + query)
            page.wait_for_function(MAP_READY_JS, timeout=60_000)
            page.wait_for_function(DASH_IDLE_JS, timeout=60_000)
            if name == "presentation":
                page.wait_for_function("() => document.body.classList.contains('presenting')")
            # the detailed outlines replace the national ones from the page's zoom (map-footprints.js):
            # wait until MapLibre holds and has drawn every source, then let it finish in software WebGL
            page.wait_for_function(MAP_DRAWN_JS, timeout=60_000)
            page.wait_for_timeout(2500)
            path = OUT / f"{name}.png"
            page.screenshot(path=str(path))  # the page is the viewport: map first, tools in tabs
            print(f"wrote {path.relative_to(ROOT)}")
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
