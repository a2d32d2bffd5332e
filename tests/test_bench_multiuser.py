"""The pure parts of bench/multiuser.py: the action mix, the per-action statistics, the lost-import
check and the memory summary (the timed run itself is the benchmark, not a test)."""

from __future__ import annotations

import json
from collections import Counter

from bench.multiuser import (
    MIX,
    Outcome,
    aggregate,
    correct,
    flatness,
    lost_imports,
    memory_summary,
    overlay_document,
    schedule,
)
from bench.report import _section_multiuser
from bench.targets import judge


def test_every_cycle_of_the_schedule_holds_the_mix_exactly_and_users_start_apart():
    total = sum(MIX.values())
    for offset in (0, 1, 5, total + 3):
        actions = schedule(MIX, 3 * total + 4, offset)
        for start in (0, total, 2 * total, 3):
            assert Counter(actions[start : start + total]) == Counter(MIX)
    # spread out, not in blocks: the heaviest action never fills a whole third of the cycle in a row
    cycle = schedule(MIX, total)
    assert max(len(run) for run in "".join(a[0] for a in cycle).split("i")) < total
    assert schedule(MIX, total, 1) == cycle[1:] + cycle[:1]
    assert schedule({"a": 1, "b": 3}, 8) == ["b", "a", "b", "b", "b", "a", "b", "b"]


def test_a_viewer_import_is_right_only_as_403_and_no_answer_is_an_error():
    assert correct(Outcome("import", "h", 403, 0.1, refusal_expected=True))
    assert not correct(Outcome("import", "h", 201, 0.1, refusal_expected=True))
    assert not correct(Outcome("import", "h", 401, 0.1, refusal_expected=True))
    assert correct(Outcome("import", "h", 201, 0.1))
    assert correct(Outcome("page", "h", 302, 0.1))
    assert not correct(Outcome("page", "h", 403, 0.1))
    assert not correct(Outcome("export", "h", 500, 0.1))
    assert not correct(Outcome("ogc", "h", None, 30.0))


def test_aggregate_counts_errors_refusals_and_takes_percentiles_of_correct_answers_only():
    outcomes = [Outcome("filter", "a", 200, s / 1000) for s in range(1, 101)]
    outcomes += [
        Outcome("filter", "b", 500, 9.0),
        Outcome("import", "a", 201, 0.4),
        Outcome("import", "b", 403, 0.02, refusal_expected=True),
        Outcome("import", "b", 422, 0.02),
        Outcome("zzz", "a", None, 1.0),
    ]
    table = aggregate(outcomes)
    assert list(table) == ["filter", "import", "zzz"]
    assert table["filter"]["n"] == 101 and table["filter"]["errors"] == 1
    assert table["filter"]["ms"]["n"] == 100
    assert table["filter"]["ms"]["median"] == 50.5 and abs(table["filter"]["ms"]["p95"] - 95.05) <= 0.05
    assert table["filter"]["statuses"] == {"200": 100, "500": 1}
    assert table["import"] == {
        "n": 3,
        "errors": 1,
        "refused_as_expected": 1,
        "statuses": {"201": 1, "403": 1, "422": 1},
        "ms": {"n": 2, "median": 210.0, "p95": 381.0, "mean": 210.0, "min": 20.0, "max": 400.0},
    }
    assert table["zzz"]["errors"] == 1 and table["zzz"]["statuses"] == {"no answer": 1}


def test_an_import_missing_from_either_host_is_lost_there():
    created = {"l1": "A", "l2": "B", "l3": "A"}
    listed = {"A": {"l1", "l2", "l3", "older"}, "B": {"l1", "l2"}}
    assert lost_imports(created, listed) == {"A": [], "B": ["l3"]}
    assert lost_imports({}, {"A": set()}) == {"A": []}


def test_memory_summary_start_peak_end_per_process():
    summary = memory_summary({"host A worker pid 7": [200.0, 260.5, 240.25], "gone": []})
    assert summary == {
        "host A worker pid 7": {
            "start_mb": 200.0,
            "peak_mb": 260.5,
            "end_mb": 240.2,
            "growth_mb": 40.2,
            "samples": 3,
        }
    }


def test_the_overlay_is_valid_geojson_with_distinct_names():
    first, second = (json.loads(overlay_document(3, n)) for n in (1, 2))
    assert first["type"] == "FeatureCollection" and len(first["features"]) == 3
    names = {f["properties"]["nama"] for doc in (first, second) for f in doc["features"]}
    assert len(names) == 6


def _office(errors: int, lost: int) -> dict:
    run = {"errors": errors, "imports_lost": {"http://a": lost, "http://b": 0}}
    return {"multiuser": {"setups": {"office": {"runs": {"8": run}}, "embedded": {"runs": {"8": run}}}}}


def test_targets_pass_only_with_no_error_and_no_lost_import():
    def status(results: dict, name: str) -> str:
        return next(row["status"] for row in judge(results) if row["target"] == name)

    assert status(_office(0, 0), "multi-user errors") == "PASS"
    assert status(_office(0, 0), "imports lost") == "PASS"
    assert status(_office(2, 0), "multi-user errors") == "MISS"
    assert status(_office(0, 1), "imports lost") == "MISS"
    assert status({}, "imports lost") == "not run"


def test_memory_is_flat_only_when_the_servers_grow_little_after_the_warm_up():
    flat = flatness({"after warm-up": 1000.0, "after 4 users": 1080.0, "after 8 users": 1090.0})
    assert flat == {
        "after_warm_up_mb": 1000.0,
        "end_mb": 1090.0,
        "growth_mb": 90.0,
        "growth_pct": 9.0,
        "last_step_growth_mb": 10.0,
        "flat": True,
    }
    assert flatness({"after warm-up": 500.0, "after 4 users": 560.0})["flat"] is False
    assert flatness({}) == {}
    results = {
        "multiuser": {
            "setups": {"embedded": {"memory_flat": flat}, "office": {"memory_flat": {"growth_pct": 12.5}}}
        }
    }
    worst = next(row for row in judge(results) if row["target"].startswith("multi-user memory growth"))
    assert (worst["measured"], worst["status"]) == (12.5, "MISS")


def test_the_report_puts_the_embedded_and_office_runs_side_by_side():
    def setup(p95: float, errors: int, growth: float) -> dict:
        table = {
            "page": {"n": 3, "errors": errors, "refused_as_expected": 0, "ms": {"median": 1.0, "p95": p95}}
        }
        run = {"actions": 3, "seconds": 1, "actions_per_s": 3, "errors": errors, "imports_stored": 0,
               "imports_lost": {}, "actions_table": table}  # fmt: skip
        return {"runs": {"4": run}, "memory_flat": {"growth_pct": growth, "flat": growth <= 10}}

    lines = _section_multiuser(
        {"mix": MIX, "setups": {"embedded": setup(120, 0, 4.0), "office": setup(340, 1, 25.0)}}
    )
    side = lines[lines.index("Side by side:") :]
    assert "| 4 users | page | 120 | 0 | 340 | 1 |" in side
    assert "| memory | growth after warm-up | 4.0 % | flat | 25.0 % | not flat |" in side
