"""N simulated users on an office deployment, against the embedded single-worker run.

The office: a throwaway PostgreSQL 15 + PostGIS cluster (tests/pgcluster.py), two app "hosts" on
two ports running the README's ``gunicorn -w 2 --threads 4 app:server``, sharing that database and
one SECRET_KEY, ``ATLAS_AUTH=login`` with an editor and a viewer added by the users CLI. The
baseline: ``python app.py`` (one process, SQLite in a temp data directory, ``ATLAS_AUTH=none``).

Each user is a thread that runs a fixed mix of actions (``MIX``, deterministic order, each user
starting at another point of it), alternating hosts, with a short pause between actions, for a
fixed time: page load, sector filter (the browser's own callback bodies, captured once with
Chromium as bench/throughput.py does), OGC items with HTTP Basic, CSV/GeoJSON exports, and
``POST /api/imports`` of a small generated GeoJSON. A viewer's import must be refused with 403
(counted as a correct refusal). Every server process's RSS is sampled each second; at the end every
import that got a 201 must be listed by every host's /ogc/collections. All on 127.0.0.1.
"""

from __future__ import annotations

import base64
import functools
import http.client
import json
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode, urlsplit

from bench import browser as b
from bench import machine
from bench.interactions import choose_sector
from bench.servers import Server, Spec, app_argv, free_port, gunicorn_argv, launch_many, rss_mb
from bench.stats import summarize
from bench.throughput import capture_payloads, run_together
from geodata import load_atlas
from tests import pgcluster

# relative weights: out of every 12 actions of a user, 3 page loads, 4 filters, ...
MIX: dict[str, int] = {"page": 3, "filter": 4, "ogc": 2, "export": 2, "import": 1}
USERS, QUICK_USERS = (8, 16), (4, 8)
DURATION_S, QUICK_DURATION_S = 45.0, 15.0
THINK_S = 0.2  # a pause between a user's actions (people read what they asked for)
TIMEOUT_S = 120.0
MAX_ACTIONS = 5_000  # per user: a bound besides the clock
FLAT_GROWTH_PCT = 10.0  # "memory flat": the servers' summed RSS grows at most this much after the warm-up
WORKERS, THREADS = 2, 4
FILTER_BODIES = ("sync (sector filter)", "view: map + panels (sector filtered)")
EXPORTS = ("/export/csv", "/export/geojson")
OGC_ITEMS = "/ogc/collections/zones/items?limit=100"
PAGE = ("/", "/_dash-layout", "/_dash-dependencies")


def schedule(mix: Mapping[str, int], length: int, offset: int = 0) -> list[str]:
    """``length`` actions in the proportions of ``mix``, spread out (smooth weighted round robin,
    as nginx balances), starting ``offset`` steps into the cycle so users do not move in step.

    Every ``sum(mix)`` consecutive actions of the cycle hold each action exactly ``mix[action]`` times."""
    total = sum(mix.values())
    current = dict.fromkeys(mix, 0)
    cycle: list[str] = []
    for _ in range(total):
        for action, weight in mix.items():
            current[action] += weight
        chosen = max(current, key=lambda action: current[action])  # first of the largest: stable
        current[chosen] -= total
        cycle.append(chosen)
    return [cycle[(offset + i) % total] for i in range(length)]


@dataclass(frozen=True)
class Outcome:
    """One action as a user saw it: its status (None: no answer) and seconds from request to body."""

    action: str
    host: str
    status: int | None
    seconds: float
    refusal_expected: bool = False  # a viewer's import: 403 is the right answer


def correct(outcome: Outcome) -> bool:
    """2xx/3xx, or exactly 403 where the refusal is the expected answer."""
    if outcome.status is None:
        return False
    if outcome.refusal_expected:
        return outcome.status == 403
    return 200 <= outcome.status < 400


def aggregate(outcomes: Sequence[Outcome]) -> dict[str, dict[str, Any]]:
    """Per action (in ``MIX`` order, then any other): n, errors, correct refusals, statuses and
    latency p50/p95 in ms of the correct answers (an error's time is not a latency)."""
    order = [*MIX, *sorted({o.action for o in outcomes} - set(MIX))]
    table: dict[str, dict[str, Any]] = {}
    for action in order:
        mine = [o for o in outcomes if o.action == action]
        if not mine:
            continue
        good = [o for o in mine if correct(o)]
        statuses: dict[str, int] = {}
        for o in mine:
            key = str(o.status) if o.status is not None else "no answer"
            statuses[key] = statuses.get(key, 0) + 1
        table[action] = {
            "n": len(mine),
            "errors": len(mine) - len(good),
            "refused_as_expected": sum(1 for o in good if o.refusal_expected),
            "statuses": statuses,
            "ms": summarize([o.seconds * 1000 for o in good], digits=1),
        }
    return table


def lost_imports(created: Mapping[str, str], listed: Mapping[str, set[str]]) -> dict[str, list[str]]:
    """Per host, the layer ids that got a 201 (``created``: id -> host that stored it) but that
    the host does not list."""
    return {host: sorted(set(created) - ids) for host, ids in listed.items()}


def memory_summary(samples: Mapping[str, Sequence[float]]) -> dict[str, dict[str, float]]:
    """Start, peak and end RSS (MiB) of each sampled process, and end minus start."""
    return {
        name: {
            "start_mb": round(values[0], 1),
            "peak_mb": round(max(values), 1),
            "end_mb": round(values[-1], 1),
            "growth_mb": round(values[-1] - values[0], 1),
            "samples": len(values),
        }
        for name, values in samples.items()
        if values
    }


def flatness(marks: Mapping[str, float]) -> dict[str, Any]:
    """Whether memory stayed flat: the summed RSS of every server process (MiB) at each mark, in
    order (the first is right after the warm-up), its growth to the last mark, and over the last
    step alone (a leak keeps growing there; caches filled by the first users do not)."""
    values = list(marks.values())
    if not values:
        return {}
    first, last = values[0], values[-1]
    growth = last - first
    return {
        "after_warm_up_mb": round(first, 1),
        "end_mb": round(last, 1),
        "growth_mb": round(growth, 1),
        "growth_pct": round(100 * growth / first, 1) if first else None,
        "last_step_growth_mb": round(last - values[-2], 1) if len(values) > 1 else None,
        "flat": bool(first) and 100 * growth / first <= FLAT_GROWTH_PCT,
    }


@dataclass
class Account:
    """A simulated user's credentials: the session cookie of a login (valid on every host, as they
    share SECRET_KEY) for the page, and HTTP Basic for /ogc and /api."""

    name: str
    role: str
    cookie: str = ""
    basic: str = ""
    import_refused: bool = False  # a viewer where the login is on


@dataclass
class Setup:
    """A deployment under test: its hosts (base URLs), their servers and the users' accounts."""

    name: str
    description: str
    servers: list[Server]
    accounts: list[Account]
    payloads: list[bytes] = field(default_factory=list)

    @property
    def hosts(self) -> list[str]:
        return [server.url for server in self.servers]


def _request(
    base: str, method: str, path: str, body: bytes | None = None, headers: Mapping[str, str] | None = None
) -> tuple[int, bytes, http.client.HTTPMessage]:
    """One request on a fresh connection (no stale keep-alive to retry): status, body, headers."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=TIMEOUT_S)
    try:
        connection.request(method, path, body=body, headers=dict(headers or {}))
        response = connection.getresponse()
        return response.status, response.read(), response.headers
    finally:
        connection.close()


def _multipart(fields: Mapping[str, str], filename: str, data: bytes) -> tuple[bytes, str]:
    """A multipart/form-data body with ``fields`` and one ``file``, and its Content-Type."""
    boundary = "atlas-bench-" + secrets.token_hex(8)
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/geo+json\r\n\r\n".encode()
        + data
        + b"\r\n"
    )
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def overlay_document(user: int, n: int) -> bytes:
    """A small synthetic overlay (3 points in East Kalimantan, around 116.8 E 1.2 S): bench input,
    not data about any real place."""
    features = [
        {
            "type": "Feature",
            "properties": {"nama": f"bench {user}-{n}-{k}"},
            "geometry": {"type": "Point", "coordinates": [116.8 + k / 100, -1.2 - user / 1000]},
        }
        for k in range(3)
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


class User:
    """One simulated user: runs its schedule against the hosts in turn until the deadline."""

    def __init__(self, index: int, setup: Setup, created: dict[str, str], lock: threading.Lock) -> None:
        self.index = index
        self.setup = setup
        self.account = setup.accounts[index % len(setup.accounts)]
        self.created = created
        self.lock = lock
        self.outcomes: list[Outcome] = []
        self.imports = 0

    def _headers(self, base: str, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        headers = {"Origin": base, **(extra or {})}  # the page's own origin, as a browser sends it
        if self.account.cookie:
            headers["Cookie"] = self.account.cookie
        return headers

    def page(self, base: str) -> int:
        status = 0
        for path in PAGE:
            status, _, _ = _request(base, "GET", path, headers=self._headers(base))
            if not 200 <= status < 400:
                break
        return status

    def filter(self, base: str) -> int:
        status = 0
        for body in self.setup.payloads:
            headers = self._headers(base, {"Content-Type": "application/json", "Accept": "application/json"})
            status, _, _ = _request(base, "POST", "/_dash-update-component", body, headers)
            if status != 200:
                break
        return status

    def ogc(self, base: str) -> int:
        return _request(base, "GET", OGC_ITEMS, headers={"Authorization": self.account.basic})[0]

    def export(self, base: str) -> int:
        path = EXPORTS[(self.index + len(self.outcomes)) % len(EXPORTS)]
        return _request(base, "GET", path, headers=self._headers(base))[0]

    def import_(self, base: str) -> int:
        self.imports += 1
        filename = f"bench_{self.index}_{self.imports}.geojson"
        body, content_type = _multipart(
            {"mode": "overlay"}, filename, overlay_document(self.index, self.imports)
        )
        headers = {"Authorization": self.account.basic, "Content-Type": content_type}
        status, answer, _ = _request(base, "POST", "/api/imports", body, headers)
        if status == 201:
            with self.lock:
                self.created[json.loads(answer)["layer"]["id"]] = base
        return status

    def run(self, deadline: float, actions: Sequence[str] = (), pause: float = THINK_S) -> None:
        """The actions (default: this user's schedule, bounded by MAX_ACTIONS) until the deadline."""
        hosts = self.setup.hosts
        actions = actions or schedule(MIX, MAX_ACTIONS, offset=self.index)
        do = {"page": self.page, "filter": self.filter, "ogc": self.ogc, "export": self.export}
        do["import"] = self.import_
        for step, action in enumerate(actions):
            if time.perf_counter() >= deadline:
                break
            base = hosts[(self.index + step) % len(hosts)]
            started = time.perf_counter()
            try:
                status: int | None = do[action](base)
            except (OSError, http.client.HTTPException):
                status = None
            refusal = action == "import" and self.account.import_refused
            self.outcomes.append(Outcome(action, base, status, time.perf_counter() - started, refusal))
            time.sleep(pause)


class MemorySampler:
    """Samples the RSS of every process of the servers once a second, in a thread."""

    def __init__(self, servers: Sequence[Server], names: Sequence[str]) -> None:
        self.servers = list(zip(names, servers, strict=True))
        self.samples: dict[str, list[float]] = {}
        self.marks: dict[str, float] = {}  # summed RSS of every server process at a named moment
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._lock = threading.Lock()

    def sample(self) -> float:
        """One sample of every process of the servers (the master, its workers and their children,
        such as job processes); returns their sum."""
        total = 0.0
        with self._lock:
            for name, server in self.servers:
                for k, pid in enumerate(server.pids()):
                    value = rss_mb(pid)
                    if value is not None:
                        label = f"{name} {'master' if k == 0 else 'worker'} pid {pid}"
                        self.samples.setdefault(label, []).append(value)
                        total += value
        return total

    def mark(self, label: str) -> None:
        self.marks[label] = round(self.sample(), 1)

    def _loop(self) -> None:
        while not self._stop.wait(1.0):
            self.sample()

    def __enter__(self) -> MemorySampler:
        self.sample()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()


def listed_imports(setup: Setup) -> dict[str, set[str]]:
    """Per host, the imported layer ids its /ogc/collections lists (``imports-<id>``)."""
    editor = next(a for a in setup.accounts if not a.import_refused)
    listed: dict[str, set[str]] = {}
    for base in setup.hosts:
        status, body, _ = _request(
            base, "GET", "/ogc/collections?f=json", headers={"Authorization": editor.basic}
        )
        if status != 200:
            raise RuntimeError(f"{base}/ogc/collections answered {status}")
        ids = [c["id"] for c in json.loads(body)["collections"]]
        listed[base] = {i.removeprefix("imports-") for i in ids if i.startswith("imports-")}
    return listed


def run_users(setup: Setup, users: int, seconds: float) -> dict[str, Any]:
    """``users`` users for ``seconds`` on the setup: the table per action and the lost imports."""
    created: dict[str, str] = {}
    lock = threading.Lock()
    people = [User(i, setup, created, lock) for i in range(users)]
    load_before = machine.load_average()
    deadline = time.perf_counter() + seconds
    elapsed = run_together([functools.partial(person.run, deadline) for person in people])
    outcomes = [o for person in people for o in person.outcomes]
    lost = lost_imports(created, listed_imports(setup))
    return {
        "users": users,
        "seconds": round(elapsed, 1),
        "actions": len(outcomes),
        "actions_per_s": round(len(outcomes) / elapsed, 1),
        "actions_table": aggregate(outcomes),
        "errors": sum(1 for o in outcomes if not correct(o)),
        "imports_stored": len(created),
        "imports_lost": {host: len(ids) for host, ids in lost.items()},
        "lost_ids": lost,
        "load_average": {"before": load_before, "after": machine.load_average()},
    }


def _login(base: str, name: str, password: str) -> str:
    """Sign in through the login form as a browser does; the session cookie (``name=value``)."""
    body = urlencode({"name": name, "password": password, "next": "/"}).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Origin": base}
    status, _, answer = _request(base, "POST", "/login", body, headers)
    cookie = SimpleCookie()
    for value in answer.get_all("Set-Cookie") or []:
        cookie.load(value)
    if status != 302 or not cookie:
        raise RuntimeError(f"sign-in of {name} on {base} answered {status}")
    return "; ".join(f"{key}={morsel.value}" for key, morsel in cookie.items())


def _basic(name: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{name}:{password}".encode()).decode()


def _add_user(env: Mapping[str, str], name: str, role: str, password: str) -> None:
    """``python -m geodata users add NAME --role ROLE --password-stdin``, as an admin would."""
    subprocess.run(
        [sys.executable, "-m", "geodata", "users", "add", name, "--role", role, "--password-stdin"],
        input=password + "\n",
        env={**os.environ, **env},
        text=True,
        capture_output=True,
        timeout=120,
        check=True,
    )


@contextmanager
def office() -> Iterator[Setup]:
    """PostgreSQL + PostGIS, two gunicorn hosts with login, an editor and a viewer."""
    with pgcluster.throwaway_cluster() as url, tempfile.TemporaryDirectory(prefix="atlas-office-") as data:
        env = {
            "ATLAS_DATA_DIR": data,
            "DATABASE_URL": url,
            "ATLAS_AUTH": "login",
            "SECRET_KEY": secrets.token_hex(32),
        }
        passwords = {"sari": secrets.token_urlsafe(18), "budi": secrets.token_urlsafe(18)}
        _add_user(env, "sari", "editor", passwords["sari"])
        _add_user(env, "budi", "viewer", passwords["budi"])
        ports = [free_port(), free_port()]
        specs = [
            Spec(gunicorn_argv(port, WORKERS, THREADS), port, f"multiuser-host-{tag}", env)
            for port, tag in zip(ports, "ab", strict=True)
        ]
        with launch_many(specs) as servers:
            first = servers[0].url  # one sign-in; the cookie is used on both hosts (one SECRET_KEY)
            accounts = [
                Account(name, role, _login(first, name, passwords[name]), _basic(name, passwords[name]), role == "viewer")
                for name, role in (("sari", "editor"), ("budi", "viewer"))
            ]  # fmt: skip
            description = (
                f"PostgreSQL 15 + PostGIS; 2 hosts, each `gunicorn -w {WORKERS} --threads {THREADS} app:server`, "
                "one database and SECRET_KEY; ATLAS_AUTH=login; users alternate editor (sari) / viewer (budi)"
            )
            yield Setup("office", description, servers, accounts)


@contextmanager
def embedded() -> Iterator[Setup]:
    """``python app.py`` alone: SQLite in a temp data directory, no login."""
    with tempfile.TemporaryDirectory(prefix="atlas-embedded-") as data:
        env = {"ATLAS_DATA_DIR": data, "DATABASE_URL": "", "ATLAS_AUTH": "none"}
        port = free_port()
        with launch_many([Spec(app_argv(port), port, "multiuser-embedded", env)]) as servers:
            description = "`python app.py` (one process), SQLite in a temp data directory, ATLAS_AUTH=none"
            yield Setup("embedded", description, servers, [Account("local", "editor")])


def warm_up(setup: Setup) -> dict[str, int | None]:
    """Each action once per host and account, not measured: every worker's first requests build
    caches, which would otherwise show as memory growth and first-request latency."""
    statuses: dict[str, int | None] = {}
    for index in range(len(setup.accounts)):
        user = User(index, setup, {}, threading.Lock())
        for round_ in range(2 * WORKERS):  # requests spread over the workers of each host
            user.run(time.perf_counter() + TIMEOUT_S, schedule(MIX, sum(MIX.values()), round_), pause=0.0)
        statuses.update({f"{index} {o.action}": o.status for o in user.outcomes})
    return statuses


def measure(setup: Setup, levels: Sequence[int], seconds: float, names: Sequence[str]) -> dict[str, Any]:
    """Every user count in turn on one setup (after a warm-up), with its processes' memory over
    the whole time."""
    result: dict[str, Any] = {
        "description": setup.description,
        "ready_s": [round(s.ready_s, 1) for s in setup.servers],
        "warm_up_statuses": warm_up(setup),
    }
    result["runs"] = {}
    with MemorySampler(setup.servers, names) as sampler:
        sampler.mark("after warm-up")
        for n in levels:
            result["runs"][str(n)] = run_users(setup, n, seconds)
            sampler.mark(f"after {n} users")
    result["memory"] = memory_summary(sampler.samples)
    result["memory_marks"] = sampler.marks
    result["memory_flat"] = flatness(sampler.marks)
    return result


def run(quick: bool = False) -> dict[str, Any]:
    """The embedded baseline, then the office setup, with the same users, mix and duration."""
    levels, seconds = (QUICK_USERS, QUICK_DURATION_S) if quick else (USERS, DURATION_S)
    atlas = load_atlas()
    sector = choose_sector(atlas.zones, list(atlas.sectors.index))
    results: dict[str, Any] = {
        "mix": MIX,
        "users": list(levels),
        "duration_s": seconds,
        "think_s": THINK_S,
        "setups": {},
    }
    with embedded() as setup:
        with b.chromium() as browser:
            captured = capture_payloads(browser, setup.hosts[0], sector)
        missing = [name for name in FILTER_BODIES if name not in captured]
        if missing:
            raise RuntimeError(f"filter callbacks not captured: {', '.join(missing)}")
        payloads = [captured[name].encode() for name in FILTER_BODIES]
        setup.payloads = payloads
        results["setups"]["embedded"] = measure(setup, levels, seconds, ["embedded"])
    with office() as setup:
        setup.payloads = payloads
        results["setups"]["office"] = measure(setup, levels, seconds, ["host A", "host B"])
    return results
