"""/users/me/mfa: a signed-in user sets up a TOTP authenticator, verifies it, turns MFA on and
off and reads what is on — over HTTP, against the emulator (Cognito's AssociateSoftwareToken,
VerifySoftwareToken, SetUserMFAPreference and GetUser underneath)."""

from urllib.parse import parse_qs, urlsplit

import pytest
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

from app.core.totp_setup import qr_code_data_uri
from tests.app.mfa_flows import EMAIL_ON, TOTP_ON, answer, code_at, offer_mfa, turn_on_totp
from tests.app.service_harness import Flows, ServiceUser, bearer

NOTHING_ON: dict[str, object] = {"enabled": [], "preferred": None}
TOTP_PREFERRED = {"enabled": ["SOFTWARE_TOKEN_MFA"], "preferred": "SOFTWARE_TOKEN_MFA"}


@pytest.fixture
def user(flows: Flows, cognito_idp_client: CognitoIdentityProviderClient) -> ServiceUser:
    offer_mfa(flows, cognito_idp_client, email=True)
    return flows.registered_user("alice")


def test_a_user_turns_on_totp_and_signs_in_with_an_authenticator_code(
    flows: Flows, user: ServiceUser
) -> None:
    """The issue's "done when": set up through the service, then a sign-in asks for the code."""
    assert flows.client.get("/users/me/mfa", headers=user.bearer).json() == NOTHING_ON

    secret = turn_on_totp(flows, user)

    assert flows.client.get("/users/me/mfa", headers=user.bearer).json() == TOTP_PREFERRED
    challenged = flows.login("alice")
    assert challenged.status_code == 200
    challenge = challenged.json()
    assert (challenge["challenge"], challenge["username"], challenge["respond_with"]) == (
        "SOFTWARE_TOKEN_MFA",
        "alice",
        ["code"],
    )
    assert "access_token" not in challenge
    signed_in = answer(flows, challenge, code=code_at(flows, secret, steps_ahead=1))
    assert signed_in.status_code == 200, signed_in.text
    tokens = signed_in.json()
    assert set(tokens) == {"access_token", "token_type", "expires_in", "refresh_token", "id_token"}
    me = flows.client.get("/users/me", headers=bearer(tokens["access_token"]))
    assert me.json()["username"] == "alice"


def test_totp_set_up_gives_the_secret_as_text_uri_and_qr_code(
    flows: Flows, user: ServiceUser
) -> None:
    started = flows.client.post("/users/me/mfa/totp", headers=user.bearer)

    assert started.status_code == 200
    assert started.headers["cache-control"] == "no-store"
    setup = started.json()
    assert set(setup) == {"secret", "otpauth_uri", "qr_code"}
    uri = urlsplit(setup["otpauth_uri"])
    assert (uri.scheme, uri.netloc, uri.path) == ("otpauth", "totp", "/cognito-kit:alice")
    assert parse_qs(uri.query) == {"secret": [setup["secret"]], "issuer": ["cognito-kit"]}
    assert setup["qr_code"].startswith("data:image/svg+xml;charset=utf-8,")
    assert setup["qr_code"] == qr_code_data_uri(setup["otpauth_uri"])


def test_a_wrong_code_does_not_verify_the_authenticator(flows: Flows, user: ServiceUser) -> None:
    secret = flows.client.post("/users/me/mfa/totp", headers=user.bearer).json()["secret"]
    wrong = f"{(int(code_at(flows, secret)) + 1) % 1_000_000:06d}"

    refused = flows.client.post(
        "/users/me/mfa/totp/verify", headers=user.bearer, json={"code": wrong}
    )

    assert refused.status_code == 400
    assert refused.json() == {"detail": "Invalid verification code"}
    assert flows.client.get("/users/me/mfa", headers=user.bearer).json() == NOTHING_ON


@pytest.mark.parametrize("code", ["12345", "1234567", "12345a", " 123456"])
def test_a_code_that_is_not_six_digits_is_unprocessable(
    flows: Flows, user: ServiceUser, code: str
) -> None:
    refused = flows.client.post(
        "/users/me/mfa/totp/verify", headers=user.bearer, json={"code": code}
    )

    assert refused.status_code == 422
    assert refused.json()["detail"] == [
        {
            "loc": ["body", "code"],
            "msg": "code must be the 6 digits the authenticator app shows",
            "type": "string_pattern_mismatch",
        }
    ]


def test_turning_totp_off_signs_in_without_a_code_again(flows: Flows, user: ServiceUser) -> None:
    turn_on_totp(flows, user)

    turned_off = flows.client.put(
        "/users/me/mfa/preference", headers=user.bearer, json={"totp": {"enabled": False}}
    )

    assert turned_off.status_code == 200
    assert turned_off.json() == NOTHING_ON
    assert "access_token" in flows.login("alice").json()


def test_email_mfa_is_turned_on_and_preferred(flows: Flows, user: ServiceUser) -> None:
    turned_on = flows.client.put("/users/me/mfa/preference", headers=user.bearer, json=EMAIL_ON)

    assert turned_on.status_code == 200
    assert turned_on.json() == {"enabled": ["EMAIL_OTP"], "preferred": "EMAIL_OTP"}


def test_totp_cannot_be_turned_on_before_it_is_verified(flows: Flows, user: ServiceUser) -> None:
    """Cognito refuses SetUserMFAPreference for TOTP without a verified secret
    (InvalidParameterException, whose message is about the client's input, so it is passed on)."""
    flows.client.post("/users/me/mfa/totp", headers=user.bearer)

    refused = flows.client.put("/users/me/mfa/preference", headers=user.bearer, json=TOTP_ON)

    assert refused.status_code == 400
    assert refused.json() == {"detail": "User has not verified software token mfa"}
    assert flows.client.get("/users/me/mfa", headers=user.bearer).json() == NOTHING_ON


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/users/me/mfa", None),
        ("PUT", "/users/me/mfa/preference", TOTP_ON),
        ("POST", "/users/me/mfa/totp", None),
        ("POST", "/users/me/mfa/totp/verify", {"code": "123456"}),
    ],
)
def test_mfa_routes_need_a_bearer_token(
    flows: Flows, method: str, path: str, body: dict[str, object] | None
) -> None:
    refused = flows.client.request(method, path, json=body)

    assert refused.status_code == 401
    assert refused.headers["www-authenticate"] == "Bearer"
