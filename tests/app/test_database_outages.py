"""A database that stops serving while the service runs: hung, locked, out of pooled connections,
or recreated empty. Every route that needs it answers 503 with Retry-After and one message that
holds no SQL, within the DATABASE_*_TIMEOUT_SECONDS bounds, and /readyz says unavailable.

The schema tests drop tables, so each runs on a database of its own (a copied SQLite file, or a
fresh PostgreSQL schema), never on the one other tests share.
"""

import shutil
import socket
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import MetaData, create_engine, text

from app.core.migrations import migrate
from app.main import create_app
from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.server import EmulatorServer
from tests.app.service_harness import PASSWORD, Flows, bearer, make_settings

UNAVAILABLE = (503, {"detail": "The database is unavailable; retry later"}, "5")
NOT_READY = (503, {"status": "unavailable", "database": "unavailable", "jwks": "ok"}, "5")
# Far beyond the short timeouts the tests set, far below what a hung request waits without them.
ANSWER_WITHIN_SECONDS = 10.0


def answer(response: httpx.Response) -> tuple[int, Any, str | None]:
    return response.status_code, response.json(), response.headers.get("Retry-After")


def answered_in_time(request: Callable[[], httpx.Response]) -> httpx.Response:
    """The answer to `request`; a request still waiting after ANSWER_WITHIN_SECONDS fails the
    test instead of hanging it."""
    answers: list[httpx.Response] = []
    waiting = threading.Thread(target=lambda: answers.append(request()), daemon=True)
    waiting.start()
    waiting.join(ANSWER_WITHIN_SECONDS)
    assert answers, f"no answer within {ANSWER_WITHIN_SECONDS} s"
    return answers[0]


# ---- a PostgreSQL server that accepts connections and never answers ---------------------------


@pytest.fixture
def hung_postgresql_url() -> Iterator[str]:
    """The URL of a "server" whose port accepts connections (the kernel completes each TCP
    handshake) but never reads or answers: a hung PostgreSQL, or a proxy with nothing behind."""
    with socket.create_server(("127.0.0.1", 0), backlog=16) as listener:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{listener.getsockname()[1]}/test"


ROUTES: dict[str, Callable[[TestClient], httpx.Response]] = {
    "GET /users/me": lambda client: client.get("/users/me", headers=bearer("a.b.c")),
    "POST /users/login": lambda client: client.post(
        "/users/login", data={"username": "alice", "password": PASSWORD}
    ),
    "POST /users/signup": lambda client: client.post(
        "/users/signup",
        json={"username": "alice", "email": "alice@example.com", "password": PASSWORD},
    ),
    "GET /readyz": lambda client: client.get("/readyz"),
}


@pytest.mark.parametrize("call", ROUTES.values(), ids=ROUTES.keys())
def test_a_database_that_never_answers_is_503_once_the_connect_timeout_passes(
    cognito_pool: PoolConfig,
    hung_postgresql_url: str,
    call: Callable[[TestClient], httpx.Response],
) -> None:
    """Served without lifespan events, so each request meets the database first when it opens
    a connection (with them, startup itself fails after the same timeout)."""
    settings = make_settings(cognito_pool, hung_postgresql_url, DATABASE_CONNECT_TIMEOUT_SECONDS=2)
    client = TestClient(create_app(settings))

    response = answered_in_time(lambda: call(client))

    assert answer(response) == UNAVAILABLE


# ---- SQLite locked, pool exhausted --------------------------------------------------------------


@pytest.fixture
def sqlite_url(tmp_path: Path, migrated_sqlite_file: Path) -> str:
    """A migrated SQLite file of the test's own, whatever DATABASE_URL says."""
    path = tmp_path / "own.db"
    shutil.copyfile(migrated_sqlite_file, path)
    return f"sqlite:///{path}"


def test_a_sqlite_database_locked_by_another_writer_is_503_after_the_statement_timeout(
    cognito_pool: PoolConfig, cognito_emulator: EmulatorServer, sqlite_url: str
) -> None:
    settings = make_settings(cognito_pool, sqlite_url, DATABASE_STATEMENT_TIMEOUT_SECONDS=0.2)
    with TestClient(create_app(settings)) as client:
        flows = Flows(client, cognito_emulator, cognito_pool)
        flows.registered_user("alice")
        writer = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"))
        try:
            writer.execute("BEGIN IMMEDIATE")  # holds the write lock a login needs
            login = answered_in_time(lambda: flows.login("alice"))
        finally:
            writer.close()

    assert answer(login) == UNAVAILABLE


def test_all_pooled_connections_in_use_is_503_after_the_pool_timeout(
    cognito_pool: PoolConfig, cognito_emulator: EmulatorServer, sqlite_url: str
) -> None:
    settings = make_settings(
        cognito_pool,
        sqlite_url,
        DATABASE_POOL_SIZE=1,  # one connection, one more for a burst
        DATABASE_POOL_TIMEOUT_SECONDS=0.2,
        USER_ROW_MAX_AGE_SECONDS=0,
    )
    with TestClient(create_app(settings)) as client:
        user = Flows(client, cognito_emulator, cognito_pool).registered_user("alice")
        engine = client.app.state.services.get().engine
        with engine.connect(), engine.connect():
            me = answered_in_time(lambda: client.get("/users/me", headers=user.bearer))
            ready = answered_in_time(lambda: client.get("/readyz"))

    assert answer(me) == UNAVAILABLE
    assert answer(ready) == NOT_READY


# ---- the schema gone under the running service --------------------------------------------------


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def own_database_url(request: pytest.FixtureRequest, sqlite_url: str) -> str:
    """A migrated database no other test uses: SQLite, and a fresh PostgreSQL schema when
    DATABASE_URL names a PostgreSQL server (skipped otherwise)."""
    if request.param == "sqlite":
        return sqlite_url
    url: str = request.getfixturevalue("fresh_postgres_schema")
    migrate(url)
    return url


def drop_the_user_table(database_url: str) -> None:
    engine = create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text('DROP TABLE "user"'))
    engine.dispose()


def recreate_empty(database_url: str) -> None:
    """Every table dropped, the migration record included, as a database recreated empty."""
    engine = create_engine(database_url)
    tables = MetaData()
    tables.reflect(engine)
    tables.drop_all(engine)
    engine.dispose()


SCHEMA_LOSSES = {"user table dropped": drop_the_user_table, "recreated empty": recreate_empty}


@pytest.mark.parametrize("lose_schema", SCHEMA_LOSSES.values(), ids=SCHEMA_LOSSES.keys())
def test_a_schema_lost_under_the_running_service_is_503_and_not_ready(
    cognito_pool: PoolConfig,
    cognito_emulator: EmulatorServer,
    own_database_url: str,
    lose_schema: Callable[[str], None],
) -> None:
    settings = make_settings(cognito_pool, own_database_url, USER_ROW_MAX_AGE_SECONDS=0)
    with TestClient(create_app(settings)) as client:
        flows = Flows(client, cognito_emulator, cognito_pool)
        user = flows.registered_user("alice")
        assert client.get("/readyz").status_code == 200

        lose_schema(own_database_url)
        me = client.get("/users/me", headers=user.bearer)
        login = flows.login("alice")
        ready = client.get("/readyz")

    assert answer(me) == UNAVAILABLE
    assert answer(login) == UNAVAILABLE
    assert answer(ready) == NOT_READY


@pytest.mark.postgres
def test_a_statement_held_past_the_statement_timeout_is_503(
    cognito_pool: PoolConfig, cognito_emulator: EmulatorServer, fresh_postgres_schema: str
) -> None:
    """A login's write waits on a row another transaction locked, until PostgreSQL cancels it."""
    migrate(fresh_postgres_schema)
    settings = make_settings(
        cognito_pool, fresh_postgres_schema, DATABASE_STATEMENT_TIMEOUT_SECONDS=0.5
    )
    other = create_engine(fresh_postgres_schema)
    with TestClient(create_app(settings)) as client:
        flows = Flows(client, cognito_emulator, cognito_pool)
        flows.registered_user("alice")
        with other.begin() as transaction:
            transaction.execute(text('SELECT * FROM "user" FOR UPDATE'))
            login = answered_in_time(lambda: flows.login("alice"))
    other.dispose()

    assert answer(login) == UNAVAILABLE
