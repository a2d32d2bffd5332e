"""What the numbers were measured on: machine, software versions and the app's git revision.

A benchmark number without its machine and versions cannot be compared with the next run's.
"""

from __future__ import annotations

import os
import platform
import re
import subprocess
from importlib import metadata
from pathlib import Path

from tests.browser.harness import CHROMIUM, ROOT

PACKAGES = (
    "dash",
    "plotly",
    "flask",
    "werkzeug",
    "geopandas",
    "shapely",
    "pandas",
    "numpy",
    "pyproj",
    "orjson",
    "playwright",
    "gunicorn",
)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _ram_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def machine() -> dict[str, object]:
    """nproc, RAM, CPU model and OS of this machine."""
    return {
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "ram_gib": _ram_gib(),
        "cpu_model": _cpu_model(),
        "os": platform.platform(),
    }


def chromium_version() -> str:
    """Version of the Chromium the browser benchmarks use (Debian's wrapper prints noise on stderr)."""
    try:
        output = subprocess.run(
            [CHROMIUM, "--version"], capture_output=True, text=True, timeout=30, check=False
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return "not found"
    match = re.search(r"Chromium\s+([\d.]+)", output)
    return match.group(1) if match else output.strip() or "unknown"


def versions() -> dict[str, str]:
    """python, the packages that matter for the app's speed, plotly.js and Chromium."""
    found: dict[str, str] = {"python": platform.python_version()}
    for package in PACKAGES:
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = "not installed"
    try:
        from plotly.offline import get_plotlyjs_version

        found["plotly.js"] = get_plotlyjs_version()
    except ImportError:
        found["plotly.js"] = "unknown"
    found["chromium"] = chromium_version()
    return found


def git_revision() -> dict[str, object]:
    """The commit measured and whether the app's code had uncommitted changes (before/after runs)."""

    def git(*args: str) -> str:
        try:
            return subprocess.run(
                ["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=30, check=False
            ).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            return ""

    changed = git("status", "--porcelain", "--", "app.py", "dashboard", "geodata", "assets")
    return {"commit": git("rev-parse", "--short", "HEAD") or "unknown", "app_code_modified": bool(changed)}


def load_average() -> list[float]:
    """The 1, 5 and 15-minute load averages: other work on the 2 cores skews every number."""
    return [round(value, 2) for value in os.getloadavg()]
