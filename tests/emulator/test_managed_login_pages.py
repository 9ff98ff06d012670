"""The managed login pages: sign-in, sign-up and confirmation, forgotten and temporary passwords,
as a browser without JavaScript uses them, and what they do with bad input.

Sources (Amazon Cognito developer guide): login-endpoint.md; cognito-user-pools-hosted-ui-user-
sign-up.md ("The first time that you sign up and confirm your details, Amazon Cognito grants
access to your app after you finish this process"); cognito-user-pools-hosted-ui-user-forgot-
password.md ("After you change your password, return to the sign-in page and sign in with your
new password"). The messages are the API's own (SignUp, ConfirmSignUp, ForgotPassword, ...).
"""

from __future__ import annotations

import re

import httpx
import pytest
from botocore.exceptions import ClientError
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

from cognito_emulator.flows.managed_login import NOTICES, PASSWORDS_DIFFER
from cognito_emulator.http.form_bodies import MAX_FORM_BYTES
from cognito_emulator.http.managed_login import CSRF_REFUSED
from cognito_emulator.server import EmulatorServer
from tests.emulator.oauth_harness import (
    CALLBACK,
    EMAIL,
    PASSWORD,
    Browser,
    LoginPool,
    alert,
    create_login_pool,
    forms,
    notice,
    page_path,
    query_of,
)

NEW_PASSWORD = "Brand-New-Pass-7"
POLICY_TOO_SHORT = "Password did not conform with policy: Password not long enough"


@pytest.fixture
def login_pool(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> LoginPool:
    return create_login_pool(cognito_emulator, cognito_idp_client)


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


def sign_up_bob(login_pool: LoginPool) -> None:
    login_pool.idp.sign_up(
        ClientId=login_pool.client_id,
        Username="bob",
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": "bob@example.com"}],
    )


# -- the sign-in form -----------------------------------------------------------------------------


def test_the_login_form_posts_username_and_password_with_a_csrf_token(
    login_pool: LoginPool,
) -> None:
    query = login_pool.authorize_query()
    browser = login_pool.browser()

    page = browser.get("/login", query)

    assert page.status_code == 200
    assert forms(page.text) == [(page_path("login", query), browser.http.cookies["XSRF-TOKEN"])]
    assert '<label for="username">Username</label>' in page.text
    assert '<input id="username" name="username" type="text"' in page.text
    assert '<label for="password">Password</label>' in page.text
    assert '<input id="password" name="password" type="password"' in page.text
    assert "<script" not in page.text
    assert page.headers["content-security-policy"] == (
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
    )
    assert page.headers["set-cookie"] == (
        f"XSRF-TOKEN={browser.http.cookies['XSRF-TOKEN']}; HttpOnly; Path=/domains/login-test; "
        "SameSite=lax"
    )


def test_the_login_page_links_to_sign_up_and_forgotten_passwords(login_pool: LoginPool) -> None:
    query = login_pool.authorize_query()

    page = login_pool.browser().get("/login", query).text

    for target in ("signup", "forgotPassword"):
        assert f'href="{page_path(target, query).replace("&", "&amp;")}"' in page


def test_no_sign_up_link_where_only_administrators_create_users(
    login_pool: LoginPool, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    cognito_idp_client.update_user_pool(
        UserPoolId=login_pool.pool_id, AdminCreateUserConfig={"AllowAdminCreateUserOnly": True}
    )

    page = login_pool.browser().get("/login", login_pool.authorize_query()).text

    assert "/signup?" not in page
    assert "Forgot your password?" in page


@pytest.mark.parametrize(
    ("username", "password"), [("alice", "Wrong-Pass-1"), ("nobody", PASSWORD)]
)
def test_a_wrong_password_and_an_unknown_user_get_the_same_message_and_no_code(
    login_pool: LoginPool, username: str, password: str
) -> None:
    login_pool.add_user()
    browser = login_pool.browser()

    answer = browser.sign_in(login_pool.authorize_query(), username, password)

    assert answer.status_code == 400
    assert "location" not in answer.headers
    assert alert(answer.text) == "Incorrect username or password."
    assert f'value="{username}"' in answer.text
    assert browser.session_cookie is None
    assert outstanding_codes(login_pool) == 0


def test_signing_in_does_not_need_the_clients_password_auth_flows(
    login_pool: LoginPool, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    # The public client allows ALLOW_REFRESH_TOKEN_AUTH only: the API refuses a password sign-in,
    # the managed login page signs the same user in (ExplicitAuthFlows govern the API's flows).
    login_pool.add_user()
    with pytest.raises(ClientError) as refused:
        cognito_idp_client.initiate_auth(
            ClientId=login_pool.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD},
        )
    assert refused.value.response["Error"]["Message"] == (
        "USER_PASSWORD_AUTH flow not enabled for this client"
    )

    answer = login_pool.browser().sign_in(login_pool.authorize_query())

    signed_in_as(login_pool, answer, "alice")


def test_a_hostile_username_is_shown_escaped(login_pool: LoginPool) -> None:
    hostile = '"><script>alert(1)</script>'

    answer = login_pool.browser().sign_in(login_pool.authorize_query(), hostile, "x")

    assert answer.status_code == 400
    assert "<script>" not in answer.text
    assert 'value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in answer.text


def test_empty_credentials_are_asked_for_again(login_pool: LoginPool) -> None:
    answer = login_pool.browser().sign_in(login_pool.authorize_query(), "", "")

    assert answer.status_code == 400
    assert alert(answer.text) == "Enter your username and password."


def test_a_disabled_user_is_told_so(
    login_pool: LoginPool, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    login_pool.add_user()
    cognito_idp_client.admin_disable_user(UserPoolId=login_pool.pool_id, Username="alice")

    answer = login_pool.browser().sign_in(login_pool.authorize_query())

    assert answer.status_code == 400
    assert alert(answer.text) == "User is disabled."
    assert outstanding_codes(login_pool) == 0


# -- CSRF (double submit) -----------------------------------------------------------------------


@pytest.mark.parametrize("token", [None, "", "forged-token"])
def test_a_post_without_the_matching_csrf_token_is_refused_and_does_nothing(
    login_pool: LoginPool, token: str | None
) -> None:
    login_pool.add_user()
    browser = login_pool.browser()
    page = browser.get("/login", login_pool.authorize_query())
    action, _ = forms(page.text)[0]
    fields = {"username": "alice", "password": PASSWORD}
    if token is not None:
        fields["_csrf"] = token

    answer = browser.http.post(login_pool.server.endpoint_url + action, data=fields)

    assert answer.status_code == 403
    assert alert(answer.text) == CSRF_REFUSED
    assert browser.session_cookie is None
    assert outstanding_codes(login_pool) == 0


def test_a_csrf_token_without_its_cookie_is_refused(login_pool: LoginPool) -> None:
    login_pool.add_user()
    page = login_pool.browser().get("/login", login_pool.authorize_query())
    action, token = forms(page.text)[0]

    answer = login_pool.browser().http.post(  # another browser: no XSRF-TOKEN cookie
        login_pool.server.endpoint_url + action,
        data={"_csrf": token, "username": "alice", "password": PASSWORD},
    )

    assert answer.status_code == 403
    assert alert(answer.text) == CSRF_REFUSED
    assert outstanding_codes(login_pool) == 0


# -- the pool's rules on sign-in -------------------------------------------------------------------


def test_an_unconfirmed_user_confirms_and_is_signed_in(login_pool: LoginPool) -> None:
    sign_up_bob(login_pool)
    query = login_pool.authorize_query()
    browser = login_pool.browser()

    answer = browser.sign_in(query, "bob")

    assert answer.headers["location"] == page_path(
        "confirmUser", {**query, "username": "bob", "notice": "not_confirmed"}
    )
    page = browser.follow(answer)
    assert notice(page.text) == NOTICES["not_confirmed"]
    assert 'value="bob"' in page.text
    code = login_pool.server.latest_code(login_pool.pool_id, "bob")
    signed_in_as(login_pool, browser.submit(page, {"username": "bob", "code": code}), "bob")
    assert login_pool.user_status("bob") == "CONFIRMED"


def test_a_user_whose_password_must_be_reset_goes_to_the_reset_page(
    login_pool: LoginPool, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    login_pool.add_user()
    cognito_idp_client.admin_reset_user_password(UserPoolId=login_pool.pool_id, Username="alice")
    query = login_pool.authorize_query()
    browser = login_pool.browser()

    answer = browser.sign_in(query)

    assert answer.headers["location"] == page_path(
        "confirmForgotPassword", {**query, "username": "alice", "notice": "reset_required"}
    )
    page = browser.follow(answer)
    assert notice(page.text) == NOTICES["reset_required"]
    code = login_pool.server.latest_code(login_pool.pool_id, "alice")
    fields = {"code": code, "password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}
    reset = browser.submit(page, {"username": "alice", **fields})
    assert reset.headers["location"] == page_path(
        "login", {**query, "username": "alice", "notice": "password_reset"}
    )
    assert login_pool.user_status() == "CONFIRMED"
    signed_in_as(login_pool, browser.sign_in(query, password=NEW_PASSWORD), "alice")


def test_a_temporary_password_is_changed_under_the_pools_policy_then_signed_in(
    login_pool: LoginPool,
) -> None:
    login_pool.add_user(password="Temp-Pass-1!", temporary=True)
    query = login_pool.authorize_query()
    browser = login_pool.browser()

    answer = browser.sign_in(query, password="Temp-Pass-1!")

    assert answer.headers["location"] == page_path("forceChangePassword", query)
    assert browser.session_cookie is not None
    page = browser.follow(answer)
    assert page.status_code == 200
    assert '<input id="confirm_password" name="confirm_password" type="password"' in page.text
    weak = browser.submit(page, {"password": "Aa1!", "confirm_password": "Aa1!"})
    assert (weak.status_code, alert(weak.text)) == (400, POLICY_TOO_SHORT)
    differ = browser.submit(page, {"password": NEW_PASSWORD, "confirm_password": "Other-Pass-7"})
    assert (differ.status_code, alert(differ.text)) == (400, PASSWORDS_DIFFER)
    assert login_pool.user_status() == "FORCE_CHANGE_PASSWORD"

    changed = browser.submit(page, {"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})

    signed_in_as(login_pool, changed, "alice")
    assert login_pool.user_status() == "CONFIRMED"
    assert login_pool.browser().sign_in(query, password=NEW_PASSWORD).status_code == 302


def test_the_new_password_page_needs_a_sign_in_with_the_temporary_password(
    login_pool: LoginPool,
) -> None:
    login_pool.add_user(password="Temp-Pass-1!", temporary=True)
    query = login_pool.authorize_query()

    answer = login_pool.browser().get("/forceChangePassword", query)

    assert answer.status_code == 302
    assert answer.headers["location"] == page_path("login", {**query, "notice": "sign_in_again"})
    assert login_pool.user_status() == "FORCE_CHANGE_PASSWORD"


# -- sign-up and confirmation -------------------------------------------------------------------


def test_the_sign_up_form_asks_for_the_pools_required_attributes(login_pool: LoginPool) -> None:
    query = login_pool.authorize_query()

    page = login_pool.browser().get("/signup", query)

    assert page.status_code == 200
    assert forms(page.text)[0][0] == page_path("signup", query)
    assert '<label for="attribute-1">email</label>' in page.text
    assert '<input id="attribute-1" name="email" type="email" value=""' in page.text


def test_signing_up_and_confirming_signs_the_user_in(login_pool: LoginPool) -> None:
    query = login_pool.authorize_query()
    browser = login_pool.browser()
    page = browser.get("/signup", query)

    answer = browser.submit(
        page, {"username": "bob", "password": PASSWORD, "email": "bob@example.com"}
    )

    assert answer.status_code == 302
    assert answer.headers["location"] == page_path(
        "confirmUser", {**query, "username": "bob", "notice": "code_sent"}
    )
    assert login_pool.user_status("bob") == "UNCONFIRMED"
    [message] = login_pool.server.outbox(login_pool.pool_id, "bob")
    assert (message["destination"], message["purpose"]) == ("bob@example.com", "sign_up")
    confirm = browser.follow(answer)
    assert notice(confirm.text) == NOTICES["code_sent"]

    confirmed = browser.submit(confirm, {"username": "bob", "code": message["code"]})

    signed_in_as(login_pool, confirmed, "bob")
    user = login_pool.idp.admin_get_user(UserPoolId=login_pool.pool_id, Username="bob")
    assert user["UserStatus"] == "CONFIRMED"
    assert {"Name": "email_verified", "Value": "true"} in user["UserAttributes"]


def test_a_confidential_client_signs_up_with_its_secret_hash(login_pool: LoginPool) -> None:
    query = login_pool.authorize_query(client_id=login_pool.web_client_id)
    browser = login_pool.browser()

    answer = browser.submit(
        browser.get("/signup", query),
        {"username": "carol", "password": PASSWORD, "email": "carol@example.com"},
    )

    assert answer.headers["location"] == page_path(
        "confirmUser", {**query, "username": "carol", "notice": "code_sent"}
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"username": "bob", "password": PASSWORD, "email": ""},
            "Attributes did not conform to the schema: email: The attribute is required",
        ),
        ({"username": "bob", "password": "Aa1!", "email": "b@example.com"}, POLICY_TOO_SHORT),
        ({"username": "alice", "password": PASSWORD, "email": EMAIL}, "User already exists"),
        ({"username": "", "password": "", "email": EMAIL}, "Enter a username and a password."),
    ],
)
def test_a_sign_up_the_pool_refuses_is_shown_with_the_reason(
    login_pool: LoginPool, fields: dict[str, str], message: str
) -> None:
    login_pool.add_user()
    browser = login_pool.browser()

    answer = browser.submit(browser.get("/signup", login_pool.authorize_query()), fields)

    assert answer.status_code == 400
    assert alert(answer.text) == message
    assert f'value="{fields["email"]}"' in answer.text  # filled in again, the password never
    assert PASSWORD not in answer.text


def test_confirming_in_another_browser_leads_to_the_sign_in_page(login_pool: LoginPool) -> None:
    sign_up_bob(login_pool)
    query = login_pool.authorize_query()
    browser = login_pool.browser()
    page = browser.get("/confirmUser", {**query, "username": "bob"})
    code = login_pool.server.latest_code(login_pool.pool_id, "bob")

    answer = browser.submit(page, {"username": "bob", "code": code})

    assert answer.headers["location"] == page_path(
        "login", {**query, "username": "bob", "notice": "confirmed"}
    )
    assert browser.session_cookie is None
    assert login_pool.user_status("bob") == "CONFIRMED"
    login_page = browser.follow(answer)
    assert notice(login_page.text) == NOTICES["confirmed"]
    assert 'value="bob"' in login_page.text


def test_a_wrong_confirmation_code_is_refused(login_pool: LoginPool) -> None:
    sign_up_bob(login_pool)
    browser = login_pool.browser()
    page = browser.get("/confirmUser", login_pool.authorize_query(username="bob"))
    code = login_pool.server.latest_code(login_pool.pool_id, "bob")
    wrong = "000000" if code != "000000" else "111111"

    answer = browser.submit(page, {"username": "bob", "code": wrong})

    assert answer.status_code == 400
    assert alert(answer.text) == "Invalid verification code provided, please try again."
    assert login_pool.user_status("bob") == "UNCONFIRMED"


def test_a_new_confirmation_code_can_be_asked_for(login_pool: LoginPool) -> None:
    sign_up_bob(login_pool)
    query = login_pool.authorize_query()
    browser = login_pool.browser()
    page = browser.get("/confirmUser", {**query, "username": "bob"})

    answer = browser.submit(page, {"username": "bob"}, form=1)

    assert answer.headers["location"] == page_path(
        "confirmUser", {**query, "username": "bob", "notice": "code_sent"}
    )
    messages = login_pool.server.outbox(login_pool.pool_id, "bob")
    assert [message["purpose"] for message in messages] == ["sign_up", "resend"]


def test_a_new_code_for_a_confirmed_user_is_refused_on_the_page(login_pool: LoginPool) -> None:
    login_pool.add_user()
    browser = login_pool.browser()
    page = browser.get("/confirmUser", login_pool.authorize_query(username="alice"))

    answer = browser.submit(page, {"username": "alice"}, form=1)

    assert answer.status_code == 400
    assert alert(answer.text) == "User is already confirmed."


# -- forgotten passwords ------------------------------------------------------------------------


def test_a_forgotten_password_is_reset_with_the_code_and_then_signs_in(
    login_pool: LoginPool,
) -> None:
    login_pool.add_user()
    query = login_pool.authorize_query()
    browser = login_pool.browser()

    sent = browser.submit(browser.get("/forgotPassword", query), {"username": "alice"})

    assert sent.headers["location"] == page_path(
        "confirmForgotPassword", {**query, "username": "alice", "notice": "reset_code_sent"}
    )
    page = browser.follow(sent)
    assert notice(page.text) == NOTICES["reset_code_sent"]
    [message] = login_pool.server.outbox(login_pool.pool_id, "alice")
    assert (message["destination"], message["purpose"]) == (EMAIL, "forgot_password")
    fields = {"username": "alice", "code": message["code"], "password": NEW_PASSWORD}
    mismatch = browser.submit(page, {**fields, "confirm_password": "Other-Pass-7"})
    assert (mismatch.status_code, alert(mismatch.text)) == (400, PASSWORDS_DIFFER)

    reset = browser.submit(page, {**fields, "confirm_password": NEW_PASSWORD})

    assert reset.headers["location"] == page_path(
        "login", {**query, "username": "alice", "notice": "password_reset"}
    )
    assert notice(browser.follow(reset).text) == NOTICES["password_reset"]
    assert browser.sign_in(query).status_code == 400  # the old password no longer works
    signed_in_as(login_pool, browser.sign_in(query, password=NEW_PASSWORD), "alice")


def test_a_wrong_reset_code_is_refused(login_pool: LoginPool) -> None:
    login_pool.add_user()
    browser = login_pool.browser()
    query = login_pool.authorize_query()
    page = browser.follow(
        browser.submit(browser.get("/forgotPassword", query), {"username": "alice"})
    )
    code = login_pool.server.latest_code(login_pool.pool_id, "alice")
    wrong = "000000" if code != "000000" else "111111"

    answer = browser.submit(
        page,
        {
            "username": "alice",
            "code": wrong,
            "password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )

    assert answer.status_code == 400
    assert alert(answer.text) == "Invalid verification code provided, please try again."


def test_a_reset_for_an_unknown_user_says_so(login_pool: LoginPool) -> None:
    browser = login_pool.browser()

    answer = browser.submit(
        browser.get("/forgotPassword", login_pool.authorize_query()), {"username": "nobody"}
    )

    assert answer.status_code == 400
    assert alert(answer.text) == "Username/client id combination not found."


# -- bad input ----------------------------------------------------------------------------------


def prepared_post(login_pool: LoginPool) -> tuple[Browser, str, str]:
    """A browser that opened the login page: its form action and CSRF token."""
    browser = login_pool.browser()
    action, token = forms(browser.get("/login", login_pool.authorize_query()).text)[0]
    return browser, login_pool.server.endpoint_url + action, token


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (b"username=%FF&password=x", 400, "The form is not valid UTF-8."),
        (b"username=\xff&password=x", 400, "The form is not valid UTF-8."),
        (
            b"username=a&username=b&password=x",
            400,
            "The form field 'username' is sent more than once.",
        ),
        (b"a=1&" * 60, 400, "The form has more than 50 fields."),
        (b"username=" + b"a" * MAX_FORM_BYTES, 413, "The form is larger than 16384 bytes."),
    ],
)
def test_a_malformed_form_gets_a_page_saying_what_is_wrong(
    login_pool: LoginPool, body: bytes, status: int, message: str
) -> None:
    browser, action, token = prepared_post(login_pool)

    answer = browser.http.post(
        action,
        content=body + f"&_csrf={token}".encode(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )

    assert answer.status_code == status
    assert alert(answer.text) == message


def test_a_form_that_is_not_url_encoded_is_refused(login_pool: LoginPool) -> None:
    browser, action, token = prepared_post(login_pool)

    answer = browser.http.post(action, json={"_csrf": token, "username": "alice"})

    assert answer.status_code == 415
    assert alert(answer.text) == (
        "Send the form as application/x-www-form-urlencoded, as a browser does."
    )


@pytest.mark.parametrize(("method", "path"), [("GET", "/resendcode"), ("PUT", "/login")])
def test_a_method_a_page_does_not_take_is_refused(
    login_pool: LoginPool, method: str, path: str
) -> None:
    answer = login_pool.browser().http.request(method, f"{login_pool.domain_url}{path}")

    assert answer.status_code == 405


@pytest.mark.parametrize(
    "page", ["login", "signup", "confirmUser", "forgotPassword", "confirmForgotPassword"]
)
def test_every_page_checks_the_authorize_request_it_carries(
    login_pool: LoginPool, page: str
) -> None:
    query = login_pool.authorize_query(redirect_uri="https://evil.example/")

    answer = login_pool.browser().get(f"/{page}", query)

    assert answer.status_code == 400
    assert re.fullmatch(
        r"redirect_uri 'https://evil\.example/' is not one of the callback URLs .*",
        alert(answer.text),
    )
