"""Uploads that were checked but not yet confirmed, kept in SQLite in the data directory.

The browser's import is two requests (check, then confirm) that may reach different server workers
or processes, so the pending upload cannot live in one worker's memory: its bytes wait here, under a
random token, until confirmed (the confirm checks the file again; nothing else is trusted). The
table is bounded: entries expire, and past ``max_count`` entries or ``max_bytes`` in all the oldest
are evicted. SQLite's transactions do the locking, on every platform.
"""

from __future__ import annotations

import secrets
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

PENDING_FILE = "pending.sqlite"
TTL_SECONDS = 900.0
MAX_COUNT = 16
MAX_BYTES = 256 * 1024 * 1024
_SCHEMA = """
CREATE TABLE IF NOT EXISTS pending (
    token TEXT PRIMARY KEY,
    created_at REAL NOT NULL,
    expires_at REAL NOT NULL,
    size INTEGER NOT NULL,
    filename TEXT NOT NULL,
    mode TEXT NOT NULL,
    data BLOB NOT NULL
)
"""


@dataclass(frozen=True)
class PendingUpload:
    """An upload waiting for the user's confirmation: its name, import mode and bytes."""

    filename: str
    mode: str
    data: bytes


class PendingUploads:
    """The pending-uploads table of one data directory; any number of instances may share it."""

    def __init__(
        self,
        path: Path,
        *,
        ttl: float = TTL_SECONDS,
        max_count: int = MAX_COUNT,
        max_bytes: int = MAX_BYTES,
    ) -> None:
        self.path = Path(path)
        self.ttl, self.max_count, self.max_bytes = ttl, max_count, max_bytes

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE: writers queue, readers never see half of it)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(self.path, timeout=30, isolation_level=None)) as connection:
            connection.execute(_SCHEMA)
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield connection
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

    def put(self, filename: str, mode: str, data: bytes, now: float | None = None) -> str:
        """Keep an upload; returns its token. Expired entries go, then the oldest past the caps."""
        now = time.time() if now is None else now
        token = secrets.token_urlsafe(16)
        with self._transaction() as db:
            db.execute("DELETE FROM pending WHERE expires_at <= ?", (now,))
            db.execute(
                "INSERT INTO pending VALUES (?, ?, ?, ?, ?, ?, ?)",
                (token, now, now + self.ttl, len(data), filename, mode, data),
            )
            rows = db.execute(
                "SELECT token, size FROM pending ORDER BY created_at DESC, rowid DESC"
            ).fetchall()
            kept, total = 0, 0
            for key, size in rows:
                kept, total = kept + 1, total + size
                if key != token and (kept > self.max_count or total > self.max_bytes):
                    db.execute("DELETE FROM pending WHERE token = ?", (key,))
        return token

    def get(self, token: str, now: float | None = None) -> PendingUpload | None:
        """The upload behind ``token``; None if unknown or expired (expired entries are purged)."""
        now = time.time() if now is None else now
        with self._transaction() as db:
            db.execute("DELETE FROM pending WHERE expires_at <= ?", (now,))
            row = db.execute("SELECT filename, mode, data FROM pending WHERE token = ?", (token,)).fetchone()
        return None if row is None else PendingUpload(row[0], row[1], bytes(row[2]))

    def discard(self, token: str) -> None:
        """Forget an upload once it is stored (or abandoned)."""
        with self._transaction() as db:
            db.execute("DELETE FROM pending WHERE token = ?", (token,))

    def stats(self) -> tuple[int, int]:
        """(entries, bytes) held now, expired ones included until the next change."""
        with self._transaction() as db:
            count, size = db.execute("SELECT count(*), coalesce(sum(size), 0) FROM pending").fetchone()
        return int(count), int(size)
