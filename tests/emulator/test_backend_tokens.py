"""Tokens shaped like Cognito's: claims, lifetimes from the app client, refresh semantics.

Every token here is checked by an independent verifier (PyJWT against the published JWKS, RS256
only, exact issuer, client_id for access tokens, aud for ID tokens), as an app would.
"""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import jwt
import pytest
from botocore.exceptions import ClientError

from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.pytest_plugin import CognitoUser, create_confirmed_user, secret_hash
from cognito_emulator.server import EmulatorServer


def verify(token: str, pool: PoolConfig, client_id: str | None = None) -> dict[str, Any]:
    client_id = client_id or pool.client_id
    url = f"{pool.endpoint_url}/{pool.user_pool_id}/.well-known/jwks.json"
    with urllib.request.urlopen(url, timeout=5) as response:
        jwks = json.load(response)
    kid = jwt.get_unverified_header(token)["kid"]
    key = jwt.PyJWK.from_dict(next(k for k in jwks["keys"] if k["kid"] == kid)).key
    unverified = jwt.decode(token, options={"verify_signature": False})
    is_id_token = unverified.get("token_use") == "id"
    claims: dict[str, Any] = jwt.decode(
        token,
        key,
        algorithms=["RS256"],
        issuer=f"https://cognito-idp.{pool.region}.amazonaws.com/{pool.user_pool_id}",
        audience=client_id if is_id_token else None,
        options={"verify_aud": is_id_token, "verify_exp": False, "verify_iat": False},
    )
    if not is_id_token:
        assert claims["client_id"] == client_id
    return claims


def refresh(client: Any, pool: PoolConfig, user: CognitoUser) -> dict[str, Any]:
    result: dict[str, Any] = client.initiate_auth(
        ClientId=pool.client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={
            "REFRESH_TOKEN": user.refresh_token,
            "SECRET_HASH": secret_hash(user.username, pool.client_id, pool.client_secret),
        },
    )
    return result


def test_access_token_carries_cognitos_claims_and_no_aud(
    cognito_pool: PoolConfig, cognito_user: CognitoUser
) -> None:
    claims = verify(cognito_user.access_token, cognito_pool)

    assert claims["sub"] == cognito_user.sub
    assert claims["username"] == cognito_user.username
    assert claims["token_use"] == "access"
    assert claims["scope"] == "aws.cognito.signin.user.admin"
    assert claims["version"] == 2
    assert "aud" not in claims
    for name in ("auth_time", "iat", "exp", "jti", "origin_jti", "event_id"):
        assert name in claims
    assert claims["exp"] - claims["iat"] == 3600
    assert "cognito:groups" not in claims
    assert jwt.get_unverified_header(cognito_user.access_token) == {
        "alg": "RS256",
        "kid": jwt.get_unverified_header(cognito_user.access_token)["kid"],
    }


def test_id_token_carries_email_verified_as_boolean_and_the_username(
    cognito_pool: PoolConfig, cognito_user: CognitoUser
) -> None:
    """Plain moto's ID token has no email claim (unless the username is the email)."""
    claims = verify(cognito_user.id_token, cognito_pool)
    access = verify(cognito_user.access_token, cognito_pool)

    assert claims["aud"] == cognito_pool.client_id
    assert claims["token_use"] == "id"
    assert claims["email"] == cognito_user.email
    assert claims["email_verified"] is True
    assert claims["cognito:username"] == cognito_user.username
    assert claims["sub"] == cognito_user.sub
    assert claims["origin_jti"] == access["origin_jti"]
    assert claims["auth_time"] == access["auth_time"]
    assert claims["jti"] != access["jti"]


def test_api_sign_in_id_token_has_no_oauth_claims(
    cognito_pool: PoolConfig, cognito_user: CognitoUser
) -> None:
    """at_hash and nonce belong to sign-ins through the pool's OAuth side, not the API's."""
    claims = verify(cognito_user.id_token, cognito_pool)

    assert "at_hash" not in claims
    assert "nonce" not in claims
    assert verify(cognito_user.access_token, cognito_pool)["scope"] == (
        "aws.cognito.signin.user.admin"
    )


def test_id_token_says_email_verified_true_for_an_attribute_set_to_capital_true(
    cognito_emulator: EmulatorServer, cognito_pool: PoolConfig, cognito_idp_client: Any
) -> None:
    """Cognito reads email_verified case-insensitively (DESIGN.md, Cognito facts): "True" is a
    verified email, and the ID token carries the JSON boolean true."""
    user = create_confirmed_user(cognito_emulator, cognito_pool, cognito_idp_client)
    cognito_idp_client.admin_update_user_attributes(
        UserPoolId=cognito_pool.user_pool_id,
        Username=user.username,
        UserAttributes=[{"Name": "email_verified", "Value": "True"}],
    )

    tokens = refresh(cognito_idp_client, cognito_pool, user)["AuthenticationResult"]

    assert verify(tokens["IdToken"], cognito_pool)["email_verified"] is True


def test_groups_appear_in_both_tokens(
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    cognito_idp_client: Any,
) -> None:
    user = create_confirmed_user(cognito_emulator, cognito_pool, cognito_idp_client)
    for group in ("admins", "readers"):
        cognito_idp_client.create_group(UserPoolId=cognito_pool.user_pool_id, GroupName=group)
        cognito_idp_client.admin_add_user_to_group(
            UserPoolId=cognito_pool.user_pool_id, Username=user.username, GroupName=group
        )

    tokens = refresh(cognito_idp_client, cognito_pool, user)["AuthenticationResult"]

    assert verify(tokens["AccessToken"], cognito_pool)["cognito:groups"] == ["admins", "readers"]
    assert verify(tokens["IdToken"], cognito_pool)["cognito:groups"] == ["admins", "readers"]


def test_id_token_holds_only_the_attributes_the_client_may_read(
    cognito_emulator: EmulatorServer, cognito_pool: PoolConfig, cognito_idp_client: Any
) -> None:
    """A client without ReadAttributes reads every attribute; one with them reads only those."""
    user = create_confirmed_user(cognito_emulator, cognito_pool, cognito_idp_client)
    cognito_idp_client.admin_update_user_attributes(
        UserPoolId=cognito_pool.user_pool_id,
        Username=user.username,
        UserAttributes=[{"Name": "name", "Value": "Ann Example"}],
    )

    def id_token_claims(**read_attributes: list[str]) -> dict[str, Any]:
        client = cognito_idp_client.create_user_pool_client(
            UserPoolId=cognito_pool.user_pool_id,
            ClientName="reader",
            ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"],
            **read_attributes,
        )["UserPoolClient"]
        tokens = cognito_idp_client.admin_initiate_auth(
            UserPoolId=cognito_pool.user_pool_id,
            ClientId=client["ClientId"],
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": user.username, "PASSWORD": user.password},
        )["AuthenticationResult"]
        return verify(tokens["IdToken"], cognito_pool, client["ClientId"])

    narrow = id_token_claims(ReadAttributes=["email", "email_verified"])
    wide = id_token_claims()

    assert narrow["email"] == user.email and "name" not in narrow
    assert wide["name"] == "Ann Example"


def test_lifetimes_follow_the_clients_validity_settings(
    cognito_emulator: EmulatorServer, cognito_pool: PoolConfig, cognito_idp_client: Any
) -> None:
    """Plain moto issues every token for one hour whatever the client says."""
    client = cognito_idp_client.create_user_pool_client(
        UserPoolId=cognito_pool.user_pool_id,
        ClientName="short-lived",
        ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        AccessTokenValidity=5,
        IdTokenValidity=2,
        RefreshTokenValidity=1,
        TokenValidityUnits={"AccessToken": "minutes", "IdToken": "hours", "RefreshToken": "days"},
    )["UserPoolClient"]
    user = create_confirmed_user(cognito_emulator, cognito_pool, cognito_idp_client)

    result = cognito_idp_client.admin_initiate_auth(
        UserPoolId=cognito_pool.user_pool_id,
        ClientId=client["ClientId"],
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": user.username, "PASSWORD": user.password},
    )["AuthenticationResult"]

    assert result["ExpiresIn"] == 300
    assert result["TokenType"] == "Bearer"
    access = verify(result["AccessToken"], cognito_pool, client["ClientId"])
    identity = verify(result["IdToken"], cognito_pool, client["ClientId"])
    assert access["exp"] - access["iat"] == 300
    assert identity["exp"] - identity["iat"] == 7200

    cognito_emulator.advance_clock(86400 + 1)
    with pytest.raises(ClientError) as error:
        cognito_idp_client.initiate_auth(
            ClientId=client["ClientId"],
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": result["RefreshToken"]},
        )
    assert error.value.response["Error"]["Message"] == "Refresh Token has expired"


def test_default_lifetimes_are_one_hour_and_thirty_days(
    cognito_emulator: EmulatorServer, cognito_pool: PoolConfig, cognito_idp_client: Any
) -> None:
    client = cognito_idp_client.create_user_pool_client(
        UserPoolId=cognito_pool.user_pool_id,
        ClientName="defaults",
        ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]
    user = create_confirmed_user(cognito_emulator, cognito_pool, cognito_idp_client)
    result = cognito_idp_client.admin_initiate_auth(
        UserPoolId=cognito_pool.user_pool_id,
        ClientId=client["ClientId"],
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": user.username, "PASSWORD": user.password},
    )["AuthenticationResult"]
    assert result["ExpiresIn"] == 3600

    def refresh_now() -> dict[str, Any]:
        answer: dict[str, Any] = cognito_idp_client.initiate_auth(
            ClientId=client["ClientId"],
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": result["RefreshToken"]},
        )
        return answer

    cognito_emulator.advance_clock(29 * 86400)
    assert refresh_now()["AuthenticationResult"]["ExpiresIn"] == 3600
    cognito_emulator.advance_clock(86400 + 1)
    with pytest.raises(ClientError) as error:
        refresh_now()
    assert error.value.response["Error"]["Message"] == "Refresh Token has expired"


def test_refresh_keeps_auth_time_and_origin_jti_and_returns_no_new_refresh_token(
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    cognito_user: CognitoUser,
    cognito_idp_client: Any,
) -> None:
    before = verify(cognito_user.access_token, cognito_pool)
    cognito_emulator.advance_clock(600)

    result = refresh(cognito_idp_client, cognito_pool, cognito_user)

    tokens = result["AuthenticationResult"]
    assert "RefreshToken" not in tokens
    assert tokens["ExpiresIn"] == 3600 and tokens["TokenType"] == "Bearer"
    after = verify(tokens["AccessToken"], cognito_pool)
    identity = verify(tokens["IdToken"], cognito_pool)
    assert after["auth_time"] == before["auth_time"] == identity["auth_time"]
    assert after["origin_jti"] == before["origin_jti"] == identity["origin_jti"]
    assert after["jti"] != before["jti"]
    assert after["iat"] >= before["iat"] + 600


def test_times_come_from_the_emulator_clock(
    cognito_emulator: EmulatorServer, cognito_pool: PoolConfig, cognito_idp_client: Any
) -> None:
    now = cognito_emulator.advance_clock(10 * 86400)

    user = create_confirmed_user(cognito_emulator, cognito_pool, cognito_idp_client)

    claims = verify(user.access_token, cognito_pool)
    assert abs(claims["iat"] - now) < 60
    assert claims["auth_time"] == claims["iat"]
