"""Write a run: bench/results/<timestamp>.json (everything) and a dated section appended to
bench/RESULTS.md (previous sections are kept, so before/after runs sit side by side).

Where a target is missed, the section adds the profile that explains it, from the same run.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench.targets import judge

BENCH = Path(__file__).resolve().parent
RESULTS_MD = BENCH / "RESULTS.md"
RESULTS_DIR = BENCH / "results"
HEADER = """# Atlas Kawasan benchmark results

Appended by `python -m bench` (see bench/README.md for what each number means and how it is
measured). Every run adds a dated section; keep the sections of earlier runs, and run it before and
after each optimisation. The full numbers of each run are in bench/results/<timestamp>.json.
"""


def _num(value: Any, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}"


def _ms(stats: dict[str, Any] | None, key: str = "median") -> str:
    return _num((stats or {}).get(key), 0)


def _kb(value: int | float | None) -> str:
    return "–" if value is None else f"{value / 1000:,.0f} kB"


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _targets(results: dict[str, Any]) -> list[str]:
    rows = []
    for row in results["targets"]:
        value = row["measured"]
        digits = 2 if row["unit"] in ("s", "MB", "x") else 0
        measured = "–" if value is None else f"{_num(float(value), digits)} {row['unit']}"
        status = {"PASS": "**PASS**", "MISS": "**MISS**"}.get(row["status"], row["status"])
        rows.append([row["target"], row["goal"], measured, status])
    return _table(["target", "goal", "measured", "status"], rows)


def _phases_line(result: dict[str, Any]) -> str:
    phases = result.get("phases_ms", {})

    def med(name: str) -> str:
        return _ms(phases.get(name))

    parts = [f"sync response {med('sync_end')} ms"]
    for name in ("view", "language"):
        if f"{name}_end" in phases:
            parts.append(
                f"{name} response {med(name + '_end')} ms (first byte after {med(name + '_ttfb')} ms, "
                f"{_num(phases.get(name + '_kb', {}).get('median'), 0)} kB)"
            )
    parts.append(f"last response {med('last_response_end')} ms")
    parts.append(f"then browser until visible {med('render_after_last_response')} ms")
    parts.append(f"long main-thread tasks {med('long_tasks')} ms")
    return "medians from the input event: " + "; ".join(parts)


def _timeline_line(timeline: dict[str, Any] | None) -> str:
    if not timeline:
        return ""
    main = ", ".join(f"{name} {_num(ms, 0)} ms" for name, ms in timeline.get("main_thread_ms", {}).items())
    return (
        f"Performance timeline, per repetition ({timeline['repetitions']} traced, until settled): main thread "
        f"{_num(timeline.get('main_thread_total_ms'), 0)} ms = {main}; page workers "
        f"{_num(timeline.get('workers_busy_ms'), 0)} ms; GPU process {_num(timeline.get('gpu_process_busy_ms'), 0)} ms"
    )


def _section_load(load: dict[str, Any]) -> list[str]:
    rows = [
        [name, _num(load[key].get("median"), 3), _num(load[key].get("p95"), 3)]
        for name, key in (
            ("load_atlas()", "load_s"),
            ("import geodata", "import_s"),
            ("whole process", "process_s"),
        )
    ]
    return [
        f"Fresh process per run, {load['runs']} runs, {load['zones']} zones, {load['footprints']} footprints.",
        "",
        *_table(["phase", "median s", "p95 s"], rows),
    ]


def _phase_table(phases: list[dict[str, Any]]) -> list[str]:
    return _table(
        ["start-up phase", "s", "peak RSS after, MiB"],
        [[p["phase"], _num(p["s"], 2), _num(p["peak_rss_mb"], 0)] for p in phases],
    )


def _section_coldstart(cold: dict[str, Any]) -> list[str]:
    first = cold.get("first_start_s")
    return [
        *(
            [
                f"First start, data not yet validated (empty atlas cache): first 200 of / "
                f"{_num(first['first_200'], 2)} s, map drawn {_num(first['map_drawn'], 2)} s. Then:",
                "",
            ]
            if first
            else []
        ),
        f"{cold['runs']} cold starts of `python app.py`: first 200 of / median "
        f"{_num(cold['first_200_s'].get('median'), 2)} s (p95 {_num(cold['first_200_s'].get('p95'), 2)} s); "
        f"map drawn in Chromium median {_num(cold['map_drawn_s'].get('median'), 2)} s "
        f"(p95 {_num(cold['map_drawn_s'].get('p95'), 2)} s).",
        "",
        "One start-up split into phases (fresh process, bench.startup):",
        "",
        *_phase_table(cold.get("startup_phases", [])),
    ]


def _first_load_table(first: dict[str, Any]) -> list[str]:
    totals = first["by_category"]
    order = sorted((k for k in totals if k != "total"), key=lambda k: -totals[k]["raw_bytes"])
    rows = [
        [name, str(totals[name]["requests"]), _kb(totals[name]["raw_bytes"]),
         _kb(totals[name]["sent_body_bytes"] + totals[name]["sent_header_bytes"]), _kb(totals[name]["gzip_bytes"])]
        for name in [*order, "total"]
    ]  # fmt: skip
    return _table(["part", "requests", "raw", "sent by server (with headers)", "gzip -6 would be"], rows)


def _section_firstload(first: dict[str, Any]) -> list[str]:
    encodings = ", ".join(first.get("compressed_by_server", []))
    return [
        f"Empty-cache page load until the map is drawn and no callback is pending; the server sent "
        f"Content-Encoding: {encodings}. Map drawn after {_num(first['map_ready_s'], 2)} s "
        f"(all loads: {', '.join(_num(v, 2) for v in first.get('map_ready_s_all', [first['map_ready_s']]))}).",
        "",
        *_first_load_table(first),
    ]


def _section_interactions(inter: dict[str, Any]) -> list[str]:
    labels = {
        "filter": "sector filter -> map + KPIs + chart",
        "filter_facilities": "sector filter, facilities layer on -> map (filtered in the browser)",
        "filter_facilities_naive": "the same on the naive baseline (server round trip, whole map resent)",
        "zone": "zone pick (zone-search) -> detail panel",
        "rings": "ring distances + Enter -> distance table",
        "language": "language switch -> labels",
    }
    rows, notes = [], []
    for key, label in labels.items():
        result = inter.get(key)
        if not result:
            continue
        headline = result["ms"][result["headline"]]
        extra = ", ".join(
            f"{name} {_ms(stats)}/{_ms(stats, 'p95')}"
            for name, stats in result["ms"].items()
            if name not in (result["headline"],)
        )
        rows.append([label, str(result["reps"]), _ms(headline), _ms(headline, "p95"), extra])
        notes.append(f"- {label}: {_phases_line(result)}.")
        if result.get("timeline"):
            notes.append(f"  {_timeline_line(result['timeline'])}.")
        if result.get("console_errors"):
            notes.append(f"  Console errors: {result['console_errors']}")
    memory = inter.get("server_memory", {})
    return [
        f"`python app.py`, shipped data ({inter.get('zones')} zones), headless Chromium {1600}x{1000}, "
        "internet blocked; in-page clock from the input event; 2 warm-ups not counted.",
        "",
        *_table(["interaction", "reps", "median ms", "p95 ms", "other checks median/p95 ms"], rows),
        "",
        *notes,
        "",
        f"Server peak RSS after all interactions: {_num(memory.get('peak_rss_mb'), 0)} MiB.",
    ]


def _section_throughput(thr: dict[str, Any]) -> list[str]:
    rows = []
    for name, result in thr.get("callbacks", {}).items():
        single, loaded = result["single_client"], result["loaded"]
        rows.append(
            [
                name, _num(single["latency_ms"].get("median"), 1), _num(single["latency_ms"].get("p95"), 1),
                _num(loaded["requests_per_s"], 0), _num(loaded["latency_ms"].get("median"), 0),
                _num(loaded["latency_ms"].get("p95"), 0), str(loaded["requests"]),
                str(loaded["errors"] + sum(v for k, v in loaded["statuses"].items() if k != "200")),
                _kb(max(loaded["response_bytes"] or [0])),
            ]
        )  # fmt: skip
    memory = thr.get("server_memory", {})
    lines = [
        f"`gunicorn -w {thr.get('workers')} --threads {thr.get('threads')} app:server`; payloads captured from "
        f"a real page; 1 client (server latency), then {thr.get('concurrency')} concurrent keep-alive clients "
        "on 127.0.0.1 (the client shares the 2 cores).",
        "",
        *_table(
            [
                "callback (payload)",
                "1 client p50 ms",
                "1 client p95 ms",
                "req/s",
                "p50 ms",
                "p95 ms",
                "requests",
                "errors",
                "response",
            ],
            rows,
        ),
        "",
        f"Peak RSS: largest worker {_num(memory.get('peak_rss_mb'), 0)} MiB, master + workers "
        f"{_num(memory.get('peak_rss_sum_mb'), 0)} MiB.",
    ]
    if thr.get("missing_payloads"):
        lines.append(f"Payloads not captured: {', '.join(thr['missing_payloads'])}.")
    return lines


def _section_multiuser(multi: dict[str, Any]) -> list[str]:
    mix = ", ".join(f"{action} {weight}" for action, weight in multi.get("mix", {}).items())
    lines = [
        f"{' and '.join(str(n) for n in multi.get('users', []))} simulated users, each a thread running "
        f"the mix {mix} (of every {sum(multi.get('mix', {}).values())} actions) for "
        f"{_num(multi.get('duration_s'), 0)} s, {multi.get('think_s')} s between actions, alternating hosts. "
        "page = `/` + `/_dash-layout` + `/_dash-dependencies`; filter = the browser's sector-filter `sync` "
        "and `view` callback bodies; ogc = `/ogc/collections/zones/items?limit=100` (HTTP Basic); export = "
        "`/export/csv` or `/export/geojson`; import = `POST /api/imports` of a 3-point GeoJSON (Basic). "
        "An error is no answer, a status outside 2xx/3xx, or anything but 403 for a viewer's import "
        "(a 403 there is counted as refused). p50/p95 are of the correct answers, whole action.",
    ]
    for name, setup in multi.get("setups", {}).items():
        lines += ["", f"**{name}**: {setup.get('description', '')}; ready after "
                  f"{', '.join(_num(s, 1) for s in setup.get('ready_s', []))} s.", ""]  # fmt: skip
        for users, run in setup.get("runs", {}).items():
            rows = [
                [action, str(row["n"]), str(row["errors"]), str(row["refused_as_expected"]),
                 _num(row["ms"].get("median"), 0), _num(row["ms"].get("p95"), 0)]
                for action, row in run["actions_table"].items()
            ]  # fmt: skip
            load = run.get("load_average", {})
            lost = ", ".join(f"{host} {n}" for host, n in run["imports_lost"].items())
            lines += [
                f"{users} users: {run['actions']} actions in {_num(run['seconds'], 0)} s "
                f"({_num(run['actions_per_s'], 1)}/s), errors {run['errors']}; imports stored "
                f"{run['imports_stored']}, lost (not listed by the host): {lost}; load average (1/5/15 min) "
                f"{load.get('before')} -> {load.get('after')}.",
                "",
                *_table(["action", "n", "errors", "refused (403, expected)", "p50 ms", "p95 ms"], rows),
                "",
            ]
        memory = [
            [process, _num(m["start_mb"], 0), _num(m["peak_mb"], 0), _num(m["end_mb"], 0),
             f"{m['growth_mb']:+,.0f}"]
            for process, m in setup.get("memory", {}).items()
        ]  # fmt: skip
        flat = setup.get("memory_flat") or {}
        marks = ", ".join(f"{label} {_num(mb, 0)}" for label, mb in (setup.get("memory_marks") or {}).items())
        lines += [
            "RSS per server process over all its runs (MiB, sampled each second; start is after the warm-up):",
            "",
            *_table(["process", "start", "peak", "end", "end - start"], memory),
            "",
            f"All server processes together (MiB): {marks}. Growth after the warm-up "
            f"{_num(flat.get('growth_mb'), 0)} MiB ({_num(flat.get('growth_pct'), 1)} %), over the last run "
            f"{_num(flat.get('last_step_growth_mb'), 0)} MiB: memory "
            f"**{'flat' if flat.get('flat') else 'not flat'}** (flat: at most 10 % growth).",
        ]
    return [*lines, "", *_side_by_side(multi.get("setups", {}))]


def _side_by_side(setups: dict[str, Any]) -> list[str]:
    """Each action's p95 and errors per user count, one column pair per setup (embedded first)."""
    names = list(setups)
    if len(names) < 2:
        return []
    rows = []
    for users in setups[names[0]].get("runs", {}):
        actions = setups[names[0]]["runs"][users]["actions_table"]
        for action in actions:
            row = [f"{users} users", action]
            for name in names:
                cell = (setups[name].get("runs", {}).get(users, {}).get("actions_table") or {}).get(action)
                row += ["–", "–"] if cell is None else [_num(cell["ms"].get("p95"), 0), str(cell["errors"])]
            rows.append(row)
    growth = ["memory", "growth after warm-up"]
    for name in names:
        flat = setups[name].get("memory_flat") or {}
        growth += [f"{_num(flat.get('growth_pct'), 1)} %", "flat" if flat.get("flat") else "not flat"]
    header = ["users", "action", *(f"{name} {what}" for name in names for what in ("p95 ms", "errors"))]
    return ["Side by side:", "", *_table(header, [*rows, growth])]


def _section_scale(scale: dict[str, Any]) -> list[str]:
    rows = []
    for result in scale.get("scales", {}).values():
        real, naive = result["filter"], result["naive_filter"]
        first = result["first_load"]["by_category"]["total"]
        rows.append(
            [
                f"{result['zones']:,}", f"{real['reps']} / {naive['reps']}",
                f"{_ms(real['ms']['all'])} / {_ms(real['ms']['all'], 'p95')}",
                f"{_ms(naive['ms']['all'])} / {_ms(naive['ms']['all'], 'p95')}",
                f"{_num(result['naive_over_app'].get('median'), 1)}x",
                _ms(real["ms"].get("map_painted")),
                f"{first['raw_bytes'] / 1e6:,.1f} / {first['gzip_bytes'] / 1e6:,.2f}",
                _num(result["first_load"]["map_ready_s"], 1),
                f"{_num(result['memory']['app']['peak_rss_mb'], 0)} / {_num(result['memory']['naive']['peak_rss_mb'], 0)}",
                _num(result["server_ready_s"]["app"], 1),
            ]
        )  # fmt: skip
    lines = [
        "Synthetic zones from bench/synthetic.py (seeded; surveyed footprints of 30-200 vertices), served by "
        "bench.serve (the app) and bench.serve --naive (whole map figure resent per change), both started "
        "together (so the start-up column counts two processes sharing 2 cores).",
        "",
        *_table(
            [
                "zones",
                "reps app / naive",
                "filter app median / p95 ms",
                "filter naive median / p95 ms",
                "naive / app (median)",
                "app map painted median ms",
                "first load MB raw / gzip",
                "first map drawn s",
                "peak RSS app / naive MiB",
                "server start s",
            ],
            rows,
        ),
        "",
    ]
    for name, result in scale.get("scales", {}).items():
        lines.append(f"- {name}, app: {_phases_line(result['filter'])}.")
        if result["filter"].get("timeline"):
            lines.append(f"  {_timeline_line(result['filter']['timeline'])}.")
        lines.append(f"- {name}, naive: {_phases_line(result['naive_filter'])}.")
    for name, result in scale.get("scales", {}).items():
        steps = result["memory"].get("app_peak_rss_steps_mb")
        if steps:
            text = "; ".join(f"{step} {_num(mb, 0)} MiB" for step, mb in steps.items())
            lines.append(
                f"- {name}, app peak RSS: {text}; after the filter repetitions {_num(result['memory']['app']['peak_rss_mb'], 0)} MiB."
            )
    for name, error in (scale.get("errors") or {}).items():
        lines.append(f"- {name}: **failed**: `{error}`")
    phases = scale.get("startup_phases")
    if phases:
        lines += [
            "",
            f"Start-up phases at {phases['zones']:,} zones (fresh process, bench.startup):",
            "",
            *_phase_table(phases["phases"]),
        ]
    return lines


def _profiles(results: dict[str, Any]) -> list[str]:
    """For each missed target, the measurement of the same run that explains it."""
    lines: list[str] = []
    missed = {row["target"] for row in results["targets"] if row["status"] == "MISS"}
    inter = results.get("interactions") or {}
    scale = results.get("scale") or {}
    if "sector filter p95 (national)" in missed and inter.get("filter"):
        result = inter["filter"]
        lines += [
            "- **Filter (national)**: " + _phases_line(result) + ".",
            f"  {_timeline_line(result.get('timeline'))}.",
        ]
    big = (scale.get("scales") or {}).get("20000")
    if big and (
        "sector filter p95 (20,000 footprints)" in missed or "naive / Patch, filter median (20,000)" in missed
    ):
        lines += [
            "- **Filter (20,000)**: app " + _phases_line(big["filter"]) + ".",
            f"  {_timeline_line(big['filter'].get('timeline'))}.",
            "  Naive " + _phases_line(big["naive_filter"]) + ".",
        ]
    first = results.get("firstload")
    if first and "first load, gzip-compressed (national)" in missed:
        totals = first["by_category"]
        total = totals["total"]["gzip_bytes"]
        shares = sorted(((v["gzip_bytes"], k) for k, v in totals.items() if k != "total"), reverse=True)[:3]
        lines.append(
            "- **First load**: of "
            + _kb(total)
            + " gzip, "
            + "; ".join(f"{name} {_kb(size)} ({size / total:.0%})" for size, name in shares)
            + f". The server compresses nothing ({', '.join(first.get('compressed_by_server', []))}): "
            f"{_kb(totals['total']['sent_body_bytes'])} go over the wire."
        )
    cold = results.get("coldstart")
    if cold and "cold start to first 200 of / (median)" in missed:
        phases = sorted(cold.get("startup_phases", []), key=lambda p: -p["s"])[:3]
        lines.append(
            "- **Cold start**: the slowest start-up phases are "
            + "; ".join(f"{p['phase']} {p['s']:.2f} s" for p in phases)
            + " (table in section 2)."
        )
    if "peak server RSS (20,000)" in missed and big and big["memory"].get("app_peak_rss_steps_mb"):
        steps = big["memory"]["app_peak_rss_steps_mb"]
        lines.append(
            "- **Memory (20,000)**: peak RSS "
            + "; ".join(f"{step} {_num(mb, 0)} MiB" for step, mb in steps.items())
            + f"; after the filter repetitions {_num(big['memory']['app']['peak_rss_mb'], 0)} MiB."
        )
    if {"peak server RSS (20,000)", "peak server RSS (national)"} & missed and scale.get("startup_phases"):
        phases = scale["startup_phases"]["phases"]
        steps = [
            f"{p['phase']} -> {p['peak_rss_mb']:,.0f} MiB" for p in phases if p["peak_rss_mb"] is not None
        ]
        lines.append(
            f"- **Memory** (peak RSS after each start-up phase, {scale['startup_phases']['zones']:,} zones): "
            + "; ".join(steps)
            + "."
        )
    profile = (results.get("throughput") or {}).get("profile") or {}
    for name, result in profile.items():
        functions = ", ".join(
            f"{f['function']} {f['ms_per_request']} ms" for f in result["app_functions_cumulative"][:4]
        )
        lines.append(
            f"- **{name}** ({result['mean_ms']} ms per request in-process): JSON encoding "
            f"{result['json_encoding_ms']} ms; app functions (cumulative, under cProfile): {functions}."
        )
    return lines


def _section_tiles(tiles: dict[str, Any]) -> list[str]:
    made = tiles["import"]
    head = [f"{tiles['parcels']:,} synthetic parcels (bench/tiles.py, seeded) in five provinces.", ""]
    steps = f"Import steps: {'; '.join(made['steps'])}."
    if "browser_error" in tiles:
        return [*head, f"Import: {_num(made['seconds'])} s, peak RSS {_num(made['peak_rss_mb'], 0)} MiB, "
                f"archive {_num(made['archive_mb'])} MB. The browser part failed: `{tiles['browser_error']}`", "", steps]  # fmt: skip
    pan, filt = tiles["pan_zoom"], tiles["filter_ms"]
    rows = [
        ["import (`python -m geodata tiles`)", f"{_num(made['seconds'])} s", f"peak RSS {_num(made['peak_rss_mb'], 0)} MiB"],
        ["archive", f"{_num(made['archive_mb'])} MB", f"{made['tiles']:,} tiles, zooms {made['zooms'][0]}-{made['zooms'][1]}, polygons from {made['polygon_minzoom']}; largest tile {_num(made['largest_tile_kb'])} kB, median {_num(made['median_tile_kb'], 2)} kB"],
        ["first map draw, layer switched on", f"{_num(tiles['first_draw_ms'], 0)} ms", f"click to the map idle with the layer drawn, zoom {tiles['first_draw_zoom']}"],
        ["pan/zoom: longest main-thread task", f"{_num(pan['longest_task_ms'], 0)} ms", f"{pan['steps']} drags and wheel zooms to zoom {pan['zoom_end']}; {pan['long_tasks']} long tasks, {pan['tasks_over_200ms']} over 200 ms; idle after a step: median {_ms(pan['idle_after_step_ms'])} ms"],
        ["the same pan/zoom before, layer off", f"{_num(tiles['pan_zoom_layer_off']['longest_task_ms'], 0)} ms", f"{tiles['pan_zoom_layer_off']['long_tasks']} long tasks, {tiles['pan_zoom_layer_off']['tasks_over_200ms']} over 200 ms (the app without the layer, its first use of each map layer included)"],
        *(
            [[f"software compositing (`--disable-gpu`): pan/zoom {label}", f"{_num(run['longest_task_ms'], 0)} ms", f"{run['long_tasks']} long tasks, {run['tasks_over_200ms']} over 200 ms; idle after a step: median {_ms(run['idle_after_step_ms'])} ms"]
             for label, run in (("layer off", soft["pan_zoom_layer_off"]), ("layer on", soft["pan_zoom"]))]
            if (soft := tiles.get("software_compositing")) else []
        ),
        ["category filter (setFilter) to the map idle", f"median {_num(filt.get('median'), 0)} ms, p95 {_num(filt.get('p95'), 0)} ms", f"n={filt.get('n')} at zoom {tiles['filter_zoom']}; clearing it: {_num(filt['cleared_ms'], 0)} ms"],
        ["server", f"peak RSS {_num(tiles['server_memory']['peak_rss_mb'], 0)} MiB", f"ready in {_num(tiles['server_ready_s'])} s"],
    ]  # fmt: skip
    how = ("In Chromium with GPU compositing on SwiftShader (bench.browser.GPU_COMPOSITING_ARGS); the "
           "software compositing rows are the tests' `--disable-gpu`, whose canvas read-back every frame "
           "no browser with a GPU has.")  # fmt: skip
    return [*head, how, "", *_table(["what", "measured", "detail"], rows), "", steps]


def markdown(results: dict[str, Any]) -> str:
    """The RESULTS.md section of one run."""
    machine, versions, git = results["machine"], results["versions"], results["git"]
    title = f"## {results['started']} — {'quick' if results['quick'] else 'full'} run"
    if results.get("label"):
        title += f" — {results['label']}"
    version_text = ", ".join(f"{name} {value}" for name, value in versions.items())
    lines = [
        title,
        "",
        f"- Command: `{results['command']}`; took {results['duration_s'] / 60:.1f} min; "
        f"JSON: `bench/results/{results['stamp']}.json`.",
        f"- App: commit {git['commit']}{' with uncommitted changes to the app' if git['app_code_modified'] else ''}.",
        f"- Machine: {machine['nproc']} CPUs ({machine['cpu_model']}), {machine['ram_gib']} GiB RAM, {machine['os']}; "
        "no GPU (Chromium renders WebGL in software).",
        f"- Versions: {version_text}.",
        "- Load average (1 min) before -> after each benchmark (the machine has 2 cores; more than ~0.3 "
        "before a benchmark means something else was running): "
        + (
            ", ".join(
                f"{n} {v['before']} -> {v['after']}" for n, v in results.get("machine_load", {}).items()
            )
            or "not recorded"
        )
        + ".",
        "- Method: bench/README.md. Latencies are medians and p95 over the repetitions stated; "
        "1 MB = 1,000,000 bytes; memory is in MiB (VmHWM from /proc).",
        "",
        "### Targets",
        "",
        *_targets(results),
    ]
    sections = (
        ("load", "1. Loading the data", _section_load),
        ("coldstart", "2. Cold start", _section_coldstart),
        ("firstload", "3. First load (national)", _section_firstload),
        ("interactions", "4. Browser interactions (national)", _section_interactions),
        ("throughput", "5. Server callbacks under load", _section_throughput),
        ("scale", "6-7. Scale and the naive baseline", _section_scale),
        ("multiuser", "8. Many users: office deployment vs the embedded run", _section_multiuser),
        ("tiles", "9. Vector tiles: synthetic parcels", _section_tiles),
    )
    for key, heading, render in sections:
        if key in results["benchmarks_run"]:
            lines += ["", f"### {heading}", ""]
            value = results.get(key)
            if isinstance(value, dict) and "error" in value and len(value) == 1:
                lines.append(f"Failed: `{value['error']}`")
            else:
                lines += render(value)
    profiles = _profiles(results)
    if profiles:
        lines += ["", "### Profiles of the misses", "", *profiles]
    if results.get("notes"):
        lines += ["", "### Notes", "", *[f"- {note}" for note in results["notes"]]]
    return "\n".join(lines) + "\n"


def write(results: dict[str, Any]) -> tuple[Path, Path]:
    """Save the JSON and append the section to RESULTS.md (created with a header if missing)."""
    results["targets"] = judge(results)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    json_path = RESULTS_DIR / f"{results['stamp']}.json"
    json_path.write_text(json.dumps(results, indent=1, default=str) + "\n")
    existing = RESULTS_MD.read_text() if RESULTS_MD.exists() else HEADER
    RESULTS_MD.write_text(existing.rstrip("\n") + "\n\n" + markdown(results))
    return json_path, RESULTS_MD
