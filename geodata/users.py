"""Who may use a shared atlas: users, their roles, hashed passwords, and sign-in throttling.

The tables live in the one shared database (geodata.db), so every worker and every host behind one
``SECRET_KEY`` sees the same users, the same roles and the same failed-attempt counters. Passwords
are hashed with Argon2id (argon2-cffi's RFC 9106 defaults); a wrong name costs as much time as a
wrong password, so timing does not tell which names exist. Guessing is slowed per name and per
client address: after ``FREE_FAILURES`` failures each further one doubles the wait (capped).
"""

from __future__ import annotations

import functools
import re
import time
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import (
    Boolean,
    Column,
    Engine,
    Float,
    Integer,
    String,
    Table,
    delete,
    insert,
    select,
    update,
)

from geodata.db import database_url, engine_for, metadata, migrate
from geodata.store import now_iso

VIEWER, EDITOR, ADMIN = "viewer", "editor", "admin"
ROLES = (VIEWER, EDITOR, ADMIN)  # each role may do what the ones before it may
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
MIN_PASSWORD = 10
MAX_PASSWORD = 1024  # Argon2 takes any length; a bound keeps a megabyte "password" from costing CPU
FREE_FAILURES = 5  # per name
FREE_FAILURES_PER_ADDRESS = 20  # an office behind one NAT address shares this count
MAX_WAIT_S = 15 * 60

users_table = Table(
    "users",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("role", String(16), nullable=False),
    Column("password_hash", String(256), nullable=False),
    Column("created", String(20), nullable=False),
    Column("updated", String(20), nullable=False),
    Column("disabled", Boolean, nullable=False, default=False),
)
# one row per key ("name:alice", "ip:10.0.0.7"): failures since the last success, and until when to wait
login_failures = Table(
    "login_failures",
    metadata,
    Column("key", String(120), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("locked_until", Float, nullable=False),
)
sign_ins = Table(
    "sign_ins",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(64), nullable=False),
    Column("address", String(64), nullable=False),
    Column("at", String(20), nullable=False),
    Column("ok", Boolean, nullable=False),
)

_HASHER = PasswordHasher()  # Argon2id, t=3, m=64 MiB, p=4 (RFC 9106 second recommendation)


@functools.cache
def _dummy_hash() -> str:
    """What an unknown name is checked against, so that it costs a real check's time. Made with the
    first UserStore (only a deployment with sign-in has one), not at import: one Argon2 hash was
    ~0.2 s of every start-up, a laptop's too (issue 14)."""
    return _HASHER.hash("not a password of anyone")


class UserError(ValueError):
    """A request about users that cannot be done; the message says why."""


class SignInRefused(Exception):
    """A sign-in that failed: ``wait_s`` > 0 when it was refused for too many recent failures."""

    def __init__(self, wait_s: float = 0.0) -> None:
        super().__init__("too many failed sign-ins" if wait_s else "wrong name or password")
        self.wait_s = wait_s


@dataclass(frozen=True)
class User:
    """A signed-in person (or the laptop's single local user) and what their role allows."""

    name: str
    role: str
    created: str = ""

    def may(self, needed: str) -> bool:
        """Whether this user's role is ``needed`` or above."""
        return allows(self.role, needed)


LOCAL_USER = User("local", ADMIN)  # ATLAS_AUTH=none: the one person at the laptop may do everything


def allows(role: str, needed: str) -> bool:
    """Whether ``role`` includes ``needed`` (viewer < editor < admin); unknown roles allow nothing."""
    return role in ROLES and needed in ROLES and ROLES.index(role) >= ROLES.index(needed)


def check_name(name: str) -> str:
    """``name`` when it is a valid user name (letters, digits and ._@-, at most 64)."""
    if not NAME_PATTERN.fullmatch(name or ""):
        raise UserError(
            f"'{(name or '')[:70]}' is not a valid user name: use 1 to 64 letters, digits, '.', '_', '@' or '-', "
            "starting with a letter or digit"
        )
    return name


def check_role(role: str) -> str:
    """``role`` when it is one of ROLES."""
    if role not in ROLES:
        raise UserError(f"unknown role '{role[:20]}'; choose {', '.join(ROLES)}")
    return role


def check_password(password: str) -> str:
    """``password`` when long enough to resist guessing and short enough to hash cheaply."""
    if len(password) < MIN_PASSWORD:
        raise UserError(f"the password must have at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise UserError(f"the password must have at most {MAX_PASSWORD} characters")
    return password


def backoff_s(failures: int, free: int = FREE_FAILURES) -> float:
    """How long to refuse after ``failures`` failures in a row: nothing for the first ``free``
    ones, then 1 s, 2 s, 4 s ... up to MAX_WAIT_S."""
    if failures < free:
        return 0.0
    return float(min(MAX_WAIT_S, 2 ** (failures - free)))


class UserStore:
    """The users of one database, and their sign-ins."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        _dummy_hash()  # before the first sign-in, which then costs what every other one does

    @classmethod
    def for_data_dir(cls, data_dir: Path) -> UserStore:
        """The users of the app's database (DATABASE_URL, else the data dir's SQLite file), migrated."""
        engine = engine_for(database_url(data_dir))
        migrate(engine)
        return cls(engine)

    def add(self, name: str, role: str, password: str) -> User:
        """Create a user; refuses a name that exists."""
        check_name(name)
        check_role(role)
        hashed = _HASHER.hash(check_password(password))
        moment = now_iso()
        with self.engine.begin() as connection:
            if connection.execute(select(users_table.c.name).where(users_table.c.name == name)).first():
                raise UserError(f"a user '{name}' exists already; remove them first or use set-role")
            connection.execute(
                insert(users_table).values(
                    name=name, role=role, password_hash=hashed, created=moment, updated=moment, disabled=False
                )
            )
        return User(name, role, moment)

    def list(self) -> list[User]:
        """Every user, by name."""
        query = select(users_table.c.name, users_table.c.role, users_table.c.created).order_by(
            users_table.c.name
        )
        with self.engine.connect() as connection:
            return [User(*row) for row in connection.execute(query)]

    def get(self, name: str) -> User | None:
        """The active user called ``name``, if any (a removed or disabled user is signed out)."""
        query = select(users_table.c.name, users_table.c.role, users_table.c.created).where(
            users_table.c.name == name, users_table.c.disabled.is_(False)
        )
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        return User(*row) if row else None

    def _change(self, statement, name: str) -> None:
        with self.engine.begin() as connection:
            if connection.execute(statement).rowcount == 0:
                raise UserError(f"no user '{name[:70]}'")

    def remove(self, name: str) -> None:
        """Delete a user; their sessions stop working at their next request."""
        self._change(delete(users_table).where(users_table.c.name == name), name)

    def set_role(self, name: str, role: str) -> None:
        """Change a user's role; it applies from their next request."""
        check_role(role)
        statement = update(users_table).where(users_table.c.name == name).values(role=role, updated=now_iso())
        self._change(statement, name)

    def _wait(self, keys: list[str], now: float) -> float:
        query = select(login_failures.c.locked_until).where(login_failures.c.key.in_(keys))
        with self.engine.connect() as connection:
            return max((until - now for (until,) in connection.execute(query)), default=0.0)

    def _record(self, name: str, address: str, ok: bool, now: float) -> None:
        keys = [f"name:{name[:64]}", f"ip:{address[:64]}"]
        with self.engine.begin() as connection:
            connection.execute(
                insert(sign_ins).values(name=name[:64], address=address[:64], at=now_iso(), ok=ok)
            )
            if ok:
                connection.execute(delete(login_failures).where(login_failures.c.key == keys[0]))
                return
            for key, free in zip(keys, (FREE_FAILURES, FREE_FAILURES_PER_ADDRESS), strict=True):
                row = connection.execute(
                    select(login_failures.c.failures).where(login_failures.c.key == key)
                ).first()
                failures = (row[0] if row else 0) + 1
                values = {"failures": failures, "locked_until": now + backoff_s(failures, free)}
                if row:
                    connection.execute(
                        update(login_failures).where(login_failures.c.key == key).values(**values)
                    )
                else:
                    connection.execute(insert(login_failures).values(key=key, **values))

    def authenticate(self, name: str, password: str, address: str, now: float | None = None) -> User:
        """The user whose name and password these are; raises SignInRefused otherwise, or while the
        name or the client address must wait after too many failures (the password is then not even
        checked, so guessing during the wait learns nothing)."""
        moment = time.time() if now is None else now
        wait = self._wait([f"name:{name[:64]}", f"ip:{address[:64]}"], moment)
        if wait > 0:
            raise SignInRefused(wait)
        query = select(users_table.c.password_hash, users_table.c.role, users_table.c.created).where(
            users_table.c.name == name, users_table.c.disabled.is_(False)
        )
        with self.engine.connect() as connection:
            row = connection.execute(query).first() if len(password) <= MAX_PASSWORD else None
        try:
            _HASHER.verify(row[0] if row else _dummy_hash(), password[:MAX_PASSWORD])
            ok = row is not None
        except (VerificationError, InvalidHashError):
            ok = False
        self._record(name, address, ok, moment)
        if not ok:
            raise SignInRefused()
        return User(name, row[1], row[2])
