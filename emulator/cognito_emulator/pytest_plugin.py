"""pytest fixtures for a running Cognito emulator (registered as the `cognito_emulator` plugin).

Follows pytest-httpserver: one server per test session, started the first time a fixture asks
for it, and reset before every test that uses it, so a test never sees what an earlier one left
behind, whether it failed or reached the server some other way. Override
`cognito_emulator_options` in a conftest.py to pass EmulatorServer arguments (quotas,
fixed_code, keys_dir, ...). `cognito_login_page` signs users in through the pool's managed login
page over HTTP, through the real form, for tests that need an authorization code or OAuth tokens.

Importing this module imports nothing heavy: the plugin is loaded in every pytest run of every
project that installs the kit.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Unpack

import pytest

from cognito_emulator.secret_hash import compute_secret_hash

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

    from cognito_emulator.bootstrap import PoolConfig
    from cognito_emulator.login_page_client import Authorization, OAuthTokens
    from cognito_emulator.server import AuthorizeOptions, EmulatorServer, SignInOptions


@dataclass(frozen=True)
class CognitoUser:
    username: str
    password: str
    email: str
    sub: str
    access_token: str
    id_token: str
    refresh_token: str


@dataclass(frozen=True)
class CognitoLoginPage:
    """Signs users of one app client in through its pool's managed login page, over HTTP and
    through the real form, as a signed-out browser would (`EmulatorServer`'s
    `sign_in_through_login_page` and `authorize_through_login_page`, bound to the client)."""

    server: EmulatorServer
    user_pool_id: str
    client_id: str

    def sign_in(
        self, username: str, password: str, **options: Unpack[SignInOptions]
    ) -> OAuthTokens:
        """The tokens /oauth2/token gives for the code the login page issued (PKCE, S256)."""
        return self.server.sign_in_through_login_page(
            username, password, user_pool_id=self.user_pool_id, client_id=self.client_id, **options
        )

    def authorize(
        self, username: str, password: str, **options: Unpack[AuthorizeOptions]
    ) -> Authorization:
        """The authorization code (and state, PKCE verifier) the callback URL received."""
        return self.server.authorize_through_login_page(
            username, password, user_pool_id=self.user_pool_id, client_id=self.client_id, **options
        )


def secret_hash(username: str, client_id: str, client_secret: str) -> str:
    """SECRET_HASH as a Cognito client computes it: Base64(HMAC-SHA256(secret, user + client))."""
    return compute_secret_hash(client_id, client_secret, username)


def idp_client(endpoint_url: str, region: str) -> CognitoIdentityProviderClient:
    """A boto3 cognito-idp client for the emulator; no retries, so every error reaches the test."""
    import boto3
    from botocore.config import Config

    return boto3.client(
        "cognito-idp",
        region_name=region,
        endpoint_url=endpoint_url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"total_max_attempts": 1}),
    )


def create_confirmed_user(
    server: EmulatorServer,
    pool: PoolConfig,
    client: CognitoIdentityProviderClient,
    *,
    username: str | None = None,
    password: str | None = None,
    email: str | None = None,
) -> CognitoUser:
    """Sign up, confirm with the code from the outbox and log in, as an app's user would."""
    username = username or f"user-{secrets.token_hex(4)}"
    password = password or f"Aa1!{secrets.token_urlsafe(12)}"
    email = email or f"{username}@example.com"
    hashed = secret_hash(username, pool.client_id, pool.client_secret)
    signed_up = client.sign_up(
        ClientId=pool.client_id,
        SecretHash=hashed,
        Username=username,
        Password=password,
        UserAttributes=[{"Name": "email", "Value": email}],
    )
    client.confirm_sign_up(
        ClientId=pool.client_id,
        SecretHash=hashed,
        Username=username,
        ConfirmationCode=server.latest_code(pool.user_pool_id, username),
    )
    tokens = client.initiate_auth(
        ClientId=pool.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password, "SECRET_HASH": hashed},
    )["AuthenticationResult"]
    return CognitoUser(
        username=username,
        password=password,
        email=email,
        sub=signed_up["UserSub"],
        access_token=tokens["AccessToken"],
        id_token=tokens["IdToken"],
        refresh_token=tokens["RefreshToken"],
    )


@pytest.fixture(scope="session")
def cognito_emulator_options() -> dict[str, Any]:
    """EmulatorServer keyword arguments; override in conftest.py (session scope)."""
    return {}


@pytest.fixture(scope="session")
def make_cognito_emulator(cognito_emulator_options: dict[str, Any]) -> Iterator[EmulatorServer]:
    """The session's running emulator (not reset between tests: prefer `cognito_emulator`)."""
    from cognito_emulator.server import EmulatorServer

    server = EmulatorServer(**cognito_emulator_options).start()
    yield server
    server.stop()


@pytest.fixture
def cognito_emulator(make_cognito_emulator: EmulatorServer) -> EmulatorServer:
    """The running emulator, wiped (pools, users, outbox, clock, faults) before the test."""
    make_cognito_emulator.reset()
    return make_cognito_emulator


@pytest.fixture
def cognito_pool(cognito_emulator: EmulatorServer) -> PoolConfig:
    """A fresh pool and app client with a secret, as the CLI bootstraps them."""
    return cognito_emulator.bootstrap()


@pytest.fixture(scope="session")
def _cognito_session_client(make_cognito_emulator: EmulatorServer) -> CognitoIdentityProviderClient:
    # Building a boto3 client loads the service model (tens of ms): once per session is enough.
    return idp_client(make_cognito_emulator.endpoint_url, make_cognito_emulator.region)


@pytest.fixture
def cognito_idp_client(
    cognito_emulator: EmulatorServer, _cognito_session_client: CognitoIdentityProviderClient
) -> CognitoIdentityProviderClient:
    """A boto3 cognito-idp client pointed at the emulator, with retries off."""
    return _cognito_session_client


@pytest.fixture
def cognito_user(
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
) -> CognitoUser:
    """A confirmed user of `cognito_pool`, logged in with USER_PASSWORD_AUTH."""
    return create_confirmed_user(cognito_emulator, cognito_pool, cognito_idp_client)


class CognitoLambdas:
    """In-process Lambda functions for one test: `register(name, handler)` returns the ARN a
    pool's LambdaConfig names it by; `set_triggers(pool_id, PreSignUp=name, ...)` points a
    pool's triggers at them. What a test registers is unregistered when it ends."""

    def __init__(self, server: EmulatorServer) -> None:
        self.server = server
        self._names: list[str] = []

    def register(self, name: str, handler: Any) -> str:
        self.server.register_lambda(name, handler)
        self._names.append(name)
        return self.server.lambda_arn(name)

    def set_triggers(self, pool_id: str, **functions: str) -> dict[str, Any]:
        return self.server.set_triggers(pool_id, **functions)

    def unregister_all(self) -> None:
        for name in self._names:
            self.server.unregister_lambda(name)
        self._names.clear()


@pytest.fixture
def cognito_lambdas(cognito_emulator: EmulatorServer) -> Iterator[CognitoLambdas]:
    """Register Lambda handlers in-process for this test (unregistered after it)."""
    lambdas = CognitoLambdas(cognito_emulator)
    yield lambdas
    lambdas.unregister_all()


@pytest.fixture
def cognito_login_page(
    cognito_emulator: EmulatorServer, cognito_pool: PoolConfig
) -> CognitoLoginPage:
    """Sign-in through the login page of `cognito_pool`'s domain for its app client; override it
    to bind another pool or client (a public one, say)."""
    return CognitoLoginPage(cognito_emulator, cognito_pool.user_pool_id, cognito_pool.client_id)
