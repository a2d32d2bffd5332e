"""Saved views persist, reorder, rename, delete, and travel between machines as a file."""

from __future__ import annotations

import json
from dataclasses import asdict

import pytest

from dashboard.savedviews import SavedViewError, SavedViewStore


@pytest.fixture
def store(tmp_path):
    return SavedViewStore(tmp_path / "views.json")


def test_views_survive_a_new_store_on_the_same_file(store, tmp_path):
    store.add("Nasional", "pembuka", "")
    store.add("Bauksit", "", "?sector=bauxite")
    again = SavedViewStore(tmp_path / "views.json")
    assert [(v.title, v.query) for v in again.list()] == [("Nasional", ""), ("Bauksit", "?sector=bauxite")]


def test_rename_move_delete(store):
    a = store.add("A", "", "?view=kaltim")
    b = store.add("B", "", "")
    c = store.add("C", "", "")
    store.move(c.id, -2)
    assert [v.title for v in store.list()] == ["C", "A", "B"]
    store.rename(a.id, "A2", "catatan")
    store.delete(b.id)
    assert [(v.title, v.note) for v in store.list()] == [("C", ""), ("A2", "catatan")]
    with pytest.raises(SavedViewError, match="no longer exists"):
        store.delete(b.id)


@pytest.mark.parametrize(
    ("title", "query", "message"),
    [
        ("", "", "title is empty"),
        ("x" * 500, "", "longer than"),
        ("ok", "view=kaltim", "must start with"),
        (5, "", "must be text"),
    ],
)
def test_bad_views_are_refused(store, title, query, message):
    with pytest.raises(SavedViewError, match=message):
        store.add(title, "", query)


def test_export_and_import_round_trip(store, tmp_path):
    store.add("Satu", "n", "?lang=en")
    other = SavedViewStore(tmp_path / "other" / "views.json")
    assert other.import_bytes(store.export_bytes()) == 1
    assert [(v.title, v.note, v.query) for v in other.list()] == [("Satu", "n", "?lang=en")]


@pytest.mark.parametrize(
    "data",
    [
        b"not json",
        b"{}",
        json.dumps({"format": "atlas-kawasan/saved-views", "views": [{"title": ""}]}).encode(),
        b"\xff\xfe",
    ],
)
def test_bad_import_files_change_nothing(store, data):
    store.add("kept", "", "")
    with pytest.raises(SavedViewError):
        store.import_bytes(data)
    assert [v.title for v in store.list()] == ["kept"]


def test_a_failed_write_leaves_the_previous_file(store, monkeypatch):
    store.add("kept", "", "")
    before = store.path.read_bytes()

    def broken_fsync(fd):
        raise OSError("disk full")

    monkeypatch.setattr("os.fsync", broken_fsync)
    with pytest.raises(OSError):
        store.add("lost", "", "")
    assert store.path.read_bytes() == before
    assert not list(store.path.parent.glob(".views-*.tmp"))


def test_delete_can_be_undone_at_the_same_position(store):
    views = [store.add(title, "", f"?zone={title}") for title in ("a", "b", "c")]
    removed, position = store.delete(views[1].id)
    assert (removed, position) == (views[1], 1)
    assert [v.title for v in store.list()] == ["a", "c"]
    record = {"view": asdict(removed), "position": position}  # as the page keeps it
    store.restore(*SavedViewStore.from_record(record))
    assert store.list() == views
    store.restore(removed, 0)  # a second undo does not duplicate it
    assert store.list() == views


@pytest.mark.parametrize(
    "record", [None, {}, {"view": {"id": "x"}, "position": 0}, {"view": {}, "position": "a"}]
)
def test_a_bad_undo_record_is_refused(record):
    with pytest.raises(SavedViewError):
        SavedViewStore.from_record(record)


def test_importing_the_same_file_twice_does_not_duplicate(store, tmp_path):
    store.add("Kaltim", "rings", "?view=kaltim")
    store.add("Nickel", "", "?sector=nickel")
    exported = store.export_bytes()
    other = SavedViewStore(tmp_path / "other.json")
    assert other.import_bytes(exported) == 2
    assert other.import_bytes(exported) == 0
    assert store.import_bytes(exported) == 0
    assert [v.title for v in other.list()] == ["Kaltim", "Nickel"]
