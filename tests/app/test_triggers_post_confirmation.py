"""The service's PostConfirmation trigger on the emulator: the confirmed user's row exists before
their first login, whoever signed them up; a retried event makes no second row; a database that
is down or hung neither fails the confirmation nor loses the user, whose first login makes the
row."""

import copy
import logging
import re
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
from sqlalchemy import Engine, event, func
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

import app.triggers.post_confirmation as post_confirmation_module
from app import crud
from app.core.config import DatabaseSettings
from app.core.db import make_engine
from app.models import User
from app.triggers import POST_CONFIRMATION_FUNCTION
from app.triggers.post_confirmation import PostConfirmation, handler
from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.pytest_plugin import CognitoLambdas, secret_hash
from cognito_emulator.server import EmulatorServer
from devstack.ports import free_port
from tests.app.service_harness import PASSWORD, Flows
from tests.app.service_triggers import pool_calling_the_service_triggers

USERS_INSERT = re.compile(r'\s*INSERT INTO "?user"?\s', re.IGNORECASE)
NOT_STORED = (
    "Row of confirmed user {sub} not stored (database unavailable): the first login creates it"
)


@pytest.fixture
def post_confirmation(database_url: str) -> Iterator[PostConfirmation]:
    """The handler on the test's database, as the dev stack runs it."""
    trigger = PostConfirmation(DatabaseSettings(_env_file=None, DATABASE_URL=database_url))
    yield trigger
    trigger.close()


@pytest.fixture
def cognito_pool(
    cognito_emulator: EmulatorServer,
    cognito_lambdas: CognitoLambdas,
    post_confirmation: PostConfirmation,
) -> PoolConfig:
    return pool_calling_the_service_triggers(cognito_emulator, cognito_lambdas, post_confirmation)


@pytest.fixture
def rows(database_url: str) -> Iterator[Engine]:
    """An engine of its own on the test's database, to look at the rows."""
    engine = make_engine(DatabaseSettings(_env_file=None, DATABASE_URL=database_url))
    yield engine
    engine.dispose()


def row_count(engine: Engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(User)).one()


def sign_up_directly(idp: CognitoIdentityProviderClient, pool: PoolConfig, username: str) -> str:
    """A sign-up that never reaches the service (another app, a mobile client): its `sub`."""
    signed_up = idp.sign_up(
        ClientId=pool.client_id,
        SecretHash=secret_hash(username, pool.client_id, pool.client_secret),
        Username=username,
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}],
    )
    return signed_up["UserSub"]


def confirm_directly(
    idp: CognitoIdentityProviderClient, emulator: EmulatorServer, pool: PoolConfig, username: str
) -> None:
    idp.confirm_sign_up(
        ClientId=pool.client_id,
        SecretHash=secret_hash(username, pool.client_id, pool.client_secret),
        Username=username,
        ConfirmationCode=emulator.latest_code(pool.user_pool_id, username),
    )


def test_the_row_exists_right_after_confirm_sign_up_before_any_login(
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
    rows: Engine,
) -> None:
    sub = sign_up_directly(cognito_idp_client, cognito_pool, "alice")
    assert crud.read_user(rows, sub) is None

    confirm_directly(cognito_idp_client, cognito_emulator, cognito_pool, "alice")

    row = crud.read_user(rows, sub)
    assert row is not None
    assert (row.username, row.email, row.disabled, row.last_login_at) == (
        "alice",
        "alice@example.com",
        False,
        None,
    )


def test_a_sign_up_the_service_failed_to_store_is_stored_at_confirmation(
    flows: Flows, rows: Engine
) -> None:
    """The service's own write at sign-up fails (it answers 201 regardless); the trigger makes
    the row when the user confirms, before they log in."""
    service_engine: Engine = flows.client.app.state.services.get().engine  # type: ignore[attr-defined]
    armed = [True]

    def fail_once(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if armed[0] and USERS_INSERT.match(statement):
            armed[0] = False
            raise OperationalError(statement, None, Exception("disk I/O error"))

    event.listen(service_engine, "before_cursor_execute", fail_once)
    try:
        signed_up = flows.signup("alice")
    finally:
        event.remove(service_engine, "before_cursor_execute", fail_once)
    assert signed_up.status_code == 201
    assert row_count(rows) == 0

    assert flows.verify("alice").status_code == 200

    row = crud.read_user(rows, signed_up.json()["sub"])
    assert row is not None
    assert row.username == "alice"


def test_a_retried_event_creates_no_second_row(
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    cognito_lambdas: CognitoLambdas,
    cognito_idp_client: CognitoIdentityProviderClient,
    post_confirmation: PostConfirmation,
    rows: Engine,
) -> None:
    """Cognito calls a function again when it has not answered within 5 s ("If it does not,
    Amazon Cognito retries the call", cognito-user-pools-working-with-lambda-triggers.md): the
    same event, delivered again here, finds the row and changes nothing."""
    delivered: list[dict[str, Any]] = []

    def recorded(event: dict[str, Any], context: Any) -> dict[str, Any]:
        delivered.append(copy.deepcopy(event))
        return post_confirmation(event, context)

    cognito_lambdas.register(POST_CONFIRMATION_FUNCTION, recorded)
    sub = sign_up_directly(cognito_idp_client, cognito_pool, "alice")
    confirm_directly(cognito_idp_client, cognito_emulator, cognito_pool, "alice")
    first = crud.read_user(rows, sub)

    answer = post_confirmation(copy.deepcopy(delivered[0]), None)

    assert answer == delivered[0]
    assert row_count(rows) == 1
    assert crud.read_user(rows, sub) == first


@pytest.fixture
def closed_port_postgresql_url() -> str:
    """PostgreSQL down: nothing listens on the port, so each connection is refused at once."""
    return f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/app"


@pytest.fixture
def missing_sqlite_url(tmp_path: Path) -> str:
    """SQLite unavailable: the file's directory is gone (a volume not mounted), so the file
    cannot be opened."""
    return f"sqlite:///{tmp_path / 'unmounted' / 'app.db'}"


@pytest.mark.parametrize("outage", ["closed_port_postgresql_url", "missing_sqlite_url"])
def test_an_outage_lets_the_confirmation_succeed_and_the_first_login_makes_the_row(
    flows: Flows,
    cognito_lambdas: CognitoLambdas,
    cognito_idp_client: CognitoIdentityProviderClient,
    rows: Engine,
    caplog: pytest.LogCaptureFixture,
    request: pytest.FixtureRequest,
    outage: str,
) -> None:
    """The user is confirmed before the trigger runs, so raising would only make ConfirmSignUp
    answer an error for a confirmed user: the handler logs the outage and answers, and the
    service makes the row from the tokens of the first login."""
    unavailable = PostConfirmation(
        DatabaseSettings(_env_file=None, DATABASE_URL=request.getfixturevalue(outage))
    )
    cognito_lambdas.register(POST_CONFIRMATION_FUNCTION, unavailable)
    sub = sign_up_directly(cognito_idp_client, flows.pool, "alice")

    with caplog.at_level(logging.WARNING, logger=post_confirmation_module.__name__):
        confirm_directly(cognito_idp_client, flows.emulator, flows.pool, "alice")
    unavailable.close()

    status = cognito_idp_client.admin_get_user(UserPoolId=flows.pool.user_pool_id, Username="alice")
    assert status["UserStatus"] == "CONFIRMED"
    logged = [
        record for record in caplog.records if record.name == post_confirmation_module.__name__
    ]
    assert [(record.levelname, record.getMessage()) for record in logged] == [
        ("WARNING", NOT_STORED.format(sub=sub))
    ]
    assert crud.read_user(rows, sub) is None

    logged_in = flows.login("alice")

    assert logged_in.status_code == 200, logged_in.text
    row = crud.read_user(rows, sub)
    assert row is not None
    assert (row.username, row.email) == ("alice", "alice@example.com")
    assert row.last_login_at is not None


@pytest.fixture
def hung_postgresql_url() -> Iterator[str]:
    """A database that accepts connections and never answers (a hung server, a proxy with
    nothing behind it)."""
    with socket.create_server(("127.0.0.1", 0), backlog=16) as listener:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{listener.getsockname()[1]}/app"


def test_a_hung_database_is_given_up_on_inside_cognitos_five_seconds(
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    cognito_lambdas: CognitoLambdas,
    cognito_idp_client: CognitoIdentityProviderClient,
    hung_postgresql_url: str,
) -> None:
    """Whatever the settings allow (30 s here), the handler waits 2 s at most to connect:
    past 5 s Cognito would fail ConfirmSignUp with UnexpectedLambdaException, confirmed user
    or not."""
    hung = PostConfirmation(
        DatabaseSettings(
            _env_file=None, DATABASE_URL=hung_postgresql_url, DATABASE_CONNECT_TIMEOUT_SECONDS=30
        )
    )
    cognito_lambdas.register(POST_CONFIRMATION_FUNCTION, hung)
    sign_up_directly(cognito_idp_client, cognito_pool, "alice")

    started = time.monotonic()
    confirm_directly(cognito_idp_client, cognito_emulator, cognito_pool, "alice")
    elapsed = time.monotonic() - started
    hung.close()

    assert 2 <= elapsed < 4


def test_a_password_reset_leaves_the_database_alone(
    flows: Flows, cognito_idp_client: CognitoIdentityProviderClient, rows: Engine
) -> None:
    """PostConfirmation_ConfirmForgotPassword makes no user: a row deleted since stays deleted
    (the next login makes it, as for any lost row)."""
    user = flows.registered_user("alice")
    with Session(rows) as session:
        session.delete(session.get(User, user.sub))
        session.commit()
    pool = flows.pool
    hashed = secret_hash("alice", pool.client_id, pool.client_secret)
    cognito_idp_client.forgot_password(ClientId=pool.client_id, SecretHash=hashed, Username="alice")

    cognito_idp_client.confirm_forgot_password(
        ClientId=pool.client_id,
        SecretHash=hashed,
        Username="alice",
        ConfirmationCode=flows.code("alice"),
        Password="Another-Horse-10",
    )

    assert row_count(rows) == 0


# -- the Lambda entry point ----------------------------------------------------------------------


def confirmed_sign_up_event(username: str, sub: str) -> dict[str, Any]:
    """A PostConfirmation event as user-pool-lambda-post-confirmation.md's test event has it."""
    return {
        "version": "1",
        "region": "us-east-1",
        "userPoolId": "us-east-1_EXAMPLE",
        "userName": username,
        "callerContext": {
            "awsSdkVersion": "aws-sdk-unknown-unknown",
            "clientId": "1example23456789",
        },
        "triggerSource": "PostConfirmation_ConfirmSignUp",
        "request": {
            "userAttributes": {
                "sub": sub,
                "cognito:user_status": "CONFIRMED",
                "email_verified": "true",
                "email": f"{username}@example.com",
            }
        },
        "response": {},
    }


@pytest.fixture
def entry_point_engines(
    monkeypatch: pytest.MonkeyPatch, database_url: str
) -> Iterator[list[Engine]]:
    """The engines `handler` builds, with DATABASE_URL the test's database (the cached handler
    of the process forgotten before and after)."""
    built: list[Engine] = []

    def counted(settings: DatabaseSettings) -> Engine:
        built.append(make_engine(settings))
        return built[-1]

    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setattr(post_confirmation_module, "make_engine", counted)
    post_confirmation_module._from_environment.cache_clear()
    yield built
    post_confirmation_module._from_environment.cache_clear()
    for engine in built:
        engine.dispose()


def test_the_entry_point_reads_database_url_and_builds_one_engine_per_process(
    entry_point_engines: list[Engine], rows: Engine
) -> None:
    first = confirmed_sign_up_event("alice", "0b1c2d3e-0000-4000-8000-000000000001")
    second = confirmed_sign_up_event("bob", "0b1c2d3e-0000-4000-8000-000000000002")

    assert handler(copy.deepcopy(first), None) == first
    assert handler(copy.deepcopy(second), None) == second

    assert len(entry_point_engines) == 1
    assert row_count(rows) == 2
