"""Saved views for FGD sessions: a titled, annotated URL state, kept in the store's database.

Each view has an owner (None on the single-user laptop, else the signed-in user) and may be shared
with the office; every change is one transaction of ``geodata.db.writing``, so several workers and
hosts share the list. ``actor`` None means "no login": every view is visible and changeable.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Engine,
    Integer,
    String,
    Table,
    and_,
    delete,
    func,
    or_,
    select,
    update,
)

from geodata import db

FORMAT = "atlas-kawasan/saved-views"
VERSION = 1
MAX_TITLE = 120
MAX_NOTE = 2000
MAX_QUERY = 4000
MAX_VIEWS = 500
views_table = Table(
    "saved_views",
    db.metadata,
    Column("id", String(32), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("title", String(MAX_TITLE), nullable=False),
    Column("note", String(MAX_NOTE), nullable=False),
    Column("query", String(MAX_QUERY), nullable=False),
    Column("owner", String),
    Column("shared", Boolean, nullable=False),
    Column("created", String(40), nullable=False),
    Column("updated", String(40), nullable=False),
)
_PORTABLE = ("title", "note", "query", "created")


class SavedViewError(ValueError):
    """A saved view (or a file of them) that cannot be accepted; the message says why."""


@dataclass(frozen=True)
class SavedView:
    """One saved view: the URL query string of the state, with a title, a note, its owner and
    whether the office sees it."""

    id: str
    title: str
    note: str
    query: str
    created: str
    updated: str = ""
    owner: str | None = None
    shared: bool = False


def may_change(view: SavedView, actor: str | None, editor: bool) -> bool:
    """Whether ``actor`` may rename, move, delete or share ``view``: anything without login (actor
    None); with one, their own views, and the office's views from before login (no owner) only as
    an editor. Others' shared views are only looked at."""
    return actor is None or view.owner == actor or (view.owner is None and editor)


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


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _new_row(
    title: str, note: str, query: str, created: str, owner: str | None, shared: bool
) -> dict[str, Any]:
    return {
        "id": uuid.uuid4().hex[:12],
        "title": _clean_text(title, MAX_TITLE, "title", True),
        "note": _clean_text(note or "", MAX_NOTE, "note", False),
        "query": _clean_query(query or ""),
        "owner": owner,
        "shared": shared,
        "created": created,
        "updated": _now(),
    }


def _view_row(view: SavedView) -> dict[str, Any]:
    """A view as its table row (without the position)."""
    return {**asdict(view), "updated": _now()}


def _append(connection: Connection, rows: list[dict[str, Any]]) -> None:
    """Add rows at the end of the list, within MAX_VIEWS, in the caller's transaction."""
    count, last = connection.execute(
        select(func.count(), func.coalesce(func.max(views_table.c.position), 0))
    ).one()
    if count + len(rows) > MAX_VIEWS:
        raise SavedViewError(f"at most {MAX_VIEWS} saved views; delete some first")
    if rows:
        connection.execute(views_table.insert(), [r | {"position": last + n} for n, r in enumerate(rows, 1)])


def _parse_export(data: bytes, owner: str | None) -> list[dict[str, Any]]:
    """The views of an exported file as new rows, all checked (one bad view refuses the file)."""
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SavedViewError(f"the file is not a saved-views file (not valid JSON: {exc})") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise SavedViewError("the file is not an Atlas Kawasan saved-views export")
    items = document.get("views")
    if not isinstance(items, list):
        raise SavedViewError("the file has no list of views")
    rows = []
    for position, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise SavedViewError(f"view {position} is not an object")
        try:
            rows.append(
                _new_row(
                    item.get("title"),
                    item.get("note", ""),
                    item.get("query", ""),
                    str(item.get("created", ""))[:40],
                    owner,
                    False,
                )
            )
        except SavedViewError as exc:
            raise SavedViewError(f"view {position}: {exc}") from None
    return rows


def adopt_views_file(connection: Connection, data: bytes) -> None:
    """Take in the saved_views.json of a data directory from before the database (no owner)."""
    _append(connection, _parse_export(data, None))


def copy_views(source: Connection, target: Connection) -> int:
    """Append every view of the ``source`` database to ``target``'s, owners, sharing and dates kept
    (new ids, so nothing there is overwritten); returns how many."""
    rows = source.execute(select(views_table).order_by(views_table.c.position)).mappings().all()
    _append(target, [{**row, "id": uuid.uuid4().hex[:12]} for row in rows])
    return len(rows)


class SavedViewStore:
    """The saved views of this installation, in the presenter's order. ``ready`` is called before
    each use (the store's schema check)."""

    def __init__(self, engine: Engine, ready: Callable[[], None]) -> None:
        self.engine, self.ready = engine, ready

    @staticmethod
    def _visible(actor: str | None) -> Any:
        """Views an actor sees: their own, the shared ones, and those from before login (no owner)."""
        v = views_table.c
        return True if actor is None else or_(v.owner == actor, v.shared, v.owner.is_(None))

    def list(self, actor: str | None = None) -> list[SavedView]:
        """Every view ``actor`` may see, in order (all of them without login)."""
        self.ready()
        query = select(views_table).where(self._visible(actor)).order_by(views_table.c.position)
        with self.engine.connect() as connection:
            rows = connection.execute(query).mappings().all()
        return [SavedView(**{k: row[k] for k in SavedView.__dataclass_fields__}) for row in rows]

    def add(
        self, title: str, note: str, query: str, *, actor: str | None = None, shared: bool = False
    ) -> SavedView:
        """Save a view at the end of the list, owned by ``actor``."""
        row = _new_row(title, note, query, _now(), actor, shared)
        self.ready()
        with db.writing(self.engine, db.VIEWS_LOCK) as connection:
            _append(connection, [row])
        return SavedView(**{k: row[k] for k in SavedView.__dataclass_fields__})

    def _change(self, view_id: str, actor: str | None, **values: Any) -> None:
        """Update one view that ``actor`` may change (their own, or one without owner)."""
        v = views_table.c
        mine = True if actor is None else or_(v.owner == actor, v.owner.is_(None))
        self.ready()
        with db.writing(self.engine, db.VIEWS_LOCK) as connection:
            found = connection.execute(select(v.id, and_(mine)).where(v.id == view_id)).first()
            if found is None:
                raise SavedViewError("that saved view no longer exists")
            if not found[1]:
                raise SavedViewError("that saved view belongs to someone else")
            if values:
                connection.execute(
                    update(views_table).where(v.id == view_id).values(**values, updated=_now())
                )
            else:
                connection.execute(delete(views_table).where(v.id == view_id))

    def rename(self, view_id: str, title: str, note: str | None = None, *, actor: str | None = None) -> None:
        """Change a view's title (and note, when given)."""
        values = {"title": _clean_text(title, MAX_TITLE, "title", True)}
        if note is not None:
            values["note"] = _clean_text(note, MAX_NOTE, "note", False)
        self._change(view_id, actor, **values)

    def share(self, view_id: str, shared: bool, *, actor: str | None = None) -> None:
        """Show a view to the whole office, or make it personal again."""
        self._change(view_id, actor, shared=bool(shared))

    def delete(self, view_id: str, *, actor: str | None = None) -> tuple[SavedView, int]:
        """Remove a view; return it with its place in ``actor``'s list, so the presenter can undo
        (``restore``)."""
        views = self.list(actor)
        index = next((i for i, view in enumerate(views) if view.id == view_id), None)
        self._change(view_id, actor)  # refuses what is gone or someone else's
        if index is None:  # deleted by another host between the two reads
            raise SavedViewError("that saved view no longer exists")
        return views[index], index

    def restore(self, view: SavedView, position: int, *, actor: str | None = None) -> None:
        """Put a deleted view back at its place in ``actor``'s list (undo), with its id, owner and
        sharing; nothing happens if it is there already."""
        v = views_table.c
        self.ready()
        with db.writing(self.engine, db.VIEWS_LOCK) as connection:
            if connection.execute(select(v.id).where(v.id == view.id)).first() is not None:
                return
            visible = (
                connection.execute(select(v.position).where(self._visible(actor)).order_by(v.position))
                .scalars()
                .all()
            )
            if not 0 <= position < len(visible):
                _append(connection, [_view_row(view)])
                return
            at = visible[position]  # the view now there moves down, with everything after it
            connection.execute(update(views_table).where(v.position >= at).values(position=v.position + 1))
            count = connection.execute(select(func.count()).select_from(views_table)).scalar_one()
            if count >= MAX_VIEWS:
                raise SavedViewError(f"at most {MAX_VIEWS} saved views; delete some first")
            connection.execute(views_table.insert(), [_view_row(view) | {"position": at}])

    @staticmethod
    def from_record(record: Any) -> tuple[SavedView, int]:
        """A deleted view as the page keeps it for undo (``{"view": {...}, "position": n}``), checked
        again: the page is not trusted."""
        try:
            item, position = record["view"], int(record["position"])
            view = SavedView(
                id=str(item["id"])[:32],
                title=_clean_text(item["title"], MAX_TITLE, "title", True),
                note=_clean_text(item["note"], MAX_NOTE, "note", False),
                query=_clean_query(item["query"]),
                created=str(item["created"])[:40],
                owner=None if item.get("owner") is None else str(item["owner"])[:120],
                shared=bool(item.get("shared", False)),
            )
        except (TypeError, KeyError, ValueError) as exc:
            raise SavedViewError(f"nothing to undo ({exc})") from None
        return view, position

    def move(self, view_id: str, offset: int, *, actor: str | None = None) -> None:
        """Move a view up (negative) or down (positive) among the views ``actor`` sees."""
        v = views_table.c
        self.ready()
        with db.writing(self.engine, db.VIEWS_LOCK) as connection:
            rows = connection.execute(
                select(v.id, v.position).where(self._visible(actor)).order_by(v.position)
            ).all()
            ids = [row.id for row in rows]
            if view_id not in ids:
                raise SavedViewError("that saved view no longer exists")
            index = ids.index(view_id)
            ids.insert(max(0, min(len(ids) - 1, index + offset)), ids.pop(index))
            for view, position in zip(ids, [row.position for row in rows], strict=True):
                connection.execute(update(views_table).where(v.id == view).values(position=position))

    def export_bytes(self, actor: str | None = None) -> bytes:
        """The views ``actor`` sees as a portable JSON file, to carry a prepared session to the FGD
        laptop (title, note, state and date only: owners do not travel)."""
        views = [{k: asdict(view)[k] for k in _PORTABLE} for view in self.list(actor)]
        return json.dumps(
            {"format": FORMAT, "version": VERSION, "views": views}, ensure_ascii=False, indent=1
        ).encode("utf-8")

    def import_bytes(self, data: bytes, *, actor: str | None = None) -> int:
        """Append the views of an exported file that ``actor`` does not have yet (same title, note
        and URL state: importing a file twice adds nothing), owned by ``actor``; everything is
        checked first and nothing is stored if any view is bad. Returns how many were added."""
        rows = _parse_export(data, actor)
        self.ready()
        v = views_table.c
        with db.writing(self.engine, db.VIEWS_LOCK) as connection:
            visible = select(v.title, v.note, v.query).where(self._visible(actor))
            seen = {tuple(row) for row in connection.execute(visible)}
            new = []
            for row in rows:
                if (key := (row["title"], row["note"], row["query"])) not in seen:
                    seen.add(key)
                    new.append(row)
            _append(connection, new)
        return len(new)
