"""Saved views for FGD sessions: a titled, annotated URL state, kept in a JSON file written atomically.

A crash mid-write leaves the previous file intact (write a temporary file, fsync, then rename), and
a lock file serialises writers, so several server workers can share one store.
"""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

FORMAT = "atlas-kawasan/saved-views"
VERSION = 1
MAX_TITLE = 120
MAX_NOTE = 2000
MAX_QUERY = 4000
MAX_VIEWS = 500


class SavedViewError(ValueError):
    """A saved view (or a file of them) that cannot be accepted; the message says why."""


@dataclass(frozen=True)
class SavedView:
    """One saved view: the URL query string of the state, with a title and a note."""

    id: str
    title: str
    note: str
    query: str
    created: str


def _clean_text(value: Any, limit: int, name: str, required: bool) -> str:
    if not isinstance(value, str):
        raise SavedViewError(f"the {name} must be text")
    text = value.strip()
    if required and not text:
        raise SavedViewError(f"the {name} is empty")
    if len(text) > limit:
        raise SavedViewError(f"the {name} is longer than {limit} characters")
    return text


def _clean_query(value: Any) -> str:
    if not isinstance(value, str) or len(value) > MAX_QUERY:
        raise SavedViewError("the view's URL state is not valid")
    if value and not value.startswith("?"):
        raise SavedViewError("the view's URL state must start with '?'")
    return value


class SavedViewStore:
    """The saved views of this installation, in order."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock_path = self.path.with_suffix(self.path.suffix + ".lock")

    @contextmanager
    def _locked(self) -> Iterator[None]:
        with self._lock_path.open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _read(self) -> list[SavedView]:
        if not self.path.exists():
            return []
        document = json.loads(self.path.read_text(encoding="utf-8"))
        return [SavedView(**item) for item in document.get("views", [])]

    def _write(self, views: list[SavedView]) -> None:
        payload = json.dumps(
            {"format": FORMAT, "version": VERSION, "views": [asdict(v) for v in views]},
            ensure_ascii=False,
            indent=1,
        )
        handle, temporary = tempfile.mkstemp(prefix=".views-", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(payload)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def list(self) -> list[SavedView]:
        """Every saved view, in the presenter's order."""
        with self._locked():
            return self._read()

    def add(self, title: str, note: str, query: str) -> SavedView:
        """Save a view at the end of the list."""
        view = SavedView(
            id=uuid.uuid4().hex[:12],
            title=_clean_text(title, MAX_TITLE, "title", True),
            note=_clean_text(note or "", MAX_NOTE, "note", False),
            query=_clean_query(query or ""),
            created=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        with self._locked():
            views = self._read()
            if len(views) >= MAX_VIEWS:
                raise SavedViewError(f"at most {MAX_VIEWS} saved views; delete some first")
            self._write([*views, view])
        return view

    def _replace(self, view_id: str, change) -> None:
        with self._locked():
            views = self._read()
            index = next((i for i, v in enumerate(views) if v.id == view_id), None)
            if index is None:
                raise SavedViewError("that saved view no longer exists")
            self._write(change(views, index))

    def rename(self, view_id: str, title: str, note: str | None = None) -> None:
        """Change a view's title (and note, when given)."""
        clean_title = _clean_text(title, MAX_TITLE, "title", True)

        def change(views: list[SavedView], index: int) -> list[SavedView]:
            old = views[index]
            new_note = old.note if note is None else _clean_text(note, MAX_NOTE, "note", False)
            views[index] = SavedView(old.id, clean_title, new_note, old.query, old.created)
            return views

        self._replace(view_id, change)

    def move(self, view_id: str, offset: int) -> None:
        """Move a view up (negative) or down (positive) in the order."""

        def change(views: list[SavedView], index: int) -> list[SavedView]:
            target = max(0, min(len(views) - 1, index + offset))
            views.insert(target, views.pop(index))
            return views

        self._replace(view_id, change)

    def delete(self, view_id: str) -> tuple[SavedView, int]:
        """Remove a view; return it with its position, so that the presenter can undo (``restore``)."""
        removed: list[tuple[SavedView, int]] = []

        def change(views: list[SavedView], index: int) -> list[SavedView]:
            removed.append((views[index], index))
            return views[:index] + views[index + 1 :]

        self._replace(view_id, change)
        return removed[0]

    def restore(self, view: SavedView, position: int) -> None:
        """Put a deleted view back at its position (undo); nothing happens if it is already there."""
        with self._locked():
            views = self._read()
            if any(v.id == view.id for v in views):
                return
            if len(views) >= MAX_VIEWS:
                raise SavedViewError(f"at most {MAX_VIEWS} saved views; delete some first")
            views.insert(max(0, min(position, len(views))), view)
            self._write(views)

    @staticmethod
    def from_record(record: Any) -> tuple[SavedView, int]:
        """A deleted view as kept in the page for undo ({"view": {...}, "position": n}), checked again."""
        try:
            item, position = record["view"], int(record["position"])
            view = SavedView(
                id=str(item["id"])[:40],
                title=_clean_text(item["title"], MAX_TITLE, "title", True),
                note=_clean_text(item["note"], MAX_NOTE, "note", False),
                query=_clean_query(item["query"]),
                created=str(item["created"])[:40],
            )
        except (TypeError, KeyError, ValueError) as exc:
            raise SavedViewError(f"nothing to undo ({exc})") from None
        return view, position

    def export_bytes(self) -> bytes:
        """All views as a portable JSON file, to carry a prepared session to the FGD laptop."""
        views = self.list()
        return json.dumps(
            {"format": FORMAT, "version": VERSION, "views": [asdict(v) for v in views]},
            ensure_ascii=False,
            indent=1,
        ).encode("utf-8")

    def import_bytes(self, data: bytes) -> int:
        """Append the views of an exported file (checked first; nothing is stored if any is bad) that
        are not here yet (same title, note and URL state): importing a file twice adds nothing.
        Returns how many were added."""
        try:
            document = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise SavedViewError(f"the file is not a saved-views file (not valid JSON: {exc})") from None
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise SavedViewError("the file is not an Atlas Kawasan saved-views export")
        items = document.get("views")
        if not isinstance(items, list):
            raise SavedViewError("the file has no list of views")
        incoming = []
        for position, item in enumerate(items, start=1):
            if not isinstance(item, dict):
                raise SavedViewError(f"view {position} is not an object")
            try:
                incoming.append(
                    SavedView(
                        id=uuid.uuid4().hex[:12],
                        title=_clean_text(item.get("title"), MAX_TITLE, "title", True),
                        note=_clean_text(item.get("note", ""), MAX_NOTE, "note", False),
                        query=_clean_query(item.get("query", "")),
                        created=str(item.get("created", ""))[:40],
                    )
                )
            except SavedViewError as exc:
                raise SavedViewError(f"view {position}: {exc}") from None
        with self._locked():
            views = self._read()
            seen = {_identity(v) for v in views}
            new = []
            for view in incoming:
                if _identity(view) not in seen:
                    seen.add(_identity(view))
                    new.append(view)
            if len(views) + len(new) > MAX_VIEWS:
                raise SavedViewError(f"at most {MAX_VIEWS} saved views")
            if new:
                self._write(views + new)
        return len(new)


def _identity(view: SavedView) -> tuple[str, str, str]:
    """What makes two saved views the same view (ids and dates differ between installations)."""
    return view.title, view.note, view.query
