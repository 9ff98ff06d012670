"""GetTokensFromRefreshToken on app clients without refresh token rotation, through boto3.

API_GetTokensFromRefreshToken: "Given a refresh token, issues new ID, access, and optionally
refresh tokens [...] If refresh token rotation is disabled, issues new ID and access tokens
only." The client's secret is sent itself (ClientSecret), not as a SECRET_HASH. What rotation
adds is in test_refresh_token_rotation.py.
"""

from __future__ import annotations

import copy
from typing import Any

import jwt
import pytest
from botocore.exceptions import ClientError
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
from mypy_boto3_cognito_idp.type_defs import AuthenticationResultTypeTypeDef

from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.pytest_plugin import CognitoLambdas, CognitoUser, secret_hash
from cognito_emulator.server import EmulatorServer


def claims(token: str) -> dict[str, Any]:
    decoded: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return decoded


def get_tokens(
    idp: CognitoIdentityProviderClient, pool: PoolConfig, refresh_token: str, **extra: Any
) -> AuthenticationResultTypeTypeDef:
    return idp.get_tokens_from_refresh_token(
        RefreshToken=refresh_token,
        ClientId=pool.client_id,
        ClientSecret=pool.client_secret,
        **extra,
    )["AuthenticationResult"]


def refused(call: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as caught:
        call()
    error = caught.value.response["Error"]
    return error["Code"], error["Message"]


def test_gives_new_access_and_id_tokens_of_the_same_sign_in_and_no_refresh_token(
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_user: CognitoUser,
) -> None:
    cognito_emulator.advance_clock(600)

    result = get_tokens(cognito_idp_client, cognito_pool, cognito_user.refresh_token)

    assert sorted(result) == ["AccessToken", "ExpiresIn", "IdToken", "TokenType"]
    assert (result["ExpiresIn"], result["TokenType"]) == (3600, "Bearer")
    access, identity = claims(result["AccessToken"]), claims(result["IdToken"])
    signed_in = claims(cognito_user.access_token)
    assert access["origin_jti"] == signed_in["origin_jti"]
    assert access["auth_time"] == signed_in["auth_time"]
    assert access["iat"] >= signed_in["iat"] + 600
    assert (access["token_use"], access["username"]) == ("access", cognito_user.username)
    assert (identity["token_use"], identity["aud"]) == ("id", cognito_pool.client_id)
    assert identity["email"] == cognito_user.email
    # Nothing rotates: the same refresh token keeps working.
    again = get_tokens(cognito_idp_client, cognito_pool, cognito_user.refresh_token)
    assert claims(again["AccessToken"])["origin_jti"] == signed_in["origin_jti"]
    user = cognito_idp_client.get_user(AccessToken=result["AccessToken"])
    assert user["Username"] == cognito_user.username


def test_a_client_without_a_secret_sends_none(
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
) -> None:
    public_id = cognito_idp_client.create_user_pool_client(
        UserPoolId=cognito_pool.user_pool_id,
        ClientName="spa",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    cognito_idp_client.admin_create_user(
        UserPoolId=cognito_pool.user_pool_id,
        Username="bob",
        MessageAction="SUPPRESS",
        TemporaryPassword="Temporary-Pass-1",
    )
    cognito_idp_client.admin_set_user_password(
        UserPoolId=cognito_pool.user_pool_id,
        Username="bob",
        Password="Permanent-Pass-1",
        Permanent=True,
    )
    signed_in = cognito_idp_client.initiate_auth(
        ClientId=public_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "bob", "PASSWORD": "Permanent-Pass-1"},
    )["AuthenticationResult"]

    result = cognito_idp_client.get_tokens_from_refresh_token(
        RefreshToken=signed_in["RefreshToken"], ClientId=public_id
    )["AuthenticationResult"]

    assert claims(result["AccessToken"])["client_id"] == public_id
    assert "RefreshToken" not in result


def test_a_client_with_a_secret_must_send_it(
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_user: CognitoUser,
) -> None:
    assert refused(
        lambda: cognito_idp_client.get_tokens_from_refresh_token(
            RefreshToken=cognito_user.refresh_token, ClientId=cognito_pool.client_id
        )
    ) == (
        "NotAuthorizedException",
        f"Client {cognito_pool.client_id} is configured for secret but secret was not received",
    )
    assert refused(
        lambda: cognito_idp_client.get_tokens_from_refresh_token(
            RefreshToken=cognito_user.refresh_token,
            ClientId=cognito_pool.client_id,
            ClientSecret="a" * 52,
        )
    ) == ("NotAuthorizedException", "Invalid client secret")


def test_an_unknown_client_is_not_found(
    cognito_idp_client: CognitoIdentityProviderClient, cognito_user: CognitoUser
) -> None:
    assert refused(
        lambda: cognito_idp_client.get_tokens_from_refresh_token(
            RefreshToken=cognito_user.refresh_token, ClientId="nosuchclient1234567890abcd"
        )
    ) == (
        "ResourceNotFoundException",
        "User pool client nosuchclient1234567890abcd does not exist.",
    )


def test_a_token_it_did_not_issue_to_the_client_is_invalid(
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_user: CognitoUser,
) -> None:
    other = cognito_idp_client.create_user_pool_client(
        UserPoolId=cognito_pool.user_pool_id, ClientName="other", GenerateSecret=True
    )["UserPoolClient"]

    assert refused(lambda: get_tokens(cognito_idp_client, cognito_pool, "not-a-refresh-token")) == (
        "NotAuthorizedException",
        "Invalid Refresh Token",
    )
    assert refused(
        lambda: cognito_idp_client.get_tokens_from_refresh_token(
            RefreshToken=cognito_user.refresh_token,
            ClientId=other["ClientId"],
            ClientSecret=other["ClientSecret"],
        )
    ) == ("NotAuthorizedException", "Invalid Refresh Token")


def test_a_revoked_or_expired_token_is_refused(
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_user: CognitoUser,
) -> None:
    second = cognito_idp_client.initiate_auth(
        ClientId=cognito_pool.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={
            "USERNAME": cognito_user.username,
            "PASSWORD": cognito_user.password,
            "SECRET_HASH": secret_hash(
                cognito_user.username, cognito_pool.client_id, cognito_pool.client_secret
            ),
        },
    )["AuthenticationResult"]["RefreshToken"]
    cognito_idp_client.revoke_token(
        Token=cognito_user.refresh_token,
        ClientId=cognito_pool.client_id,
        ClientSecret=cognito_pool.client_secret,
    )

    assert refused(
        lambda: get_tokens(cognito_idp_client, cognito_pool, cognito_user.refresh_token)
    ) == ("NotAuthorizedException", "Refresh Token has been revoked")

    assert "AccessToken" in get_tokens(cognito_idp_client, cognito_pool, second)

    cognito_emulator.advance_clock(30 * 86400)
    assert refused(lambda: get_tokens(cognito_idp_client, cognito_pool, second)) == (
        "NotAuthorizedException",
        "Refresh Token has expired",
    )


def test_the_pre_token_generation_function_runs_with_the_client_metadata(
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_user: CognitoUser,
    cognito_lambdas: CognitoLambdas,
) -> None:
    events: list[dict[str, Any]] = []

    def pre_token(event: dict[str, Any], context: Any) -> dict[str, Any]:
        events.append(copy.deepcopy(event))
        event["response"] = {
            "claimsOverrideDetails": {"claimsToAddOrOverride": {"device": "kiosk-7"}}
        }
        return event

    cognito_lambdas.register("pre-token", pre_token)
    cognito_lambdas.set_triggers(cognito_pool.user_pool_id, PreTokenGeneration="pre-token")

    result = get_tokens(
        cognito_idp_client,
        cognito_pool,
        cognito_user.refresh_token,
        ClientMetadata={"device": "kiosk-7"},
    )

    assert [event["triggerSource"] for event in events] == ["TokenGeneration_RefreshTokens"]
    assert events[0]["callerContext"]["clientId"] == cognito_pool.client_id
    assert events[0]["userName"] == cognito_user.username
    assert events[0]["request"]["clientMetadata"] == {"device": "kiosk-7"}
    assert claims(result["IdToken"])["device"] == "kiosk-7"
