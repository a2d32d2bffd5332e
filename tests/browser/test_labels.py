"""Map labels and the scale bar in headless Chromium, offline: MapLibre draws the zone, place and ring
names with the shipped glyphs, a metric scale bar follows the camera, and presentation mode enlarges
the labels."""

from __future__ import annotations

import re

from dashboard.figures import GLYPHS_URL, LABEL_SIZE, TRACE_ZONE_LABELS

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


def rendered_labels(session, wanted: str) -> list[str]:
    """The rendered label texts, once one of them contains ``wanted``."""
    handle = session.page.wait_for_function(
        f"(wanted) => {{ const t = ({RENDERED_LABELS_JS})(); return t && t.some((x) => x.includes(wanted)) ? t : null; }}",
        arg=wanted,
    )
    return handle.json_value()


def test_kaltim_labels_render_offline_with_local_glyphs(session):
    glyphs: list[str] = []
    session.page.on("request", lambda r: glyphs.append(r.url) if "/assets/glyphs/" in r.url else None)
    session.open("?view=kaltim")
    texts = rendered_labels(session, "IKN Nusantara")  # the Kaltim layers come with the first update
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
    session.page.evaluate(f"() => {LIVE_MAP}.jumpTo({{center: [116.8, -1.2], zoom: 11}})")
    session.page.wait_for_function(
        "(t) => document.querySelector('.atlas-scale').innerText !== t", arg=national
    )
    assert re.fullmatch(r"\d+ (km|m)", bar.inner_text())
    assert session.page.locator(".atlas-scale").count() == 1  # added once per map


def test_presentation_mode_enlarges_the_labels(session):
    session.open()
    page = session.page
    label_size = f"""() => {{
      const gd = document.querySelector('#map .js-plotly-plot');
      const layer = 'plotly-trace-layer-' + gd._fullData[{TRACE_ZONE_LABELS}].uid + '-symbol';
      return [gd.data[{TRACE_ZONE_LABELS}].textfont.size, {LIVE_MAP}.getLayoutProperty(layer, 'text-size')];
    }}"""
    assert page.evaluate(label_size) == [LABEL_SIZE["screen"]] * 2
    page.locator("#presentation-toggle").click()
    page.wait_for_function(f"() => ({label_size})()[1] === {LABEL_SIZE['present']}")
    assert "present=1" in page.url
    page.keyboard.press("Escape")
    page.wait_for_function(f"() => ({label_size})()[1] === {LABEL_SIZE['screen']}")
    assert "present" not in page.url
    assert session.blocked == [] and session.console_errors == []
