"""Per-pool JWKS and OpenID configuration, as an app's token verifier fetches them."""

from __future__ import annotations

import httpx
import jwt
import pytest

from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.pytest_plugin import CognitoUser
from cognito_emulator.server import EmulatorServer


def test_jwks_publishes_the_keys_that_sign_tokens(
    emulator_http: httpx.Client, cognito_pool: PoolConfig, cognito_user: CognitoUser
) -> None:
    response = emulator_http.get(f"/{cognito_pool.user_pool_id}/.well-known/jwks.json")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    keys = jwt.PyJWKSet.from_dict(response.json())
    by_kid = {key.key_id: key for key in keys.keys}
    for token in (cognito_user.access_token, cognito_user.id_token):
        kid = jwt.get_unverified_header(token)["kid"]
        claims = jwt.decode(
            token, by_kid[kid].key, algorithms=["RS256"], options={"verify_aud": False}
        )
        assert claims["sub"] == cognito_user.sub


def test_openid_configuration_points_at_a_reachable_jwks(
    cognito_emulator: EmulatorServer, cognito_pool: PoolConfig
) -> None:
    pool_url = f"{cognito_emulator.endpoint_url}/{cognito_pool.user_pool_id}"

    configuration = httpx.get(f"{pool_url}/.well-known/openid-configuration").json()

    assert configuration["issuer"] == (
        f"https://cognito-idp.{cognito_pool.region}.amazonaws.com/{cognito_pool.user_pool_id}"
    )
    assert configuration["jwks_uri"] == f"{pool_url}/.well-known/jwks.json"
    assert httpx.get(configuration["jwks_uri"]).json()["keys"]


def test_jwks_uri_follows_the_host_the_client_used(
    emulator_http: httpx.Client, cognito_emulator: EmulatorServer, cognito_pool: PoolConfig
) -> None:
    response = emulator_http.get(
        f"/{cognito_pool.user_pool_id}/.well-known/openid-configuration",
        headers={"Host": "cognito.test:9229"},
    )

    assert response.json()["jwks_uri"] == (
        f"http://cognito.test:9229/{cognito_pool.user_pool_id}/.well-known/jwks.json"
    )


@pytest.mark.parametrize("document", ["jwks.json", "openid-configuration"])
def test_unknown_pool_is_404(emulator_http: httpx.Client, document: str) -> None:
    response = emulator_http.get(f"/us-east-1_missing/.well-known/{document}")

    assert response.status_code == 404
    assert response.json()["__type"] == "ResourceNotFoundException"


def test_well_known_documents_only_answer_get(
    emulator_http: httpx.Client, cognito_pool: PoolConfig
) -> None:
    response = emulator_http.post(f"/{cognito_pool.user_pool_id}/.well-known/jwks.json")

    assert response.status_code == 405
