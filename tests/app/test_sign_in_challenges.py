"""/users/login answers the challenge Cognito asks for instead of tokens, and
/users/login/challenge answers it: TOTP, email codes, a choice of MFA method, TOTP set-up when
the pool requires MFA, and the new password of a user an administrator created — over HTTP,
against the emulator."""

from typing import Any

import pytest
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

from tests.app.mfa_flows import EMAIL_ON, answer, code_at, offer_mfa, turn_on_totp
from tests.app.service_harness import PASSWORD, Flows, bearer

TOKEN_FIELDS = {"access_token", "token_type", "expires_in", "refresh_token", "id_token"}
CHALLENGE_FIELDS = {
    "challenge",
    "session",
    "username",
    "parameters",
    "respond_with",
    "respond_at",
    "totp",
}
SIGN_IN_EXPIRED = {
    "detail": "The sign-in session has expired, was already used, or is another user's: log in "
    "again"
}
TEMPORARY_PASSWORD = "Temporary-Pass-1"
NEW_PASSWORD = "Brand-New-Pass-2"


def challenge_of(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == CHALLENGE_FIELDS
    assert body["respond_at"] == "/users/login/challenge"
    return body


def tokens_of(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == TOKEN_FIELDS
    return body


def admin_created(idp: CognitoIdentityProviderClient, flows: Flows, username: str) -> None:
    """A user an administrator created with a temporary password (no invitation sent)."""
    idp.admin_create_user(
        UserPoolId=flows.pool.user_pool_id,
        Username=username,
        TemporaryPassword=TEMPORARY_PASSWORD,
        MessageAction="SUPPRESS",
        UserAttributes=[
            {"Name": "email", "Value": f"{username}@example.com"},
            {"Name": "email_verified", "Value": "true"},
        ],
    )


def totp_challenge(flows: Flows) -> tuple[dict[str, Any], str]:
    """A registered user with TOTP on, and the SOFTWARE_TOKEN_MFA challenge of their login."""
    user = flows.registered_user("alice")
    secret = turn_on_totp(flows, user)
    return challenge_of(flows.login("alice")), secret


# ---- without MFA -------------------------------------------------------------------------------


def test_the_password_form_still_gets_tokens_for_users_without_mfa(flows: Flows) -> None:
    """What Swagger UI's password Authorize posts; the pool offers MFA, the user has none."""
    flows.registered_user("alice")

    logged_in = flows.client.post(
        "/users/login",
        data={"grant_type": "password", "username": "alice", "password": PASSWORD},
    )

    assert tokens_of(logged_in)["token_type"] == "bearer"
    assert logged_in.headers["cache-control"] == "no-store"


# ---- TOTP --------------------------------------------------------------------------------------


def test_a_totp_challenge_names_what_to_send(flows: Flows) -> None:
    challenge, _ = totp_challenge(flows)

    assert {key: challenge[key] for key in ("challenge", "username", "respond_with", "totp")} == {
        "challenge": "SOFTWARE_TOKEN_MFA",
        "username": "alice",
        "respond_with": ["code"],
        "totp": None,
    }
    assert len(challenge["session"]) >= 20


def test_a_wrong_totp_code_is_a_bad_request_and_never_echoed(flows: Flows) -> None:
    challenge, secret = totp_challenge(flows)
    wrong = f"{(int(code_at(flows, secret, steps_ahead=1)) + 1) % 1_000_000:06d}"

    refused = answer(flows, challenge, code=wrong)

    assert refused.status_code == 400
    assert refused.json() == {"detail": "Invalid verification code"}
    # The session outlives a wrong code (Cognito lets the user type it again).
    tokens_of(answer(flows, challenge, code=code_at(flows, secret, steps_ahead=1)))


def test_an_expired_sign_in_session_is_unauthorized(flows: Flows) -> None:
    """Challenge sessions last 3 minutes (the app client's AuthSessionValidity default)."""
    challenge, secret = totp_challenge(flows)
    flows.emulator.advance_clock(181)

    refused = answer(flows, challenge, code=code_at(flows, secret, steps_ahead=1))

    assert refused.status_code == 401
    assert refused.json() == SIGN_IN_EXPIRED
    assert refused.headers["www-authenticate"] == "Bearer"


def test_a_used_sign_in_session_is_unauthorized(flows: Flows) -> None:
    challenge, secret = totp_challenge(flows)
    tokens_of(answer(flows, challenge, code=code_at(flows, secret, steps_ahead=1)))

    replayed = answer(flows, challenge, code=code_at(flows, secret, steps_ahead=1))

    assert replayed.status_code == 401
    assert replayed.json() == SIGN_IN_EXPIRED


def test_a_session_does_not_sign_in_another_user(flows: Flows) -> None:
    """The session is bound to its user: alice's code with mallory's name signs nobody in."""
    challenge, secret = totp_challenge(flows)
    flows.registered_user("mallory")

    refused = answer(
        flows, challenge | {"username": "mallory"}, code=code_at(flows, secret, steps_ahead=1)
    )

    assert refused.status_code == 401
    assert refused.json() == SIGN_IN_EXPIRED


@pytest.mark.parametrize(
    ("challenge", "sent", "needed"),
    [
        ("SOFTWARE_TOKEN_MFA", {"new_password": NEW_PASSWORD}, "code"),
        ("MFA_SETUP", {}, "code"),
        ("NEW_PASSWORD_REQUIRED", {"code": "123456"}, "new_password"),
        ("SELECT_MFA_TYPE", {"code": "123456"}, "mfa_type"),
    ],
)
def test_an_answer_without_what_its_challenge_takes_is_a_bad_request(
    flows: Flows, challenge: str, sent: dict[str, str], needed: str
) -> None:
    """Refused before Cognito sees it: the session is not spent."""
    pending, secret = totp_challenge(flows)

    refused = answer(flows, pending | {"challenge": challenge}, **sent)

    assert refused.status_code == 400
    assert refused.json() == {"detail": f"{challenge} is answered with {needed}"}
    tokens_of(answer(flows, pending, code=code_at(flows, secret, steps_ahead=1)))


# ---- email codes and a choice of method ----------------------------------------------------------


@pytest.fixture
def email_mfa(flows: Flows, cognito_idp_client: CognitoIdentityProviderClient) -> None:
    offer_mfa(flows, cognito_idp_client, email=True)


@pytest.mark.usefixtures("email_mfa")
def test_an_emailed_code_answers_an_email_otp_challenge(flows: Flows) -> None:
    user = flows.registered_user("alice")
    assert (
        flows.client.put("/users/me/mfa/preference", headers=user.bearer, json=EMAIL_ON).status_code
        == 200
    )

    challenge = challenge_of(flows.login("alice"))

    assert (challenge["challenge"], challenge["respond_with"]) == ("EMAIL_OTP", ["code"])
    assert challenge["parameters"]["CODE_DELIVERY_DELIVERY_MEDIUM"] == "EMAIL"
    sent = flows.emulator.outbox(flows.pool.user_pool_id, "alice")[-1]
    assert (sent["medium"], sent["purpose"]) == ("EMAIL", "mfa")
    assert sent["code"] not in str(challenge)
    tokens = tokens_of(answer(flows, challenge, code=sent["code"]))
    assert flows.client.get("/users/me", headers=bearer(tokens["access_token"])).status_code == 200


@pytest.mark.usefixtures("email_mfa")
def test_a_user_with_two_methods_chooses_one(flows: Flows) -> None:
    user = flows.registered_user("alice")
    secret = turn_on_totp(flows, user)
    both_on = {"totp": {"enabled": True}, "email": {"enabled": True}}
    assert flows.client.put(
        "/users/me/mfa/preference", headers=user.bearer, json=both_on
    ).json() == {
        "enabled": ["SOFTWARE_TOKEN_MFA", "EMAIL_OTP"],
        "preferred": None,
    }

    choice = challenge_of(flows.login("alice"))

    assert (choice["challenge"], choice["respond_with"]) == ("SELECT_MFA_TYPE", ["mfa_type"])
    assert sorted(choice["parameters"]["MFAS_CAN_CHOOSE"]) == ["EMAIL_OTP", "SOFTWARE_TOKEN_MFA"]
    challenge = challenge_of(answer(flows, choice, mfa_type="SOFTWARE_TOKEN_MFA"))
    assert challenge["challenge"] == "SOFTWARE_TOKEN_MFA"
    tokens_of(answer(flows, challenge, code=code_at(flows, secret, steps_ahead=1)))


# ---- MFA required: TOTP set up during the sign-in ------------------------------------------------


def test_a_user_without_mfa_sets_up_totp_to_sign_in_where_it_is_required(
    flows: Flows, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    flows.registered_user("alice")
    offer_mfa(flows, cognito_idp_client, "ON")

    setup = challenge_of(flows.login("alice"))

    assert (setup["challenge"], setup["respond_with"]) == ("MFA_SETUP", ["code"])
    assert "SOFTWARE_TOKEN_MFA" in setup["parameters"]["MFAS_CAN_SETUP"]
    totp = setup["totp"]
    assert totp["otpauth_uri"].startswith("otpauth://totp/cognito-kit:alice?secret=")
    assert totp["qr_code"].startswith("data:image/svg+xml")
    tokens_of(answer(flows, setup, code=code_at(flows, totp["secret"])))
    # From now on the sign-in asks for the authenticator's code.
    again = challenge_of(flows.login("alice"))
    assert again["challenge"] == "SOFTWARE_TOKEN_MFA"
    tokens_of(answer(flows, again, code=code_at(flows, totp["secret"], steps_ahead=1)))


def test_a_wrong_code_does_not_complete_totp_set_up(
    flows: Flows, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    flows.registered_user("alice")
    offer_mfa(flows, cognito_idp_client, "ON")
    setup = challenge_of(flows.login("alice"))
    wrong = f"{(int(code_at(flows, setup['totp']['secret'])) + 1) % 1_000_000:06d}"

    refused = answer(flows, setup, code=wrong)

    assert refused.status_code == 400
    assert refused.json() == {"detail": "Invalid verification code"}


# ---- users created by an administrator -----------------------------------------------------------


def test_an_admin_created_user_sets_a_new_password_to_sign_in(
    flows: Flows, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    admin_created(cognito_idp_client, flows, "carol")

    challenge = challenge_of(flows.login("carol", TEMPORARY_PASSWORD))

    assert {key: challenge[key] for key in ("challenge", "username", "respond_with")} == {
        "challenge": "NEW_PASSWORD_REQUIRED",
        "username": "carol",
        "respond_with": ["new_password"],
    }
    tokens = tokens_of(answer(flows, challenge, new_password=NEW_PASSWORD))
    me = flows.client.get("/users/me", headers=bearer(tokens["access_token"]))
    assert (me.json()["username"], me.json()["email"]) == ("carol", "carol@example.com")
    assert flows.login("carol", TEMPORARY_PASSWORD).status_code == 401
    tokens_of(flows.login("carol", NEW_PASSWORD))


def test_a_new_password_outside_the_policy_is_a_bad_request(
    flows: Flows, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    admin_created(cognito_idp_client, flows, "carol")
    challenge = challenge_of(flows.login("carol", TEMPORARY_PASSWORD))

    refused = answer(flows, challenge, new_password="short")

    assert refused.status_code == 400
    assert refused.json() == {
        "detail": "Password did not conform with policy: Password not long enough"
    }


@pytest.mark.parametrize(
    ("field", "value", "rule"),
    [
        ("code", "12a456", "code must be the 6 to 8 digits sent or shown to the user"),
        ("code", "12345", "code must be the 6 to 8 digits sent or shown to the user"),
        (
            "session",
            "not the session we gave",
            "session must be the challenge's session as given (printable ASCII, no spaces)",
        ),
    ],
)
def test_a_malformed_code_or_session_is_named_in_words(
    flows: Flows, field: str, value: str, rule: str
) -> None:
    body = {"challenge": "SOFTWARE_TOKEN_MFA", "session": "s" * 20, "username": "alice"}

    refused = flows.client.post(
        "/users/login/challenge", json=body | {"code": "123456", field: value}
    )

    assert refused.status_code == 422
    assert refused.json() == {
        "detail": [{"loc": ["body", field], "msg": rule, "type": "string_pattern_mismatch"}]
    }


def test_a_texted_code_answers_an_sms_mfa_challenge(
    flows: Flows, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    """SMS MFA is not among what /users/me/mfa turns on (the service keeps no phone numbers):
    an administrator turns it on, and the service answers its challenge all the same."""
    pool_id = flows.pool.user_pool_id
    cognito_idp_client.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        MfaConfiguration="OPTIONAL",
        SoftwareTokenMfaConfiguration={"Enabled": True},
        SmsMfaConfiguration={
            "SmsConfiguration": {"SnsCallerArn": "arn:aws:iam::123456789012:role/cognito-sms"}
        },
    )
    flows.registered_user("alice")
    cognito_idp_client.admin_update_user_attributes(
        UserPoolId=pool_id,
        Username="alice",
        UserAttributes=[
            {"Name": "phone_number", "Value": "+15555550100"},
            {"Name": "phone_number_verified", "Value": "true"},
        ],
    )
    cognito_idp_client.admin_set_user_mfa_preference(
        UserPoolId=pool_id,
        Username="alice",
        SMSMfaSettings={"Enabled": True, "PreferredMfa": True},
    )

    challenge = challenge_of(flows.login("alice"))

    assert (challenge["challenge"], challenge["respond_with"]) == ("SMS_MFA", ["code"])
    assert challenge["parameters"]["CODE_DELIVERY_DELIVERY_MEDIUM"] == "SMS"
    sent = flows.emulator.outbox(pool_id, "alice")[-1]
    assert (sent["medium"], sent["purpose"]) == ("SMS", "mfa")
    tokens_of(answer(flows, challenge, code=sent["code"]))
