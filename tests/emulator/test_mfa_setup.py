"""MFA_SETUP: a pool that requires MFA signs in a user with no factor only once they set up an
authenticator app: "use the session returned in this challenge from InitiateAuth or
AdminInitiateAuth as an input to AssociateSoftwareToken. Then, use the session returned by
VerifySoftwareToken as an input to RespondToAuthChallenge or AdminRespondToAuthChallenge with
challenge name MFA_SETUP to complete sign-in" (API_InitiateAuth)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError

from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.pytest_plugin import CognitoLambdas
from cognito_emulator.server import EmulatorServer
from tests.emulator.challenge_harness import (
    confirmed_user,
    current_code,
    hashed,
    mfa_pool,
    password_sign_in,
    respond,
)

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient


@pytest.fixture
def pool(cognito_emulator: EmulatorServer) -> PoolConfig:
    """MFA required, by authenticator app only."""
    return mfa_pool(cognito_emulator, "ON", sms=False, email=False)


def refused(call: Any, **kwargs: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as raised:
        call(**kwargs)
    error = raised.value.response["Error"]
    return error["Code"], error["Message"]


def set_up_authenticator(
    emulator: EmulatorServer, idp: CognitoIdentityProviderClient, challenge: Any
) -> tuple[str, str]:
    """AssociateSoftwareToken and VerifySoftwareToken in MFA_SETUP's Session: the secret and
    the Session to answer MFA_SETUP in."""
    associated = idp.associate_software_token(Session=challenge["Session"])
    secret = associated["SecretCode"]
    verified = idp.verify_software_token(
        Session=associated["Session"], UserCode=current_code(emulator, secret)
    )
    assert verified["Status"] == "SUCCESS"
    return secret, verified["Session"]


def test_a_user_without_a_factor_is_asked_to_set_one_up(
    cognito_idp_client: CognitoIdentityProviderClient, pool: PoolConfig
) -> None:
    confirmed_user(cognito_idp_client, pool, "ann")

    challenge = password_sign_in(cognito_idp_client, pool, "ann")

    assert challenge["ChallengeName"] == "MFA_SETUP"
    assert challenge["ChallengeParameters"] == {
        "MFAS_CAN_SETUP": '["SOFTWARE_TOKEN_MFA"]',
        "USER_ID_FOR_SRP": "ann",
    }


def test_mfa_setup_lists_every_factor_the_pool_offers(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    """A user without a phone number: SMS is offered to set up, not sent."""
    pool = mfa_pool(cognito_emulator, "ON", email=False)
    confirmed_user(cognito_idp_client, pool, "ann")

    challenge = password_sign_in(cognito_idp_client, pool, "ann")

    assert challenge["ChallengeParameters"]["MFAS_CAN_SETUP"] == '["SMS_MFA","SOFTWARE_TOKEN_MFA"]'


def test_setting_up_an_authenticator_signs_the_user_in_and_turns_totp_on(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    pool: PoolConfig,
) -> None:
    confirmed_user(cognito_idp_client, pool, "ann")
    challenge = password_sign_in(cognito_idp_client, pool, "ann")
    secret, session = set_up_authenticator(cognito_emulator, cognito_idp_client, challenge)

    answer = respond(
        cognito_idp_client, pool, {"ChallengeName": "MFA_SETUP", "Session": session}, "ann"
    )

    token = answer["AuthenticationResult"]["AccessToken"]
    user = cognito_idp_client.get_user(AccessToken=token)
    assert (user["UserMFASettingList"], user["PreferredMfaSetting"]) == (
        ["SOFTWARE_TOKEN_MFA"],
        "SOFTWARE_TOKEN_MFA",
    )
    cognito_emulator.advance_clock(30)
    again = password_sign_in(cognito_idp_client, pool, "ann")
    assert again["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    assert respond(
        cognito_idp_client,
        pool,
        again,
        "ann",
        SOFTWARE_TOKEN_MFA_CODE=current_code(cognito_emulator, secret),
    )["AuthenticationResult"]


def test_admin_respond_completes_the_set_up(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    pool: PoolConfig,
) -> None:
    confirmed_user(cognito_idp_client, pool, "ann")
    challenge = password_sign_in(cognito_idp_client, pool, "ann")
    _, session = set_up_authenticator(cognito_emulator, cognito_idp_client, challenge)

    answer = cognito_idp_client.admin_respond_to_auth_challenge(
        UserPoolId=pool.user_pool_id,
        ClientId=pool.client_id,
        ChallengeName="MFA_SETUP",
        Session=session,
        ChallengeResponses={"USERNAME": "ann", "SECRET_HASH": hashed(pool, "ann")},
    )

    assert answer["AuthenticationResult"]["AccessToken"]


def test_each_step_spends_the_session_before_it(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    pool: PoolConfig,
) -> None:
    confirmed_user(cognito_idp_client, pool, "ann")
    challenge = password_sign_in(cognito_idp_client, pool, "ann")
    associated = cognito_idp_client.associate_software_token(Session=challenge["Session"])

    assert refused(cognito_idp_client.associate_software_token, Session=challenge["Session"]) == (
        "NotAuthorizedException",
        "Invalid session for the user, session can only be used once.",
    )
    assert refused(
        respond, idp=cognito_idp_client, pool=pool, challenge=challenge, username="ann"
    ) == ("NotAuthorizedException", "Invalid session for the user, session can only be used once.")
    assert associated["Session"] != challenge["Session"]


def test_mfa_setup_is_answered_only_after_the_code_is_verified(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    pool: PoolConfig,
) -> None:
    """Our choice of refusal: the Session has not been through VerifySoftwareToken."""
    confirmed_user(cognito_idp_client, pool, "ann")
    challenge = password_sign_in(cognito_idp_client, pool, "ann")
    associated = cognito_idp_client.associate_software_token(Session=challenge["Session"])
    unverified = {"ChallengeName": "MFA_SETUP", "Session": associated["Session"]}

    assert refused(
        respond, idp=cognito_idp_client, pool=pool, challenge=unverified, username="ann"
    ) == ("NotAuthorizedException", "Invalid session for the user.")

    verified = cognito_idp_client.verify_software_token(
        Session=associated["Session"],
        UserCode=current_code(cognito_emulator, associated["SecretCode"]),
    )
    answer = respond(
        cognito_idp_client,
        pool,
        {"ChallengeName": "MFA_SETUP", "Session": verified["Session"]},
        "ann",
    )
    assert answer["AuthenticationResult"]["AccessToken"]


def test_the_set_up_session_expires(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    pool: PoolConfig,
) -> None:
    confirmed_user(cognito_idp_client, pool, "ann")
    challenge = password_sign_in(cognito_idp_client, pool, "ann")

    cognito_emulator.advance_clock(3 * 60)

    assert refused(cognito_idp_client.associate_software_token, Session=challenge["Session"]) == (
        "NotAuthorizedException",
        "Invalid session for the user, session is expired.",
    )


def test_a_new_password_comes_before_the_set_up_and_names_the_tokens_source(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    pool: PoolConfig,
    cognito_lambdas: CognitoLambdas,
) -> None:
    """The tokens at the end of the chain are TokenGeneration_NewPasswordChallenge's, the
    answer's ClientMetadata passed to the function."""
    events: list[dict[str, Any]] = []

    def pre_token(event: dict[str, Any], _context: object) -> dict[str, Any]:
        events.append(event)
        return event

    cognito_lambdas.register("pre-token", pre_token)
    cognito_lambdas.set_triggers(pool.user_pool_id, PreTokenGeneration="pre-token")
    cognito_idp_client.admin_create_user(
        UserPoolId=pool.user_pool_id,
        Username="newbie",
        TemporaryPassword="Temp-Passw0rd!",
        UserAttributes=[{"Name": "email", "Value": "newbie@example.com"}],
        MessageAction="SUPPRESS",
    )
    first = password_sign_in(cognito_idp_client, pool, "newbie", "Temp-Passw0rd!")
    assert first["ChallengeName"] == "NEW_PASSWORD_REQUIRED"

    challenge = respond(cognito_idp_client, pool, first, "newbie", NEW_PASSWORD="Chosen-Passw0rd!")

    assert challenge["ChallengeName"] == "MFA_SETUP"
    _, session = set_up_authenticator(cognito_emulator, cognito_idp_client, challenge)
    cognito_idp_client.respond_to_auth_challenge(
        ClientId=pool.client_id,
        ChallengeName="MFA_SETUP",
        Session=session,
        ChallengeResponses={"USERNAME": "newbie", "SECRET_HASH": hashed(pool, "newbie")},
        ClientMetadata={"step": "mfa-setup"},
    )
    assert [(e["triggerSource"], e["request"].get("clientMetadata")) for e in events] == [
        ("TokenGeneration_NewPasswordChallenge", {"step": "mfa-setup"})
    ]


def test_an_email_address_sets_up_email_mfa(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    """amplify-js answers MFA_SETUP with ChallengeResponses EMAIL when the user sets up email
    MFA while signing in (signInHelpers handleMFASetupChallenge); the code sent there confirms
    it."""
    pool = mfa_pool(cognito_emulator, "ON", sms=False)
    confirmed_user(cognito_idp_client, pool, "ann", email="old@example.com")
    cognito_idp_client.admin_delete_user_attributes(
        UserPoolId=pool.user_pool_id, Username="ann", UserAttributeNames=["email"]
    )
    challenge = password_sign_in(cognito_idp_client, pool, "ann")
    assert (
        challenge["ChallengeParameters"]["MFAS_CAN_SETUP"] == '["SOFTWARE_TOKEN_MFA","EMAIL_OTP"]'
    )

    email_challenge = respond(cognito_idp_client, pool, challenge, "ann", EMAIL="ann@example.com")

    assert email_challenge["ChallengeName"] == "EMAIL_OTP"
    assert email_challenge["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"] == "a***@e***"
    code = cognito_emulator.latest_code(pool.user_pool_id, "ann")
    answer = respond(cognito_idp_client, pool, email_challenge, "ann", EMAIL_OTP_CODE=code)
    user = cognito_idp_client.get_user(AccessToken=answer["AuthenticationResult"]["AccessToken"])
    assert (user["UserMFASettingList"], user["PreferredMfaSetting"]) == (["EMAIL_OTP"], "EMAIL_OTP")
    assert {"Name": "email", "Value": "ann@example.com"} in user["UserAttributes"]


def test_email_is_set_up_only_where_the_pool_offers_it(
    cognito_idp_client: CognitoIdentityProviderClient, pool: PoolConfig
) -> None:
    confirmed_user(cognito_idp_client, pool, "ann")
    challenge = password_sign_in(cognito_idp_client, pool, "ann")

    assert refused(
        respond,
        idp=cognito_idp_client,
        pool=pool,
        challenge=challenge,
        username="ann",
        EMAIL="ann@example.com",
    ) == (
        "InvalidParameterException",
        "EMAIL_OTP is not one of the MFA types to set up: SOFTWARE_TOKEN_MFA",
    )
