"""Uploads that were checked but not yet confirmed, kept in the store's database with an expiry.

The browser's import is two requests (check, then confirm) that may reach different server workers,
processes or hosts, so the pending upload cannot live in one worker's memory: its bytes wait here,
under a random token, until confirmed (the confirm checks the file again; nothing else is trusted).
The table is bounded: entries expire, and past ``max_count`` entries or ``max_bytes`` in all the
oldest are evicted. Each change is one transaction of ``geodata.db.writing``.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Column, Engine, Float, Integer, LargeBinary, String, Table, delete, func, select

from geodata import db

TTL_SECONDS = 900.0
MAX_COUNT = 16
MAX_BYTES = 256 * 1024 * 1024
pending_table = Table(
    "import_pending",
    db.metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("token", String(64), nullable=False, unique=True),
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False, index=True),
    Column("size", Integer, nullable=False),
    Column("filename", String, nullable=False),
    Column("mode", String(16), nullable=False),
    Column("data", LargeBinary, nullable=False),
)


@dataclass(frozen=True)
class PendingUpload:
    """An upload waiting for the user's confirmation: its name, import mode and bytes."""

    filename: str
    mode: str
    data: bytes


class PendingUploads:
    """The pending-uploads table of one database; any number of instances, on any host, may share it.
    ``ready`` is called before each use (the store's schema check)."""

    def __init__(
        self,
        engine: Engine,
        ready: Callable[[], None],
        *,
        ttl: float = TTL_SECONDS,
        max_count: int = MAX_COUNT,
        max_bytes: int = MAX_BYTES,
    ) -> None:
        self.engine, self.ready = engine, ready
        self.ttl, self.max_count, self.max_bytes = ttl, max_count, max_bytes

    def put(self, filename: str, mode: str, data: bytes, now: float | None = None) -> str:
        """Keep an upload; returns its token. Expired entries go, then the oldest past the caps."""
        now = time.time() if now is None else now
        token = secrets.token_urlsafe(16)
        p = pending_table
        self.ready()
        with db.writing(self.engine, db.PENDING_LOCK) as connection:
            connection.execute(delete(p).where(p.c.expires_at <= now))
            connection.execute(
                p.insert().values(
                    token=token,
                    created_at=now,
                    expires_at=now + self.ttl,
                    size=len(data),
                    filename=filename,
                    mode=mode,
                    data=data,
                )
            )
            rows = connection.execute(
                select(p.c.token, p.c.size).order_by(p.c.created_at.desc(), p.c.seq.desc())
            )
            kept, total, evicted = 0, 0, []
            for key, size in rows:
                kept, total = kept + 1, total + size
                if key != token and (kept > self.max_count or total > self.max_bytes):
                    evicted.append(key)
            if evicted:
                connection.execute(delete(p).where(p.c.token.in_(evicted)))
        return token

    def get(self, token: str, now: float | None = None) -> PendingUpload | None:
        """The upload behind ``token``; None if unknown or expired (expired entries are purged)."""
        now = time.time() if now is None else now
        p = pending_table
        self.ready()
        with db.writing(self.engine, db.PENDING_LOCK) as connection:
            connection.execute(delete(p).where(p.c.expires_at <= now))
            row = connection.execute(
                select(p.c.filename, p.c.mode, p.c.data).where(p.c.token == token)
            ).first()
        return None if row is None else PendingUpload(row[0], row[1], bytes(row[2]))

    def discard(self, token: str) -> None:
        """Forget an upload once it is stored (or abandoned)."""
        self.ready()
        with db.writing(self.engine, db.PENDING_LOCK) as connection:
            connection.execute(delete(pending_table).where(pending_table.c.token == token))

    def stats(self) -> tuple[int, int]:
        """(entries, bytes) held now, expired ones included until the next change."""
        self.ready()
        with self.engine.connect() as connection:
            count, size = connection.execute(
                select(func.count(), func.coalesce(func.sum(pending_table.c.size), 0))
            ).one()
        return int(count), int(size)
