"""Schema creation at startup is safe when several workers start at once on a fresh database
(`uvicorn app.main:app --workers 2`): each worker runs it, and none may die of the race."""

import secrets
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from service_harness import postgres_url
from sqlalchemy import Engine, create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from app.core.config import Settings
from app.core.db import create_db_and_tables, make_engine

WORKERS = 4
ROUNDS = 20


def settings_for(database_url: str) -> Settings:
    return Settings(
        _env_file=None,
        AWS_COGNITO_USER_POOL_ID="us-east-1_example",
        AWS_COGNITO_APP_CLIENT_ID="exampleclient",
        DATABASE_URL=database_url,
    )


def start_workers_together(database_url: str) -> list[BaseException]:
    """What each worker does at startup (its own engine, then the tables), all released at the
    same instant; the errors they met."""
    engines = [make_engine(settings_for(database_url)) for _ in range(WORKERS)]
    ready = threading.Barrier(WORKERS)
    errors: list[BaseException] = []

    def start(engine: Engine) -> None:
        ready.wait()
        try:
            create_db_and_tables(engine)
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


def tables_of(database_url: str) -> set[str]:
    engine = make_engine(settings_for(database_url))
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_workers_starting_together_on_a_fresh_sqlite_file_all_start(tmp_path: Path) -> None:
    for round_number in range(ROUNDS):
        url = f"sqlite:///{tmp_path / f'fresh-{round_number}.db'}"

        errors = start_workers_together(url)

        assert errors == []
        assert "user" in tables_of(url)


def test_startup_on_an_existing_schema_changes_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    assert start_workers_together(url) == []

    assert start_workers_together(url) == []
    assert "user" in tables_of(url)


@pytest.fixture
def fresh_postgres_schema() -> Iterator[str]:
    """A database URL whose search_path is a new, empty schema (dropped afterwards), so the test
    starts from nothing without touching the tables other tests use."""
    url = postgres_url()
    if url is None:
        pytest.skip(
            "PostgreSQL tests skipped: DATABASE_URL is not set to a postgresql+psycopg:// URL"
        )
    admin = create_engine(url, connect_args={"connect_timeout": 3})
    schema = f"startup_{secrets.token_hex(4)}"
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError:
        admin.dispose()
        shown = make_url(url).render_as_string(hide_password=True)
        pytest.skip(f"PostgreSQL not reachable at {shown}")
    scoped = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield scoped.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.mark.postgres
def test_workers_starting_together_on_a_fresh_postgresql_schema_all_start(
    fresh_postgres_schema: str,
) -> None:
    errors = start_workers_together(fresh_postgres_schema)

    assert errors == []
    assert "user" in tables_of(fresh_postgres_schema)
