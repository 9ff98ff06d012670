"""The service under test, wired to the in-process emulator (the `cognito_emulator` plugin).

Database, migrated as a deployment migrates it (app/alembic/), never by the service:
- SQLite (default): every test's `tmp_path / "app.db"` is a copy of a file migrated once per
  session, so any service a test starts there finds its schema;
- PostgreSQL when DATABASE_URL is a postgresql URL (CI): at session start every table found
  there is dropped, whatever earlier runs left (tables made by `create_all` before migrations
  existed, with no `alembic_version`), and the schema is migrated; each test starts with no rows.
"""

import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, MetaData, create_engine, delete, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from app.core.config import Settings
from app.core.migrations import migrate
from app.main import create_app
from app.models import User
from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.server import EmulatorServer
from tests.app.service_harness import Flows, make_settings, postgres_url


@pytest.fixture(scope="session")
def migrated_sqlite_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("schema") / "migrated.db"
    migrate(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_engine() -> Iterator[Engine | None]:
    url = postgres_url()
    if url is None:
        yield None
        return
    engine = create_engine(url)
    leftovers = MetaData()
    leftovers.reflect(engine)
    leftovers.drop_all(engine)
    migrate(url)
    yield engine
    engine.dispose()


@pytest.fixture(autouse=True)
def database_url(tmp_path: Path, migrated_sqlite_file: Path, postgres_engine: Engine | None) -> str:
    """The test's migrated database (autouse: `tmp_path / "app.db"` is migrated in every test)."""
    sqlite_file = tmp_path / "app.db"
    shutil.copyfile(migrated_sqlite_file, sqlite_file)
    if postgres_engine is None:
        return f"sqlite:///{sqlite_file}"
    with postgres_engine.begin() as connection:
        connection.execute(delete(User))
    return postgres_engine.url.render_as_string(hide_password=False)


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


@pytest.fixture
def settings(cognito_pool: PoolConfig, database_url: str) -> Settings:
    return make_settings(cognito_pool, database_url)


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    return create_app(settings)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def flows(client: TestClient, cognito_emulator: EmulatorServer, cognito_pool: PoolConfig) -> Flows:
    return Flows(client=client, emulator=cognito_emulator, pool=cognito_pool)
