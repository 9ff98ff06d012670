"""`nox -s dev` runs the service's own Lambda triggers in its emulator: the pool calls them by
the kit's function names, the PostConfirmation handler writes to the database the service uses,
and admins' tokens carry the API's scopes."""

from collections.abc import Iterator
from pathlib import Path

import jwt
import pytest

from app import crud
from app.core.config import DatabaseSettings
from app.core.db import make_engine
from app.core.migrations import migrate
from cognito_emulator.pytest_plugin import create_confirmed_user, idp_client, secret_hash
from devstack.ports import free_port
from devstack.stack import Stack


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    """A stack's emulator (the service is not needed for the triggers) on a migrated SQLite
    database of the test's own."""
    database_url = f"sqlite:///{tmp_path / 'app.db'}"
    migrate(database_url)
    stack = Stack(
        service_port=free_port(),
        emulator_port=free_port(),
        log_dir=tmp_path,
        database_url=database_url,
    )
    stack.start_emulator()
    yield stack
    stack.stop()


def test_the_pool_calls_the_service_triggers_by_their_function_names(stack: Stack) -> None:
    assert stack.pool is not None
    client = idp_client(stack.emulator_url, stack.pool.region)

    described = client.describe_user_pool(UserPoolId=stack.pool.user_pool_id)["UserPool"]

    post_confirmation = stack.emulator.lambda_arn("cognito-kit-post-confirmation")
    pre_token_generation = stack.emulator.lambda_arn("cognito-kit-pre-token-generation")
    assert described["LambdaConfig"] == {
        "PostConfirmation": post_confirmation,
        "PreTokenGeneration": pre_token_generation,
        "PreTokenGenerationConfig": {"LambdaArn": pre_token_generation, "LambdaVersion": "V2_0"},
    }


def test_a_confirmed_sign_up_is_in_the_services_database_before_any_login(stack: Stack) -> None:
    assert stack.pool is not None
    client = idp_client(stack.emulator_url, stack.pool.region)
    database_url = stack.service_env()["DATABASE_URL"]

    user = create_confirmed_user(stack.emulator, stack.pool, client, username="alice")

    engine = make_engine(DatabaseSettings(_env_file=None, DATABASE_URL=database_url))
    try:
        row = crud.read_user(engine, user.sub)
    finally:
        engine.dispose()
    assert row is not None
    assert (row.username, row.email) == ("alice", "alice@example.com")


def test_an_admins_token_carries_the_apis_scopes(stack: Stack) -> None:
    assert stack.pool is not None
    pool = stack.pool
    client = idp_client(stack.emulator_url, pool.region)
    user = create_confirmed_user(stack.emulator, pool, client, username="root")
    client.admin_add_user_to_group(UserPoolId=pool.user_pool_id, Username="root", GroupName="admin")

    tokens = client.initiate_auth(
        ClientId=pool.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={
            "USERNAME": "root",
            "PASSWORD": user.password,
            "SECRET_HASH": secret_hash("root", pool.client_id, pool.client_secret),
        },
    )["AuthenticationResult"]

    claims = jwt.decode(tokens["AccessToken"], options={"verify_signature": False})
    assert sorted(claims["scope"].split()) == [
        "aws.cognito.signin.user.admin",
        "cognito-kit/users.read",
        "cognito-kit/users.write",
    ]
