"""The managed login pages ask what the API asks after the password: a new password for an
administrator's user (with the required attributes they lack), an MFA code (authenticator app,
SMS, email), the choice between MFA methods, and setting up an authenticator app where the pool
requires MFA; the way back to the app only once every step is answered.

Sources: user-pool-settings-mfa-totp.md ("If your app uses the Amazon Cognito managed login to
sign in users, your user submits their username and password, and then submits the TOTP
password on an additional sign-in page"); the API's rules and messages as the challenge flows
answer them (flows/mfa_challenges.py, flows/new_password_challenge.py, flows/mfa_settings.py).
"""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pyotp
import pytest
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.flows.managed_login import NO_AUTHENTICATOR_SETUP, NO_MFA_TYPE, NOTICES
from cognito_emulator.flows.mfa_challenges import MFA_CODE_MISMATCH
from cognito_emulator.flows.mfa_settings import CODE_MISMATCH as AUTHENTICATOR_CODE_MISMATCH
from cognito_emulator.flows.new_password_challenge import TEMPORARY_PASSWORD_EXPIRED
from cognito_emulator.flows.sign_in_challenges import MAX_REFUSED_ANSWERS
from cognito_emulator.http.managed_login import CSRF_REFUSED
from cognito_emulator.login_page_client import LoginChallenge, LoginPageClient, LoginPageError
from cognito_emulator.pytest_plugin import CognitoLambdas, CognitoLoginPage
from cognito_emulator.server import EmulatorServer
from tests.emulator.oauth_harness import (
    CALLBACK,
    DOMAIN,
    EMAIL,
    PASSWORD,
    USERNAME,
    Browser,
    LoginPool,
    alert,
    create_domain_pool,
    create_login_client,
    create_login_pool,
    create_user,
    forms,
    notice,
    page_path,
    query_of,
)

NEW_PASSWORD = "Brand-New-Pass-7"
PHONE = "+15555550100"
SMS_CONFIGURATION = {
    "SmsConfiguration": {
        "SnsCallerArn": "arn:aws:iam::123456789012:role/cognito-sms",
        "ExternalId": "login-test",
    }
}
_CHALLENGE = re.compile(r'data-challenge="([^"]*)"')
_SECRET = re.compile(r'<code id="secret-code" class="secret">([^<]*)</code>')
_SETUP_URI = re.compile(r'<code id="setup-uri" class="secret">([^<]*)</code>')
_DESTINATION = re.compile(r'<span id="code-destination">([^<]*)</span>')
_RADIOS = re.compile(r'<input type="radio" name="mfa_type" value="([^"]*)"')


@pytest.fixture
def login_pool(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> LoginPool:
    return create_login_pool(cognito_emulator, cognito_idp_client)


# -- helpers --------------------------------------------------------------------------------------


def require_mfa(
    login_pool: LoginPool, configuration: str, *, authenticator: bool = True, sms: bool = False
) -> None:
    """The pool's MFA (SetUserPoolMfaConfig): OPTIONAL or ON, with these methods."""
    settings: dict[str, Any] = {
        "MfaConfiguration": configuration,
        "SoftwareTokenMfaConfiguration": {"Enabled": authenticator},
    }
    if sms:
        settings["SmsMfaConfiguration"] = SMS_CONFIGURATION
    login_pool.idp.set_user_pool_mfa_config(UserPoolId=login_pool.pool_id, **settings)


def enrol_authenticator(login_pool: LoginPool, username: str = USERNAME) -> pyotp.TOTP:
    """An authenticator app set up through the API, as an app's settings page does it
    (AssociateSoftwareToken, VerifySoftwareToken, SetUserMFAPreference), then the emulator clock
    moved on a time step, so that the next code is one the user has not used."""
    idp = login_pool.idp
    client_id = idp.create_user_pool_client(
        UserPoolId=login_pool.pool_id,
        ClientName="settings",
        ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    signed_in = idp.admin_initiate_auth(
        UserPoolId=login_pool.pool_id,
        ClientId=client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD},
    )
    access_token = signed_in["AuthenticationResult"]["AccessToken"]
    secret = idp.associate_software_token(AccessToken=access_token)["SecretCode"]
    authenticator = pyotp.TOTP(secret)
    idp.verify_software_token(AccessToken=access_token, UserCode=authenticator.at(login_pool.now()))
    idp.set_user_mfa_preference(
        AccessToken=access_token,
        SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True},
    )
    login_pool.server.advance_clock(30)
    return authenticator


def give_phone_with_sms_mfa(login_pool: LoginPool, *, preferred: bool) -> None:
    login_pool.idp.admin_update_user_attributes(
        UserPoolId=login_pool.pool_id,
        Username=USERNAME,
        UserAttributes=[{"Name": "phone_number", "Value": PHONE}],
    )
    login_pool.idp.admin_set_user_mfa_preference(
        UserPoolId=login_pool.pool_id,
        Username=USERNAME,
        SMSMfaSettings={"Enabled": True, "PreferredMfa": preferred},
    )


def challenge_of(page: httpx.Response) -> str:
    found = _CHALLENGE.search(page.text)
    assert found is not None, page.text
    return found.group(1)


def outstanding_codes(login_pool: LoginPool) -> int:
    codes = login_pool.server.backend._authorization_codes
    return login_pool.server.app.locked(lambda: len(codes))


def signed_in_as(login_pool: LoginPool, answer: httpx.Response, username: str) -> None:
    """`answer` sends the browser back to the app with a code for `username`."""
    assert answer.status_code == 302, answer.text
    assert answer.headers["location"].startswith(f"{CALLBACK}?code="), answer.headers
    parameters = query_of(answer.headers["location"])
    assert parameters["state"] == "st-123"
    grant = login_pool.take_code(parameters["code"])
    assert grant is not None
    assert grant.username == username


def to_challenge(
    login_pool: LoginPool, browser: Browser, query: dict[str, str], page: str
) -> httpx.Response:
    """Sign in with the password: the pages send the browser to the challenge page `page`,
    with a login session and no code for the app yet; that page."""
    answer = browser.sign_in(query)
    assert answer.status_code == 302, answer.text
    assert answer.headers["location"] == page_path(page, query)
    assert browser.session_cookie is not None
    assert outstanding_codes(login_pool) == 0
    shown = browser.follow(answer)
    assert shown.status_code == 200, shown.text
    return shown


def latest_message(login_pool: LoginPool) -> dict[str, Any]:
    messages = login_pool.server.outbox(login_pool.pool_id, USERNAME)
    assert messages
    return messages[-1]


def wrong_code(authenticator: pyotp.TOTP, now: float) -> str:
    """A code no time step near `now` has (the step before, the step, the one after)."""
    near = {authenticator.at(now + offset) for offset in (-30, 0, 30)}
    return next(code for code in ("000000", "111111", "222222") if code not in near)


# -- SOFTWARE_TOKEN_MFA ---------------------------------------------------------------------------


def test_an_authenticator_code_is_asked_after_the_password_and_a_wrong_one_is_refused(
    login_pool: LoginPool,
) -> None:
    login_pool.add_user()
    require_mfa(login_pool, "OPTIONAL")
    authenticator = enrol_authenticator(login_pool)
    query = login_pool.authorize_query()
    browser = login_pool.browser()

    page = to_challenge(login_pool, browser, query, "mfa")

    assert challenge_of(page) == "SOFTWARE_TOKEN_MFA"
    assert "<title>Enter your authenticator code · Cognito emulator</title>" in page.text
    assert forms(page.text) == [(page_path("mfa", query), browser.http.cookies["XSRF-TOKEN"])]
    assert '<input id="code" name="code" type="text" inputmode="numeric"' in page.text
    wrong = browser.submit(page, {"code": wrong_code(authenticator, login_pool.now())})
    assert (wrong.status_code, alert(wrong.text)) == (400, MFA_CODE_MISMATCH)
    assert challenge_of(wrong) == "SOFTWARE_TOKEN_MFA"
    assert outstanding_codes(login_pool) == 0

    right = browser.submit(wrong, {"code": authenticator.at(login_pool.now())})

    signed_in_as(login_pool, right, USERNAME)


def test_an_authenticator_code_signs_in_once(login_pool: LoginPool) -> None:
    # Each time step's code is accepted once (the API's replay guard): a second browser
    # with the same code is refused.
    login_pool.add_user()
    require_mfa(login_pool, "OPTIONAL")
    authenticator = enrol_authenticator(login_pool)
    query = login_pool.authorize_query()
    first, second = login_pool.browser(), login_pool.browser()
    first_page = to_challenge(login_pool, first, query, "mfa")
    second_page = to_challenge(login_pool, second, query, "mfa")
    code = authenticator.at(login_pool.now())

    signed_in_as(login_pool, first.submit(first_page, {"code": code}), USERNAME)
    replayed = second.submit(second_page, {"code": code})

    assert (replayed.status_code, alert(replayed.text)) == (400, MFA_CODE_MISMATCH)


def test_an_empty_code_is_asked_for_again(login_pool: LoginPool) -> None:
    login_pool.add_user()
    require_mfa(login_pool, "OPTIONAL")
    enrol_authenticator(login_pool)
    browser = login_pool.browser()
    page = to_challenge(login_pool, browser, login_pool.authorize_query(), "mfa")

    answer = browser.submit(page, {"code": ""})

    assert (answer.status_code, alert(answer.text)) == (400, "Enter the code.")


# -- SMS_MFA --------------------------------------------------------------------------------------


def test_an_sms_code_goes_to_the_outbox_and_signs_in(login_pool: LoginPool) -> None:
    login_pool.add_user()
    require_mfa(login_pool, "OPTIONAL", authenticator=False, sms=True)
    give_phone_with_sms_mfa(login_pool, preferred=True)
    browser = login_pool.browser()

    page = to_challenge(login_pool, browser, login_pool.authorize_query(), "mfa")

    assert challenge_of(page) == "SMS_MFA"
    message = latest_message(login_pool)
    assert (message["medium"], message["purpose"], message["destination"]) == (
        "SMS",
        "mfa",
        PHONE,
    )
    destination = _DESTINATION.search(page.text)
    assert destination is not None
    assert destination.group(1) == "+*******0100"
    wrong = browser.submit(page, {"code": "999999" if message["code"] != "999999" else "888888"})
    assert (wrong.status_code, alert(wrong.text)) == (400, MFA_CODE_MISMATCH)
    signed_in_as(login_pool, browser.submit(wrong, {"code": message["code"]}), USERNAME)


# -- EMAIL_OTP ------------------------------------------------------------------------------------


def test_a_pool_requiring_email_mfa_sends_the_code_by_email(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    # Email MFA needs the pool to send with Amazon SES; ON asks every user with an email.
    pool_id = create_domain_pool(
        cognito_idp_client,
        "email-mfa",
        resource_server=("orders", "Orders"),
        scopes={"read": "Read orders"},
        EmailConfiguration={
            "EmailSendingAccount": "DEVELOPER",
            "SourceArn": "arn:aws:ses:us-east-1:123456789012:identity/example.com",
            "From": "no-reply@example.com",
        },
    )
    client_id = create_login_client(cognito_idp_client, pool_id, "spa")["ClientId"]
    create_user(
        cognito_idp_client, pool_id, USERNAME, PASSWORD, {"email": EMAIL, "email_verified": "true"}
    )
    cognito_idp_client.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        MfaConfiguration="ON",
        EmailMfaConfiguration={"Message": "Your sign-in code is {####}", "Subject": "Sign in"},
    )
    query = {"response_type": "code", "client_id": client_id, "redirect_uri": CALLBACK}
    browser = Browser(
        cognito_emulator.endpoint_url, f"{cognito_emulator.endpoint_url}/domains/{DOMAIN}"
    )

    answer = browser.sign_in(query)

    assert answer.headers["location"] == page_path("mfa", query)
    page = browser.follow(answer)
    assert challenge_of(page) == "EMAIL_OTP"
    assert "We sent a code by email to" in page.text
    message = cognito_emulator.outbox(pool_id, USERNAME)[-1]
    assert (message["medium"], message["purpose"], message["destination"]) == (
        "EMAIL",
        "mfa",
        EMAIL,
    )
    signed_in = browser.submit(page, {"code": message["code"]})
    assert signed_in.status_code == 302
    assert signed_in.headers["location"].startswith(f"{CALLBACK}?code=")


# -- SELECT_MFA_TYPE ------------------------------------------------------------------------------


def test_a_user_with_two_methods_and_no_preference_chooses_one(login_pool: LoginPool) -> None:
    login_pool.add_user()
    require_mfa(login_pool, "OPTIONAL", sms=True)
    enrol_authenticator(login_pool)
    give_phone_with_sms_mfa(login_pool, preferred=False)
    login_pool.idp.admin_set_user_mfa_preference(
        UserPoolId=login_pool.pool_id,
        Username=USERNAME,
        SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": False},
    )
    query = login_pool.authorize_query()
    browser = login_pool.browser()

    page = to_challenge(login_pool, browser, query, "selectMfaType")

    assert challenge_of(page) == "SELECT_MFA_TYPE"
    assert _RADIOS.findall(page.text) == ["SMS_MFA", "SOFTWARE_TOKEN_MFA"]
    assert "Text message (SMS)" in page.text
    assert "Authenticator app" in page.text
    not_offered = browser.submit(page, {"mfa_type": "EMAIL_OTP"})
    assert (not_offered.status_code, alert(not_offered.text)) == (400, NO_MFA_TYPE)
    assert login_pool.server.outbox(login_pool.pool_id, USERNAME) == []

    chosen = browser.submit(page, {"mfa_type": "SMS_MFA"})

    assert chosen.status_code == 302
    assert chosen.headers["location"] == page_path("mfa", query)
    code_page = browser.follow(chosen)
    assert challenge_of(code_page) == "SMS_MFA"
    code = latest_message(login_pool)["code"]
    signed_in_as(login_pool, browser.submit(code_page, {"code": code}), USERNAME)


# -- MFA_SETUP ------------------------------------------------------------------------------------


def test_a_pool_that_requires_mfa_has_the_user_set_up_an_authenticator(
    login_pool: LoginPool,
) -> None:
    login_pool.add_user()
    require_mfa(login_pool, "ON")
    query = login_pool.authorize_query()
    browser = login_pool.browser()

    page = to_challenge(login_pool, browser, query, "mfaSetup")

    assert challenge_of(page) == "MFA_SETUP"
    secret_shown = _SECRET.search(page.text)
    uri_shown = _SETUP_URI.search(page.text)
    assert secret_shown is not None and uri_shown is not None
    secret = secret_shown.group(1)
    assert re.fullmatch(r"[A-Z2-7]{52}", secret)
    uri = html.unescape(uri_shown.group(1))
    assert uri == f"otpauth://totp/managed-login:alice?secret={secret}&issuer=managed-login"
    parsed = pyotp.parse_uri(uri)
    assert (parsed.secret, parsed.name, parsed.issuer) == (secret, USERNAME, "managed-login")
    authenticator = pyotp.TOTP(secret)
    wrong = browser.submit(page, {"code": wrong_code(authenticator, login_pool.now())})
    assert (wrong.status_code, alert(wrong.text)) == (400, AUTHENTICATOR_CODE_MISMATCH)
    assert _SECRET.findall(wrong.text) == [secret]  # the same secret, shown again

    verified = browser.submit(wrong, {"code": authenticator.at(login_pool.now())})

    signed_in_as(login_pool, verified, USERNAME)
    user = login_pool.idp.admin_get_user(UserPoolId=login_pool.pool_id, Username=USERNAME)
    assert user["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"]
    assert user["PreferredMfaSetting"] == "SOFTWARE_TOKEN_MFA"
    # The next sign-in asks the authenticator's code.
    login_pool.server.advance_clock(30)
    later = login_pool.browser()
    code_page = to_challenge(login_pool, later, query, "mfa")
    assert challenge_of(code_page) == "SOFTWARE_TOKEN_MFA"
    signed_in_as(
        login_pool, later.submit(code_page, {"code": authenticator.at(login_pool.now())}), USERNAME
    )


def test_a_hostile_username_is_quoted_in_the_setup_uri_and_escaped_on_the_page(
    login_pool: LoginPool,
) -> None:
    login_pool.add_user("<b>bob</b>")
    require_mfa(login_pool, "ON")
    browser = login_pool.browser()

    page = browser.follow(browser.sign_in(login_pool.authorize_query(), "<b>bob</b>"))

    assert "<b>" not in page.text
    uri_shown = _SETUP_URI.search(page.text)
    assert uri_shown is not None
    assert html.unescape(uri_shown.group(1)).startswith(
        "otpauth://totp/managed-login:%3Cb%3Ebob%3C%2Fb%3E?secret="
    )


def test_a_required_mfa_the_page_cannot_set_up_is_explained(login_pool: LoginPool) -> None:
    # SMS only and a user without a phone number: MFA_SETUP offers SMS_MFA alone.
    login_pool.add_user()
    require_mfa(login_pool, "ON", authenticator=False, sms=True)
    browser = login_pool.browser()

    answer = browser.sign_in(login_pool.authorize_query())

    assert (answer.status_code, alert(answer.text)) == (400, NO_AUTHENTICATOR_SETUP)
    assert browser.session_cookie is None
    assert outstanding_codes(login_pool) == 0


# -- NEW_PASSWORD_REQUIRED ------------------------------------------------------------------------


def test_an_administrators_user_sets_a_password_and_the_required_attribute_they_lack(
    login_pool: LoginPool,
) -> None:
    # The pool requires email; the administrator created the user without one.
    login_pool.idp.admin_create_user(
        UserPoolId=login_pool.pool_id,
        Username=USERNAME,
        TemporaryPassword="Temp-Pass-1!",
        MessageAction="SUPPRESS",
    )
    query = login_pool.authorize_query()
    browser = login_pool.browser()

    answer = browser.sign_in(query, password="Temp-Pass-1!")

    assert answer.headers["location"] == page_path("forceChangePassword", query)
    page = browser.follow(answer)
    assert challenge_of(page) == "NEW_PASSWORD_REQUIRED"
    assert '<input id="attribute-1" name="email" type="email" value=""' in page.text
    weak = browser.submit(
        page, {"password": "Aa1!", "confirm_password": "Aa1!", "email": "alice@example.com"}
    )
    assert (weak.status_code, alert(weak.text)) == (
        400,
        "Password did not conform with policy: Password not long enough",
    )
    assert 'name="email" type="email" value="alice@example.com"' in weak.text
    fields = {"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}
    missing = browser.submit(page, {**fields, "email": ""})
    assert (missing.status_code, alert(missing.text)) == (
        400,
        "Invalid attributes given, email is missing",
    )
    assert login_pool.user_status() == "FORCE_CHANGE_PASSWORD"

    changed = browser.submit(page, {**fields, "email": "alice@example.com"})

    signed_in_as(login_pool, changed, USERNAME)
    user = login_pool.idp.admin_get_user(UserPoolId=login_pool.pool_id, Username=USERNAME)
    assert user["UserStatus"] == "CONFIRMED"
    assert {"Name": "email", "Value": "alice@example.com"} in user["UserAttributes"]


def test_a_new_password_is_followed_by_the_mfa_the_pool_requires(login_pool: LoginPool) -> None:
    login_pool.add_user(password="Temp-Pass-1!", temporary=True)
    require_mfa(login_pool, "ON")
    query = login_pool.authorize_query()
    browser = login_pool.browser()
    page = browser.follow(browser.sign_in(query, password="Temp-Pass-1!"))

    changed = browser.submit(page, {"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})

    assert changed.status_code == 302
    assert changed.headers["location"] == page_path("mfaSetup", query)
    assert login_pool.user_status() == "CONFIRMED"
    assert outstanding_codes(login_pool) == 0


def test_an_expired_temporary_password_is_refused(login_pool: LoginPool) -> None:
    # TemporaryPasswordValidityDays: 7 by default.
    login_pool.add_user(password="Temp-Pass-1!", temporary=True)
    login_pool.server.advance_clock(7 * 24 * 3600)
    browser = login_pool.browser()

    answer = browser.sign_in(login_pool.authorize_query(), password="Temp-Pass-1!")

    assert (answer.status_code, alert(answer.text)) == (400, TEMPORARY_PASSWORD_EXPIRED)
    assert browser.session_cookie is None


# -- the pending challenge: its session, its time, its client, wrong codes, CSRF ------------------


def test_a_challenge_answered_after_auth_session_validity_means_signing_in_again(
    login_pool: LoginPool,
) -> None:
    login_pool.add_user()
    require_mfa(login_pool, "OPTIONAL")
    authenticator = enrol_authenticator(login_pool)
    query = login_pool.authorize_query()
    browser = login_pool.browser()
    page = to_challenge(login_pool, browser, query, "mfa")
    login_pool.server.advance_clock(3 * 60)  # the client's AuthSessionValidity: 3 minutes

    late = browser.submit(page, {"code": authenticator.at(login_pool.now())})

    assert late.status_code == 302
    assert late.headers["location"] == page_path("login", {**query, "notice": "sign_in_again"})
    assert notice(browser.follow(late).text) == NOTICES["sign_in_again"]
    assert outstanding_codes(login_pool) == 0


def test_the_fifth_wrong_code_sends_the_browser_back_to_sign_in(login_pool: LoginPool) -> None:
    login_pool.add_user()
    require_mfa(login_pool, "OPTIONAL")
    authenticator = enrol_authenticator(login_pool)
    query = login_pool.authorize_query()
    browser = login_pool.browser()
    page = to_challenge(login_pool, browser, query, "mfa")
    wrong = wrong_code(authenticator, login_pool.now())
    for _ in range(MAX_REFUSED_ANSWERS - 1):
        refused = browser.submit(page, {"code": wrong})
        assert (refused.status_code, alert(refused.text)) == (400, MFA_CODE_MISMATCH)

    last = browser.submit(page, {"code": wrong})

    assert last.status_code == 302
    assert last.headers["location"] == page_path("login", {**query, "notice": "too_many_codes"})
    right = browser.submit(page, {"code": authenticator.at(login_pool.now())})
    assert right.headers["location"] == page_path("login", {**query, "notice": "sign_in_again"})
    assert outstanding_codes(login_pool) == 0


def test_a_user_disabled_during_the_challenge_signs_in_again(login_pool: LoginPool) -> None:
    login_pool.add_user()
    require_mfa(login_pool, "OPTIONAL")
    authenticator = enrol_authenticator(login_pool)
    query = login_pool.authorize_query()
    browser = login_pool.browser()
    page = to_challenge(login_pool, browser, query, "mfa")
    login_pool.idp.admin_disable_user(UserPoolId=login_pool.pool_id, Username=USERNAME)

    answer = browser.submit(page, {"code": authenticator.at(login_pool.now())})

    assert answer.headers["location"] == page_path("login", {**query, "notice": "sign_in_again"})
    assert outstanding_codes(login_pool) == 0


@pytest.mark.parametrize("page_name", ["mfa", "selectMfaType", "mfaSetup"])
def test_a_challenge_page_without_a_pending_challenge_goes_to_sign_in(
    login_pool: LoginPool, page_name: str
) -> None:
    query = login_pool.authorize_query()

    answer = login_pool.browser().get(f"/{page_name}", query)

    assert answer.status_code == 302
    assert answer.headers["location"] == page_path("login", {**query, "notice": "sign_in_again"})


def test_another_challenge_page_leads_to_the_one_pending(login_pool: LoginPool) -> None:
    login_pool.add_user()
    require_mfa(login_pool, "ON")
    query = login_pool.authorize_query()
    browser = login_pool.browser()
    to_challenge(login_pool, browser, query, "mfaSetup")

    answer = browser.get("/mfa", query)

    assert answer.status_code == 302
    assert answer.headers["location"] == page_path("mfaSetup", query)


def test_a_challenge_is_answered_for_the_app_client_that_asked(login_pool: LoginPool) -> None:
    login_pool.add_user()
    require_mfa(login_pool, "OPTIONAL")
    enrol_authenticator(login_pool)
    browser = login_pool.browser()
    to_challenge(login_pool, browser, login_pool.authorize_query(), "mfa")
    other_client = login_pool.authorize_query(client_id=login_pool.web_client_id)

    answer = browser.get("/mfa", other_client)

    assert answer.status_code == 302
    assert answer.headers["location"] == page_path(
        "login", {**other_client, "notice": "sign_in_again"}
    )


def test_a_code_posted_without_the_csrf_token_is_refused(login_pool: LoginPool) -> None:
    login_pool.add_user()
    require_mfa(login_pool, "OPTIONAL")
    authenticator = enrol_authenticator(login_pool)
    browser = login_pool.browser()
    page = to_challenge(login_pool, browser, login_pool.authorize_query(), "mfa")
    action, _ = forms(page.text)[0]

    answer = browser.http.post(
        login_pool.server.endpoint_url + action,
        data={"code": authenticator.at(login_pool.now())},
    )

    assert (answer.status_code, alert(answer.text)) == (403, CSRF_REFUSED)
    assert outstanding_codes(login_pool) == 0


# -- triggers -------------------------------------------------------------------------------------


def test_post_authentication_runs_once_the_mfa_code_is_accepted(
    login_pool: LoginPool, cognito_lambdas: CognitoLambdas
) -> None:
    login_pool.add_user()
    require_mfa(login_pool, "OPTIONAL")
    authenticator = enrol_authenticator(login_pool)
    sources: list[str] = []

    def record(event: dict[str, Any], context: object) -> dict[str, Any]:
        sources.append(event["triggerSource"])
        return event

    cognito_lambdas.register("record", record)
    cognito_lambdas.set_triggers(
        login_pool.pool_id, PreAuthentication="record", PostAuthentication="record"
    )
    browser = login_pool.browser()

    page = to_challenge(login_pool, browser, login_pool.authorize_query(), "mfa")

    assert sources == ["PreAuthentication_Authentication"]
    signed_in_as(
        login_pool, browser.submit(page, {"code": authenticator.at(login_pool.now())}), USERNAME
    )
    assert sources == ["PreAuthentication_Authentication", "PostAuthentication_Authentication"]


def test_post_authentication_refusing_after_the_code_is_the_pages_message(
    login_pool: LoginPool, cognito_lambdas: CognitoLambdas
) -> None:
    login_pool.add_user()
    require_mfa(login_pool, "OPTIONAL")
    authenticator = enrol_authenticator(login_pool)

    def refuse(event: dict[str, Any], context: object) -> dict[str, Any]:
        raise RuntimeError("Come back tomorrow")

    cognito_lambdas.register("refuse", refuse)
    cognito_lambdas.set_triggers(login_pool.pool_id, PostAuthentication="refuse")
    browser = login_pool.browser()
    page = to_challenge(login_pool, browser, login_pool.authorize_query(), "mfa")

    answer = browser.submit(page, {"code": authenticator.at(login_pool.now())})

    assert (answer.status_code, alert(answer.text)) == (
        400,
        "PostAuthentication failed with error Come back tomorrow.",
    )
    assert outstanding_codes(login_pool) == 0


# -- the login helper answers challenges ----------------------------------------------------------


def test_the_login_helper_answers_challenges_with_the_callers_answers(
    login_pool: LoginPool,
) -> None:
    # An administrator's user in a pool that requires MFA: a new password, then an
    # authenticator set up with the secret the page shows.
    login_pool.add_user(password="Temp-Pass-1!", temporary=True)
    require_mfa(login_pool, "ON")
    asked: list[LoginChallenge] = []

    def answer(challenge: LoginChallenge) -> dict[str, str]:
        asked.append(challenge)
        if challenge.name == "NEW_PASSWORD_REQUIRED":
            return {"password": NEW_PASSWORD}
        assert challenge.secret_code is not None
        return {"code": pyotp.TOTP(challenge.secret_code).at(login_pool.now())}

    authorization = LoginPageClient(login_pool.domain_url).authorize(
        client_id=login_pool.client_id,
        redirect_uri=CALLBACK,
        username=USERNAME,
        password="Temp-Pass-1!",
        answer=answer,
    )

    assert [(c.name, c.fields) for c in asked] == [
        ("NEW_PASSWORD_REQUIRED", ("password", "confirm_password")),
        ("MFA_SETUP", ("code",)),
    ]
    assert asked[1].secret_code is not None and len(asked[1].secret_code) == 52
    grant = login_pool.take_code(authorization.code)
    assert grant is not None and grant.username == USERNAME
    assert parse_qs(urlsplit(authorization.callback_url).query)["code"] == [authorization.code]


def test_the_login_helper_says_which_challenge_it_cannot_answer(login_pool: LoginPool) -> None:
    login_pool.add_user()
    require_mfa(login_pool, "OPTIONAL")
    enrol_authenticator(login_pool)

    with pytest.raises(LoginPageError) as unanswered:
        LoginPageClient(login_pool.domain_url).authorize(
            client_id=login_pool.client_id,
            redirect_uri=CALLBACK,
            username=USERNAME,
            password=PASSWORD,
        )

    assert str(unanswered.value).startswith(
        "the sign-in asks for SOFTWARE_TOKEN_MFA, and no `answer` was given to answer it"
    )


def test_the_login_helper_reports_a_refused_answer_with_the_pages_message(
    login_pool: LoginPool,
) -> None:
    login_pool.add_user()
    require_mfa(login_pool, "OPTIONAL", sms=True, authenticator=False)
    give_phone_with_sms_mfa(login_pool, preferred=True)

    with pytest.raises(LoginPageError) as refused:
        LoginPageClient(login_pool.domain_url).authorize(
            client_id=login_pool.client_id,
            redirect_uri=CALLBACK,
            username=USERNAME,
            password=PASSWORD,
            answer=lambda challenge: {"code": "not-a-code"},
        )

    assert refused.value.status == 400
    assert refused.value.page_says == MFA_CODE_MISMATCH
    assert str(refused.value).startswith(
        "the sign-in was refused: after the answer to SMS_MFA was posted"
    )


def test_the_plugins_login_page_fixture_passes_the_answers_on(
    cognito_login_page: CognitoLoginPage,
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_emulator: EmulatorServer,
) -> None:
    pool_id = cognito_pool.user_pool_id
    create_user(cognito_idp_client, pool_id, "carol", "Carol-Pass-123!", {"email": "c@example.com"})
    cognito_idp_client.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        MfaConfiguration="ON",
        SoftwareTokenMfaConfiguration={"Enabled": True},
    )

    def answer(challenge: LoginChallenge) -> dict[str, str]:
        assert challenge.name == "MFA_SETUP" and challenge.secret_code is not None
        now = cognito_emulator.backend.clock.now()
        return {"code": pyotp.TOTP(challenge.secret_code).at(now)}

    tokens = cognito_login_page.sign_in("carol", "Carol-Pass-123!", answer=answer)

    user = cognito_idp_client.get_user(AccessToken=tokens.access_token)
    assert user["Username"] == "carol"
    assert user["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"]
