"""`require_scopes` admits a token only if it carries every required scope (OAuth semantics), and
answers the others 403 `insufficient_scope` naming the scopes (RFC 6750 §3.1).

Cognito puts resource-server scopes in access tokens issued through its OAuth endpoints; the
emulator's API sign-in grants only `aws.cognito.signin.user.admin`. So the tokens here are the
emulator's own, re-signed with the pool's access key (kept on disk with `keys_dir`, as
`--keys-dir` does) after changing their `scope` claim: genuine in every other respect.
"""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import jwt
import pytest
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient

from app.api.deps import Authenticated, require_scopes
from app.main import create_app
from cognito_emulator.server import EmulatorServer
from tests.app.service_harness import Flows, bearer, make_settings

ORDERS = ("orders:write", "orders:read")
REFUSAL = {"detail": "Requires scopes: orders:read orders:write"}
CHALLENGE = 'Bearer error="insufficient_scope", scope="orders:read orders:write"'


class ScopedTokens:
    """Access tokens of one signed-in user, with the `scope` claim of our choosing."""

    def __init__(self, genuine: str, private_pem: str) -> None:
        self.genuine = genuine
        self._claims = jwt.decode(genuine, options={"verify_signature": False})
        self._kid = jwt.get_unverified_header(genuine)["kid"]
        self._key = private_pem
        self.sub: str = self._claims["sub"]

    def with_scope(self, scope: Any) -> dict[str, str]:
        claims = {key: value for key, value in self._claims.items() if key != "scope"}
        if scope is not None:
            claims["scope"] = scope
        return bearer(jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": self._kid}))


@pytest.fixture(scope="module")
def keys_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("keys")


@pytest.fixture(scope="module")
def keyed_emulator(keys_dir: Path) -> Iterator[EmulatorServer]:
    with EmulatorServer(keys_dir=keys_dir) as server:
        yield server


@pytest.fixture
def orders_client(
    keyed_emulator: EmulatorServer, keys_dir: Path, database_url: str
) -> Iterator[tuple[TestClient, ScopedTokens]]:
    """The service with a route requiring both ORDERS scopes, and a user's tokens, on a pool
    of its own (the emulator is the module's: emptied first)."""
    keyed_emulator.reset()
    pool = keyed_emulator.bootstrap()
    app: FastAPI = create_app(make_settings(pool, database_url))

    @app.get("/orders")
    async def orders(
        auth: Annotated[Authenticated, Depends(require_scopes(*ORDERS))],
    ) -> dict[str, str]:
        return {"sub": auth.user.sub}

    with TestClient(app) as client:
        user = Flows(client=client, emulator=keyed_emulator, pool=pool).registered_user("alice")
        keys = json.loads((keys_dir / f"{pool.user_pool_id}.json").read_text())
        yield client, ScopedTokens(user.tokens["access_token"], keys["access"])


@pytest.mark.parametrize(
    "scope",
    [
        "orders:read",
        "orders:write",
        "aws.cognito.signin.user.admin orders:read",
        "orders:read orders:writer",
        "orders:read,orders:write",
        "",
        None,
        ["orders:read", "orders:write"],
    ],
    ids=repr,
)
def test_a_token_without_every_scope_is_refused_naming_them(
    orders_client: tuple[TestClient, ScopedTokens], scope: Any
) -> None:
    client, tokens = orders_client

    response = client.get("/orders", headers=tokens.with_scope(scope))

    assert (response.status_code, response.json()) == (403, REFUSAL)
    assert response.headers["WWW-Authenticate"] == CHALLENGE


def test_the_emulators_own_token_lacks_both_scopes(
    orders_client: tuple[TestClient, ScopedTokens],
) -> None:
    client, tokens = orders_client

    response = client.get("/orders", headers=bearer(tokens.genuine))

    assert (response.status_code, response.json()) == (403, REFUSAL)


@pytest.mark.parametrize(
    "scope",
    ["orders:read orders:write", "orders:write orders:read", "openid orders:write  orders:read"],
)
def test_a_token_with_every_scope_is_admitted(
    orders_client: tuple[TestClient, ScopedTokens], scope: str
) -> None:
    client, tokens = orders_client

    response = client.get("/orders", headers=tokens.with_scope(scope))

    assert (response.status_code, response.json()) == (200, {"sub": tokens.sub})
