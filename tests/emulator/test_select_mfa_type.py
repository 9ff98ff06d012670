"""SELECT_MFA_TYPE: a user with several factors and no preferred one chooses
(API_RespondToAuthChallenge: "ChallengeResponses": {"USERNAME": ..., "ANSWER":
"[SMS_MFA|EMAIL_MFA|SOFTWARE_TOKEN_MFA]"}); a preferred factor is asked for directly."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError

from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.server import EmulatorServer
from tests.emulator.challenge_harness import (
    PHONE,
    confirmed_user,
    current_code,
    latest_mfa_code,
    mfa_pool,
    password_sign_in,
    respond,
    with_authenticator,
)

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient


@pytest.fixture
def pool(cognito_emulator: EmulatorServer) -> PoolConfig:
    return mfa_pool(cognito_emulator, "OPTIONAL")


@pytest.fixture
def secret(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    pool: PoolConfig,
) -> str:
    """ "ann" has an authenticator app, SMS and email MFA turned on, and no preferred factor."""
    confirmed_user(cognito_idp_client, pool, "ann", phone=PHONE)
    secret = with_authenticator(cognito_emulator, cognito_idp_client, pool, "ann")
    cognito_idp_client.admin_set_user_mfa_preference(
        UserPoolId=pool.user_pool_id,
        Username="ann",
        SMSMfaSettings={"Enabled": True, "PreferredMfa": False},
        SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": False},
        EmailMfaSettings={"Enabled": True, "PreferredMfa": False},
    )
    return secret


def test_several_factors_and_none_preferred_ask_the_user_to_choose(
    cognito_idp_client: CognitoIdentityProviderClient, pool: PoolConfig, secret: str
) -> None:
    challenge = password_sign_in(cognito_idp_client, pool, "ann")

    assert challenge["ChallengeName"] == "SELECT_MFA_TYPE"
    assert challenge["ChallengeParameters"] == {
        "MFAS_CAN_CHOOSE": '["SMS_MFA","SOFTWARE_TOKEN_MFA","EMAIL_OTP"]',
        "USER_ID_FOR_SRP": "ann",
    }


def test_choosing_sms_sends_the_code_and_asks_for_it(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    pool: PoolConfig,
    secret: str,
) -> None:
    selection = password_sign_in(cognito_idp_client, pool, "ann")

    challenge = respond(cognito_idp_client, pool, selection, "ann", ANSWER="SMS_MFA")

    assert challenge["ChallengeName"] == "SMS_MFA"
    assert challenge["Session"] != selection["Session"]
    assert challenge["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"] == "+*******0100"
    code = latest_mfa_code(cognito_emulator, pool, "ann")
    answer = respond(cognito_idp_client, pool, challenge, "ann", SMS_MFA_CODE=code)
    assert answer["AuthenticationResult"]["AccessToken"]


def test_choosing_the_authenticator_asks_for_its_code(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    pool: PoolConfig,
    secret: str,
) -> None:
    selection = password_sign_in(cognito_idp_client, pool, "ann")

    challenge = respond(cognito_idp_client, pool, selection, "ann", ANSWER="SOFTWARE_TOKEN_MFA")

    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    answer = respond(
        cognito_idp_client,
        pool,
        challenge,
        "ann",
        SOFTWARE_TOKEN_MFA_CODE=current_code(cognito_emulator, secret),
    )
    assert answer["AuthenticationResult"]["AccessToken"]


@pytest.mark.parametrize("answer", ["EMAIL_OTP", "EMAIL_MFA"])
def test_choosing_email(
    answer: str,
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    pool: PoolConfig,
    secret: str,
) -> None:
    """MFAS_CAN_CHOOSE names email EMAIL_OTP (what amplify-js answers); the API reference names
    it EMAIL_MFA: both are taken."""
    selection = password_sign_in(cognito_idp_client, pool, "ann")

    challenge = respond(cognito_idp_client, pool, selection, "ann", ANSWER=answer)

    assert challenge["ChallengeName"] == "EMAIL_OTP"
    message = cognito_emulator.outbox(pool_id=pool.user_pool_id, username="ann")[-1]
    assert (message["medium"], message["purpose"]) == ("EMAIL", "mfa")


def test_a_factor_not_offered_is_refused_and_the_user_may_choose_again(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    pool: PoolConfig,
    secret: str,
) -> None:
    cognito_idp_client.admin_set_user_mfa_preference(
        UserPoolId=pool.user_pool_id, Username="ann", EmailMfaSettings={"Enabled": False}
    )
    selection = password_sign_in(cognito_idp_client, pool, "ann")
    assert selection["ChallengeParameters"]["MFAS_CAN_CHOOSE"] == '["SMS_MFA","SOFTWARE_TOKEN_MFA"]'

    with pytest.raises(ClientError) as raised:
        respond(cognito_idp_client, pool, selection, "ann", ANSWER="EMAIL_OTP")

    error: Any = raised.value.response["Error"]
    assert (error["Code"], error["Message"]) == (
        "InvalidParameterException",
        "ANSWER EMAIL_OTP is not one of the MFA types to choose from: SMS_MFA, SOFTWARE_TOKEN_MFA",
    )
    challenge = respond(cognito_idp_client, pool, selection, "ann", ANSWER="SMS_MFA")
    assert challenge["ChallengeName"] == "SMS_MFA"


def test_the_preferred_factor_is_asked_for_directly(
    cognito_idp_client: CognitoIdentityProviderClient, pool: PoolConfig, secret: str
) -> None:
    cognito_idp_client.admin_set_user_mfa_preference(
        UserPoolId=pool.user_pool_id,
        Username="ann",
        SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True},
    )

    assert password_sign_in(cognito_idp_client, pool, "ann")["ChallengeName"] == (
        "SOFTWARE_TOKEN_MFA"
    )
