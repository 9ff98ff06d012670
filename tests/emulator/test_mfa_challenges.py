"""The second factor after a password: SMS_MFA, EMAIL_OTP and SOFTWARE_TOKEN_MFA, as each pool
MfaConfiguration asks for them (the rules and their sources: flows/mfa_challenges.py and
flows/sign_in_challenges.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError
from pycognito.aws_srp import AWSSRP
from pycognito.exceptions import SoftwareTokenMFAChallengeException

from cognito_emulator import totp
from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.pytest_plugin import CognitoLambdas
from cognito_emulator.server import EmulatorServer
from tests.emulator.challenge_harness import (
    PASSWORD,
    PHONE,
    confirmed_user,
    current_code,
    hashed,
    latest_mfa_code,
    mfa_pool,
    password_sign_in,
    respond,
    with_authenticator,
)

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

CODE_MISMATCH = ("CodeMismatchException", "Invalid code or auth state for the user.")


@pytest.fixture
def optional_pool(cognito_emulator: EmulatorServer) -> PoolConfig:
    return mfa_pool(cognito_emulator, "OPTIONAL")


def refused(call: Any, **kwargs: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as raised:
        call(**kwargs)
    error = raised.value.response["Error"]
    return error["Code"], error["Message"]


def turn_on(
    idp: CognitoIdentityProviderClient, pool: PoolConfig, username: str, **settings: Any
) -> None:
    idp.admin_set_user_mfa_preference(UserPoolId=pool.user_pool_id, Username=username, **settings)


def attribute(
    idp: CognitoIdentityProviderClient, pool: PoolConfig, username: str, name: str
) -> Any:
    user = idp.admin_get_user(UserPoolId=pool.user_pool_id, Username=username)
    values = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    return values.get(name)


def test_an_optional_pool_signs_in_a_user_without_a_factor(
    cognito_idp_client: CognitoIdentityProviderClient, optional_pool: PoolConfig
) -> None:
    confirmed_user(cognito_idp_client, optional_pool, "ann", phone=PHONE)

    answer = password_sign_in(cognito_idp_client, optional_pool, "ann")

    assert answer["AuthenticationResult"]["AccessToken"]


def test_sms_mfa_sends_a_code_and_the_code_signs_the_user_in(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    optional_pool: PoolConfig,
) -> None:
    confirmed_user(cognito_idp_client, optional_pool, "ann", phone=PHONE)
    turn_on(cognito_idp_client, optional_pool, "ann", SMSMfaSettings={"Enabled": True})

    challenge = password_sign_in(cognito_idp_client, optional_pool, "ann")

    assert challenge["ChallengeName"] == "SMS_MFA"
    assert challenge["ChallengeParameters"] == {
        "CODE_DELIVERY_DELIVERY_MEDIUM": "SMS",
        "CODE_DELIVERY_DESTINATION": "+*******0100",
        "USER_ID_FOR_SRP": "ann",
    }
    message = cognito_emulator.outbox(pool_id=optional_pool.user_pool_id, username="ann")[-1]
    assert (message["medium"], message["purpose"], message["destination"]) == (
        "SMS",
        "mfa",
        PHONE,
    )
    # SmsMfaConfiguration's SmsAuthenticationMessage, not the verification message.
    assert message["message"] == f"Your MFA code is {message['code']}"
    assert attribute(cognito_idp_client, optional_pool, "ann", "phone_number_verified") is None

    answer = respond(
        cognito_idp_client, optional_pool, challenge, "ann", SMS_MFA_CODE=message["code"]
    )

    token = answer["AuthenticationResult"]["AccessToken"]
    assert cognito_idp_client.get_user(AccessToken=token)["Username"] == "ann"
    # "After users complete the SMS text message MFA verification, Amazon Cognito sets the
    # phone_number_verified attribute to true" (AWS knowledge center, cognito-mfa-errors).
    assert attribute(cognito_idp_client, optional_pool, "ann", "phone_number_verified") == "true"


def test_email_mfa_sends_a_code_by_email(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    optional_pool: PoolConfig,
) -> None:
    confirmed_user(cognito_idp_client, optional_pool, "ann")
    turn_on(cognito_idp_client, optional_pool, "ann", EmailMfaSettings={"Enabled": True})

    challenge = password_sign_in(cognito_idp_client, optional_pool, "ann")

    assert challenge["ChallengeName"] == "EMAIL_OTP"
    assert challenge["ChallengeParameters"] == {
        "CODE_DELIVERY_DELIVERY_MEDIUM": "EMAIL",
        "CODE_DELIVERY_DESTINATION": "a***@e***",
        "USER_ID_FOR_SRP": "ann",
    }
    message = cognito_emulator.outbox(pool_id=optional_pool.user_pool_id, username="ann")[-1]
    assert (message["medium"], message["purpose"], message["destination"]) == (
        "EMAIL",
        "mfa",
        "ann@example.com",
    )
    # EmailMfaConfiguration's Message and Subject (SetUserPoolMfaConfig).
    assert (message["subject"], message["message"]) == (
        "Sign-in code",
        f"Your sign-in code is {message['code']}",
    )
    answer = respond(
        cognito_idp_client, optional_pool, challenge, "ann", EMAIL_OTP_CODE=message["code"]
    )
    assert answer["AuthenticationResult"]["AccessToken"]


def test_an_authenticator_code_signs_the_user_in_once(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    optional_pool: PoolConfig,
) -> None:
    confirmed_user(cognito_idp_client, optional_pool, "ann")
    secret = with_authenticator(cognito_emulator, cognito_idp_client, optional_pool, "ann")

    challenge = password_sign_in(cognito_idp_client, optional_pool, "ann")
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    assert challenge["ChallengeParameters"] == {"USER_ID_FOR_SRP": "ann"}
    code = current_code(cognito_emulator, secret)
    answer = respond(
        cognito_idp_client, optional_pool, challenge, "ann", SOFTWARE_TOKEN_MFA_CODE=code
    )
    assert answer["AuthenticationResult"]["AccessToken"]

    again = password_sign_in(cognito_idp_client, optional_pool, "ann")
    assert (
        refused(
            respond,
            idp=cognito_idp_client,
            pool=optional_pool,
            challenge=again,
            username="ann",
            SOFTWARE_TOKEN_MFA_CODE=code,
        )
        == CODE_MISMATCH
    )
    cognito_emulator.advance_clock(totp.STEP_SECONDS)
    answer = respond(
        cognito_idp_client,
        optional_pool,
        again,
        "ann",
        SOFTWARE_TOKEN_MFA_CODE=current_code(cognito_emulator, secret),
    )
    assert answer["AuthenticationResult"]["AccessToken"]


def test_a_wrong_code_leaves_the_session_answerable(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    optional_pool: PoolConfig,
) -> None:
    """amplify-js v6 keeps its sign-in state after a failed confirmSignIn and retries with the
    same Session."""
    confirmed_user(cognito_idp_client, optional_pool, "ann", phone=PHONE)
    turn_on(cognito_idp_client, optional_pool, "ann", SMSMfaSettings={"Enabled": True})
    challenge = password_sign_in(cognito_idp_client, optional_pool, "ann")
    code = latest_mfa_code(cognito_emulator, optional_pool, "ann")
    wrong = "000000" if code != "000000" else "111111"

    assert (
        refused(
            respond,
            idp=cognito_idp_client,
            pool=optional_pool,
            challenge=challenge,
            username="ann",
            SMS_MFA_CODE=wrong,
        )
        == CODE_MISMATCH
    )

    answer = respond(cognito_idp_client, optional_pool, challenge, "ann", SMS_MFA_CODE=code)
    assert answer["AuthenticationResult"]["AccessToken"]


def test_the_fifth_wrong_code_ends_the_session(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    optional_pool: PoolConfig,
) -> None:
    """Our choice after "After five unsuccessful attempts to present an MFA code, Amazon
    Cognito begins the exponential-timeout lockout process" (user-pool-settings-mfa.md)."""
    confirmed_user(cognito_idp_client, optional_pool, "ann", phone=PHONE)
    turn_on(cognito_idp_client, optional_pool, "ann", SMSMfaSettings={"Enabled": True})
    challenge = password_sign_in(cognito_idp_client, optional_pool, "ann")
    code = latest_mfa_code(cognito_emulator, optional_pool, "ann")
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        assert (
            refused(
                respond,
                idp=cognito_idp_client,
                pool=optional_pool,
                challenge=challenge,
                username="ann",
                SMS_MFA_CODE=wrong,
            )
            == CODE_MISMATCH
        )

    assert refused(
        respond,
        idp=cognito_idp_client,
        pool=optional_pool,
        challenge=challenge,
        username="ann",
        SMS_MFA_CODE=code,
    ) == ("NotAuthorizedException", "Invalid session for the user, session can only be used once.")


def test_the_code_answer_is_required(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    optional_pool: PoolConfig,
) -> None:
    confirmed_user(cognito_idp_client, optional_pool, "ann", phone=PHONE)
    turn_on(cognito_idp_client, optional_pool, "ann", SMSMfaSettings={"Enabled": True})
    challenge = password_sign_in(cognito_idp_client, optional_pool, "ann")

    assert refused(
        respond, idp=cognito_idp_client, pool=optional_pool, challenge=challenge, username="ann"
    ) == ("InvalidParameterException", "Missing required parameter SMS_MFA_CODE")


def test_the_answer_must_name_the_challenges_user_and_challenge(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    optional_pool: PoolConfig,
) -> None:
    confirmed_user(cognito_idp_client, optional_pool, "ann", phone=PHONE)
    confirmed_user(cognito_idp_client, optional_pool, "bob", phone=PHONE)
    turn_on(cognito_idp_client, optional_pool, "ann", SMSMfaSettings={"Enabled": True})
    challenge = password_sign_in(cognito_idp_client, optional_pool, "ann")
    code = latest_mfa_code(cognito_emulator, optional_pool, "ann")

    assert refused(
        respond,
        idp=cognito_idp_client,
        pool=optional_pool,
        challenge=challenge,
        username="bob",
        SMS_MFA_CODE=code,
    ) == ("NotAuthorizedException", "Invalid session for the user.")
    assert refused(
        respond,
        idp=cognito_idp_client,
        pool=optional_pool,
        challenge={**challenge, "ChallengeName": "SOFTWARE_TOKEN_MFA"},
        username="ann",
        SOFTWARE_TOKEN_MFA_CODE=code,
    ) == ("NotAuthorizedException", "Invalid session for the user.")


def test_the_session_expires_after_the_clients_auth_session_validity(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    optional_pool: PoolConfig,
) -> None:
    confirmed_user(cognito_idp_client, optional_pool, "ann", phone=PHONE)
    turn_on(cognito_idp_client, optional_pool, "ann", SMSMfaSettings={"Enabled": True})
    challenge = password_sign_in(cognito_idp_client, optional_pool, "ann")
    code = latest_mfa_code(cognito_emulator, optional_pool, "ann")

    cognito_emulator.advance_clock(3 * 60)

    assert refused(
        respond,
        idp=cognito_idp_client,
        pool=optional_pool,
        challenge=challenge,
        username="ann",
        SMS_MFA_CODE=code,
    ) == ("NotAuthorizedException", "Invalid session for the user, session is expired.")


def test_a_user_disabled_during_the_challenge_cannot_finish(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    optional_pool: PoolConfig,
) -> None:
    confirmed_user(cognito_idp_client, optional_pool, "ann", phone=PHONE)
    turn_on(cognito_idp_client, optional_pool, "ann", SMSMfaSettings={"Enabled": True})
    challenge = password_sign_in(cognito_idp_client, optional_pool, "ann")
    code = latest_mfa_code(cognito_emulator, optional_pool, "ann")
    cognito_idp_client.admin_disable_user(UserPoolId=optional_pool.user_pool_id, Username="ann")

    assert refused(
        respond,
        idp=cognito_idp_client,
        pool=optional_pool,
        challenge=challenge,
        username="ann",
        SMS_MFA_CODE=code,
    ) == ("NotAuthorizedException", "User is disabled.")


def test_mfa_off_asks_for_no_factor(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    pool = mfa_pool(cognito_emulator, "OPTIONAL")
    confirmed_user(cognito_idp_client, pool, "ann", phone=PHONE)
    turn_on(cognito_idp_client, pool, "ann", SMSMfaSettings={"Enabled": True})
    cognito_idp_client.set_user_pool_mfa_config(
        UserPoolId=pool.user_pool_id, MfaConfiguration="OFF"
    )

    assert password_sign_in(cognito_idp_client, pool, "ann")["AuthenticationResult"]


def test_a_required_mfa_pool_texts_a_user_with_a_phone_number(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    """ "If you have MFA set to required and only support SMS as a factor, most users will need
    to have a phone number ... You can use unverified phone numbers for SMS MFA"
    (user-pool-settings-mfa.md)."""
    pool = mfa_pool(cognito_emulator, "ON", email=False)
    confirmed_user(cognito_idp_client, pool, "ann", phone=PHONE)

    challenge = password_sign_in(cognito_idp_client, pool, "ann")

    assert challenge["ChallengeName"] == "SMS_MFA"
    code = latest_mfa_code(cognito_emulator, pool, "ann")
    assert respond(cognito_idp_client, pool, challenge, "ann", SMS_MFA_CODE=code)[
        "AuthenticationResult"
    ]


def test_a_required_mfa_pool_emails_a_user_when_it_sends_email_mfa(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    pool = mfa_pool(cognito_emulator, "ON", sms=False)
    confirmed_user(cognito_idp_client, pool, "ann", phone=PHONE)

    assert password_sign_in(cognito_idp_client, pool, "ann")["ChallengeName"] == "EMAIL_OTP"


def test_admin_sign_in_answers_its_challenge_with_admin_respond(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    optional_pool: PoolConfig,
) -> None:
    confirmed_user(cognito_idp_client, optional_pool, "ann", phone=PHONE)
    turn_on(cognito_idp_client, optional_pool, "ann", SMSMfaSettings={"Enabled": True})
    challenge = cognito_idp_client.admin_initiate_auth(
        UserPoolId=optional_pool.user_pool_id,
        ClientId=optional_pool.client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={
            "USERNAME": "ann",
            "PASSWORD": PASSWORD,
            "SECRET_HASH": hashed(optional_pool, "ann"),
        },
    )
    assert challenge["ChallengeName"] == "SMS_MFA"

    answer = cognito_idp_client.admin_respond_to_auth_challenge(
        UserPoolId=optional_pool.user_pool_id,
        ClientId=optional_pool.client_id,
        ChallengeName="SMS_MFA",
        Session=challenge["Session"],
        ChallengeResponses={
            "USERNAME": "ann",
            "SMS_MFA_CODE": latest_mfa_code(cognito_emulator, optional_pool, "ann"),
            "SECRET_HASH": hashed(optional_pool, "ann"),
        },
    )

    assert answer["AuthenticationResult"]["AccessToken"]


def test_an_srp_sign_in_asks_for_the_authenticator_code(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    optional_pool: PoolConfig,
) -> None:
    """pycognito, as a Python app signs in, meets SOFTWARE_TOKEN_MFA after its SRP proof."""
    confirmed_user(cognito_idp_client, optional_pool, "ann")
    secret = with_authenticator(cognito_emulator, cognito_idp_client, optional_pool, "ann")
    srp = AWSSRP(
        username="ann",
        password=PASSWORD,
        pool_id=optional_pool.user_pool_id,
        client_id=optional_pool.client_id,
        client_secret=optional_pool.client_secret,
        client=cognito_idp_client,
    )

    with pytest.raises(SoftwareTokenMFAChallengeException) as raised:
        srp.authenticate_user()

    challenge = raised.value.get_tokens()
    answer = respond(
        cognito_idp_client,
        optional_pool,
        challenge,
        "ann",
        SOFTWARE_TOKEN_MFA_CODE=current_code(cognito_emulator, secret),
    )
    assert answer["AuthenticationResult"]["AccessToken"]


def test_the_custom_message_function_writes_the_mfa_text(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    optional_pool: PoolConfig,
    cognito_lambdas: CognitoLambdas,
) -> None:
    sources: list[str] = []

    def custom_message(event: dict[str, Any], _context: object) -> dict[str, Any]:
        sources.append(event["triggerSource"])
        event["response"]["smsMessage"] = f"Sign-in code: {event['request']['codeParameter']}"
        return event

    cognito_lambdas.register("messages", custom_message)
    confirmed_user(cognito_idp_client, optional_pool, "ann", phone=PHONE)
    turn_on(cognito_idp_client, optional_pool, "ann", SMSMfaSettings={"Enabled": True})
    cognito_lambdas.set_triggers(optional_pool.user_pool_id, CustomMessage="messages")

    password_sign_in(cognito_idp_client, optional_pool, "ann")

    message = cognito_emulator.outbox(pool_id=optional_pool.user_pool_id, username="ann")[-1]
    assert sources == ["CustomMessage_Authentication"]
    assert message["message"] == f"Sign-in code: {message['code']}"
