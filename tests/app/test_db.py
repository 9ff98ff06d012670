"""Workers starting at once on a freshly migrated database all start (`uvicorn app.main:app
--workers 2`): each opens its engine (on SQLite, switching the file to WAL) and checks the
schema, and none may die of the race."""

import shutil
import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine

from app.core.config import DatabaseSettings
from app.core.db import make_engine
from app.core.migrations import migrate, require_latest_schema

WORKERS = 4
ROUNDS = 20


def start_workers_together(database_url: str) -> list[BaseException]:
    """What each worker does at startup (its own engine, then the schema check), all released at
    the same instant; the errors they met."""
    engines = [make_engine(DatabaseSettings(DATABASE_URL=database_url)) for _ in range(WORKERS)]
    ready = threading.Barrier(WORKERS)
    errors: list[BaseException] = []

    def start(engine: Engine) -> None:
        ready.wait()
        try:
            require_latest_schema(engine)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=start, args=(engine,)) for engine in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for engine in engines:
        engine.dispose()
    return errors


def test_workers_starting_together_on_a_fresh_sqlite_file_all_start(
    tmp_path: Path, migrated_sqlite_file: Path
) -> None:
    for round_number in range(ROUNDS):
        path = tmp_path / f"fresh-{round_number}.db"
        shutil.copyfile(migrated_sqlite_file, path)  # as migrated, not yet in WAL mode

        assert start_workers_together(f"sqlite:///{path}") == []


@pytest.mark.postgres
def test_workers_starting_together_on_a_fresh_postgresql_schema_all_start(
    fresh_postgres_schema: str,
) -> None:
    migrate(fresh_postgres_schema)

    assert start_workers_together(fresh_postgres_schema) == []
