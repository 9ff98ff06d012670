"""The engine: workers starting at once on a freshly migrated database all start (`uvicorn
app.main:app --workers 2`; each opens its engine, on SQLite switching the file to WAL, and checks
the schema, and none may die of the race); PostgreSQL sessions get the statement timeout and keep
the URL's own options; which database errors are outages (503)."""

import shutil
import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import (
    DBAPIError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    ProgrammingError,
    SQLAlchemyError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from app.core.config import DatabaseSettings
from app.core.db import is_unavailable, make_engine
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


@pytest.mark.postgres
def test_postgresql_sessions_get_the_statement_timeout_and_keep_the_urls_options(
    fresh_postgres_schema: str,
) -> None:
    settings = DatabaseSettings(
        DATABASE_URL=fresh_postgres_schema, DATABASE_STATEMENT_TIMEOUT_SECONDS=1.5
    )
    engine = make_engine(settings)
    with engine.connect() as connection:
        statement_timeout = connection.execute(text("SHOW statement_timeout")).scalar_one()
        search_path = connection.execute(text("SHOW search_path")).scalar_one()
    engine.dispose()

    assert statement_timeout == "1500ms"
    assert search_path.startswith("startup_")  # the URL's options=-csearch_path=... kept


class DriverError(Exception):
    """A driver's exception, with the SQLSTATE psycopg gives its errors."""

    def __init__(self, sqlstate: str | None = None) -> None:
        super().__init__("driver message")
        self.sqlstate = sqlstate


OUTAGES: dict[str, tuple[SQLAlchemyError, bool]] = {
    "unreachable or timed out": (OperationalError("SELECT", {}, DriverError()), True),
    "connection closed": (InterfaceError("SELECT", {}, DriverError()), True),
    "connection lost mid-statement": (
        DBAPIError("SELECT", {}, DriverError(), connection_invalidated=True),
        True,
    ),
    "no pooled connection free": (PoolTimeoutError("QueuePool limit reached"), True),
    "table missing": (ProgrammingError("SELECT", {}, DriverError("42P01")), True),
    "column missing": (ProgrammingError("SELECT", {}, DriverError("42703")), True),
    "syntax error": (ProgrammingError("SELECT", {}, DriverError("42601")), False),
    "unique violation": (IntegrityError("INSERT", {}, DriverError("23505")), False),
}


@pytest.mark.parametrize("case", OUTAGES.values(), ids=OUTAGES.keys())
def test_outages_are_told_from_faults(case: tuple[SQLAlchemyError, bool]) -> None:
    error, outage = case

    assert is_unavailable(error) is outage
