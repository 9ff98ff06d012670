"""Schema migrations (app/alembic/): they build exactly the tables of app/models.py, run safely
from several processes at once, and the service refuses to start on a database that is not at
the latest migration, saying in one line what to run."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlmodel import Session, SQLModel, select

from app.core.config import DatabaseSettings
from app.core.db import make_engine
from app.core.migrations import SchemaNotMigratedError, migrate, require_latest_schema
from app.main import create_app
from app.models import User
from cognito_emulator.bootstrap import PoolConfig
from tests.app.service_harness import make_settings

REPO_ROOT = Path(__file__).resolve().parents[2]
PROCESSES = 4
ROUNDS = 5

# A process that migrates the database named on each line of its stdin, once all its imports are
# done: the lines reach every process at once, so their migrations overlap.
MIGRATING_PROCESS = """
import sys
from app.core.migrations import migrate
print("ready", flush=True)
for line in sys.stdin:
    try:
        migrate(line.strip())
        print("migrated", flush=True)
    except Exception as error:
        print(f"{type(error).__name__}: {error}".replace("\\n", " "), flush=True)
"""


def test_the_migrations_build_exactly_the_models_tables(database_url: str) -> None:
    """What CI's autogenerate check is: a model changed without its migration fails here."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            migrated = MigrationContext.configure(connection)
            differences = compare_metadata(migrated, SQLModel.metadata)
    finally:
        engine.dispose()

    assert differences == []


def test_migrating_a_database_at_the_latest_migration_changes_nothing(database_url: str) -> None:
    engine = make_engine(DatabaseSettings(DATABASE_URL=database_url))
    try:
        with Session(engine) as session:
            session.add(User(sub="sub-1", username="alice"))
            session.commit()

        migrate(database_url)

        require_latest_schema(engine)
        with Session(engine) as session:
            assert [row.username for row in session.exec(select(User))] == ["alice"]
    finally:
        engine.dispose()


def migrate_together(database_urls: list[str]) -> list[list[str]]:
    """Each database migrated by PROCESSES processes at once; what each process answered."""
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", MIGRATING_PROCESS],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    try:
        for process in processes:
            assert process.stdout is not None and process.stdout.readline() == "ready\n"
        answers = []
        for url in database_urls:
            for process in processes:
                assert process.stdin is not None
                process.stdin.write(url + "\n")
                process.stdin.flush()
            answers.append(
                [process.stdout.readline().strip() for process in processes if process.stdout]
            )
        return answers
    finally:
        for process in processes:
            if process.stdin is not None:
                process.stdin.close()
            process.wait(timeout=30)


def test_processes_migrating_a_fresh_sqlite_file_together_all_succeed(tmp_path: Path) -> None:
    urls = [f"sqlite:///{tmp_path / f'fresh-{number}.db'}" for number in range(ROUNDS)]

    answers = migrate_together(urls)

    assert answers == [["migrated"] * PROCESSES] * ROUNDS
    for url in urls:
        engine = create_engine(url)
        require_latest_schema(engine)
        engine.dispose()


@pytest.mark.postgres
def test_processes_migrating_a_fresh_postgresql_schema_together_all_succeed(
    fresh_postgres_schema: str,
) -> None:
    answers = migrate_together([fresh_postgres_schema])

    assert answers == [["migrated"] * PROCESSES]
    engine = create_engine(fresh_postgres_schema)
    require_latest_schema(engine)
    engine.dispose()


def test_alembic_upgrade_head_migrates_the_database_of_the_services_settings(
    tmp_path: Path,
) -> None:
    """`nox -s migrate` is `alembic upgrade head` with the repository's alembic.ini; the
    database is the service's DATABASE_URL."""
    url = f"sqlite:///{tmp_path / 'service.db'}"
    environment = {**os.environ, "DATABASE_URL": url}

    subprocess.run(
        [sys.executable, "-m", "alembic", "-c", str(REPO_ROOT / "alembic.ini"), "upgrade", "head"],
        cwd=tmp_path,
        env=environment,
        check=True,
        capture_output=True,
    )

    engine = create_engine(url)
    require_latest_schema(engine)
    engine.dispose()


# ---- the service refuses a database that is not at the latest migration ------------------------


@pytest.fixture
def empty_sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'empty.db'}"


def refusal(pool: PoolConfig, database_url: str) -> str:
    app = create_app(make_settings(pool, database_url))
    with pytest.raises(SchemaNotMigratedError) as refused, TestClient(app):
        pass
    return str(refused.value)


def test_the_service_refuses_to_start_on_an_empty_database(
    cognito_pool: PoolConfig, empty_sqlite_url: str
) -> None:
    assert refusal(cognito_pool, empty_sqlite_url) == (
        f"The database {empty_sqlite_url} is at no revision (empty), behind the service's latest "
        "migration 0001: run `nox -s migrate` (or `alembic upgrade head`), then start the "
        "service again"
    )


def test_the_service_refuses_tables_made_before_migrations_and_says_to_stamp_them(
    cognito_pool: PoolConfig, empty_sqlite_url: str
) -> None:
    engine = create_engine(empty_sqlite_url)
    SQLModel.metadata.create_all(engine)
    engine.dispose()

    assert refusal(cognito_pool, empty_sqlite_url) == (
        f"The database {empty_sqlite_url} has the service's tables but no migration record (made "
        "before migrations existed): run `nox -s migrate -- stamp 0001` (or `alembic stamp 0001`) "
        "once, then `nox -s migrate` (or `alembic upgrade head`), and start the service again"
    )


def test_the_service_refuses_a_database_migrated_by_a_newer_version(
    cognito_pool: PoolConfig, database_url: str
) -> None:
    engine = create_engine(database_url)
    shown = engine.url.render_as_string(hide_password=True)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'f00d'"))
    try:
        refused = refusal(cognito_pool, database_url)
    finally:  # on PostgreSQL the database is shared by the session's tests: put it back
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = '0001'"))
        engine.dispose()

    assert refused == (
        f"The database {shown} is at revision f00d, which this version of the service does not "
        "know (a newer version migrated it): run that version, or `alembic downgrade` from its "
        "checkout"
    )


def test_served_without_lifespan_events_requests_on_an_empty_database_are_503(
    cognito_pool: PoolConfig, empty_sqlite_url: str
) -> None:
    client = TestClient(create_app(make_settings(cognito_pool, empty_sqlite_url)))  # no `with`

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {"detail": "The database is unavailable; retry later"}
    assert response.headers["Retry-After"] == "5"


def test_uvicorn_exits_at_startup_with_one_line_naming_the_command(
    cognito_pool: PoolConfig, empty_sqlite_url: str, tmp_path: Path
) -> None:
    environment = {**os.environ, **cognito_pool.as_env(), "DATABASE_URL": empty_sqlite_url}
    checkout = str(REPO_ROOT)  # the service runs from the checkout: it is not installed

    result = subprocess.run(
        [sys.executable, "-m", "uvicorn", "app.main:app", "--port", "0", "--app-dir", checkout],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 3  # uvicorn's "startup failed"
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR:")]
    assert errors == [
        f"ERROR:    The database {empty_sqlite_url} is at no revision (empty), behind the "
        "service's latest migration 0001: run `nox -s migrate` (or `alembic upgrade head`), "
        "then start the service again",
        "ERROR:    Application startup failed. Exiting.",
    ]
    assert "Traceback" not in result.stderr
