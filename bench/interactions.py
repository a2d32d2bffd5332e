"""Browser interactions at national scale: sector filter (with and without the facilities layer), zone
pick, ring change, language switch.

Each is repeated (30 times by default, alternating between two states so that every repetition is
a real change), after two unmeasured warm-ups, in a fresh offline page on ``python app.py``. The
clock runs inside the page (see bench.browser): from the user's input event to the moment the
expected change is visible, so Playwright's own latency is not counted.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pandas as pd
from playwright.sync_api import Browser, Page

from bench import browser as b
from bench import timeline
from bench.servers import app_argv, data_argv, free_port, launch
from bench.stats import summarize
from dashboard.figures import CHART_BARS
from dashboard.i18n import format_number
from geodata import Atlas, load_atlas
from geodata.atlas import DATA_DIR
from geodata.connectivity import kaltim_analysis
from geodata.query import select_zones

WARMUP = 2
CALLBACK_NAMES = {
    "..view-state.data": "sync",
    "..map.figure": "view",  # the map and the panels (KPIs, chart, detail, legend, Kaltim tables)
    "..app-subtitle.children": "language",
}


def callback_name(output: str) -> str:
    """Short name of a Dash callback from its ``output`` key (as the browser sends it)."""
    for prefix, name in CALLBACK_NAMES.items():
        if output.startswith(prefix):
            return name
    return output[:40]


def phases(result: dict[str, Any]) -> dict[str, float]:
    """Split one interaction into server and browser time, in ms from the user's input event.

    Per callback: ``<name>_ttfb`` (request sent to first response byte: queueing plus server work),
    ``<name>_end`` (last byte arrived) and ``<name>_kb``. ``render_after_last_response`` is the time
    from the last response byte before the change was visible to the visible change (JSON parsing,
    React, Plotly, MapLibre); ``long_tasks`` is main-thread time in tasks over 50 ms.
    """
    split: dict[str, float] = {}
    done = result["done"]["all"]
    ends = []
    for fetch in result["fetches"]:
        name = callback_name(fetch["output"])
        if f"{name}_end" in split or fetch["end"] is None:
            continue
        if fetch.get("first_byte") is not None:
            split[f"{name}_ttfb"] = fetch["first_byte"] - fetch["start"]
        split[f"{name}_end"] = fetch["end"]
        split[f"{name}_kb"] = (fetch["bytes"] or 0) / 1000
        if fetch["end"] <= done:
            ends.append(fetch["end"])
    if ends:
        split["last_response_end"] = max(ends)
        split["render_after_last_response"] = done - max(ends)
    split["long_tasks"] = sum(duration for start, duration in result["longTasks"] if start <= done)
    return split


def _repeat(
    page: Page,
    reps: int,
    step: Callable[[int], dict[str, Any]],
    warmup: int = WARMUP,
) -> dict[str, Any]:
    """Run ``step(i)`` warmup + reps times; summarise every check and phase over the measured reps."""
    samples: list[dict[str, Any]] = []
    for index in range(warmup + reps):
        result = step(index)
        time.sleep(0.05)
        if index >= warmup:
            samples.append({"done": result["done"], "phases": phases(result)})
    checks = sorted({name for sample in samples for name in sample["done"]})
    phase_names = sorted({name for sample in samples for name in sample["phases"]})
    return {
        "reps": reps,
        "warmup": warmup,
        "ms": {
            name: summarize([s["done"].get(name) for s in samples if name in s["done"]]) for name in checks
        },
        "phases_ms": {
            name: summarize([s["phases"][name] for s in samples if name in s["phases"]])
            for name in phase_names
        },
        "samples_ms": [round(s["done"]["all"], 1) for s in samples],
    }


def choose_sector(zones: pd.DataFrame, sectors: list[str]) -> str:
    """The sector whose filter keeps most zones while still changing the map, KPIs and chart."""
    total_bars = int(zones["investment_idr_trillion"].notna().sum())
    best, best_count = None, -1
    for sector in sectors:
        shown = zones[select_zones(zones, [sector])]
        count, bars = len(shown), int(shown["investment_idr_trillion"].notna().sum())
        if 0 < count < len(zones) and bars != total_bars and count > best_count:
            best, best_count = sector, count
    if best is None:
        raise RuntimeError("no sector filter changes the map, the KPIs and the chart")
    return best


def filter_on_page(
    page: Page,
    zones: pd.DataFrame,
    sectors: list[str],
    reps: int,
    warmup: int = WARMUP,
    trace_reps: int = 2,
    headline: str = "all",
) -> dict[str, Any]:
    """Toggle one sector in the sector dropdown of an open atlas page; stop each repetition when the
    map (zones trace longitudes), the KPIs and the investment chart all show the new selection.

    ``zones`` needs the columns select_zones and the chart use (sectors, investment_idr_trillion).
    ``trace_reps`` more repetitions (not in the statistics) run under a Performance trace;
    ``headline`` is the check the result leads with ("all": the last of map, KPIs and chart).
    """
    sector = choose_sector(zones, sectors)
    states = []
    for chosen in ([sector], []):
        shown = zones[select_zones(zones, chosen)]
        states.append(
            {
                "map": b.map_shown(len(shown)),
                "kpis": b.text_is("#kpi-zones .kpi-value", format_number(len(shown), "id")),
                "chart": b.chart_bars(min(int(shown["investment_idr_trillion"].notna().sum()), CHART_BARS)),
            }
        )
    page.locator("#sector-filter").click()
    option = page.locator(f".dash-dropdown-content .dash-dropdown-option:has(input[value='{sector}'])")
    option.wait_for()

    def step(index: int) -> dict[str, Any]:
        return b.timed(page, states[index % 2], option.click, paint_after="map")

    result = _repeat(page, reps, step, warmup)
    if trace_reps:  # what the browser did: extra repetitions under a Performance trace
        result["timeline"] = timeline.traced(
            page, trace_reps, lambda: _repeat(page, trace_reps, lambda i: step(i + reps + warmup), 0)
        )
    page.keyboard.press("Escape")
    shown = int(select_zones(zones, [sector]).sum())
    result.update(
        {"sector": sector, "zones_total": len(zones), "zones_filtered": shown, "headline": headline}
    )
    return result


def measure_filter(
    browser: Browser,
    url: str,
    atlas: Atlas,
    reps: int,
    trace_reps: int = 2,
    query: str = "",
    headline: str = "all",
) -> dict[str, Any]:
    """The sector-filter interaction in a fresh offline page (see ``filter_on_page``); ``query`` opens
    the page in another state, e.g. ``?facilities=1`` with the 3,400-plant layer on (its points
    follow the same sector filter)."""
    with b.offline_page(browser) as session:
        b.open_atlas(session.page, url + "/" + query)
        result = filter_on_page(
            session.page,
            atlas.zones,
            list(atlas.sectors.index),
            reps,
            trace_reps=trace_reps,
            headline=headline,
        )
        result["console_errors"] = session.console_errors[:5]
    return result


def measure_zone(browser: Browser, url: str, atlas: Atlas, reps: int) -> dict[str, Any]:
    """Pick a zone in the zone-search dropdown; stop when the detail panel shows it (and the map marks it)."""
    zones = atlas.zones
    picks = [zones.iloc[0], zones.iloc[len(zones) // 2]]
    with b.offline_page(browser) as session:
        page = session.page
        b.open_atlas(page, url + "/")

        def step(index: int) -> dict[str, Any]:
            zone = picks[index % 2]
            page.locator("#zone-search").click()
            page.locator(".dash-dropdown-content .dash-dropdown-search").fill(zone["name"])
            option = page.locator(".dash-dropdown-content .dash-dropdown-option", has_text=zone["name"]).first
            option.wait_for()
            selected = (
                "() => { const gd = () => document.querySelector('#map .js-plotly-plot');"
                " const selected = () => gd().data.find((t) => t.name === 'selected'); const before = selected();"
                f" return () => {{ const now = selected(); return now !== before && (now.lon || []).length === 1"
                f" && Math.abs(now.lon[0] - {float(zone['lon'])}) < 1e-6; }}; }}"
            )
            checks = {"detail": b.text_is("#zone-detail h3", zone["name"]), "map": selected}
            result = b.timed(page, checks, option.click)
            if page.locator("#zone-search[aria-expanded=true]").count():
                page.keyboard.press("Escape")
            return result

        result = _repeat(page, reps, step)
        result["console_errors"] = session.console_errors[:5]
    result.update({"zones": [picks[0]["id"], picks[1]["id"]], "headline": "detail"})
    return result


def measure_rings(browser: Browser, url: str, atlas: Atlas, reps: int) -> dict[str, Any]:
    """Type ring distances and press Enter in the Kaltim view; stop when the distance table changed."""
    ring_sets = [(10.0, 20.0), (25.0, 50.0, 100.0)]
    reports = [kaltim_analysis(atlas, rings) for rings in ring_sets]
    changed = [
        (first["id"], first["within_ring_km"], second["within_ring_km"])
        for first, second in zip(reports[0]["sites"], reports[1]["sites"], strict=True)
        if first["within_ring_km"] != second["within_ring_km"]
    ]
    if not changed:
        raise RuntimeError("the two ring sets give the same table; pick others")
    zone_id = changed[0][0]

    def expected(ring: float | None) -> str:
        return "None" if ring is None else f"{ring:g}"

    with b.offline_page(browser) as session:
        page = session.page
        b.open_atlas(page, url + "/?view=kaltim")
        page.wait_for_selector("#distance-table-sites")
        box = page.locator("#ring-distances")

        def step(index: int) -> dict[str, Any]:
            rings = ring_sets[index % 2]
            box.fill(",".join(f"{r:g}" for r in rings))
            cell = f"#distance-table-sites tr[data-zone='{zone_id}'] td:nth-of-type(3)"
            checks = {"table": b.data_attr_is(cell, "ring", expected(changed[0][1 + index % 2]))}
            return b.timed(page, checks, lambda: box.press("Enter"), triggers=("keydown",))

        result = _repeat(page, reps, step)
        result["console_errors"] = session.console_errors[:5]
    result.update({"rings": [list(r) for r in ring_sets], "zone": zone_id, "headline": "table"})
    return result


def measure_language(browser: Browser, url: str, reps: int) -> dict[str, Any]:
    """Switch #lang-toggle; stop when the labels changed (KPI number formats are reported too)."""
    languages = [("English", "Sector", "IDR "), ("Bahasa Indonesia", "Sektor", "Rp ")]
    with b.offline_page(browser) as session:
        page = session.page
        b.open_atlas(page, url + "/")

        def step(index: int) -> dict[str, Any]:
            label, sector_label, money = languages[index % 2]
            checks = {
                "labels": b.text_is("#label-sector", sector_label),
                "kpis": b.text_starts("#kpi-investment .kpi-value", money),
            }
            radio = page.locator("#lang-toggle").get_by_label(label, exact=True)
            return b.timed(page, checks, radio.check)

        result = _repeat(page, reps, step)
        result["console_errors"] = session.console_errors[:5]
    result["headline"] = "labels"
    return result


def run(quick: bool = False) -> dict[str, Any]:
    """All four interactions against ``python app.py`` with the shipped data; server memory after.
    Then the facilities-on filter again on the naive baseline (bench.naive_app: no filter in the
    browser, whole map resent), in the same run, for the ratio."""
    reps = 6 if quick else 30
    atlas = load_atlas()
    port = free_port()
    with launch(app_argv(port), port, "interactions") as server, b.chromium() as browser:
        results: dict[str, Any] = {
            "filter": measure_filter(browser, server.url, atlas, reps, trace_reps=1 if quick else 2),
            # the map is redrawn in the browser (assets/filter.js): click to map updated
            "filter_facilities": measure_filter(
                browser, server.url, atlas, reps, trace_reps=0, query="?facilities=1", headline="map"
            ),
            "zone": measure_zone(browser, server.url, atlas, reps),
            "rings": measure_rings(browser, server.url, atlas, reps),
            "language": measure_language(browser, server.url, reps),
        }
        results["server_memory"] = server.memory_mb()
    results["zones"] = len(atlas.zones)
    naive_port = free_port()
    try:  # a failing baseline must not lose the app's numbers
        with (
            launch(data_argv(naive_port, DATA_DIR, naive=True), naive_port, "naive") as naive,
            b.chromium() as browser,
        ):
            results["filter_facilities_naive"] = measure_filter(
                browser, naive.url, atlas, reps, trace_reps=0, query="?facilities=1", headline="map"
            )
    except Exception as exc:
        results["naive_error"] = f"{type(exc).__name__}: {str(exc)[:300]}"
        return results
    real, base = results["filter_facilities"]["ms"]["map"], results["filter_facilities_naive"]["ms"]["map"]
    results["naive_over_client"] = {
        stat: round(base[stat] / real[stat], 2)
        for stat in ("median", "p95")
        if real.get(stat) and base.get(stat)
    }
    return results
