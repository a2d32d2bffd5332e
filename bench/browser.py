"""Headless Chromium on the dashboard, and timing of one interaction inside the page.

The clock runs in the page: the trigger's own input event (pointerdown / keydown, captured before
the app sees it) starts it, and a MutationObserver plus a 4 ms poll stop it when each expected
change is visible in the DOM or in the Plotly figure. Playwright's round trips are outside the
measured span. A fetch wrapper records every Dash callback request (start, end, bytes) so that a
slow interaction can be split into server time and browser time.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from playwright.sync_api import Browser, Page, sync_playwright

from tests.browser.harness import CHROMIUM, CHROMIUM_ARGS, MAP_READY_JS, block_the_internet

VIEWPORT = {"width": 1600, "height": 1000}
IDLE_JS = "() => !document.querySelector('[data-dash-is-loading=\"true\"]')"

# Installed before any page script: records Dash callback requests and long main-thread tasks.
INIT_JS = r"""
(() => {
  const original = window.fetch;
  window.__bench = {fetches: [], longTasks: []};
  window.fetch = async function (input, init) {
    const url = typeof input === 'string' ? input : (input && input.url) || '';
    if (!url.includes('_dash-update-component')) return original.apply(this, arguments);
    let output = '';
    try { output = JSON.parse(init.body).output; } catch (e) {}
    const record = {output, start: performance.now(), end: null, bytes: null};
    window.__bench.fetches.push(record);
    const response = await original.apply(this, arguments);
    record.headers = performance.now();
    response.clone().arrayBuffer().then((body) => {
      record.end = performance.now();
      record.bytes = body.byteLength;
    }, () => { record.end = performance.now(); record.failed = true; });
    return response;
  };
  try { performance.setResourceTimingBufferSize(100000); } catch (e) {}
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.__bench.longTasks.push([entry.startTime, entry.duration]);
    }).observe({type: 'longtask', buffered: true});
  } catch (e) {}
})();
"""

# Arms a measurement: checks is {name: source of a factory () => (() => bool)}; the factory runs
# now (to remember the 'before' state), the predicate after the trigger until it holds.
ARM_JS = r"""
({checks, triggers, timeoutMs, paintAfter}) => {
  const bench = window.__bench;
  const predicates = {};
  for (const [name, source] of Object.entries(checks)) predicates[name] = (new Function('return ' + source))()();
  const done = {};
  let t0 = null;
  let resolveResult;
  bench.result = new Promise((resolve) => { resolveResult = resolve; });
  const fetchesBefore = bench.fetches.length;
  const resourcesBefore = performance.getEntriesByType('resource')
    .filter((e) => e.name.includes('_dash-update-component')).length;
  const finish = (error) => {
    observer.disconnect();
    for (const type of triggers) window.removeEventListener(type, onTrigger, true);
    resolveResult({error: error || null, done, t0, fetchesBefore, resourcesBefore});
  };
  const mapPainted = () => {
    // The map counts as painted at the first animation frame after MapLibre has loaded every source.
    const gd = document.querySelector('#map .js-plotly-plot');
    const map = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot.map;
    if (!map) { done.map_painted = null; return; }
    const step = () => {
      if (map.loaded()) { requestAnimationFrame(() => { done.map_painted = performance.now() - t0; check(); }); }
      else requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  };
  const check = () => {
    if (t0 === null) return;
    for (const [name, predicate] of Object.entries(predicates)) {
      if (done[name] === undefined) {
        let ok = false;
        try { ok = predicate(); } catch (e) { ok = false; }
        if (ok) {
          done[name] = performance.now() - t0;
          if (name === paintAfter) mapPainted();
        }
      }
    }
    const all = Object.keys(predicates).every((name) => done[name] !== undefined)
      && (!paintAfter || done.map_painted !== undefined);
    if (all) { clearTimeout(timer); finish(null); }
  };
  const observer = new MutationObserver(check);
  const poll = () => { if (t0 !== null) { check(); if (!finished()) setTimeout(poll, 4); } };
  const finished = () => Object.keys(predicates).every((name) => done[name] !== undefined)
      && (!paintAfter || done.map_painted !== undefined);
  const onTrigger = (event) => {
    if (t0 !== null) return;
    t0 = event.timeStamp || performance.now();
    observer.observe(document.body, {childList: true, subtree: true, characterData: true});
    setTimeout(poll, 0);
  };
  for (const type of triggers) window.addEventListener(type, onTrigger, true);
  const timer = setTimeout(() => finish(t0 === null ? 'no trigger event' : 'timeout'), timeoutMs);
  return true;
}
"""

RESULT_JS = "() => window.__bench.result"

# After the page settled: the Dash requests of one interaction, relative to its trigger. Network
# times come from Resource Timing (not delayed by a busy main thread); the fetch wrapper names them.
COLLECT_JS = r"""
({t0, fetchesBefore, resourcesBefore}) => {
  const bench = window.__bench;
  const resources = performance.getEntriesByType('resource')
    .filter((e) => e.name.includes('_dash-update-component')).slice(resourcesBefore);
  const fetches = bench.fetches.slice(fetchesBefore).map((f, i) => {
    const r = resources[i];
    const matched = r && Math.abs(r.startTime - f.start) < 50;
    return {
      output: f.output, start: f.start - t0, bytes: f.bytes,
      first_byte: matched ? r.responseStart - t0 : null,
      end: matched ? r.responseEnd - t0 : (f.end == null ? null : f.end - t0),
    };
  });
  const longTasks = bench.longTasks.filter(([start]) => start >= t0).map(([start, d]) => [start - t0, d]);
  return {fetches, longTasks};
}
"""
PENDING_JS = "() => !window.__bench || window.__bench.fetches.every((f) => f.end !== null)"


# Check factories (JavaScript source). Each remembers what it needs at arm time.
def map_shown(length: int) -> str:
    """The map shows a changed set of zones, ``length`` of them. A zone's point is shown when the
    zones trace has its longitude (the naive baseline: null when hidden) and, where the trace hides
    by feature state (figures.BY_FEATURE_STATE, the app), its MapLibre feature state is not hidden
    (Plotly's feature id: position + 1). Counting asks MapLibre once per zone (~4 ms at 20,000), so
    it is redone only when the longitudes are new or the map's setFeatureState has been called."""
    return (
        "() => { const gd = document.querySelector('#map .js-plotly-plot'); const map = gd._fullLayout.map._subplot.map;"
        " if (!map.__benchStates) { const set = map.setFeatureState.bind(map); map.__benchStates = 1;"
        " map.setFeatureState = (...args) => { map.__benchStates += 1; return set(...args); }; }"
        " const count = () => { const zones = gd.data.find((t) => t.name === 'zones');"
        " const full = gd._fullData.find((t) => t.name === 'zones'); const subplot = gd._fullLayout.map._subplot;"
        " const state = full && full.meta && full.meta.featureState && subplot.traceHash[full.uid];"
        " const source = state ? state.sourceIds.circle : null;"
        " let n = 0; for (let i = 0; i < zones.lon.length; i++) {"
        " if (zones.lon[i] === null || zones.lon[i] === undefined) continue;"
        " if (source && (subplot.map.getFeatureState({source, id: i + 1}) || {}).hidden) continue; n++; }"
        " return {lon: zones.lon, states: map.__benchStates, n}; };"
        " let last = count(); const before = last.n;"
        " const shown = () => { const lon = gd.data.find((t) => t.name === 'zones').lon;"
        " if (lon !== last.lon || map.__benchStates !== last.states) { last = count(); } return last.n; };"
        f" return () => {{ const now = shown(); return now !== before && now === {length}; }}; }}"
    )


def chart_bars(length: int) -> str:
    """The investment chart was redrawn with the expected number of bars."""
    return (
        "() => { const gd = () => document.querySelector('#investment-chart .js-plotly-plot');"
        " const before = gd().data[0];"
        f" return () => {{ const now = gd().data[0]; return now !== before && (now.y || []).length === {length}; }}; }}"
    )


def text_is(selector: str, text: str) -> str:
    """The element's innerText equals ``text``."""
    return (
        f"() => () => {{ const el = document.querySelector({json.dumps(selector)});"
        f" return !!el && el.innerText.trim() === {json.dumps(text)}; }}"
    )


def text_starts(selector: str, prefix: str) -> str:
    """The element's innerText starts with ``prefix``."""
    return (
        f"() => () => {{ const el = document.querySelector({json.dumps(selector)});"
        f" return !!el && el.innerText.trim().startsWith({json.dumps(prefix)}); }}"
    )


def data_attr_is(selector: str, attribute: str, value: str) -> str:
    """The element's data-<attribute> equals ``value`` ('None' when absent)."""
    return (
        f"() => () => {{ const el = document.querySelector({json.dumps(selector)});"
        f" return !!el && String(el.dataset[{json.dumps(attribute)}] ?? 'None') === {json.dumps(value)}; }}"
    )


@dataclass
class PageSession:
    """One offline page with the timing hooks installed, and what it logged."""

    page: Page
    blocked: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)


# Compositing as a browser with a GPU does it, on this machine's software GL: the WebGL canvas is a
# texture the GPU process composites. With --disable-gpu Chromium composites in software instead
# and reads the canvas back every frame: the page's main thread waits for SwiftShader to finish
# drawing (bench/RESULTS.md, 2026-12-02 ad-hoc runs), a wait no user's browser has.
GPU_COMPOSITING_ARGS = [
    *(arg for arg in CHROMIUM_ARGS if arg != "--disable-gpu"),
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
]


@contextmanager
def chromium(gpu_compositing: bool = False) -> Iterator[Browser]:
    """Debian's Chromium, headless, through Playwright (no browser download); as the tests run it,
    or with ``gpu_compositing`` (GPU_COMPOSITING_ARGS)."""
    args = GPU_COMPOSITING_ARGS if gpu_compositing else CHROMIUM_ARGS
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def offline_page(browser: Browser, hooks: bool = True) -> Iterator[PageSession]:
    """A fresh context and page: internet blocked (as in the tests), timing hooks installed."""
    context = browser.new_context(viewport=VIEWPORT)
    session = PageSession(context.new_page())
    block_the_internet(context, session.blocked)
    if hooks:
        context.add_init_script(INIT_JS)
    session.page.on("console", lambda m: session.console_errors.append(m.text) if m.type == "error" else None)
    session.page.on("pageerror", lambda e: session.console_errors.append(str(e)))
    try:
        yield session
    finally:
        context.close()


def open_atlas(page: Page, url: str, timeout_ms: float = 120_000) -> None:
    """Load the page and wait until the map is drawn and no callback is in flight."""
    page.goto(url, timeout=timeout_ms)
    page.wait_for_function(MAP_READY_JS, timeout=timeout_ms)
    settle(page, timeout_ms)


def settle(page: Page, timeout_ms: float = 120_000) -> None:
    """No Dash callback in flight and every recorded request has its body."""
    page.wait_for_function(IDLE_JS, timeout=timeout_ms)
    page.wait_for_function(PENDING_JS, timeout=timeout_ms)


def timed(
    page: Page,
    checks: dict[str, str],
    action: Callable[[], None],
    triggers: tuple[str, ...] = ("pointerdown", "keydown"),
    paint_after: str | None = None,
    timeout_ms: float = 120_000,
) -> dict[str, Any]:
    """Arm the in-page clock, perform ``action`` with Playwright, return the in-page timings.

    Result: ``done`` {check name: ms from the trigger event} (+ ``all``: the last of them),
    ``fetches`` (Dash requests started after the trigger, ms relative to it: start, first_byte,
    end, bytes) and ``longTasks``; collected once the page has settled.
    ``map_painted`` is added when ``paint_after`` names the map check.
    """
    page.evaluate(
        ARM_JS,
        {"checks": checks, "triggers": list(triggers), "timeoutMs": timeout_ms, "paintAfter": paint_after},
    )
    action()
    result: dict[str, Any] = page.evaluate(RESULT_JS)
    if result.get("error"):
        raise RuntimeError(f"interaction not completed: {result['error']} (done: {result['done']})")
    result["done"]["all"] = max(result["done"][name] for name in checks)
    settle(page, timeout_ms)
    result.update(page.evaluate(COLLECT_JS, result))
    return result
