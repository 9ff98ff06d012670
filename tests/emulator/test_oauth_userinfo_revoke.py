"""/oauth2/userInfo and /oauth2/revoke under the pool's domain.

userInfo: userinfo-endpoint.md (https://docs.aws.amazon.com/cognito/latest/developerguide/
userinfo-endpoint.html). Revocation: revocation-endpoint.md (https://docs.aws.amazon.com/
cognito/latest/developerguide/revocation-endpoint.html).
"""

from __future__ import annotations

import httpx
import pytest
from botocore.exceptions import ClientError
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

from cognito_emulator.server import EmulatorServer
from tests.emulator.oauth_harness import (
    DOMAIN,
    PASSWORD,
    USERNAME,
    OAuthPool,
    create_oauth_pool,
)

INVALID_TOKEN = (
    "Access token is expired, disabled, or deleted, or the user has globally signed out."
)


@pytest.fixture
def pool(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> OAuthPool:
    return create_oauth_pool(cognito_emulator, cognito_idp_client)


def bad_token(description: str = INVALID_TOKEN) -> tuple[int, str, dict[str, str]]:
    """userinfo-endpoint.md, "Example - bad token": 401 with error="invalid_token"."""
    return (
        401,
        f'Bearer error="invalid_token", error_description="{description}"',
        {"error": "invalid_token", "error_description": description},
    )


def answer(response: httpx.Response) -> tuple[int, str, dict[str, str]]:
    return response.status_code, response.headers.get("www-authenticate", ""), response.json()


# -- userInfo ---------------------------------------------------------------------------------


def test_user_info_answers_the_attributes_the_scopes_release(pool: OAuthPool) -> None:
    """userinfo-endpoint.md: `openid email` returns "the email and email_verified attributes";
    its example answer has `username` and says "Amazon Cognito returns the values for
    email_verified and phone_number_verified as strings"."""
    tokens = pool.sign_in(scopes=("openid", "email"))

    response = pool.user_info(tokens["access_token"])

    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-cache, no-store, max-age=0, must-revalidate"
    assert response.json() == {
        "sub": pool.user_sub,
        "email": "alice@example.com",
        "email_verified": "true",
        "username": USERNAME,
    }


def test_user_info_with_openid_alone_answers_every_readable_attribute(pool: OAuthPool) -> None:
    """userinfo-endpoint.md: `openid` "Returns a response with all user attributes that the app
    client can read"; aws.cognito.signin.user.admin "has no effect"."""
    tokens = pool.sign_in(scopes=("openid", "aws.cognito.signin.user.admin"))

    response = pool.user_info(tokens["access_token"])

    assert response.json() == {
        "sub": pool.user_sub,
        "email": "alice@example.com",
        "email_verified": "true",
        "phone_number": "+15555550100",
        "phone_number_verified": "false",
        "name": "Alice Liddell",
        "address": "1 Wonderland Way",
        "custom:tier": "gold",
        "username": USERNAME,
    }


def test_user_info_answers_post_too(pool: OAuthPool) -> None:
    tokens = pool.sign_in(scopes=("openid", "phone"))

    response = httpx.post(
        f"{pool.domain_url}/oauth2/userInfo",
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
    )

    assert response.json() == {
        "sub": pool.user_sub,
        "phone_number": "+15555550100",
        "phone_number_verified": "false",
        "username": USERNAME,
    }


@pytest.mark.parametrize("authorization", [None, "Basic abc", "Bearer", "token-only"])
def test_user_info_without_a_bearer_token_is_a_bad_request(
    pool: OAuthPool, authorization: str | None
) -> None:
    """userinfo-endpoint.md, "Example - bad request"."""
    headers = {"Authorization": authorization} if authorization is not None else {}

    response = httpx.get(f"{pool.domain_url}/oauth2/userInfo", headers=headers)

    description = "Bad OAuth2 request at UserInfo Endpoint"
    assert answer(response) == (
        400,
        f'Bearer error="invalid_request", error_description="{description}"',
        {"error": "invalid_request", "error_description": description},
    )


def test_user_info_refuses_a_token_that_is_not_one(pool: OAuthPool) -> None:
    assert answer(pool.user_info("not.a.token")) == bad_token()


def test_user_info_refuses_a_token_without_openid(pool: OAuthPool) -> None:
    """userinfo-endpoint.md: "The openid scope must be one of the access token claims"."""
    tokens = pool.sign_in(scopes=("aws.cognito.signin.user.admin", "email"))

    assert answer(pool.user_info(tokens["access_token"])) == bad_token(
        "Access token does not contain openid scope"
    )


def test_user_info_refuses_api_and_client_credentials_tokens(
    pool: OAuthPool, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    """userinfo-endpoint.md: access tokens from InitiateAuth "don't contain any scopes" userInfo
    accepts; neither do client-credentials tokens (resource-server scopes only)."""
    api_client = cognito_idp_client.create_user_pool_client(
        UserPoolId=pool.pool_id, ClientName="api", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    api_token = cognito_idp_client.initiate_auth(
        ClientId=api_client,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": USERNAME, "PASSWORD": PASSWORD},
    )["AuthenticationResult"]["AccessToken"]
    m2m_token = pool.post_token(
        {"grant_type": "client_credentials"}, basic=(pool.m2m_client_id, pool.m2m_client_secret)
    ).json()["access_token"]

    for token in (api_token, m2m_token):
        assert answer(pool.user_info(token)) == bad_token(
            "Access token does not contain openid scope"
        )


def test_user_info_refuses_an_expired_token(
    pool: OAuthPool, cognito_emulator: EmulatorServer
) -> None:
    tokens = pool.sign_in()
    cognito_emulator.advance_clock(3600)

    assert answer(pool.user_info(tokens["access_token"])) == bad_token()


def test_user_info_refuses_a_disabled_user_and_a_signed_out_one(
    pool: OAuthPool, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    """userinfo-endpoint.md: "Access token is expired, disabled, or deleted, or the user has
    globally signed out"."""
    disabled = pool.sign_in()
    cognito_idp_client.admin_disable_user(UserPoolId=pool.pool_id, Username=USERNAME)
    assert answer(pool.user_info(disabled["access_token"])) == bad_token()

    cognito_idp_client.admin_enable_user(UserPoolId=pool.pool_id, Username=USERNAME)
    signed_out = pool.sign_in()
    cognito_idp_client.global_sign_out(AccessToken=signed_out["access_token"])
    assert answer(pool.user_info(signed_out["access_token"])) == bad_token()


def test_user_info_refuses_a_token_of_another_pool(
    pool: OAuthPool, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    other_pool = cognito_idp_client.create_user_pool(PoolName="other")["UserPool"]["Id"]
    cognito_idp_client.create_user_pool_domain(UserPoolId=other_pool, Domain="other-domain")
    tokens = pool.sign_in()

    response = httpx.get(
        f"{pool.server.endpoint_url}/domains/other-domain/oauth2/userInfo",
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
    )

    assert answer(response) == bad_token()


def test_user_info_of_an_unknown_domain_is_404(
    pool: OAuthPool, cognito_emulator: EmulatorServer
) -> None:
    tokens = pool.sign_in()

    response = httpx.get(
        f"{cognito_emulator.endpoint_url}/domains/not-{DOMAIN}/oauth2/userInfo",
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
    )

    assert (response.status_code, response.json()) == (
        404,
        {"error": "invalid_request", "error_description": "No user pool has this domain."},
    )


# -- revoke -----------------------------------------------------------------------------------


def web(pool: OAuthPool) -> tuple[str, str]:
    return pool.web_client_id, pool.web_client_secret


def test_revoking_a_refresh_token_ends_its_access_tokens(
    pool: OAuthPool, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    """revocation-endpoint.md: "All access tokens issued from this refresh token are also
    revoked"; a successful response has an empty body."""
    tokens = pool.sign_in()

    response = pool.post_revoke({"token": tokens["refresh_token"]}, basic=web(pool))

    assert (response.status_code, response.content) == (200, b"")
    with pytest.raises(ClientError) as refused:
        cognito_idp_client.get_user(AccessToken=tokens["access_token"])
    assert refused.value.response["Error"]["Message"] == "Access Token has been revoked"
    assert answer(pool.user_info(tokens["access_token"])) == bad_token()
    refresh = pool.post_token(
        {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}, basic=web(pool)
    )
    assert (refresh.status_code, refresh.json()["error"]) == (400, "invalid_grant")


def test_a_public_client_revokes_with_its_client_id(pool: OAuthPool) -> None:
    """revocation-endpoint.md, example #1: token and client_id, no Authorization header."""
    tokens = pool.spa_sign_in()

    response = pool.post_revoke({"token": tokens["refresh_token"], "client_id": pool.spa_client_id})

    assert response.status_code == 200
    assert answer(pool.user_info(tokens["access_token"])) == bad_token()


def test_a_client_revokes_with_client_secret_post(pool: OAuthPool) -> None:
    tokens = pool.sign_in()

    response = pool.post_revoke(
        {
            "token": tokens["refresh_token"],
            "client_id": pool.web_client_id,
            "client_secret": pool.web_client_secret,
        }
    )

    assert response.status_code == 200
    assert answer(pool.user_info(tokens["access_token"])) == bad_token()


def test_unknown_and_other_clients_tokens_succeed_and_change_nothing(pool: OAuthPool) -> None:
    """revocation-endpoint.md: "If the token has been revoked or if the client submitted a token
    that isn't valid, you receive an HTTP 200 OK"."""
    spa_tokens = pool.spa_sign_in()

    unknown = pool.post_revoke({"token": "no-such-token"}, basic=web(pool))
    others = pool.post_revoke({"token": spa_tokens["refresh_token"]}, basic=web(pool))

    assert (unknown.status_code, others.status_code) == (200, 200)
    assert pool.user_info(spa_tokens["access_token"]).status_code == 200


def test_revoking_an_access_token_is_unsupported_token_type(pool: OAuthPool) -> None:
    """revocation-endpoint.md: a token that "isn't a refresh token" gets HTTP 400 and
    unsupported_token_type."""
    tokens = pool.sign_in()

    response = pool.post_revoke({"token": tokens["access_token"]}, basic=web(pool))

    assert (response.status_code, response.json()) == (
        400,
        {
            "error": "unsupported_token_type",
            "error_description": "Only refresh tokens can be revoked.",
        },
    )
    assert pool.user_info(tokens["access_token"]).status_code == 200


def test_revoking_without_a_token_is_invalid_request(pool: OAuthPool) -> None:
    response = pool.post_revoke({"token": ""}, basic=web(pool))

    assert (response.status_code, response.json()) == (
        400,
        {"error": "invalid_request", "error_description": "token is required."},
    )


def test_revoking_with_revocation_disabled_is_invalid_request(
    pool: OAuthPool, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    """revocation-endpoint.md: "if the feature is disabled for the app client, you receive an
    HTTP 400 and error invalid_request"."""
    client_id = cognito_idp_client.create_user_pool_client(
        UserPoolId=pool.pool_id, ClientName="no-revocation", EnableTokenRevocation=False
    )["UserPoolClient"]["ClientId"]

    response = pool.post_revoke({"token": "some-token", "client_id": client_id})

    assert (response.status_code, response.json()) == (
        400,
        {
            "error": "invalid_request",
            "error_description": "Token revocation is not enabled for this client.",
        },
    )


def test_revoking_with_a_wrong_secret_is_401_invalid_client(pool: OAuthPool) -> None:
    """revocation-endpoint.md: "If the client credentials aren't valid, you receive an HTTP 401
    and error invalid_client"."""
    tokens = pool.sign_in()

    response = pool.post_revoke(
        {"token": tokens["refresh_token"]}, basic=(pool.web_client_id, "wrong")
    )

    assert (response.status_code, response.json()) == (
        401,
        {"error": "invalid_client", "error_description": "Client authentication failed."},
    )
    assert pool.user_info(tokens["access_token"]).status_code == 200


def test_the_revocation_endpoint_only_answers_post(pool: OAuthPool) -> None:
    response = httpx.get(f"{pool.domain_url}/oauth2/revoke")

    assert (response.status_code, response.headers["allow"]) == (405, "POST")
