"""The app client's ExplicitAuthFlows decide which sign-in flows it may use.

Plain moto ignores ExplicitAuthFlows: every client may use every flow.
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.pytest_plugin import CognitoUser


def make_client(client: Any, pool: PoolConfig, flows: list[str] | None) -> str:
    extra = {"ExplicitAuthFlows": flows} if flows is not None else {}
    client_id: str = client.create_user_pool_client(
        UserPoolId=pool.user_pool_id, ClientName="flows", **extra
    )["UserPoolClient"]["ClientId"]
    return client_id


def password_auth(client: Any, client_id: str, user: CognitoUser) -> Any:
    return client.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": user.username, "PASSWORD": user.password},
    )


def admin_auth(client: Any, pool: PoolConfig, client_id: str, user: CognitoUser, flow: str) -> Any:
    return client.admin_initiate_auth(
        UserPoolId=pool.user_pool_id,
        ClientId=client_id,
        AuthFlow=flow,
        AuthParameters={"USERNAME": user.username, "PASSWORD": user.password},
    )


def srp_auth(client: Any, client_id: str, user: CognitoUser) -> Any:
    return client.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_SRP_AUTH",
        AuthParameters={"USERNAME": user.username, "SRP_A": "abc123"},
    )


def refresh_auth(client: Any, client_id: str, refresh_token: str) -> Any:
    return client.initiate_auth(
        ClientId=client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": refresh_token},
    )


def error_of(call: Any, *args: Any) -> dict[str, str]:
    with pytest.raises(ClientError) as raised:
        call(*args)
    error: dict[str, str] = raised.value.response["Error"]
    return error


def test_user_password_auth_needs_allow_user_password_auth(
    cognito_pool: PoolConfig, cognito_user: CognitoUser, cognito_idp_client: Any
) -> None:
    client_id = make_client(
        cognito_idp_client, cognito_pool, ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    )

    assert error_of(password_auth, cognito_idp_client, client_id, cognito_user) == {
        "Code": "InvalidParameterException",
        "Message": "USER_PASSWORD_AUTH flow not enabled for this client",
    }
    assert srp_auth(cognito_idp_client, client_id, cognito_user)["ChallengeName"] == (
        "PASSWORD_VERIFIER"
    )


@pytest.mark.parametrize("flow", ["ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"])
def test_admin_password_flows_need_allow_admin_user_password_auth(
    flow: str, cognito_pool: PoolConfig, cognito_user: CognitoUser, cognito_idp_client: Any
) -> None:
    refused = make_client(cognito_idp_client, cognito_pool, ["ALLOW_USER_PASSWORD_AUTH"])
    allowed = make_client(cognito_idp_client, cognito_pool, ["ALLOW_ADMIN_USER_PASSWORD_AUTH"])

    error = error_of(admin_auth, cognito_idp_client, cognito_pool, refused, cognito_user, flow)
    assert error["Code"] == "InvalidParameterException"
    assert error["Message"].endswith("flow not enabled for this client")
    result = admin_auth(cognito_idp_client, cognito_pool, allowed, cognito_user, flow)
    assert result["AuthenticationResult"]["AccessToken"]


def test_refresh_needs_allow_refresh_token_auth(
    cognito_pool: PoolConfig, cognito_user: CognitoUser, cognito_idp_client: Any
) -> None:
    client_id = make_client(cognito_idp_client, cognito_pool, ["ALLOW_USER_PASSWORD_AUTH"])
    tokens = password_auth(cognito_idp_client, client_id, cognito_user)["AuthenticationResult"]

    assert error_of(refresh_auth, cognito_idp_client, client_id, tokens["RefreshToken"]) == {
        "Code": "InvalidParameterException",
        "Message": "REFRESH_TOKEN_AUTH flow not enabled for this client",
    }


def test_srp_needs_allow_user_srp_auth(
    cognito_pool: PoolConfig, cognito_user: CognitoUser, cognito_idp_client: Any
) -> None:
    client_id = make_client(cognito_idp_client, cognito_pool, ["ALLOW_USER_PASSWORD_AUTH"])

    assert error_of(srp_auth, cognito_idp_client, client_id, cognito_user) == {
        "Code": "InvalidParameterException",
        "Message": "USER_SRP_AUTH flow not enabled for this client",
    }


def test_client_without_explicit_flows_gets_cognitos_defaults(
    cognito_pool: PoolConfig, cognito_user: CognitoUser, cognito_idp_client: Any
) -> None:
    """Cognito's default for a client created without ExplicitAuthFlows: refresh, SRP, custom."""
    client_id = make_client(cognito_idp_client, cognito_pool, None)

    assert error_of(password_auth, cognito_idp_client, client_id, cognito_user)["Code"] == (
        "InvalidParameterException"
    )
    assert srp_auth(cognito_idp_client, client_id, cognito_user)["ChallengeName"] == (
        "PASSWORD_VERIFIER"
    )


def test_legacy_flow_names_still_enable_their_flows_and_refresh(
    cognito_pool: PoolConfig, cognito_user: CognitoUser, cognito_idp_client: Any
) -> None:
    client_id = make_client(
        cognito_idp_client, cognito_pool, ["ADMIN_NO_SRP_AUTH", "USER_PASSWORD_AUTH"]
    )

    tokens = password_auth(cognito_idp_client, client_id, cognito_user)["AuthenticationResult"]
    admin = admin_auth(
        cognito_idp_client, cognito_pool, client_id, cognito_user, "ADMIN_NO_SRP_AUTH"
    )
    refreshed = refresh_auth(cognito_idp_client, client_id, tokens["RefreshToken"])

    assert admin["AuthenticationResult"]["AccessToken"]
    assert refreshed["AuthenticationResult"]["AccessToken"]


def test_flows_that_do_not_exist_or_belong_to_the_admin_api_are_refused(
    cognito_pool: PoolConfig, cognito_user: CognitoUser, cognito_idp_client: Any
) -> None:
    client_id = make_client(cognito_idp_client, cognito_pool, ["ALLOW_ADMIN_USER_PASSWORD_AUTH"])

    def initiate(flow: str) -> Any:
        return cognito_idp_client.initiate_auth(
            ClientId=client_id,
            AuthFlow=flow,
            AuthParameters={"USERNAME": cognito_user.username, "PASSWORD": "x"},
        )

    assert error_of(initiate, "ADMIN_USER_PASSWORD_AUTH") == {
        "Code": "InvalidParameterException",
        "Message": "Initiate Auth method not supported.",
    }
