"""A user's MFA settings: TOTP set-up (AssociateSoftwareToken, VerifySoftwareToken) on the
emulator clock, SetUserMFAPreference / AdminSetUserMFAPreference, and GetUser / AdminGetUser
reporting them. The rules and their sources are in `cognito_emulator.flows.mfa_settings`.

`cognito_pool` is the kit's pool: MFA OPTIONAL, TOTP on (pool_definition).
"""

from __future__ import annotations

import time
from typing import Any

import pyotp
import pytest
from botocore.exceptions import ClientError
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
from mypy_boto3_cognito_idp.literals import UserPoolMfaTypeType
from mypy_boto3_cognito_idp.type_defs import (
    EmailConfigurationTypeTypeDef,
    EmailMfaSettingsTypeTypeDef,
    SmsConfigurationTypeTypeDef,
    SoftwareTokenMfaSettingsTypeTypeDef,
)

from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.pytest_plugin import CognitoUser, secret_hash
from cognito_emulator.server import EmulatorServer

CODE_MISMATCH = "Code mismatch and fail enable Software Token MFA"
SES_EMAIL: EmailConfigurationTypeTypeDef = {
    "EmailSendingAccount": "DEVELOPER",
    "SourceArn": "arn:aws:ses:us-east-1:123456789012:identity/no-reply@example.com",
}
SMS: SmsConfigurationTypeTypeDef = {"SnsCallerArn": "arn:aws:iam::123456789012:role/cognito-sms"}


def error_of(call: Any, **request: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as raised:
        call(**request)
    error = raised.value.response["Error"]
    return error["Code"], error["Message"]


def answer(response: Any) -> dict[str, Any]:
    return {key: value for key, value in response.items() if key != "ResponseMetadata"}


def mid_step(server: EmulatorServer) -> float:
    """Move the emulator clock to the middle of a 30-second TOTP step, so that a code computed
    now is the current step's for the rest of the test's call; the emulator time."""
    now = server.advance_clock(0)
    return server.advance_clock(15 - now % 30)


def code_at(secret: str, when: float) -> str:
    return pyotp.TOTP(secret).at(when)


def mfa_state(client: CognitoIdentityProviderClient, pool_id: str, username: str) -> Any:
    user = client.admin_get_user(UserPoolId=pool_id, Username=username)
    return user.get("UserMFASettingList"), user.get("PreferredMfaSetting")


def verified_totp(
    server: EmulatorServer, client: CognitoIdentityProviderClient, user: CognitoUser
) -> str:
    secret = client.associate_software_token(AccessToken=user.access_token)["SecretCode"]
    client.verify_software_token(
        AccessToken=user.access_token, UserCode=code_at(secret, mid_step(server))
    )
    return secret


def message_mfa_pool(
    client: CognitoIdentityProviderClient, mfa_configuration: UserPoolMfaTypeType
) -> str:
    """A pool that sends email with SES, with SMS and email MFA."""
    pool_id = client.create_user_pool(PoolName="message-mfa", EmailConfiguration=SES_EMAIL)[
        "UserPool"
    ]["Id"]
    client.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        MfaConfiguration=mfa_configuration,
        SmsMfaConfiguration={"SmsConfiguration": SMS},
        EmailMfaConfiguration={"Message": "Your code is {####}", "Subject": "Your code"},
    )
    return pool_id


def admin_user(client: CognitoIdentityProviderClient, pool_id: str, **attributes: str) -> str:
    client.admin_create_user(
        UserPoolId=pool_id,
        Username="pat",
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": name, "Value": value} for name, value in attributes.items()],
    )
    return "pat"


# -- AssociateSoftwareToken and VerifySoftwareToken ----------------------------------------------


def test_every_association_gives_a_new_random_secret(
    cognito_idp_client: CognitoIdentityProviderClient, cognito_user: CognitoUser
) -> None:
    """moto gave every user the same secret; Cognito's is random, 52 base32 characters."""
    first = cognito_idp_client.associate_software_token(AccessToken=cognito_user.access_token)
    second = cognito_idp_client.associate_software_token(AccessToken=cognito_user.access_token)

    assert set(answer(first)) == {"SecretCode"}
    assert len(first["SecretCode"]) == len(second["SecretCode"]) == 52
    assert first["SecretCode"] != second["SecretCode"]
    assert pyotp.TOTP(first["SecretCode"]).now().isdigit()


def test_a_code_of_the_secret_on_the_emulator_clock_verifies(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_user: CognitoUser,
) -> None:
    secret = cognito_idp_client.associate_software_token(AccessToken=cognito_user.access_token)[
        "SecretCode"
    ]
    # Ten minutes on: the wall clock's code is ten minutes old for the emulator.
    later = mid_step(cognito_emulator) + 600
    cognito_emulator.advance_clock(600)

    assert error_of(
        cognito_idp_client.verify_software_token,
        AccessToken=cognito_user.access_token,
        UserCode=code_at(secret, time.time()),
    ) == ("EnableSoftwareTokenMFAException", CODE_MISMATCH)
    verified = cognito_idp_client.verify_software_token(
        AccessToken=cognito_user.access_token,
        UserCode=code_at(secret, later),
        FriendlyDeviceName="phone",
    )

    assert answer(verified) == {"Status": "SUCCESS"}


def test_the_codes_of_the_steps_either_side_verify_and_no_further(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_user: CognitoUser,
) -> None:
    token = cognito_user.access_token
    secret = cognito_idp_client.associate_software_token(AccessToken=token)["SecretCode"]
    now = mid_step(cognito_emulator)

    assert error_of(
        cognito_idp_client.verify_software_token,
        AccessToken=token,
        UserCode=code_at(secret, now - 60),
    ) == ("EnableSoftwareTokenMFAException", CODE_MISMATCH)
    assert error_of(
        cognito_idp_client.verify_software_token, AccessToken=token, UserCode="12345a"
    ) == ("EnableSoftwareTokenMFAException", CODE_MISMATCH)
    previous = cognito_idp_client.verify_software_token(
        AccessToken=token, UserCode=code_at(secret, now - 30)
    )
    following = cognito_idp_client.verify_software_token(
        AccessToken=token, UserCode=code_at(secret, now + 30)
    )

    assert previous["Status"] == following["Status"] == "SUCCESS"


def test_a_code_is_accepted_once(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_user: CognitoUser,
) -> None:
    token = cognito_user.access_token
    secret = cognito_idp_client.associate_software_token(AccessToken=token)["SecretCode"]
    now = mid_step(cognito_emulator)
    cognito_idp_client.verify_software_token(AccessToken=token, UserCode=code_at(secret, now))

    assert error_of(
        cognito_idp_client.verify_software_token, AccessToken=token, UserCode=code_at(secret, now)
    ) == ("EnableSoftwareTokenMFAException", CODE_MISMATCH)
    next_step = cognito_emulator.advance_clock(30)
    assert (
        cognito_idp_client.verify_software_token(
            AccessToken=token, UserCode=code_at(secret, next_step)
        )["Status"]
        == "SUCCESS"
    )


def test_verification_does_not_turn_totp_on_by_itself(
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_user: CognitoUser,
) -> None:
    verified_totp(cognito_emulator, cognito_idp_client, cognito_user)

    user = cognito_idp_client.get_user(AccessToken=cognito_user.access_token)

    assert "UserMFASettingList" not in user
    assert mfa_state(cognito_idp_client, cognito_pool.user_pool_id, cognito_user.username) == (
        None,
        None,
    )


def test_a_new_association_waits_for_its_own_code_and_keeps_totp_on(
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_user: CognitoUser,
) -> None:
    token = cognito_user.access_token
    old_secret = verified_totp(cognito_emulator, cognito_idp_client, cognito_user)
    cognito_idp_client.set_user_mfa_preference(
        AccessToken=token, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True}
    )
    new_secret = cognito_idp_client.associate_software_token(AccessToken=token)["SecretCode"]
    later = cognito_emulator.advance_clock(30)

    assert mfa_state(cognito_idp_client, cognito_pool.user_pool_id, cognito_user.username) == (
        ["SOFTWARE_TOKEN_MFA"],
        "SOFTWARE_TOKEN_MFA",
    )
    assert error_of(
        cognito_idp_client.verify_software_token,
        AccessToken=token,
        UserCode=code_at(old_secret, later),
    ) == ("EnableSoftwareTokenMFAException", CODE_MISMATCH)
    assert (
        cognito_idp_client.verify_software_token(
            AccessToken=token, UserCode=code_at(new_secret, later)
        )["Status"]
        == "SUCCESS"
    )


def test_totp_set_up_needs_the_pool_to_offer_totp(
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_user: CognitoUser,
) -> None:
    cognito_idp_client.set_user_pool_mfa_config(
        UserPoolId=cognito_pool.user_pool_id, MfaConfiguration="OFF"
    )

    refused = (
        "SoftwareTokenMFANotFoundException",
        "Software Token MFA has not been enabled by the userPool",
    )
    assert (
        error_of(cognito_idp_client.associate_software_token, AccessToken=cognito_user.access_token)
        == refused
    )
    assert (
        error_of(
            cognito_idp_client.verify_software_token,
            AccessToken=cognito_user.access_token,
            UserCode="123456",
        )
        == refused
    )


def test_verification_before_any_association_is_refused(
    cognito_idp_client: CognitoIdentityProviderClient, cognito_user: CognitoUser
) -> None:
    assert error_of(
        cognito_idp_client.verify_software_token,
        AccessToken=cognito_user.access_token,
        UserCode="123456",
    ) == ("InvalidParameterException", "User has not set up software token mfa")


def test_an_access_token_and_a_session_together_are_refused(
    cognito_idp_client: CognitoIdentityProviderClient, cognito_user: CognitoUser
) -> None:
    assert error_of(
        cognito_idp_client.associate_software_token,
        AccessToken=cognito_user.access_token,
        Session="a-session-of-twenty-characters",
    ) == ("InvalidParameterException", "Provide either an AccessToken or a Session, not both.")


def test_a_signed_out_access_token_cannot_set_up_totp(
    cognito_idp_client: CognitoIdentityProviderClient, cognito_user: CognitoUser
) -> None:
    cognito_idp_client.global_sign_out(AccessToken=cognito_user.access_token)

    code, _ = error_of(
        cognito_idp_client.associate_software_token, AccessToken=cognito_user.access_token
    )

    assert code == "NotAuthorizedException"


# -- MFA_SETUP's Session ------------------------------------------------------------------------


def test_totp_set_up_during_sign_in_answers_new_sessions(
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_user: CognitoUser,
) -> None:
    """A pool that requires MFA asks a user without any to set it up (MFA_SETUP); the
    Session it gives authorizes AssociateSoftwareToken, whose answer carries the next Session
    for VerifySoftwareToken, and so on to RespondToAuthChallenge."""
    cognito_idp_client.set_user_pool_mfa_config(
        UserPoolId=cognito_pool.user_pool_id,
        MfaConfiguration="ON",
        SoftwareTokenMfaConfiguration={"Enabled": True},
    )
    hashed = secret_hash(cognito_user.username, cognito_pool.client_id, cognito_pool.client_secret)
    challenge = cognito_idp_client.initiate_auth(
        ClientId=cognito_pool.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={
            "USERNAME": cognito_user.username,
            "PASSWORD": cognito_user.password,
            "SECRET_HASH": hashed,
        },
    )
    assert challenge["ChallengeName"] == "MFA_SETUP"

    associated = cognito_idp_client.associate_software_token(Session=challenge["Session"])
    verified = cognito_idp_client.verify_software_token(
        Session=associated["Session"],
        UserCode=code_at(associated["SecretCode"], mid_step(cognito_emulator)),
    )

    assert set(answer(associated)) == {"SecretCode", "Session"}
    assert associated["Session"] != challenge["Session"]
    assert set(answer(verified)) == {"Status", "Session"}
    assert verified["Status"] == "SUCCESS"
    assert verified["Session"] != associated["Session"]
    assert error_of(cognito_idp_client.associate_software_token, Session=challenge["Session"]) == (
        "NotAuthorizedException",
        "Invalid session for the user, session can only be used once.",
    )


# -- SetUserMFAPreference and AdminSetUserMFAPreference -----------------------------------------


def test_totp_turns_on_only_once_verified(
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_user: CognitoUser,
) -> None:
    token = cognito_user.access_token
    turn_on: SoftwareTokenMfaSettingsTypeTypeDef = {"Enabled": True, "PreferredMfa": True}

    never_associated = error_of(
        cognito_idp_client.set_user_mfa_preference,
        AccessToken=token,
        SoftwareTokenMfaSettings=turn_on,
    )
    cognito_idp_client.associate_software_token(AccessToken=token)
    not_verified = error_of(
        cognito_idp_client.set_user_mfa_preference,
        AccessToken=token,
        SoftwareTokenMfaSettings=turn_on,
    )
    verified_totp(cognito_emulator, cognito_idp_client, cognito_user)
    cognito_idp_client.set_user_mfa_preference(AccessToken=token, SoftwareTokenMfaSettings=turn_on)

    assert never_associated == (
        "InvalidParameterException",
        "User does not have delivery config set to turn on SOFTWARE_TOKEN_MFA",
    )
    assert not_verified == ("InvalidParameterException", "User has not verified software token mfa")
    user = cognito_idp_client.get_user(AccessToken=token)
    assert (user["UserMFASettingList"], user["PreferredMfaSetting"]) == (
        ["SOFTWARE_TOKEN_MFA"],
        "SOFTWARE_TOKEN_MFA",
    )
    assert mfa_state(cognito_idp_client, cognito_pool.user_pool_id, cognito_user.username) == (
        ["SOFTWARE_TOKEN_MFA"],
        "SOFTWARE_TOKEN_MFA",
    )


def test_totp_turned_off_leaves_no_preference(
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_user: CognitoUser,
) -> None:
    token = cognito_user.access_token
    verified_totp(cognito_emulator, cognito_idp_client, cognito_user)
    cognito_idp_client.set_user_mfa_preference(
        AccessToken=token, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True}
    )

    cognito_idp_client.set_user_mfa_preference(
        AccessToken=token, SoftwareTokenMfaSettings={"Enabled": False, "PreferredMfa": False}
    )

    assert mfa_state(cognito_idp_client, cognito_pool.user_pool_id, cognito_user.username) == (
        None,
        None,
    )


def test_sms_mfa_needs_a_phone_number(cognito_idp_client: CognitoIdentityProviderClient) -> None:
    pool_id = message_mfa_pool(cognito_idp_client, "OPTIONAL")
    username = admin_user(cognito_idp_client, pool_id, email="pat@example.com")

    refused = error_of(
        cognito_idp_client.admin_set_user_mfa_preference,
        UserPoolId=pool_id,
        Username=username,
        SMSMfaSettings={"Enabled": True},
    )
    cognito_idp_client.admin_update_user_attributes(
        UserPoolId=pool_id,
        Username=username,
        UserAttributes=[{"Name": "phone_number", "Value": "+15555550100"}],
    )
    cognito_idp_client.admin_set_user_mfa_preference(
        UserPoolId=pool_id, Username=username, SMSMfaSettings={"Enabled": True}
    )

    assert refused == (
        "InvalidParameterException",
        "User does not have delivery config set to turn on SMS_MFA",
    )
    assert mfa_state(cognito_idp_client, pool_id, username) == (["SMS_MFA"], None)


def test_email_mfa_needs_an_email_and_the_pool_to_offer_it(
    cognito_idp_client: CognitoIdentityProviderClient, cognito_pool: PoolConfig
) -> None:
    pool_id = message_mfa_pool(cognito_idp_client, "OPTIONAL")
    without_email = admin_user(cognito_idp_client, pool_id, phone_number="+15555550100")
    cognito_idp_client.admin_create_user(
        UserPoolId=cognito_pool.user_pool_id,
        Username="sam",
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "email", "Value": "sam@example.com"}],
    )
    turn_on: EmailMfaSettingsTypeTypeDef = {"Enabled": True, "PreferredMfa": True}

    no_email = error_of(
        cognito_idp_client.admin_set_user_mfa_preference,
        UserPoolId=pool_id,
        Username=without_email,
        EmailMfaSettings=turn_on,
    )
    pool_without_email_mfa = error_of(
        cognito_idp_client.admin_set_user_mfa_preference,
        UserPoolId=cognito_pool.user_pool_id,
        Username="sam",
        EmailMfaSettings=turn_on,
    )
    cognito_idp_client.admin_update_user_attributes(
        UserPoolId=pool_id,
        Username=without_email,
        UserAttributes=[{"Name": "email", "Value": "pat@example.com"}],
    )
    cognito_idp_client.admin_set_user_mfa_preference(
        UserPoolId=pool_id, Username=without_email, EmailMfaSettings=turn_on
    )

    refused = (
        "InvalidParameterException",
        "User does not have delivery config set to turn on EMAIL_OTP",
    )
    assert no_email == pool_without_email_mfa == refused
    assert mfa_state(cognito_idp_client, pool_id, without_email) == (["EMAIL_OTP"], "EMAIL_OTP")


def test_a_preferred_method_takes_the_preference_from_the_others(
    cognito_idp_client: CognitoIdentityProviderClient,
) -> None:
    pool_id = message_mfa_pool(cognito_idp_client, "OPTIONAL")
    username = admin_user(
        cognito_idp_client, pool_id, email="pat@example.com", phone_number="+15555550100"
    )
    cognito_idp_client.admin_set_user_mfa_preference(
        UserPoolId=pool_id,
        Username=username,
        SMSMfaSettings={"Enabled": True, "PreferredMfa": True},
        EmailMfaSettings={"Enabled": True},
    )
    sms_preferred = mfa_state(cognito_idp_client, pool_id, username)

    cognito_idp_client.admin_set_user_mfa_preference(
        UserPoolId=pool_id, Username=username, EmailMfaSettings={"PreferredMfa": True}
    )
    email_preferred = mfa_state(cognito_idp_client, pool_id, username)
    cognito_idp_client.admin_set_user_mfa_preference(
        UserPoolId=pool_id, Username=username, EmailMfaSettings={"Enabled": False}
    )

    assert sms_preferred == (["SMS_MFA", "EMAIL_OTP"], "SMS_MFA")
    assert email_preferred == (["SMS_MFA", "EMAIL_OTP"], "EMAIL_OTP")
    assert mfa_state(cognito_idp_client, pool_id, username) == (["SMS_MFA"], None)


def test_two_preferred_methods_are_refused_and_nothing_changes(
    cognito_idp_client: CognitoIdentityProviderClient,
) -> None:
    pool_id = message_mfa_pool(cognito_idp_client, "OPTIONAL")
    username = admin_user(
        cognito_idp_client, pool_id, email="pat@example.com", phone_number="+15555550100"
    )

    refused = error_of(
        cognito_idp_client.admin_set_user_mfa_preference,
        UserPoolId=pool_id,
        Username=username,
        SMSMfaSettings={"Enabled": True, "PreferredMfa": True},
        EmailMfaSettings={"Enabled": True, "PreferredMfa": True},
    )

    assert refused == ("InvalidParameterException", "Only one MFA method can be set as preferred.")
    assert mfa_state(cognito_idp_client, pool_id, username) == (None, None)


def test_a_pool_that_requires_mfa_keeps_a_users_methods_on(
    cognito_idp_client: CognitoIdentityProviderClient,
) -> None:
    pool_id = message_mfa_pool(cognito_idp_client, "ON")
    username = admin_user(cognito_idp_client, pool_id, email="pat@example.com")
    cognito_idp_client.admin_set_user_mfa_preference(
        UserPoolId=pool_id, Username=username, EmailMfaSettings={"Enabled": True}
    )

    cognito_idp_client.admin_set_user_mfa_preference(
        UserPoolId=pool_id, Username=username, EmailMfaSettings={"Enabled": False}
    )

    assert mfa_state(cognito_idp_client, pool_id, username) == (["EMAIL_OTP"], None)


def test_passkey_mfa_is_refused_as_unsupported(
    cognito_idp_client: CognitoIdentityProviderClient, cognito_user: CognitoUser
) -> None:
    assert error_of(
        cognito_idp_client.set_user_mfa_preference,
        AccessToken=cognito_user.access_token,
        WebAuthnMfaSettings={"Enabled": True},
    ) == (
        "InvalidParameterException",
        "Passkey (WebAuthn) MFA is not supported by the Cognito emulator.",
    )


def test_an_unknown_user_is_refused(
    cognito_idp_client: CognitoIdentityProviderClient, cognito_pool: PoolConfig
) -> None:
    assert error_of(
        cognito_idp_client.admin_set_user_mfa_preference,
        UserPoolId=cognito_pool.user_pool_id,
        Username="nobody",
        SMSMfaSettings={"Enabled": True},
    ) == ("UserNotFoundException", "User does not exist.")
