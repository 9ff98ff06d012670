"""Helpers for driving the service over HTTP in tests (imported by conftest.py and tests)."""

import os
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from fastapi.testclient import TestClient
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

from app.core.config import Settings
from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.login_page_client import LoginPageClient
from cognito_emulator.pytest_plugin import secret_hash
from cognito_emulator.server import EmulatorServer

PASSWORD = "Correct-Horse-9"
# SERVICE_PUBLIC_URL's default, whose pages the bootstrap pool's app client lists.
SERVICE_URL = "http://localhost:8000"
CALLBACK_URL = f"{SERVICE_URL}/auth/callback"
DOCS_REDIRECT_URL = f"{SERVICE_URL}/docs/oauth2-redirect"


def postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith("postgresql") else None


def make_settings(pool: PoolConfig, database_url: str, **overrides: Any) -> Settings:
    """Settings for `pool`, nothing read from a `.env`; one attempt per Cognito call, so injected
    faults reach the client without backoff sleeps."""
    values: dict[str, Any] = {
        "AWS_REGION": pool.region,
        "AWS_COGNITO_USER_POOL_ID": pool.user_pool_id,
        "AWS_COGNITO_APP_CLIENT_ID": pool.client_id,
        "AWS_COGNITO_APP_CLIENT_SECRET": pool.client_secret,
        "AWS_COGNITO_ENDPOINT_URL": pool.endpoint_url,
        # The bootstrap pool's app client lists the callback URLs of SERVICE_PUBLIC_URL's default.
        "AWS_COGNITO_DOMAIN": pool.domain_url,
        "AWS_COGNITO_ACCEPTED_CLIENT_IDS": (pool.machine_client_id,),
        "DATABASE_URL": database_url,
        "COGNITO_MAX_ATTEMPTS": 1,
        # Rows cached briefly, as deployed, but a logout waits 10 ms instead of half a second.
        "USER_ROW_MAX_AGE_SECONDS": 0.01,
    }
    return Settings(_env_file=None, **(values | overrides))


def bearer(access_token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {access_token}"}


@dataclass
class ServiceUser:
    username: str
    password: str
    email: str
    sub: str
    tokens: dict[str, Any]

    @property
    def bearer(self) -> dict[str, str]:
        return bearer(self.tokens["access_token"])


@dataclass
class Flows:
    """The service's flows, as a client drives them over HTTP."""

    client: TestClient
    emulator: EmulatorServer
    pool: PoolConfig

    def signup(self, username: str | None = None, **body: Any) -> Any:
        username = username or f"user-{secrets.token_hex(4)}"
        payload = {"username": username, "email": f"{username}@example.com", "password": PASSWORD}
        return self.client.post("/users/signup", json=payload | body)

    def code(self, username: str) -> str:
        return self.emulator.latest_code(self.pool.user_pool_id, username)

    def verify(self, username: str) -> Any:
        body = {"username": username, "confirmation_code": self.code(username)}
        return self.client.post("/users/verify", json=body)

    def login(self, username: str, password: str = PASSWORD) -> Any:
        return self.client.post("/users/login", data={"username": username, "password": password})

    def registered_user(self, username: str | None = None) -> ServiceUser:
        """Signed up, verified and logged in through the service."""
        username = username or f"user-{secrets.token_hex(4)}"
        signed_up = self.signup(username)
        assert signed_up.status_code == 201, signed_up.text
        assert self.verify(username).status_code == 200
        logged_in = self.login(username)
        assert logged_in.status_code == 200, logged_in.text
        return ServiceUser(
            username=username,
            password=PASSWORD,
            email=f"{username}@example.com",
            sub=signed_up.json()["sub"],
            tokens=logged_in.json(),
        )


def query_of(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


def through_login_page(
    flows: Flows,
    authorize_url: str,
    username: str,
    password: str = PASSWORD,
    redirect_uri: str = CALLBACK_URL,
) -> dict[str, str]:
    """What the pool's login page sends a new, signed-out browser back with (code and state, or
    an OAuth error), after the form was filled in at `authorize_url`."""
    assert flows.pool.domain_url is not None
    login_page = LoginPageClient(flows.pool.domain_url)
    return query_of(login_page.follow_sign_in(authorize_url, redirect_uri, username, password))


def start_web_sign_in(flows: Flows) -> str:
    """GET /auth/login: the authorize URL it redirects to (its cookie is in the client's jar)."""
    started = flows.client.get("/auth/login", follow_redirects=False)
    assert started.status_code == 302, started.text
    location: str = started.headers["location"]
    return location


def web_sign_in(flows: Flows, username: str, password: str = PASSWORD) -> Any:
    """/auth/login → the login page → /auth/callback, as a browser goes: the callback's answer."""
    returned = through_login_page(flows, start_web_sign_in(flows), username, password)
    return flows.client.get("/auth/callback", params=returned)


def direct_login(flows: Flows, idp: CognitoIdentityProviderClient, username: str) -> str:
    """An access token straight from Cognito, not through the service (another app, a mobile
    client)."""
    result = idp.initiate_auth(
        ClientId=flows.pool.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={
            "USERNAME": username,
            "PASSWORD": PASSWORD,
            "SECRET_HASH": secret_hash(username, flows.pool.client_id, flows.pool.client_secret),
        },
    )
    return result["AuthenticationResult"]["AccessToken"]
