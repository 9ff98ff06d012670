"""A pool's Policies.SignInPolicy.AllowedFirstAuthFactors (USER_AUTH's first factors), checked
at CreateUserPool and UpdateUserPool and stored as given. The rules and their sources are in
`cognito_emulator.flows.pool_settings`.
"""

from __future__ import annotations

from typing import Any, cast

import pytest
from botocore.exceptions import ClientError
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
from mypy_boto3_cognito_idp.type_defs import SmsConfigurationTypeTypeDef, UserPoolPolicyTypeTypeDef

from cognito_emulator.server import EmulatorServer

SMS: SmsConfigurationTypeTypeDef = {"SnsCallerArn": "arn:aws:iam::123456789012:role/cognito-sms"}


def sign_in_policy(*factors: str) -> UserPoolPolicyTypeTypeDef:
    # Factors outside the enum too, to see them refused: the client does not check enums.
    return cast(
        UserPoolPolicyTypeTypeDef, {"SignInPolicy": {"AllowedFirstAuthFactors": list(factors)}}
    )


def error_of(call: Any, **request: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as raised:
        call(**request)
    error = raised.value.response["Error"]
    return error["Code"], error["Message"]


def stored_factors(client: CognitoIdentityProviderClient, pool_id: str) -> Any:
    pool = client.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    return pool["Policies"].get("SignInPolicy", {}).get("AllowedFirstAuthFactors")


@pytest.mark.parametrize(
    ("factors", "settings"),
    [
        (("PASSWORD",), {}),
        (("PASSWORD", "EMAIL_OTP"), {}),
        (("PASSWORD", "SMS_OTP"), {"SmsConfiguration": SMS}),
        (("PASSWORD", "WEB_AUTHN"), {}),
        (("EMAIL_OTP", "PASSWORD", "SMS_OTP", "WEB_AUTHN"), {"SmsConfiguration": SMS}),
    ],
)
def test_allowed_first_factors_are_stored_as_given(
    factors: tuple[str, ...],
    settings: dict[str, Any],
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
) -> None:
    pool_id = cognito_idp_client.create_user_pool(
        PoolName="choice", Policies=sign_in_policy(*factors), **settings
    )["UserPool"]["Id"]

    assert stored_factors(cognito_idp_client, pool_id) == list(factors)


@pytest.mark.parametrize(
    ("factors", "settings", "message"),
    [
        (("EMAIL_OTP",), {}, "AllowedFirstAuthFactors must include PASSWORD."),
        (
            ("PASSWORD", "SOFTWARE_TOKEN"),
            {},
            "SOFTWARE_TOKEN is not supported as a first authentication factor in "
            "AllowedFirstAuthFactors.",
        ),
        (
            ("PASSWORD", "SMS_OTP"),
            {},
            "SMS_OTP in AllowedFirstAuthFactors requires the user pool's SmsConfiguration.",
        ),
        (
            ("PASSWORD", "MAGIC_LINK"),
            {},
            "1 validation error detected: Value '[PASSWORD, MAGIC_LINK]' at "
            "'policies.signInPolicy.allowedFirstAuthFactors' failed to satisfy constraint: "
            "Member must satisfy constraint: [Member must satisfy enum value set: "
            "[PASSWORD, EMAIL_OTP, SMS_OTP, WEB_AUTHN, SOFTWARE_TOKEN]]",
        ),
    ],
)
def test_a_pool_with_first_factors_cognito_refuses_is_not_created(
    factors: tuple[str, ...],
    settings: dict[str, Any],
    message: str,
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
) -> None:
    refused = error_of(
        cognito_idp_client.create_user_pool,
        PoolName="choice",
        Policies=sign_in_policy(*factors),
        **settings,
    )

    assert refused == ("InvalidParameterException", message)
    assert cognito_idp_client.list_user_pools(MaxResults=10)["UserPools"] == []


def test_an_update_is_checked_and_keeps_the_pool_as_it_was_when_refused(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    pool_id = cognito_idp_client.create_user_pool(
        PoolName="choice", Policies=sign_in_policy("PASSWORD", "EMAIL_OTP")
    )["UserPool"]["Id"]

    refused = error_of(
        cognito_idp_client.update_user_pool,
        UserPoolId=pool_id,
        Policies=sign_in_policy("EMAIL_OTP"),
    )
    kept = stored_factors(cognito_idp_client, pool_id)
    cognito_idp_client.update_user_pool(
        UserPoolId=pool_id, Policies=sign_in_policy("PASSWORD", "WEB_AUTHN")
    )

    assert refused == (
        "InvalidParameterException",
        "AllowedFirstAuthFactors must include PASSWORD.",
    )
    assert kept == ["PASSWORD", "EMAIL_OTP"]
    assert stored_factors(cognito_idp_client, pool_id) == ["PASSWORD", "WEB_AUTHN"]
