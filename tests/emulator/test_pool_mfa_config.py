"""A pool's MFA: SetUserPoolMfaConfig / GetUserPoolMfaConfig, and MfaConfiguration at
CreateUserPool and UpdateUserPool, with DescribeUserPool agreeing. The rules and their sources
are in `cognito_emulator.flows.mfa_settings` and `cognito_emulator.flows.pool_settings`.
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
from mypy_boto3_cognito_idp.type_defs import (
    EmailConfigurationTypeTypeDef,
    EmailMfaConfigTypeTypeDef,
    SmsConfigurationTypeTypeDef,
    SmsMfaConfigTypeTypeDef,
)

from cognito_emulator.server import EmulatorServer

SES_EMAIL: EmailConfigurationTypeTypeDef = {
    "EmailSendingAccount": "DEVELOPER",
    "SourceArn": "arn:aws:ses:us-east-1:123456789012:identity/no-reply@example.com",
}
SMS: SmsConfigurationTypeTypeDef = {
    "SnsCallerArn": "arn:aws:iam::123456789012:role/cognito-sms",
    "ExternalId": "pool",
}
EMAIL_MFA: EmailMfaConfigTypeTypeDef = {"Message": "Your code is {####}", "Subject": "Your code"}
OFF_WITH_A_METHOD = (
    "InvalidParameterException",
    "Invalid MFA configuration given, can't turn off MFA and configure an MFA together.",
)
NO_METHOD = (
    "InvalidParameterException",
    "Invalid MFA Configuration given. SMS MFA, Email MFA, or Software Token MFA must be enabled.",
)
SMS_MFA_NEEDS_SMS = (
    "InvalidParameterException",
    "SMS configuration and Auto verification for phone_number are required when MFA is "
    "required/optional",
)


def error_of(call: Any, **request: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as raised:
        call(**request)
    error = raised.value.response["Error"]
    return error["Code"], error["Message"]


def answer(response: Any) -> dict[str, Any]:
    return {key: value for key, value in response.items() if key != "ResponseMetadata"}


def new_pool(client: CognitoIdentityProviderClient, **settings: Any) -> str:
    return client.create_user_pool(PoolName="mfa", **settings)["UserPool"]["Id"]


def described_mfa(client: CognitoIdentityProviderClient, pool_id: str) -> str:
    return client.describe_user_pool(UserPoolId=pool_id)["UserPool"]["MfaConfiguration"]


def mfa_config(client: CognitoIdentityProviderClient, pool_id: str) -> dict[str, Any]:
    return answer(client.get_user_pool_mfa_config(UserPoolId=pool_id))


def test_a_new_pool_has_mfa_off(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    pool_id = new_pool(cognito_idp_client)

    assert mfa_config(cognito_idp_client, pool_id) == {
        "MfaConfiguration": "OFF",
        "SoftwareTokenMfaConfiguration": {"Enabled": False},
    }
    assert described_mfa(cognito_idp_client, pool_id) == "OFF"


def test_every_method_is_set_and_read_back(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    pool_id = new_pool(cognito_idp_client, EmailConfiguration=SES_EMAIL)
    sms: SmsMfaConfigTypeTypeDef = {
        "SmsAuthenticationMessage": "Code {####}",
        "SmsConfiguration": SMS,
    }

    set_answer = cognito_idp_client.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        MfaConfiguration="ON",
        SmsMfaConfiguration=sms,
        SoftwareTokenMfaConfiguration={"Enabled": True},
        EmailMfaConfiguration=EMAIL_MFA,
    )

    expected = {
        "MfaConfiguration": "ON",
        "SmsMfaConfiguration": sms,
        "SoftwareTokenMfaConfiguration": {"Enabled": True},
        "EmailMfaConfiguration": EMAIL_MFA,
    }
    assert answer(set_answer) == expected
    assert mfa_config(cognito_idp_client, pool_id) == expected
    assert described_mfa(cognito_idp_client, pool_id) == "ON"


def test_a_new_configuration_replaces_the_old_one(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    """What SetUserPoolMfaConfig leaves out is off (aws/aws-sdk-js#4186)."""
    pool_id = new_pool(cognito_idp_client)
    cognito_idp_client.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        MfaConfiguration="OPTIONAL",
        SmsMfaConfiguration={"SmsConfiguration": SMS},
        SoftwareTokenMfaConfiguration={"Enabled": True},
    )

    cognito_idp_client.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        MfaConfiguration="OPTIONAL",
        SmsMfaConfiguration={"SmsConfiguration": SMS},
    )
    only_sms = mfa_config(cognito_idp_client, pool_id)
    cognito_idp_client.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="OFF")

    assert only_sms == {
        "MfaConfiguration": "OPTIONAL",
        "SmsMfaConfiguration": {"SmsConfiguration": SMS},
        "SoftwareTokenMfaConfiguration": {"Enabled": False},
    }
    assert mfa_config(cognito_idp_client, pool_id) == {
        "MfaConfiguration": "OFF",
        "SoftwareTokenMfaConfiguration": {"Enabled": False},
    }
    assert described_mfa(cognito_idp_client, pool_id) == "OFF"


@pytest.mark.parametrize(
    "method",
    [
        {"SoftwareTokenMfaConfiguration": {"Enabled": True}},
        {"SmsMfaConfiguration": {"SmsConfiguration": SMS}},
        {"EmailMfaConfiguration": EMAIL_MFA},
    ],
)
def test_off_with_a_method_is_refused(
    method: dict[str, Any],
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
) -> None:
    pool_id = new_pool(cognito_idp_client, EmailConfiguration=SES_EMAIL)

    refused = error_of(
        cognito_idp_client.set_user_pool_mfa_config,
        UserPoolId=pool_id,
        MfaConfiguration="OFF",
        **method,
    )

    assert refused == OFF_WITH_A_METHOD


@pytest.mark.parametrize("mfa_configuration", ["ON", "OPTIONAL"])
def test_on_or_optional_without_a_method_is_refused(
    mfa_configuration: str,
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
) -> None:
    pool_id = new_pool(cognito_idp_client)

    refused = error_of(
        cognito_idp_client.set_user_pool_mfa_config,
        UserPoolId=pool_id,
        MfaConfiguration=mfa_configuration,
        SoftwareTokenMfaConfiguration={"Enabled": False},
    )

    assert refused == NO_METHOD
    assert described_mfa(cognito_idp_client, pool_id) == "OFF"


def test_email_mfa_needs_the_pool_to_send_email_with_ses(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    cognito_default = new_pool(
        cognito_idp_client, EmailConfiguration={"EmailSendingAccount": "COGNITO_DEFAULT"}
    )
    no_email_configuration = new_pool(cognito_idp_client)
    with_ses = new_pool(cognito_idp_client, EmailConfiguration=SES_EMAIL)
    request: dict[str, Any] = {"MfaConfiguration": "OPTIONAL", "EmailMfaConfiguration": EMAIL_MFA}

    refusals = {
        error_of(cognito_idp_client.set_user_pool_mfa_config, UserPoolId=pool_id, **request)
        for pool_id in (cognito_default, no_email_configuration)
    }
    cognito_idp_client.set_user_pool_mfa_config(UserPoolId=with_ses, **request)

    assert refusals == {
        (
            "InvalidParameterException",
            "Email MFA requires the user pool to send email with Amazon SES: set "
            "EmailConfiguration EmailSendingAccount to DEVELOPER.",
        )
    }
    assert mfa_config(cognito_idp_client, with_ses)["EmailMfaConfiguration"] == EMAIL_MFA


def test_sms_mfa_needs_an_sms_configuration(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    without = new_pool(cognito_idp_client)
    with_pool_sms = new_pool(cognito_idp_client, SmsConfiguration=SMS)
    request: dict[str, Any] = {
        "MfaConfiguration": "OPTIONAL",
        "SmsMfaConfiguration": {"SmsAuthenticationMessage": "Code {####}"},
    }

    refused = error_of(cognito_idp_client.set_user_pool_mfa_config, UserPoolId=without, **request)
    cognito_idp_client.set_user_pool_mfa_config(UserPoolId=with_pool_sms, **request)

    assert refused == (
        "InvalidParameterException",
        "SMS MFA requires an SmsConfiguration (in SmsMfaConfiguration or the user pool's).",
    )
    assert mfa_config(cognito_idp_client, with_pool_sms)["SmsMfaConfiguration"] == {
        "SmsAuthenticationMessage": "Code {####}"
    }


def test_a_value_outside_the_enum_is_refused(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    pool_id = new_pool(cognito_idp_client)

    refused = error_of(
        cognito_idp_client.set_user_pool_mfa_config, UserPoolId=pool_id, MfaConfiguration="MAYBE"
    )

    assert refused == (
        "InvalidParameterException",
        "1 validation error detected: Value 'MAYBE' at 'mfaConfiguration' failed to satisfy "
        "constraint: Member must satisfy enum value set: [OFF, ON, OPTIONAL]",
    )


def test_passkey_configuration_is_refused_as_unsupported(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    pool_id = new_pool(cognito_idp_client)

    refused = error_of(
        cognito_idp_client.set_user_pool_mfa_config,
        UserPoolId=pool_id,
        MfaConfiguration="OFF",
        WebAuthnConfiguration={"RelyingPartyId": "example.com"},
    )

    assert refused == (
        "InvalidParameterException",
        "WebAuthnConfiguration: passkeys (WebAuthn) are not supported by the Cognito emulator.",
    )


def test_an_unknown_pool_is_refused(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    assert error_of(
        cognito_idp_client.get_user_pool_mfa_config, UserPoolId="us-east-1_nothere00"
    ) == ("ResourceNotFoundException", "User pool us-east-1_nothere00 does not exist.")


# -- MfaConfiguration at CreateUserPool and UpdateUserPool ---------------------------------------


def test_a_pool_created_with_mfa_uses_its_sms_configuration(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    pool_id = new_pool(
        cognito_idp_client,
        MfaConfiguration="OPTIONAL",
        SmsConfiguration=SMS,
        SmsAuthenticationMessage="Code {####}",
        AutoVerifiedAttributes=["phone_number"],
    )

    assert mfa_config(cognito_idp_client, pool_id) == {
        "MfaConfiguration": "OPTIONAL",
        "SmsMfaConfiguration": {"SmsConfiguration": SMS, "SmsAuthenticationMessage": "Code {####}"},
        "SoftwareTokenMfaConfiguration": {"Enabled": False},
    }
    assert described_mfa(cognito_idp_client, pool_id) == "OPTIONAL"


@pytest.mark.parametrize(
    "settings",
    [{}, {"SmsConfiguration": SMS}, {"AutoVerifiedAttributes": ["phone_number"]}],
)
def test_a_pool_created_with_mfa_but_no_sms_is_refused(
    settings: dict[str, Any],
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
) -> None:
    refused = error_of(
        cognito_idp_client.create_user_pool, PoolName="mfa", MfaConfiguration="ON", **settings
    )

    assert refused == SMS_MFA_NEEDS_SMS
    assert cognito_idp_client.list_user_pools(MaxResults=10)["UserPools"] == []


def test_an_update_keeps_the_methods_set_by_set_user_pool_mfa_config(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    pool_id = new_pool(cognito_idp_client)
    cognito_idp_client.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        MfaConfiguration="OPTIONAL",
        SoftwareTokenMfaConfiguration={"Enabled": True},
    )

    cognito_idp_client.update_user_pool(UserPoolId=pool_id, MfaConfiguration="ON")

    assert mfa_config(cognito_idp_client, pool_id) == {
        "MfaConfiguration": "ON",
        "SoftwareTokenMfaConfiguration": {"Enabled": True},
    }
    assert described_mfa(cognito_idp_client, pool_id) == "ON"


def test_an_update_without_mfa_configuration_turns_mfa_off(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    """UpdateUserPool sets what a request leaves out to its default (API reference)."""
    pool_id = new_pool(cognito_idp_client)
    cognito_idp_client.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        MfaConfiguration="OPTIONAL",
        SoftwareTokenMfaConfiguration={"Enabled": True},
    )

    cognito_idp_client.update_user_pool(UserPoolId=pool_id)

    assert mfa_config(cognito_idp_client, pool_id) == {
        "MfaConfiguration": "OFF",
        "SoftwareTokenMfaConfiguration": {"Enabled": False},
    }
    assert described_mfa(cognito_idp_client, pool_id) == "OFF"


def test_an_update_to_mfa_without_a_method_is_refused(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    pool_id = new_pool(cognito_idp_client)

    refused = error_of(
        cognito_idp_client.update_user_pool, UserPoolId=pool_id, MfaConfiguration="ON"
    )

    assert refused == SMS_MFA_NEEDS_SMS
    assert described_mfa(cognito_idp_client, pool_id) == "OFF"
