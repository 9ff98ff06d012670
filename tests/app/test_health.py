"""Liveness and readiness."""

import shutil
import socket
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from cognito_emulator.bootstrap import PoolConfig
from tests.app.service_harness import make_settings


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_healthz_answers(client: TestClient) -> None:
    response = client.get("/healthz")

    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_readyz_is_ready_when_database_and_jwks_answer(client: TestClient) -> None:
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ready", "database": "ok", "jwks": "ok"}


def test_readyz_is_503_when_the_jwks_is_unreachable(
    cognito_pool: PoolConfig, database_url: str
) -> None:
    settings = make_settings(cognito_pool, database_url, AWS_COGNITO_ENDPOINT_URL=closed_port_url())

    with TestClient(create_app(settings)) as client:
        response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "jwks": "unavailable"}
    assert response.headers["Retry-After"]


@pytest.fixture
def data_dir(tmp_path: Path, migrated_sqlite_file: Path) -> Path:
    """A directory holding a migrated database file, app.db (the tests remove it)."""
    directory = tmp_path / "data"
    directory.mkdir()
    shutil.copyfile(migrated_sqlite_file, directory / "app.db")
    return directory


def test_readyz_is_503_when_the_database_is_gone(cognito_pool: PoolConfig, data_dir: Path) -> None:
    settings = make_settings(cognito_pool, f"sqlite:///{data_dir / 'app.db'}")

    with TestClient(create_app(settings)) as client:
        assert client.get("/readyz").status_code == 200
        client.app.state.services.get().engine.dispose()
        shutil.rmtree(data_dir)
        response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_a_database_outage_is_503_on_authenticated_routes(
    cognito_pool: PoolConfig, data_dir: Path, cognito_user: object
) -> None:
    settings = make_settings(cognito_pool, f"sqlite:///{data_dir / 'app.db'}")
    token = cognito_user.access_token  # type: ignore[attr-defined]

    with TestClient(create_app(settings)) as client:
        client.app.state.services.get().engine.dispose()
        shutil.rmtree(data_dir)
        response = client.get("/users/me", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 503
    assert response.headers["Retry-After"]
