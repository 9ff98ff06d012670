"""Tokens from the pool's OAuth side: what the granted scopes put in them, and what they open.

Every token is checked against the pool's JWKS as an app checks it (oauth_harness.verify).
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pytest
from botocore.exceptions import ClientError
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

from cognito_emulator.oauth import AuthorizationGrant
from cognito_emulator.pytest_plugin import secret_hash
from cognito_emulator.server import EmulatorServer
from tests.emulator.oauth_harness import CALLBACK, USERNAME, OAuthPool, create_oauth_pool

# The claims every ID token has besides the attributes (token-endpoint.md; OIDC Core §2).
ID_TOKEN_CLAIMS = {
    "sub",
    "iss",
    "cognito:username",
    "origin_jti",
    "aud",
    "event_id",
    "token_use",
    "auth_time",
    "exp",
    "iat",
    "jti",
}


@pytest.fixture
def pool(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> OAuthPool:
    return create_oauth_pool(cognito_emulator, cognito_idp_client)


def left_half_sha256(token: str) -> str:
    digest = hashlib.sha256(token.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode("ascii")


def test_code_grant_tokens_carry_the_granted_scopes_the_nonce_and_at_hash(pool: OAuthPool) -> None:
    signed_in_at = int(pool.now()) - 120
    tokens = pool.sign_in(
        scopes=("openid", "email", "aws.cognito.signin.user.admin"),
        auth_time=signed_in_at,
        nonce="n-0S6_WzA2Mj",
    )

    access = pool.verify(tokens["access_token"])
    identity = pool.verify(tokens["id_token"])
    assert access["scope"] == "openid email aws.cognito.signin.user.admin"
    assert access["auth_time"] == signed_in_at
    assert access["username"] == USERNAME
    assert access["client_id"] == pool.web_client_id
    # OIDC Core §3.1.3.6: at_hash is the left half of SHA-256 of the access token, base64url.
    assert identity["at_hash"] == left_half_sha256(tokens["access_token"])
    assert identity["nonce"] == "n-0S6_WzA2Mj"
    assert identity["auth_time"] == signed_in_at
    assert identity["origin_jti"] == access["origin_jti"]
    # cognito-user-pools-define-resource-servers.md ("About scopes"): "scope=openid+email returns
    # an ID token with sub, email, and email_verified".
    assert set(identity) == ID_TOKEN_CLAIMS | {"at_hash", "nonce", "email", "email_verified"}
    assert (identity["email"], identity["email_verified"]) == ("alice@example.com", True)


def test_openid_alone_puts_every_readable_attribute_in_the_id_token(pool: OAuthPool) -> None:
    """Same page: "A request with parameter scope=openid returns all client-readable
    attributes in the ID token"."""
    identity = pool.verify(pool.sign_in(scopes=("openid",))["id_token"])

    assert {name: identity[name] for name in set(identity) - ID_TOKEN_CLAIMS - {"at_hash"}} == {
        "email": "alice@example.com",
        "email_verified": True,
        "phone_number": "+15555550100",
        "phone_number_verified": False,
        "name": "Alice Liddell",
        "address": "1 Wonderland Way",
        "custom:tier": "gold",
    }


def test_profile_scope_releases_the_profile_and_custom_attributes(pool: OAuthPool) -> None:
    """userinfo-endpoint.md: `openid profile` returns name, family_name, ... updated_at and the
    custom attributes; email and phone need their own scopes."""
    identity = pool.verify(pool.sign_in(scopes=("openid", "profile"))["id_token"])

    assert set(identity) - ID_TOKEN_CLAIMS - {"at_hash"} == {"name", "custom:tier"}


def test_without_openid_there_is_no_id_token(pool: OAuthPool) -> None:
    tokens = pool.sign_in(scopes=("aws.cognito.signin.user.admin", "api/read"))

    assert sorted(tokens) == ["access_token", "expires_in", "refresh_token", "token_type"]
    assert pool.verify(tokens["access_token"])["scope"] == "aws.cognito.signin.user.admin api/read"


def test_the_scope_claim_keeps_the_order_of_the_request(pool: OAuthPool) -> None:
    """Cognito does not sort the claim: a real access token reads
    "openid profile https://cognito-demo-api.arronharden.com/hello-world.all email"."""
    tokens = pool.sign_in(scopes=("profile", "api/read", "openid"))

    assert pool.verify(tokens["access_token"])["scope"] == "profile api/read openid"


def test_refresh_keeps_the_scopes_and_auth_time_and_drops_the_nonce(
    pool: OAuthPool, cognito_emulator: EmulatorServer
) -> None:
    signed_in_at = int(pool.now()) - 60
    first = pool.sign_in(scopes=("openid", "email"), auth_time=signed_in_at, nonce="n-1")
    cognito_emulator.advance_clock(600)

    response = pool.post_token(
        {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]},
        basic=(pool.web_client_id, pool.web_client_secret),
    )

    assert response.status_code == 200
    tokens = response.json()
    assert sorted(tokens) == ["access_token", "expires_in", "id_token", "token_type"]
    access = pool.verify(tokens["access_token"])
    identity = pool.verify(tokens["id_token"])
    assert (access["scope"], access["auth_time"]) == ("openid email", signed_in_at)
    assert access["origin_jti"] == pool.verify(first["access_token"])["origin_jti"]
    assert identity["auth_time"] == signed_in_at
    assert identity["at_hash"] == left_half_sha256(tokens["access_token"])
    # OIDC Core §12.2: a refreshed ID token should not carry the nonce.
    assert "nonce" not in identity


def test_refresh_through_initiate_auth_keeps_the_oauth_scopes(
    pool: OAuthPool, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    first = pool.sign_in(scopes=("openid", "aws.cognito.signin.user.admin"))

    result = cognito_idp_client.initiate_auth(
        ClientId=pool.web_client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={
            "REFRESH_TOKEN": first["refresh_token"],
            "SECRET_HASH": secret_hash(USERNAME, pool.web_client_id, pool.web_client_secret),
        },
    )["AuthenticationResult"]

    access = pool.verify(result["AccessToken"])
    assert access["scope"] == "openid aws.cognito.signin.user.admin"
    assert "at_hash" in pool.verify(result["IdToken"])


def test_a_token_with_the_admin_scope_works_with_get_user(
    pool: OAuthPool, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    tokens = pool.sign_in(scopes=("openid", "aws.cognito.signin.user.admin"))

    user = cognito_idp_client.get_user(AccessToken=tokens["access_token"])

    assert user["Username"] == USERNAME


def test_a_token_without_the_admin_scope_is_refused_by_get_user(
    pool: OAuthPool, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    """cognito-user-pools-define-resource-servers.md: aws.cognito.signin.user.admin "authorizes
    self-service operations for the current user in the Amazon Cognito user pools API"."""
    tokens = pool.sign_in(scopes=("openid", "email"))

    with pytest.raises(ClientError) as refused:
        cognito_idp_client.get_user(AccessToken=tokens["access_token"])

    assert refused.value.response["Error"] == {
        "Code": "NotAuthorizedException",
        "Message": "Access Token does not have required scopes",
    }


def test_oauth_access_tokens_expire_on_the_emulator_clock(
    pool: OAuthPool,
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
) -> None:
    tokens = pool.sign_in()
    cognito_emulator.advance_clock(3600)

    with pytest.raises(ClientError) as refused:
        cognito_idp_client.get_user(AccessToken=tokens["access_token"])

    assert refused.value.response["Error"]["Message"] == "Access Token has expired"


def test_client_credentials_token_names_the_client_not_a_user(pool: OAuthPool) -> None:
    response = pool.post_token(
        {"grant_type": "client_credentials", "scope": "api/write"},
        basic=(pool.m2m_client_id, pool.m2m_client_secret),
    )

    assert response.status_code == 200
    body = response.json()
    # token-endpoint.md: client credentials "only return access tokens"; the m2m client's
    # AccessTokenValidity is 15 minutes.
    assert {key: body[key] for key in ("token_type", "expires_in")} == {
        "token_type": "Bearer",
        "expires_in": 900,
    }
    assert sorted(body) == ["access_token", "expires_in", "token_type"]
    claims = pool.verify(body["access_token"], pool.m2m_client_id)
    assert {key: claims[key] for key in ("sub", "client_id", "token_use", "scope", "version")} == {
        "sub": pool.m2m_client_id,
        "client_id": pool.m2m_client_id,
        "token_use": "access",
        "scope": "api/write",
        "version": 2,
    }
    assert set(claims) == {
        "sub",
        "token_use",
        "scope",
        "auth_time",
        "iss",
        "exp",
        "iat",
        "version",
        "jti",
        "client_id",
    }
    assert claims["auth_time"] == claims["iat"]
    assert claims["exp"] - claims["iat"] == 900


def test_client_credentials_token_is_refused_by_get_user(
    pool: OAuthPool, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    token = pool.post_token(
        {"grant_type": "client_credentials"}, basic=(pool.m2m_client_id, pool.m2m_client_secret)
    ).json()["access_token"]

    with pytest.raises(ClientError) as refused:
        cognito_idp_client.get_user(AccessToken=token)

    assert (
        refused.value.response["Error"]["Message"] == "Access Token does not have required scopes"
    )


def implicit_tokens(pool: OAuthPool, scopes: tuple[str, ...]) -> dict[str, Any]:
    grant = AuthorizationGrant(
        pool_id=pool.pool_id,
        client_id=pool.spa_client_id,
        redirect_uri=CALLBACK,
        username=USERNAME,
        scopes=scopes,
        auth_time=int(pool.now()),
        expires_at=pool.now() + 300,
        nonce="n-implicit",
    )
    grants = pool.server.backend.oauth_grants
    return pool.server.app.locked(lambda: grants.implicit_tokens(grant))


def test_the_implicit_grant_has_no_refresh_token(pool: OAuthPool) -> None:
    """authorization-endpoint.md: response_type=token returns access and ID tokens only."""
    tokens = implicit_tokens(pool, ("openid", "aws.cognito.signin.user.admin"))

    assert sorted(tokens) == ["access_token", "expires_in", "id_token", "token_type"]
    assert (tokens["token_type"], tokens["expires_in"]) == ("Bearer", 3600)
    identity = pool.verify(tokens["id_token"], pool.spa_client_id)
    assert identity["nonce"] == "n-implicit"
    assert identity["at_hash"] == left_half_sha256(str(tokens["access_token"]))
    assert pool.idp.get_user(AccessToken=str(tokens["access_token"]))["Username"] == USERNAME


def test_the_implicit_grant_without_openid_has_no_id_token(pool: OAuthPool) -> None:
    tokens = implicit_tokens(pool, ("aws.cognito.signin.user.admin",))

    assert sorted(tokens) == ["access_token", "expires_in", "token_type"]
