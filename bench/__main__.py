"""``python -m bench [--quick] [--only NAME ...] [--label TEXT] [--scales 2000,20000]``.

Runs the benchmarks in order (load, coldstart, firstload, interactions, throughput, scale,
multiuser, tiles), each
in its own processes, and writes bench/results/<timestamp>.json and a new section of
bench/RESULTS.md. A benchmark that fails is recorded as failed; the others still run.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from bench import (
    coldstart,
    firstload,
    interactions,
    load,
    machine,
    multiuser,
    report,
    scale,
    throughput,
    tiles,
)

BENCHMARKS: dict[str, Callable[..., dict[str, Any]]] = {
    "load": load.run,
    "coldstart": coldstart.run,
    "firstload": firstload.run,
    "interactions": interactions.run,
    "throughput": throughput.run,
    "scale": scale.run,
    "multiuser": multiuser.run,
    "tiles": tiles.run,
}


def _names(values: list[str]) -> list[str]:
    names = [name.strip() for value in values for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        raise SystemExit(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    return names


def main(argv: list[str] | None = None) -> int:
    """Run, record, print where the results went; exit 1 if a benchmark failed."""
    parser = argparse.ArgumentParser(prog="python -m bench", description="Atlas Kawasan benchmarks")
    parser.add_argument(
        "--quick", action="store_true", help="fewer repetitions, no 20,000-zone scale (~7-8 min)"
    )
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="NAME",
        help=f"run only these ({', '.join(BENCHMARKS)})",
    )
    parser.add_argument("--label", default="", help="a note for this run, e.g. 'before: layout caching'")
    parser.add_argument(
        "--scales", default=None, help="synthetic zone counts for 'scale' (default 2000,20000; --quick 2000)"
    )
    args = parser.parse_args(argv)
    chosen = _names(args.only) or list(BENCHMARKS)
    scales = tuple(int(n) for n in args.scales.split(",") if n) if args.scales else None
    started = datetime.now(UTC)
    results: dict[str, Any] = {
        "stamp": started.strftime("%Y%m%dT%H%M%SZ"),
        "started": started.strftime("%Y-%m-%d %H:%M UTC"),
        "command": "python -m bench " + " ".join(argv if argv is not None else sys.argv[1:]),
        "quick": args.quick,
        "label": args.label,
        "benchmarks_run": chosen,
        "machine": machine.machine(),
        "versions": machine.versions(),
        "git": machine.git_revision(),
        "notes": [],
        "machine_load": {},
    }
    clock = time.perf_counter()
    failed = False
    for name in chosen:
        print(f"[bench] {name} ...", flush=True)
        began = time.perf_counter()
        load_before = os.getloadavg()[0]
        try:
            kwargs: dict[str, Any] = {"quick": args.quick}
            if name == "scale":
                kwargs["scales"] = scales
            results[name] = BENCHMARKS[name](**kwargs)
        except Exception as exc:  # one failure must not lose the other numbers
            failed = True
            traceback.print_exc()
            results[name] = {"error": f"{type(exc).__name__}: {exc}"}
        # other work on the machine skews every number: keep the 1-minute load average around each benchmark
        results["machine_load"][name] = {
            "before": round(load_before, 2),
            "after": round(os.getloadavg()[0], 2),
        }
        print(f"[bench] {name} done in {time.perf_counter() - began:.0f} s", flush=True)
    if "scale" in chosen and (args.quick and scales is None):
        results["notes"].append(
            "--quick: the 20,000-zone scale was not run (targets at 20,000 show 'not run')."
        )
    results["duration_s"] = round(time.perf_counter() - clock, 1)
    json_path, markdown_path = report.write(results)
    for row in results["targets"]:
        print(f"[bench] {row['status']:8} {row['target']}: {row['measured']} (goal {row['goal']})")
    print(f"[bench] wrote {json_path} and appended to {markdown_path}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
