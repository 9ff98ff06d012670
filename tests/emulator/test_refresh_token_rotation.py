"""Refresh token rotation on app clients (RefreshTokenRotation), through boto3 and /oauth2/token.

API_RefreshTokenRotationType: "When enabled, your app client issues new ID, access, and refresh
tokens when users renew their sessions with refresh tokens"; RetryGracePeriodSeconds (0 to 60):
"the original refresh token that you're rotating out can remain valid for a period of time of up
to 60 seconds [...] When RetryGracePeriodSeconds is 0, the grace period is disabled and a
successful request immediately invalidates the submitted refresh token." A token rotation
invalidated is refused with RefreshTokenReuseException, the error the API model names for it.
amazon-cognito-user-pools-using-the-refresh-token.md: "You can't authenticate with
REFRESH_TOKEN_AUTH in app clients with refresh token rotation enabled."
"""

from __future__ import annotations

from typing import Any

import httpx
import jwt
import pytest
from botocore.exceptions import ClientError
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
from mypy_boto3_cognito_idp.literals import ExplicitAuthFlowsTypeType
from mypy_boto3_cognito_idp.type_defs import AuthenticationResultTypeTypeDef

from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.pytest_plugin import CognitoUser, secret_hash
from cognito_emulator.server import EmulatorServer
from cognito_emulator.token_ledger import MAX_RETIRED_REFRESH_TOKENS
from tests.emulator.oauth_harness import USER_SCOPES, create_login_client, create_oauth_pool

ROTATED = ("RefreshTokenReuseException", "Refresh Token has been rotated")
REFRESH_FLOW_NOT_ENABLED = (
    "InvalidParameterException",
    "REFRESH_TOKEN_AUTH flow not enabled for this client",
)
DEFAULT_ROTATION = {"Feature": "DISABLED", "RetryGracePeriodSeconds": 0}


class Rotating:
    """An app client of `cognito_pool` that rotates refresh tokens, and `cognito_user` signed
    in to it."""

    def __init__(
        self,
        idp: CognitoIdentityProviderClient,
        pool: PoolConfig,
        user: CognitoUser,
        grace_seconds: int,
        explicit_auth_flows: tuple[ExplicitAuthFlowsTypeType, ...] = ("ALLOW_USER_PASSWORD_AUTH",),
        **settings: Any,
    ) -> None:
        self.idp = idp
        self.pool = pool
        self.user = user
        client = idp.create_user_pool_client(
            UserPoolId=pool.user_pool_id,
            ClientName="rotating",
            GenerateSecret=True,
            ExplicitAuthFlows=list(explicit_auth_flows),
            RefreshTokenRotation={"Feature": "ENABLED", "RetryGracePeriodSeconds": grace_seconds},
            **settings,
        )["UserPoolClient"]
        self.client_id, self.client_secret = client["ClientId"], client["ClientSecret"]
        self.signed_in = idp.initiate_auth(
            ClientId=self.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={
                "USERNAME": user.username,
                "PASSWORD": user.password,
                "SECRET_HASH": secret_hash(user.username, self.client_id, self.client_secret),
            },
        )["AuthenticationResult"]

    def refresh(self, refresh_token: str) -> AuthenticationResultTypeTypeDef:
        return self.idp.get_tokens_from_refresh_token(
            RefreshToken=refresh_token, ClientId=self.client_id, ClientSecret=self.client_secret
        )["AuthenticationResult"]

    def refusal(self, refresh_token: str) -> tuple[str, str]:
        return refused(lambda: self.refresh(refresh_token))


@pytest.fixture
def rotating(
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_user: CognitoUser,
) -> Rotating:
    return Rotating(cognito_idp_client, cognito_pool, cognito_user, grace_seconds=10)


def refused(call: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as caught:
        call()
    error = caught.value.response["Error"]
    return error["Code"], error["Message"]


def origin_jti(token: str) -> str:
    return str(jwt.decode(token, options={"verify_signature": False})["origin_jti"])


def call(http: httpx.Client, operation: str, body: dict[str, Any]) -> httpx.Response:
    """A request boto3 would refuse to send (it checks the integer range itself)."""
    return http.post(
        "/",
        json=body,
        headers={
            "X-Amz-Target": f"AWSCognitoIdentityProviderService.{operation}",
            "Content-Type": "application/x-amz-json-1.1",
        },
    )


# -- the client setting ---------------------------------------------------------------------------


def test_describe_answers_the_rotation_as_set_and_disabled_by_default(
    cognito_pool: PoolConfig, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    def created(**settings: Any) -> tuple[Any, Any]:
        client = cognito_idp_client.create_user_pool_client(
            UserPoolId=cognito_pool.user_pool_id, ClientName="app", **settings
        )["UserPoolClient"]
        described = cognito_idp_client.describe_user_pool_client(
            UserPoolId=cognito_pool.user_pool_id, ClientId=client["ClientId"]
        )["UserPoolClient"]
        return client["RefreshTokenRotation"], described["RefreshTokenRotation"]

    enabled = {"Feature": "ENABLED", "RetryGracePeriodSeconds": 60}
    assert created(RefreshTokenRotation=enabled) == (enabled, enabled)
    without_grace = {"Feature": "ENABLED", "RetryGracePeriodSeconds": 0}
    assert created(RefreshTokenRotation={"Feature": "ENABLED"}) == (without_grace, without_grace)
    assert created() == (DEFAULT_ROTATION, DEFAULT_ROTATION)


def test_an_update_without_the_setting_turns_rotation_off(
    cognito_pool: PoolConfig, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    # API_UpdateUserPoolClient: "If you don't provide a value for an attribute, Amazon Cognito
    # sets it to its default value."
    client_id = cognito_idp_client.create_user_pool_client(
        UserPoolId=cognito_pool.user_pool_id,
        ClientName="app",
        RefreshTokenRotation={"Feature": "ENABLED", "RetryGracePeriodSeconds": 5},
    )["UserPoolClient"]["ClientId"]

    updated = cognito_idp_client.update_user_pool_client(
        UserPoolId=cognito_pool.user_pool_id, ClientId=client_id, ClientName="app"
    )["UserPoolClient"]

    assert updated["RefreshTokenRotation"] == DEFAULT_ROTATION
    assert (
        cognito_idp_client.describe_user_pool_client(
            UserPoolId=cognito_pool.user_pool_id, ClientId=client_id
        )["UserPoolClient"]["RefreshTokenRotation"]
        == DEFAULT_ROTATION
    )


def test_a_feature_or_grace_period_outside_the_model_is_refused(
    cognito_pool: PoolConfig, emulator_http: httpx.Client
) -> None:
    def refusal(operation: str, rotation: dict[str, Any], **extra: str) -> tuple[int, Any]:
        response = call(
            emulator_http,
            operation,
            {
                "UserPoolId": cognito_pool.user_pool_id,
                "ClientName": "app",
                "RefreshTokenRotation": rotation,
                **extra,
            },
        )
        return response.status_code, response.json()

    assert refusal("CreateUserPoolClient", {"Feature": "ON", "RetryGracePeriodSeconds": 61}) == (
        400,
        {
            "__type": "InvalidParameterException",
            "message": "2 validation errors detected: Value 'ON' at "
            "'refreshTokenRotation.feature' failed to satisfy constraint: Member must satisfy "
            "enum value set: [ENABLED, DISABLED]; Value '61' at "
            "'refreshTokenRotation.retryGracePeriodSeconds' failed to satisfy constraint: "
            "Member must have value less than or equal to 60",
        },
    )
    assert refusal(
        "UpdateUserPoolClient",
        {"Feature": "ENABLED", "RetryGracePeriodSeconds": -1},
        ClientId=cognito_pool.client_id,
    ) == (
        400,
        {
            "__type": "InvalidParameterException",
            "message": "1 validation error detected: Value '-1' at "
            "'refreshTokenRotation.retryGracePeriodSeconds' failed to satisfy constraint: "
            "Member must have value greater than or equal to 0",
        },
    )


# -- GetTokensFromRefreshToken --------------------------------------------------------------------


def test_each_refresh_gives_a_new_refresh_token_of_the_same_sign_in(rotating: Rotating) -> None:
    first = rotating.refresh(rotating.signed_in["RefreshToken"])
    second = rotating.refresh(first["RefreshToken"])

    assert sorted(first) == ["AccessToken", "ExpiresIn", "IdToken", "RefreshToken", "TokenType"]
    tokens = {rotating.signed_in["RefreshToken"], first["RefreshToken"], second["RefreshToken"]}
    assert len(tokens) == 3
    sign_in = origin_jti(rotating.signed_in["AccessToken"])
    assert origin_jti(first["AccessToken"]) == origin_jti(second["IdToken"]) == sign_in
    user = rotating.idp.get_user(AccessToken=second["AccessToken"])
    assert user["Username"] == rotating.user.username


def test_the_replaced_token_works_for_the_grace_period_then_is_refused(
    cognito_emulator: EmulatorServer, rotating: Rotating
) -> None:
    original = rotating.signed_in["RefreshToken"]
    rotated = rotating.refresh(original)["RefreshToken"]

    cognito_emulator.advance_clock(9)
    retried = rotating.refresh(original)["RefreshToken"]
    cognito_emulator.advance_clock(1)

    assert rotating.refusal(original) == ROTATED
    # The retry replaced `rotated` in its turn, 1 s ago: its own grace period runs.
    assert "RefreshToken" in rotating.refresh(rotated)
    assert "RefreshToken" in rotating.refresh(retried)


def test_without_a_grace_period_the_replaced_token_is_refused_at_once(
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_user: CognitoUser,
) -> None:
    rotating = Rotating(cognito_idp_client, cognito_pool, cognito_user, grace_seconds=0)
    original = rotating.signed_in["RefreshToken"]

    rotated = rotating.refresh(original)["RefreshToken"]

    assert rotating.refusal(original) == ROTATED
    assert "RefreshToken" in rotating.refresh(rotated)


def test_a_rotated_token_expires_when_the_sign_in_does(
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_user: CognitoUser,
) -> None:
    # A rotated token keeps the sign-in's expiry: the refresh token lifetime is "measured from
    # when the user initially authenticates - not from when the token is rotated" (repost.aws,
    # "Rotated Refresh Token Validity"; authts/oidc-client-ts#2039).
    rotating = Rotating(
        cognito_idp_client,
        cognito_pool,
        cognito_user,
        grace_seconds=0,
        RefreshTokenValidity=1,
        TokenValidityUnits={"RefreshToken": "days"},
    )
    cognito_emulator.advance_clock(86400 - 60)
    rotated = rotating.refresh(rotating.signed_in["RefreshToken"])["RefreshToken"]

    cognito_emulator.advance_clock(60)

    assert rotating.refusal(rotated) == ("NotAuthorizedException", "Refresh Token has expired")


def test_revoking_any_token_of_the_sign_in_revokes_them_all(
    rotating: Rotating, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    original = rotating.signed_in["RefreshToken"]
    rotated = rotating.refresh(original)

    cognito_idp_client.revoke_token(
        Token=rotated["RefreshToken"],
        ClientId=rotating.client_id,
        ClientSecret=rotating.client_secret,
    )

    revoked = ("NotAuthorizedException", "Refresh Token has been revoked")
    assert rotating.refusal(original) == revoked
    assert rotating.refusal(rotated["RefreshToken"]) == revoked
    assert refused(lambda: cognito_idp_client.get_user(AccessToken=rotated["AccessToken"])) == (
        "NotAuthorizedException",
        "Access Token has been revoked",
    )


def test_turning_rotation_on_rotates_tokens_issued_before(
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_user: CognitoUser,
) -> None:
    cognito_idp_client.update_user_pool_client(
        UserPoolId=cognito_pool.user_pool_id,
        ClientId=cognito_pool.client_id,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"],
        RefreshTokenRotation={"Feature": "ENABLED"},
    )

    result = cognito_idp_client.get_tokens_from_refresh_token(
        RefreshToken=cognito_user.refresh_token,
        ClientId=cognito_pool.client_id,
        ClientSecret=cognito_pool.client_secret,
    )["AuthenticationResult"]

    assert result["RefreshToken"] != cognito_user.refresh_token
    assert origin_jti(result["AccessToken"]) == origin_jti(cognito_user.access_token)


def test_a_sign_in_remembers_only_its_latest_replaced_tokens(
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_user: CognitoUser,
) -> None:
    rotating = Rotating(cognito_idp_client, cognito_pool, cognito_user, grace_seconds=0)
    replaced = [rotating.signed_in["RefreshToken"]]
    for _ in range(MAX_RETIRED_REFRESH_TOKENS):
        replaced.append(rotating.refresh(replaced[-1])["RefreshToken"])
    latest = rotating.refresh(replaced[-1])["RefreshToken"]

    assert rotating.refusal(replaced[0]) == ("NotAuthorizedException", "Invalid Refresh Token")
    assert rotating.refusal(replaced[1]) == ROTATED
    assert "RefreshToken" in rotating.refresh(latest)


def test_a_forgotten_sign_in_forgets_its_replaced_tokens_too(
    cognito_emulator: EmulatorServer, rotating: Rotating
) -> None:
    original = rotating.signed_in["RefreshToken"]
    rotated = rotating.refresh(original)["RefreshToken"]
    cognito_emulator.advance_clock(30 * 86400)
    assert rotating.refusal(original) == ("NotAuthorizedException", "Refresh Token has expired")

    # The next sign-in drops the families whose tokens have all expired.
    Rotating(rotating.idp, rotating.pool, rotating.user, grace_seconds=0)

    invalid = ("NotAuthorizedException", "Invalid Refresh Token")
    assert rotating.refusal(original) == invalid
    assert rotating.refusal(rotated) == invalid


# -- REFRESH_TOKEN_AUTH ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "explicit_auth_flows",
    [("ALLOW_USER_PASSWORD_AUTH",), ("ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH")],
)
def test_refresh_token_auth_is_refused_on_a_rotating_client(
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_user: CognitoUser,
    explicit_auth_flows: tuple[ExplicitAuthFlowsTypeType, ...],
) -> None:
    """Refused whether the client's ExplicitAuthFlows leave ALLOW_REFRESH_TOKEN_AUTH out, as
    the guide tells, or keep it (which the emulator does not refuse on the client: our choice,
    Cognito's answer to that combination is not documented)."""
    rotating = Rotating(
        cognito_idp_client,
        cognito_pool,
        cognito_user,
        grace_seconds=10,
        explicit_auth_flows=explicit_auth_flows,
    )
    parameters = {
        "REFRESH_TOKEN": rotating.signed_in["RefreshToken"],
        "SECRET_HASH": secret_hash(
            cognito_user.username, rotating.client_id, rotating.client_secret
        ),
    }

    assert (
        refused(
            lambda: cognito_idp_client.initiate_auth(
                ClientId=rotating.client_id,
                AuthFlow="REFRESH_TOKEN_AUTH",
                AuthParameters=parameters,
            )
        )
        == REFRESH_FLOW_NOT_ENABLED
    )
    assert (
        refused(
            lambda: cognito_idp_client.admin_initiate_auth(
                UserPoolId=cognito_pool.user_pool_id,
                ClientId=rotating.client_id,
                AuthFlow="REFRESH_TOKEN_AUTH",
                AuthParameters=parameters,
            )
        )
        == REFRESH_FLOW_NOT_ENABLED
    )
    assert "RefreshToken" in rotating.refresh(rotating.signed_in["RefreshToken"])


# -- /oauth2/token --------------------------------------------------------------------------------


def test_the_token_endpoint_rotates_too(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    """token-endpoint.md's refresh_token grant "issues new ID, access, and optionally (with
    refresh token rotation) refresh tokens"; the client needs no ALLOW_REFRESH_TOKEN_AUTH."""
    pool = create_oauth_pool(cognito_emulator, cognito_idp_client)
    client = create_login_client(
        cognito_idp_client,
        pool.pool_id,
        "rotating",
        scopes=USER_SCOPES,
        GenerateSecret=True,
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH"],
        RefreshTokenRotation={"Feature": "ENABLED", "RetryGracePeriodSeconds": 0},
    )
    credentials = (client["ClientId"], client["ClientSecret"])
    code = pool.issue_code(client_id=client["ClientId"], scopes=("openid", "email"))
    signed_in = pool.post_token(
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": client["CallbackURLs"][0],
        },
        basic=credentials,
    ).json()

    def refresh(refresh_token: str) -> httpx.Response:
        return pool.post_token(
            {"grant_type": "refresh_token", "refresh_token": refresh_token}, basic=credentials
        )

    rotated = refresh(signed_in["refresh_token"])

    assert rotated.status_code == 200
    tokens = rotated.json()
    assert sorted(tokens) == [
        "access_token",
        "expires_in",
        "id_token",
        "refresh_token",
        "token_type",
    ]
    assert tokens["refresh_token"] != signed_in["refresh_token"]
    access = pool.verify(tokens["access_token"], client["ClientId"])
    assert access["origin_jti"] == origin_jti(signed_in["access_token"])
    assert access["scope"] == "openid email"
    reused = refresh(signed_in["refresh_token"])
    assert (reused.status_code, reused.json()) == (
        400,
        {"error": "invalid_grant", "error_description": "Refresh Token has been rotated"},
    )
    assert refresh(tokens["refresh_token"]).status_code == 200
