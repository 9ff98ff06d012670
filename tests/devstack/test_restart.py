"""`nox -s dev` keeps what it had between runs: stopped and started again on the same state
directory and database, a user who signed up through the service signs in with the same account;
`--fresh` starts over."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from devstack.fresh import FreshStartError, start_fresh
from devstack.ports import free_port
from devstack.stack import Stack

PASSWORD = "Passw0rd!-dev"


def _stack(tmp_path: Path, service_port: int, emulator_port: int) -> Stack:
    return Stack(
        service_port=service_port,
        emulator_port=emulator_port,
        log_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'app.db'}",
        state_dir=tmp_path / "emulator-state",
    )


def test_a_user_signs_in_with_the_same_account_after_a_restart(tmp_path: Path) -> None:
    service_port, emulator_port = free_port(), free_port()
    with _stack(tmp_path, service_port, emulator_port) as stack:
        assert stack.pool is not None
        first_pool = stack.pool
        with httpx.Client(base_url=stack.service_url, timeout=10) as service:
            signed_up = service.post(
                "/users/signup",
                json={"username": "ada", "email": "ada@example.com", "password": PASSWORD},
            )
            assert signed_up.status_code == 201, signed_up.text
            code = stack.emulator.latest_code(first_pool.user_pool_id, "ada")
            verified = service.post(
                "/users/verify", json={"username": "ada", "confirmation_code": code}
            )
            assert verified.status_code == 200, verified.text

    with _stack(tmp_path, service_port, emulator_port) as stack:
        assert stack.pool == first_pool  # the same pool, client and secret
        with httpx.Client(base_url=stack.service_url, timeout=10) as service:
            login = service.post("/users/login", data={"username": "ada", "password": PASSWORD})
            assert login.status_code == 200, login.text
            me = service.get(
                "/users/me", headers={"Authorization": f"Bearer {login.json()['access_token']}"}
            )
    assert me.status_code == 200
    assert me.json()["username"] == "ada"


def test_fresh_deletes_the_state_and_the_sqlite_database(tmp_path: Path) -> None:
    state_dir, database = tmp_path / "emulator-state", tmp_path / "app.db"
    state_dir.mkdir()
    for name in ("snapshot", "journal", "lock"):
        (state_dir / name).write_bytes(b"")
    database.write_bytes(b"")

    removed = start_fresh(state_dir, f"sqlite:///{database}")

    assert removed == [str(state_dir), str(database)]
    assert not state_dir.exists() and not database.exists()
    assert start_fresh(state_dir, f"sqlite:///{database}") == []  # nothing kept: nothing to do


def test_fresh_keeps_a_database_that_is_not_a_sqlite_file(tmp_path: Path) -> None:
    state_dir = tmp_path / "emulator-state"

    assert start_fresh(state_dir, "postgresql+psycopg://postgres@127.0.0.1:5432/test") == []


def test_fresh_refuses_a_directory_of_other_files(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")

    with pytest.raises(FreshStartError) as refused:
        start_fresh(tmp_path, "sqlite:///unused.db")

    assert str(refused.value) == (
        f"--fresh deletes the emulator's state, but {tmp_path} holds other files (notes.txt): "
        "delete it yourself if you mean to"
    )
    assert (tmp_path / "notes.txt").exists()
