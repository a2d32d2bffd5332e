"""Users: the real ``python -m geodata users`` commands on a temporary data directory, Argon2id
hashes, and the throttling of password guessing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from geodata.users import (
    FREE_FAILURES,
    MAX_WAIT_S,
    SignInRefused,
    UserStore,
    allows,
    backoff_s,
    users_table,
)

ROOT = Path(__file__).resolve().parents[1]


def users_cli(data: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "ATLAS_DATA_DIR": str(data)}
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "geodata", "users", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_users_commands_add_list_change_and_remove(tmp_path):
    added = users_cli(
        tmp_path, "add", "sari", "--role", "editor", "--password-stdin", stdin="garuda-pancasila-45\n"
    )
    assert added.returncode == 0 and added.stdout.strip() == "Added sari (editor)."
    users_cli(tmp_path, "add", "budi", "--role", "viewer", "--password-stdin", stdin="budi-password-2026\n")
    listed = users_cli(tmp_path, "list")
    rows = [line.split() for line in listed.stdout.splitlines()[1:-1]]
    assert [(r[0], r[1]) for r in rows] == [("budi", "viewer"), ("sari", "editor")]
    assert all(r[2].endswith("Z") for r in rows) and listed.stdout.splitlines()[-1] == "2 users"
    assert users_cli(tmp_path, "set-role", "budi", "admin").returncode == 0
    assert users_cli(tmp_path, "remove", "sari").returncode == 0
    store = UserStore.for_data_dir(tmp_path)
    assert [(u.name, u.role) for u in store.list()] == [("budi", "admin")]
    assert store.authenticate("budi", "budi-password-2026", "127.0.0.1").role == "admin"
    assert (tmp_path / "atlas.sqlite").is_file()


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (("add", "sari", "--role", "editor", "--password-stdin"), "pendek\n", "at least 10 characters"),
        (
            ("add", "bad name", "--role", "editor", "--password-stdin"),
            "long-enough-pw\n",
            "not a valid user name",
        ),
        (("add", "sari", "--role", "editor"), "", "no terminal to ask for the password"),
        (("add", "sari", "--role", "boss", "--password-stdin"), "long-enough-pw\n", "invalid choice: 'boss'"),
        (("remove", "nobody"), None, "no user 'nobody'"),
        (("set-role", "nobody", "viewer"), None, "no user 'nobody'"),
        (("set-role", "nobody", "owner"), None, "invalid choice: 'owner'"),
    ],
)
def test_bad_user_requests_exit_2_with_a_clear_message(tmp_path, args, stdin, message):
    result = users_cli(tmp_path, *args, stdin=stdin)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


def test_a_name_cannot_be_added_twice(tmp_path):
    first = users_cli(
        tmp_path, "add", "sari", "--role", "viewer", "--password-stdin", stdin="first-password-1\n"
    )
    again = users_cli(
        tmp_path, "add", "sari", "--role", "admin", "--password-stdin", stdin="other-password-2\n"
    )
    assert first.returncode == 0 and again.returncode == 2 and "exists already" in again.stderr
    assert [u.role for u in UserStore.for_data_dir(tmp_path).list()] == ["viewer"]


def test_passwords_are_stored_as_argon2id_hashes_only(tmp_path):
    store = UserStore.for_data_dir(tmp_path)
    store.add("sari", "editor", "garuda-pancasila-45")
    with store.engine.connect() as connection:
        stored = connection.execute(select(users_table.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and "garuda" not in stored
    assert "m=65536,t=3,p=4" in stored
    with pytest.raises(SignInRefused):
        store.authenticate("sari", "garuda-pancasila-46", "10.0.0.1")
    with pytest.raises(SignInRefused):
        store.authenticate("nobody", "garuda-pancasila-45", "10.0.0.1")
    assert store.authenticate("sari", "garuda-pancasila-45", "10.0.0.1").role == "editor"


def test_guessing_a_password_is_slowed_per_name_then_cleared_by_success(tmp_path):
    store = UserStore.for_data_dir(tmp_path)
    store.add("sari", "editor", "garuda-pancasila-45")
    now = 1_000_000.0
    for attempt in range(FREE_FAILURES):
        with pytest.raises(SignInRefused) as refused:
            store.authenticate("sari", f"guess-{attempt}", f"10.0.0.{attempt}", now=now)
        assert refused.value.wait_s == 0  # the first few mistakes cost nothing
    with pytest.raises(SignInRefused) as refused:  # the right password, but during the wait
        store.authenticate("sari", "garuda-pancasila-45", "10.0.9.9", now=now + 0.5)
    assert refused.value.wait_s == pytest.approx(0.5)
    assert store.authenticate("sari", "garuda-pancasila-45", "10.0.9.9", now=now + 1.1).name == "sari"
    for attempt in range(FREE_FAILURES):  # counting starts again after a success
        with pytest.raises(SignInRefused):
            store.authenticate("sari", f"guess-{attempt}", "10.0.8.8", now=now + 2)


def test_one_address_guessing_many_names_is_slowed_too(tmp_path):
    store = UserStore.for_data_dir(tmp_path)
    store.add("sari", "editor", "garuda-pancasila-45")
    for n in range(20):
        with pytest.raises(SignInRefused):
            store.authenticate(f"user{n}", "password-guess", "203.0.113.7", now=5000.0)
    with pytest.raises(SignInRefused) as refused:
        store.authenticate("sari", "garuda-pancasila-45", "203.0.113.7", now=5000.0)
    assert refused.value.wait_s > 0
    assert store.authenticate("sari", "garuda-pancasila-45", "198.51.100.1", now=5000.0).name == "sari"


def test_backoff_doubles_and_is_capped_and_roles_nest():
    assert [backoff_s(n) for n in range(FREE_FAILURES + 4)] == [0, 0, 0, 0, 0, 1, 2, 4, 8]
    assert backoff_s(100) == MAX_WAIT_S
    assert allows("admin", "editor") and allows("editor", "viewer") and allows("viewer", "viewer")
    assert not allows("viewer", "editor") and not allows("editor", "admin") and not allows("boss", "viewer")
