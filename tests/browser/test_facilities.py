"""The facilities layer in headless Chromium: switched on by the URL, drawn under the zones, and
counted in Sei Mangkei's detail panel within the URL's radius."""

from __future__ import annotations

from dashboard.figures import TRACE_FACILITIES
from dashboard.i18n import format_number
from geodata.facilities import facilities_near


def test_facilities_layer_from_the_url_and_counts_near_sei_mangkei(session, atlas):
    session.open("?facilities=1&zone=sei_mangkei&radius=40")
    page = session.page
    page.wait_for_function("() => document.querySelector('#facilities-near-total')")
    zone = atlas.zones.loc["sei_mangkei"]
    near = facilities_near(atlas, float(zone["lon"]), float(zone["lat"]), 40.0)
    assert session.text("#facilities-near-total") == (
        f"{format_number(len(near), 'id')} fasilitas dalam 40 km dari {zone['name']}"
    )
    national = atlas.facilities["sector"].value_counts()
    for sector, count in near["sector"].value_counts().items():
        line = session.text(f"#facilities-near-{sector}")
        assert line.endswith(
            f"{format_number(national[sector], 'id')} secara nasional; {count} dalam 40 km dari {zone['name']}"
        )
    page.wait_for_function(
        "(i) => document.querySelector('#map .js-plotly-plot').data[i].visible === true", arg=TRACE_FACILITIES
    )
    trace = session.map_trace(TRACE_FACILITIES)
    assert len(trace["lat"]) == len(atlas.facilities)
    assert sum(x is not None for x in trace["lon"]) == len(atlas.facilities)
    assert page.locator("#facilities-toggle input").is_checked()
    assert "Fasilitas industri" in session.text("#legend-facilities")

    page.locator("#facility-radius").fill("20")
    page.locator("#facility-radius").press("Enter")
    closer = facilities_near(atlas, float(zone["lon"]), float(zone["lat"]), 20.0)
    page.wait_for_function(
        "(text) => document.querySelector('#facilities-near-total').innerText === text",
        arg=f"{format_number(len(closer), 'id')} fasilitas dalam 20 km dari {zone['name']}",
    )
    assert "radius=20" in page.url
    assert session.blocked == [] and session.console_errors == []
