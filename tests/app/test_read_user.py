"""The per-request read of the caller's row (`crud.read_user`): exactly what the ORM reads, never
stale (a write by another worker is seen by the next read), and failures reported as SQLAlchemy
errors (answered 503)."""

import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from app.core.config import DatabaseSettings
from app.core.db import make_engine
from app.crud import read_user
from app.models import User


def engine_for(database_url: str) -> Engine:
    return make_engine(DatabaseSettings(DATABASE_URL=database_url))


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = engine_for(database_url)
    yield engine
    engine.dispose()


def add_user(engine: Engine, **fields: object) -> User:
    with Session(engine) as session:
        user = User(**({"sub": "sub-1", "username": "alice"} | fields))
        session.add(user)
        session.commit()
        session.refresh(user)
        return user


def orm_row(engine: Engine, sub: str) -> User:
    with Session(engine) as session:
        user = session.get(User, sub)
        assert user is not None
        return user


def test_the_row_read_is_the_row_the_orm_reads(engine: Engine) -> None:
    add_user(
        engine,
        email="alice@example.com",
        disabled=True,
        created_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),  # no microseconds
        last_login_at=datetime(2026, 1, 2, 3, 4, 6, 789, tzinfo=UTC),
        tokens_valid_after=None,
    )

    read = read_user(engine, "sub-1")

    assert read is not None
    assert read.model_dump() == orm_row(engine, "sub-1").model_dump()
    assert read.created_at.tzinfo == UTC
    assert (read.sub, read.disabled, read.tokens_valid_after) == ("sub-1", True, None)


def test_an_unknown_sub_reads_as_none(engine: Engine) -> None:
    add_user(engine)

    assert read_user(engine, "someone-else") is None


def test_a_write_committed_elsewhere_is_seen_by_the_next_read(
    engine: Engine, database_url: str
) -> None:
    """Another worker's logout or disable counts at once: no snapshot or cache in between."""
    add_user(engine)
    before = read_user(engine, "sub-1")
    other_worker = engine_for(database_url)
    try:
        with Session(other_worker) as session:
            row = session.get(User, "sub-1")
            assert row is not None
            row.disabled = True
            row.tokens_valid_after = datetime(2026, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)
            session.add(row)
            session.commit()
    finally:
        other_worker.dispose()

    after = read_user(engine, "sub-1")

    assert before is not None and after is not None
    assert (before.disabled, before.tokens_valid_after) == (False, None)
    assert (after.disabled, after.tokens_valid_after) == (
        True,
        datetime(2026, 5, 6, 7, 8, 9, 123456, tzinfo=UTC),
    )


def test_reads_from_many_threads_agree(engine: Engine) -> None:
    add_user(engine)

    with ThreadPoolExecutor(max_workers=8) as pool:
        subs = list(pool.map(lambda _: getattr(read_user(engine, "sub-1"), "sub", None), range(64)))

    assert subs == ["sub-1"] * 64


def test_a_lost_database_file_is_an_operational_error(
    tmp_path: Path, migrated_sqlite_file: Path
) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    shutil.copyfile(migrated_sqlite_file, data_dir / "app.db")
    engine = engine_for(f"sqlite:///{data_dir / 'app.db'}")
    try:
        add_user(engine)
        assert read_user(engine, "sub-1") is not None
        engine.dispose()
        shutil.rmtree(data_dir)

        with pytest.raises(OperationalError):
            read_user(engine, "sub-1")
    finally:
        engine.dispose()
