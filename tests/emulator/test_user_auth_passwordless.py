"""USER_AUTH's passwordless first factors: EMAIL_OTP and SMS_OTP.

A code goes to the user's verified address through the outbox (purpose "sign_in", the pool's
message or its CustomMessage function's, source CustomMessage_Authentication), the challenge
names where it went, and the code signs the user in. As a live pool answered in a published
spike (see flows/user_auth.py): a wrong code is "Invalid code or auth state for the user." each
time and the same Session stays answerable; an unknown user of a client hiding user existence
gets a simulated challenge and no code is sent.
"""

from __future__ import annotations

from typing import Any

from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

from cognito_emulator.pytest_plugin import CognitoLambdas
from cognito_emulator.server import EmulatorServer
from tests.emulator.user_auth_harness import (
    EMAIL_AND_SMS,
    PASSWORD,
    error_of,
    initiate,
    make_pool,
    make_user,
    respond,
    signed_in,
)

WRONG_CODE = ("CodeMismatchException", "Invalid code or auth state for the user.")


def test_preferring_email_otp_sends_a_code_that_signs_the_user_in(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    pool = make_pool(cognito_idp_client, ["PASSWORD", "EMAIL_OTP"])
    make_user(cognito_idp_client, pool)

    challenge = initiate(cognito_idp_client, pool, PREFERRED_CHALLENGE="EMAIL_OTP")
    [message] = cognito_emulator.outbox(pool.pool_id, "bob")
    answer = respond(
        cognito_idp_client, pool, "EMAIL_OTP", challenge["Session"], EMAIL_OTP_CODE=message["code"]
    )

    assert challenge["ChallengeName"] == "EMAIL_OTP"
    assert challenge["ChallengeParameters"] == {
        "CODE_DELIVERY_DELIVERY_MEDIUM": "EMAIL",
        "CODE_DELIVERY_DESTINATION": "b***@e***",
    }
    assert challenge["AvailableChallenges"] == ["PASSWORD_SRP", "PASSWORD", "EMAIL_OTP"]
    assert (message["medium"], message["purpose"], message["destination"]) == (
        "EMAIL",
        "sign_in",
        "bob@example.com",
    )
    assert signed_in(cognito_idp_client, answer)


def test_selecting_sms_otp_texts_a_code_that_signs_the_user_in(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    pool = make_pool(cognito_idp_client, EMAIL_AND_SMS)
    make_user(cognito_idp_client, pool, phone="+15555550100")
    session = initiate(cognito_idp_client, pool)["Session"]

    challenge = respond(cognito_idp_client, pool, "SELECT_CHALLENGE", session, ANSWER="SMS_OTP")
    [message] = cognito_emulator.outbox(pool.pool_id, "bob")
    answer = respond(
        cognito_idp_client, pool, "SMS_OTP", challenge["Session"], SMS_OTP_CODE=message["code"]
    )

    assert challenge["ChallengeName"] == "SMS_OTP"
    assert challenge["ChallengeParameters"] == {
        "CODE_DELIVERY_DELIVERY_MEDIUM": "SMS",
        "CODE_DELIVERY_DESTINATION": "+*******0100",
    }
    assert challenge["Session"] != session
    assert (message["medium"], message["purpose"], message["destination"]) == (
        "SMS",
        "sign_in",
        "+15555550100",
    )
    assert signed_in(cognito_idp_client, answer)


def test_a_wrong_code_leaves_the_session_answerable_until_the_right_one_spends_it(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    pool = make_pool(cognito_idp_client, ["PASSWORD", "EMAIL_OTP"])
    make_user(cognito_idp_client, pool)
    session = initiate(cognito_idp_client, pool, PREFERRED_CHALLENGE="EMAIL_OTP")["Session"]
    code = cognito_emulator.latest_code(pool.pool_id, "bob")
    wrong = "000000" if code != "000000" else "111111"

    refusals = [
        error_of(respond, cognito_idp_client, pool, "EMAIL_OTP", session, EMAIL_OTP_CODE=wrong)
        for _ in range(6)
    ]
    answer = respond(cognito_idp_client, pool, "EMAIL_OTP", session, EMAIL_OTP_CODE=code)

    assert refusals == [WRONG_CODE] * 6
    assert signed_in(cognito_idp_client, answer)
    assert error_of(
        respond, cognito_idp_client, pool, "EMAIL_OTP", session, EMAIL_OTP_CODE=code
    ) == ("NotAuthorizedException", "Invalid session for the user, session can only be used once.")


def test_a_code_answers_within_the_auth_session_validity(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    pool = make_pool(cognito_idp_client, ["PASSWORD", "EMAIL_OTP"])
    make_user(cognito_idp_client, pool)
    session = initiate(cognito_idp_client, pool, PREFERRED_CHALLENGE="EMAIL_OTP")["Session"]
    code = cognito_emulator.latest_code(pool.pool_id, "bob")
    cognito_emulator.advance_clock(180)

    assert error_of(
        respond, cognito_idp_client, pool, "EMAIL_OTP", session, EMAIL_OTP_CODE=code
    ) == ("NotAuthorizedException", "Invalid session for the user, session is expired.")


def test_no_mfa_follows_a_one_time_password(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    pool = make_pool(cognito_idp_client, ["PASSWORD", "EMAIL_OTP"])
    make_user(cognito_idp_client, pool)
    cognito_idp_client.set_user_pool_mfa_config(
        UserPoolId=pool.pool_id,
        SoftwareTokenMfaConfiguration={"Enabled": True},
        MfaConfiguration="ON",
    )
    session = initiate(cognito_idp_client, pool, PREFERRED_CHALLENGE="EMAIL_OTP")["Session"]
    code = cognito_emulator.latest_code(pool.pool_id, "bob")

    answer = respond(cognito_idp_client, pool, "EMAIL_OTP", session, EMAIL_OTP_CODE=code)
    with_password = initiate(
        cognito_idp_client, pool, PREFERRED_CHALLENGE="PASSWORD", PASSWORD=PASSWORD
    )

    assert signed_in(cognito_idp_client, answer)
    assert with_password["ChallengeName"] == "MFA_SETUP"


def test_an_otp_session_answers_for_its_own_challenge_only(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    pool = make_pool(cognito_idp_client, EMAIL_AND_SMS)
    make_user(cognito_idp_client, pool, phone="+15555550100")
    session = initiate(cognito_idp_client, pool, PREFERRED_CHALLENGE="EMAIL_OTP")["Session"]
    code = cognito_emulator.latest_code(pool.pool_id, "bob")

    assert error_of(respond, cognito_idp_client, pool, "SMS_OTP", session, SMS_OTP_CODE=code) == (
        "NotAuthorizedException",
        "Invalid session for the user.",
    )


def test_the_code_comes_in_the_custom_message_functions_text(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_lambdas: CognitoLambdas,
) -> None:
    """The answer's ClientMetadata reaches the function; InitiateAuth's does not
    (API_InitiateAuth: "doesn't pass ClientMetadata" to Custom message)."""
    events: list[dict[str, Any]] = []

    def sign_in_text(event: dict[str, Any], context: Any) -> dict[str, Any]:
        events.append(event)
        event["response"]["emailSubject"] = "Your sign-in code"
        event["response"]["emailMessage"] = "Sign in with {####}"
        return event

    pool = make_pool(cognito_idp_client, ["PASSWORD", "EMAIL_OTP"])
    make_user(cognito_idp_client, pool)
    cognito_lambdas.register("custom-message", sign_in_text)
    cognito_lambdas.set_triggers(pool.pool_id, CustomMessage="custom-message")

    cognito_idp_client.initiate_auth(
        ClientId=pool.client_id,
        AuthFlow="USER_AUTH",
        AuthParameters={"USERNAME": "bob", "PREFERRED_CHALLENGE": "EMAIL_OTP"},
        ClientMetadata={"step": "initiate"},
    )
    cognito_idp_client.respond_to_auth_challenge(
        ClientId=pool.client_id,
        ChallengeName="SELECT_CHALLENGE",
        Session=initiate(cognito_idp_client, pool)["Session"],
        ChallengeResponses={"USERNAME": "bob", "ANSWER": "EMAIL_OTP"},
        ClientMetadata={"step": "respond"},
    )
    message = cognito_emulator.outbox(pool.pool_id, "bob")[-1]

    assert [event["triggerSource"] for event in events] == ["CustomMessage_Authentication"] * 2
    assert [event["request"].get("clientMetadata") for event in events] == [
        None,
        {"step": "respond"},
    ]
    assert (message["subject"], message["message"]) == (
        "Your sign-in code",
        f"Sign in with {message['code']}",
    )


def test_an_unknown_user_of_a_client_hiding_users_gets_a_simulated_code_challenge(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    pool = make_pool(cognito_idp_client, ["PASSWORD", "EMAIL_OTP"], hides_users=True)

    challenge = initiate(
        cognito_idp_client, pool, "nobody@example.org", PREFERRED_CHALLENGE="EMAIL_OTP"
    )
    refused = error_of(
        respond,
        cognito_idp_client,
        pool,
        "EMAIL_OTP",
        challenge["Session"],
        "nobody@example.org",
        EMAIL_OTP_CODE="123456",
    )

    assert challenge["ChallengeName"] == "EMAIL_OTP"
    assert challenge["ChallengeParameters"] == {
        "CODE_DELIVERY_DELIVERY_MEDIUM": "EMAIL",
        "CODE_DELIVERY_DESTINATION": "n***@e***",
    }
    assert cognito_emulator.outbox(pool.pool_id) == []
    assert refused == WRONG_CODE
