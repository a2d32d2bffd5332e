"""The time slider in a real browser, in a module of its own (its own server and browser): a year in
the URL shows the zones standing then, play steps the years and the URL follows, the keyboard moves
the slider, and on a phone the slider is on the first screen with nothing scrolling sideways.

Expected counts come from zones.csv read with the csv module, not from the code under test."""

from __future__ import annotations

import csv
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.conftest import new_session
from tests.browser.harness import SHOWN_ZONES_JS

ZONES_CSV = Path(__file__).resolve().parents[2] / "geodata" / "data" / "zones.csv"
THUMB = "#year-slider [role=slider]"


def standing(year: int) -> set[str]:
    """Ids of the zones of zones.csv established in ``year`` or before."""
    with ZONES_CSV.open(newline="", encoding="utf-8") as handle:
        return {
            row["id"]
            for row in csv.DictReader(handle)
            if row["established"].strip() and int(row["established"]) <= year
        }


def map_shows(session, expected: set[str]) -> None:
    """Wait until the map draws as many zones as expected (Plotly applies a patch after Dash is
    idle), then check they are those."""
    session.page.wait_for_function(f"() => ({SHOWN_ZONES_JS})().length === {len(expected)}")
    assert set(session.shown_zones()) == expected


def url_year(page) -> str | None:
    values = parse_qs(urlparse(page.url).query).get("year")
    return values[0] if values else None


def test_a_year_in_the_url_shows_the_zones_standing_then(session):
    session.open("?year=2015")
    expected = standing(2015)
    assert session.page.inner_text("#kpi-zones .kpi-value") == str(len(expected))
    map_shows(session, expected)
    assert session.page.inner_text("#year-value") == "2015"
    assert session.page.inner_text("#year-badge") == "2015"
    assert session.page.get_attribute(THUMB, "aria-valuenow") == "2015"
    note = session.page.inner_text("#kpi-zones .kpi-note")
    with ZONES_CSV.open(newline="", encoding="utf-8") as handle:
        unknown = sum(1 for row in csv.DictReader(handle) if not row["established"].strip())
    assert f"{unknown} kawasan tanpa tahun" in note


def test_play_steps_the_years_and_the_url_follows_then_pause_stops(session):
    session.open("?year=2015")
    session.page.click("#year-play")
    assert session.page.get_attribute("#year-play", "aria-pressed") == "true"
    session.page.wait_for_function("() => new URLSearchParams(location.search).get('year') === '2016'")
    session.page.wait_for_function("() => new URLSearchParams(location.search).get('year') === '2017'")
    session.page.click("#year-play")  # pause
    session.page.wait_for_function("() => document.getElementById('year-play').ariaPressed === 'false'")
    session.settle()
    paused_at = url_year(session.page)
    # on a loaded machine the slider may be a step or two past what the URL showed at the click
    assert 2017 <= int(paused_at) < 2026
    assert session.page.get_attribute(THUMB, "aria-valuenow") == paused_at
    session.page.wait_for_timeout(3500)  # two steps' time: nothing moves while paused
    session.settle()
    assert url_year(session.page) == paused_at
    expected = standing(int(paused_at))
    assert session.page.inner_text("#kpi-zones .kpi-value") == str(len(expected))
    map_shows(session, expected)


def press_on_the_slider(page, key: str, before: str, after: str, tries: int = 3) -> None:
    """Press ``key`` on the focused slider until the URL's year is ``after``. A press is repeated
    only while the slider still shows ``before``: in a slow CI run one press was lost (the slider's
    value stayed, the URL never changed), the focus presumably taken by a late re-render."""
    wanted = "(y) => new URLSearchParams(location.search).get('year') === y"
    for _ in range(tries):
        page.focus(THUMB)
        page.keyboard.press(key)
        try:
            page.wait_for_function(wanted, arg=after, timeout=15_000)
            return
        except PlaywrightTimeout:
            if page.get_attribute(THUMB, "aria-valuenow") != before:  # it moved: the URL is slow
                page.wait_for_function(wanted, arg=after)
                return
    raise AssertionError(f"{tries} presses of {key} left the slider at {before}")


def test_the_keyboard_moves_the_slider_even_when_presenting_and_show_all_clears_the_year(session):
    session.open("?year=2015&present=1")  # presentation's arrow keys step saved views, not the slider's
    session.page.focus(THUMB)
    assert (
        session.page.evaluate(f"() => document.querySelector('{THUMB}').getAttribute('aria-labelledby')")
        == "label-year year-value"
    )
    press_on_the_slider(session.page, "ArrowLeft", "2015", "2014")
    session.settle()
    assert "present=1" in session.page.url and session.page.inner_text("#year-badge") == "2014"
    assert session.page.inner_text("#kpi-zones .kpi-value") == str(len(standing(2014)))
    session.page.click("#year-clear")
    session.page.wait_for_function("() => !new URLSearchParams(location.search).has('year')")
    session.settle()
    assert session.page.inner_text("#year-badge") == ""
    assert session.page.is_hidden("#year-clear")
    with ZONES_CSV.open(newline="", encoding="utf-8") as handle:
        assert session.page.inner_text("#kpi-zones .kpi-value") == str(sum(1 for _ in csv.DictReader(handle)))


def test_on_a_phone_the_slider_is_on_the_first_screen_and_nothing_scrolls_sideways(browser, server_url):
    phone, context = new_session(browser, server_url, viewport={"width": 390, "height": 844})
    try:
        phone.open("?year=2019")
        box = phone.page.evaluate(
            "() => { const r = document.querySelector('#year-slider').getBoundingClientRect();"
            " const t = document.querySelector('#year-slider [role=slider]').getBoundingClientRect();"
            " return {left: r.left, right: r.right, thumbTop: t.top, thumbBottom: t.bottom,"
            " scroll: document.scrollingElement.scrollWidth, w: innerWidth, h: innerHeight}; }"
        )
        assert box["left"] >= 0 and box["right"] <= box["w"], box
        assert box["thumbTop"] >= 0 and box["thumbBottom"] <= box["h"], box  # no scrolling to reach it
        assert box["scroll"] <= box["w"], box
        assert phone.page.inner_text("#kpi-zones .kpi-value") == str(len(standing(2019)))
    finally:
        context.close()


def test_play_from_all_years_starts_at_the_first_year(session):
    session.open()
    assert session.page.is_hidden("#year-badge") and url_year(session.page) is None
    first = session.page.get_attribute(THUMB, "aria-valuemin")
    session.page.click("#year-play")
    session.page.wait_for_function(f"() => new URLSearchParams(location.search).get('year') === '{first}'")
    session.page.click("#year-play")  # pause
    session.page.wait_for_function("() => document.getElementById('year-play').ariaPressed === 'false'")
    session.settle()
    assert session.page.inner_text("#kpi-zones .kpi-value") == str(len(standing(int(url_year(session.page)))))
