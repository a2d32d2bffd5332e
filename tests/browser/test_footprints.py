"""Zone footprints in the live map, in a module of their own: a server and a browser that have not
already drawn every other flow (a style change re-indexes the footprints in software WebGL)."""

from __future__ import annotations

import json

from dashboard.figures import FOOTPRINT_LOOK, footprint_filter
from geodata.query import select_zones
from tests.browser.test_flows import pick_from_dropdown

FOOTPRINT_FILTERS_JS = """() => {
  const map = document.querySelector('#map .js-plotly-plot')._fullLayout.map._subplot.map;
  return ['footprints-indicative', 'footprints-indicative-outline', 'footprints-official', 'footprints-official-outline',
    'footprints-imported', 'footprints-imported-outline']
    .map((id) => JSON.stringify(map.getFilter(id)[2]));
}"""


def test_a_filter_reaches_the_footprints_and_outlives_a_style_change(session, atlas):
    session.open()
    pick_from_dropdown(session, "sector-filter", "Bauksit")
    expected = json.dumps(footprint_filter(select_zones(atlas.zones, ["bauxite"])), separators=(",", ":"))
    session.page.wait_for_function(
        f"() => ({FOOTPRINT_FILTERS_JS})().every((f) => f === {json.dumps(expected)})"
    )
    style_before = session.page.evaluate(
        "() => document.querySelector('#map .js-plotly-plot').layout.map.style"
    )
    session.page.get_by_label("Jenis kawasan").check()  # colour by kind: Plotly replaces the whole style
    session.page.wait_for_function(
        "() => JSON.stringify(document.querySelector('#map .js-plotly-plot')._fullLayout.map._subplot.map"
        ".getPaintProperty('footprints-official', 'fill-color')).includes('kind')"
    )
    session.settle()
    assert session.page.evaluate(FOOTPRINT_FILTERS_JS) == [expected] * 6
    session.page.wait_for_function(  # the footprints are loaded again into the new style
        "(n) => { const map = document.querySelector('#map .js-plotly-plot')._fullLayout.map._subplot.map;"
        " const data = map.getSource('footprints').serialize().data;"
        " return typeof data === 'object' && data.features.length === n; }",
        arg=len(atlas.footprints),
    )
    assert style_before["layers"][-1]["filter"][2] is True  # the figure's style never carries the filter
    assert session.console_errors == []


def test_official_boundaries_are_labelled_and_indicative_circles_dashed(session, atlas):
    session.open("?zone=kendal")
    detail = session.text("#zone-detail")
    footprint = atlas.footprints.loc["kendal"]
    assert "Batas resmi (kek.go.id)" in detail and footprint["legal_basis"] in detail
    assert "Luas resmi (Luas_ha)" in detail and "Luas terukur (geodesik)" in detail
    assert str(footprint["metadata_year"]) in detail and "attributes (slug kek-kendal" in detail
    legend = session.text("#map-legend")
    assert "Batas resmi (kek.go.id)" in legend and "Indikatif, garis putus-putus" in legend
    dashes = session.page.evaluate(
        "() => document.querySelector('#map .js-plotly-plot')._fullLayout.map._subplot.map"
        ".getPaintProperty('footprints-indicative-outline', 'line-dasharray')"
    )
    assert dashes == list(FOOTPRINT_LOOK["indicative"][3])
    session.open("?zone=ki_kariangau")
    assert "indikatif (lingkaran seluas luas resmi, bukan batas)" in session.text("#zone-detail")
