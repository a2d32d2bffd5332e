"""Map labels and the scale bar in headless Chromium, offline: MapLibre draws the zone, place and ring
names with the shipped glyphs, a metric scale bar follows the camera, and the presentation toggle
sets the URL state that enlarges the labels."""

from __future__ import annotations

import re
import time

from dashboard.figures import GLYPHS_URL

POLL_MS = 500
LIVE_MAP = "document.querySelector('#map .js-plotly-plot')._fullLayout.map._subplot.map"
# The texts of the rendered symbol features (labels) once the map is idle with its glyphs loaded.
RENDERED_LABELS_JS = f"""() => {{
  const map = {LIVE_MAP};
  if (!map.loaded() || !map.areTilesLoaded()) return null;
  const texts = map.queryRenderedFeatures()
    .filter((f) => f.layer.type === 'symbol')
    .flatMap((f) => Object.values(f.properties).filter((v) => typeof v === 'string'));
  return texts.length ? texts : null;
}}"""


def wait_until(page, script: str, timeout_s: float = 90.0) -> None:
    """Evaluate ``script`` every POLL_MS until it is true (no per-frame polling of a software-rendered map)."""
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(script):
        assert time.monotonic() < deadline, f"still false after {timeout_s} s: {script[:200]}"
        page.wait_for_timeout(POLL_MS)


def rendered_labels(session, wanted: str, any_of: tuple[str, ...] = ()) -> list[str]:
    """The rendered label texts, once one of them contains ``wanted`` and, given ``any_of``, one of
    them is one of those. MapLibre cuts and places each source's labels on its own, so the towns'
    may come a frame after the zones' (seen under CI's load)."""
    handle = session.page.wait_for_function(
        f"""([wanted, anyOf]) => {{
          const t = ({RENDERED_LABELS_JS})();
          const found = t && t.some((x) => x.includes(wanted)) && (!anyOf.length || t.some((x) => anyOf.includes(x)));
          return found ? t : null;
        }}""",
        arg=[wanted, list(any_of)],
        polling=POLL_MS,
    )
    return handle.json_value()


def test_kaltim_labels_render_offline_with_local_glyphs(session):
    glyphs: list[str] = []
    session.page.on("request", lambda r: glyphs.append(r.url) if "/assets/glyphs/" in r.url else None)
    session.open("?view=kaltim")
    # the Kaltim layers come with the first update; the towns' names at the view's own zoom, not
    # only zoomed in
    texts = rendered_labels(session, "IKN Nusantara", any_of=("Balikpapan", "Samarinda", "Sangatta"))
    assert any("MBTK" in text for text in texts), sorted(set(texts))
    assert any(re.fullmatch(r"\d+ km", text) for text in texts), sorted(set(texts))  # a ring distance
    session.page.evaluate(f"() => {LIVE_MAP}.jumpTo({{center: [116.75, -1.2], zoom: 10}})")
    texts = rendered_labels(session, "Buluminung")
    assert any("Kariangau (KIK)" in text for text in texts), sorted(set(texts))
    assert any(text == "Balikpapan" for text in texts), sorted(set(texts))
    prefix = GLYPHS_URL.split("{")[0]
    assert glyphs and all(prefix in url and url.endswith(".pbf") for url in glyphs)
    assert session.blocked == [] and session.console_errors == []


def test_scale_bar_follows_the_camera(session):
    session.open()
    bar = session.page.locator(".atlas-scale")
    bar.wait_for()
    national = bar.inner_text()
    assert re.fullmatch(r"\d+ (km|m)", national)
    assert 0 < bar.bounding_box()["width"] <= 124
    # Every text the bar shows from here on: a late Dash update may put the map back where its
    # layout says before a poll would see the bar at the new zoom.
    session.page.evaluate(
        "() => { window.__scaleTexts = []; const bar = document.querySelector('.atlas-scale'); "
        "new MutationObserver(() => window.__scaleTexts.push(bar.innerText))"
        ".observe(bar, {childList: true, characterData: true, subtree: true}); }"
    )
    session.page.evaluate(
        "() => Plotly.relayout(document.querySelector('#map .js-plotly-plot'), "
        "{'map.center': {lon: 116.8, lat: -1.2}, 'map.zoom': 11})"
    )
    session.page.wait_for_function("(t) => window.__scaleTexts.some((x) => x !== t)", arg=national)
    shown = session.page.evaluate("() => window.__scaleTexts")
    assert all(re.fullmatch(r"\d+ (km|m)", text) for text in shown), shown
    assert session.page.locator(".atlas-scale").count() == 1  # added once per map


def test_presentation_toggle_is_in_the_url_state(session):
    """The toggle puts ``present=1`` into the URL state (whose map Patch enlarges the labels, see
    tests/test_map_labels.py) and Escape takes it out again."""
    session.open()
    page = session.page
    page.locator("#presentation-toggle").click()
    wait_until(
        page, "() => location.search.includes('present=1') && document.body.classList.contains('presenting')"
    )
    session.settle()
    page.keyboard.press("Escape")
    wait_until(
        page, "() => !location.search.includes('present') && !document.body.classList.contains('presenting')"
    )
    assert session.blocked == [] and session.console_errors == []
