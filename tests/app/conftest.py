"""The service under test, wired to the in-process emulator (the `cognito_emulator` plugin).

Database: a SQLite file per test, or PostgreSQL when DATABASE_URL is a postgresql URL (CI), with
the tables dropped before each test.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from service_harness import Flows, make_settings, postgres_url
from sqlalchemy import Engine, create_engine
from sqlmodel import SQLModel

from app.core.config import Settings
from app.main import create_app
from emulator.bootstrap import PoolConfig
from emulator.server import EmulatorServer


@pytest.fixture(scope="session")
def postgres_engine() -> Iterator[Engine | None]:
    url = postgres_url()
    if url is None:
        yield None
        return
    engine = create_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture
def database_url(tmp_path: Path, postgres_engine: Engine | None) -> str:
    if postgres_engine is None:
        return f"sqlite:///{tmp_path / 'app.db'}"
    SQLModel.metadata.drop_all(postgres_engine)
    return postgres_engine.url.render_as_string(hide_password=False)


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
