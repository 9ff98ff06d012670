"""The login session (the `cognito` cookie) and `/logout`.

Sources: authorization-endpoint.md (a signed-in browser is sent straight back with a new code);
logout-endpoint.md ("Amazon Cognito requires either a logout_uri or a redirect_uri parameter";
"If the value of logout_uri is one of the Allowed sign-out URLs for your app client, Amazon
Cognito redirects users to that URL"; with redirect_uri, the other parameters go on to /login);
the session cookie's one hour, fixed (re:Post "Is the Cognito hosted UI browser session length
configurable?").
"""

from __future__ import annotations

import httpx
import pytest
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

from cognito_emulator.clock import Clock
from cognito_emulator.login_sessions import SESSION_LIFETIME_SECONDS, LoginSessions
from cognito_emulator.server import EmulatorServer
from tests.emulator.oauth_harness import (
    CALLBACK,
    SIGNED_OUT,
    Browser,
    LoginPool,
    alert,
    create_login_client,
    create_login_pool,
    page_path,
    query_of,
)


@pytest.fixture
def login_pool(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> LoginPool:
    pool = create_login_pool(cognito_emulator, cognito_idp_client)
    pool.add_user()
    return pool


@pytest.fixture
def signed_in(login_pool: LoginPool) -> tuple[Browser, httpx.Response]:
    """A browser that signed in on the login page, and the answer that did it."""
    browser = login_pool.browser()
    answer = browser.sign_in(login_pool.authorize_query())
    assert answer.status_code == 302
    return browser, answer


def authorize(login_pool: LoginPool, browser: Browser, **parameters: str) -> httpx.Response:
    return browser.get("/oauth2/authorize", login_pool.authorize_query(**parameters))


def goes_to_login(login_pool: LoginPool, response: httpx.Response) -> bool:
    return response.headers["location"].startswith(page_path("login", {})[:-1])


# -- the session ----------------------------------------------------------------------------------


def test_signing_in_sets_the_session_cookie(
    login_pool: LoginPool, signed_in: tuple[Browser, httpx.Response]
) -> None:
    browser, answer = signed_in

    assert answer.headers["set-cookie"] == (
        f"cognito={browser.session_cookie}; HttpOnly; Max-Age={SESSION_LIFETIME_SECONDS}; "
        "Path=/domains/login-test; SameSite=lax"
    )
    assert login_pool.sessions() == 1


def test_a_second_authorize_goes_straight_back_with_a_new_code(
    login_pool: LoginPool, signed_in: tuple[Browser, httpx.Response]
) -> None:
    browser, first = signed_in
    first_grant = login_pool.take_code(query_of(first.headers["location"])["code"])
    login_pool.server.advance_clock(600)

    again = authorize(login_pool, browser, state="second", nonce="n-2")

    assert again.status_code == 302
    parameters = query_of(again.headers["location"])
    assert again.headers["location"].startswith(f"{CALLBACK}?code=")
    assert parameters["state"] == "second"
    grant = login_pool.take_code(parameters["code"])
    assert first_grant is not None and grant is not None
    assert grant.auth_time == first_grant.auth_time  # when the user signed in, not now
    assert (grant.username, grant.nonce) == ("alice", "n-2")
    assert "set-cookie" not in again.headers


def test_the_session_serves_every_client_of_the_pool(
    login_pool: LoginPool, signed_in: tuple[Browser, httpx.Response]
) -> None:
    browser, _ = signed_in

    again = authorize(login_pool, browser, client_id=login_pool.web_client_id)

    grant = login_pool.take_code(query_of(again.headers["location"])["code"])
    assert grant is not None
    assert (grant.client_id, grant.username) == (login_pool.web_client_id, "alice")


def test_the_login_page_of_a_signed_in_browser_goes_straight_back(
    login_pool: LoginPool, signed_in: tuple[Browser, httpx.Response]
) -> None:
    browser, _ = signed_in

    page = browser.get("/login", login_pool.authorize_query())

    assert page.headers["location"].startswith(f"{CALLBACK}?code=")


def test_a_new_browser_has_no_session(
    login_pool: LoginPool, signed_in: tuple[Browser, httpx.Response]
) -> None:
    assert goes_to_login(login_pool, authorize(login_pool, login_pool.browser()))


def test_the_session_ends_after_an_hour(
    login_pool: LoginPool, signed_in: tuple[Browser, httpx.Response]
) -> None:
    browser, _ = signed_in
    login_pool.server.advance_clock(SESSION_LIFETIME_SECONDS - 1)
    assert authorize(login_pool, browser).headers["location"].startswith(CALLBACK)

    login_pool.server.advance_clock(1)

    assert goes_to_login(login_pool, authorize(login_pool, browser))


@pytest.mark.parametrize("change", ["disable", "delete", "reset_password"])
def test_a_user_who_may_no_longer_sign_in_is_asked_to_sign_in(
    login_pool: LoginPool,
    cognito_idp_client: CognitoIdentityProviderClient,
    signed_in: tuple[Browser, httpx.Response],
    change: str,
) -> None:
    browser, _ = signed_in
    operation = {
        "disable": cognito_idp_client.admin_disable_user,
        "delete": cognito_idp_client.admin_delete_user,
        "reset_password": cognito_idp_client.admin_reset_user_password,
    }[change]
    operation(UserPoolId=login_pool.pool_id, Username="alice")

    assert goes_to_login(login_pool, authorize(login_pool, browser))


def test_a_session_is_not_valid_for_another_pools_domain(
    login_pool: LoginPool,
    cognito_idp_client: CognitoIdentityProviderClient,
    signed_in: tuple[Browser, httpx.Response],
) -> None:
    browser, _ = signed_in
    other_pool = cognito_idp_client.create_user_pool(PoolName="other")["UserPool"]["Id"]
    cognito_idp_client.create_user_pool_domain(UserPoolId=other_pool, Domain="other-test")
    other_client = create_login_client(cognito_idp_client, other_pool, "other")["ClientId"]
    other_domain = f"{login_pool.server.endpoint_url}/domains/other-test"

    response = browser.http.get(
        f"{other_domain}/oauth2/authorize",
        params=login_pool.authorize_query(client_id=other_client),
        headers={"Cookie": f"cognito={browser.session_cookie}"},  # even if it were sent
    )

    assert response.headers["location"].startswith("/domains/other-test/login?")


def test_an_unknown_session_cookie_is_no_session(login_pool: LoginPool) -> None:
    response = login_pool.browser().http.get(
        f"{login_pool.domain_url}/oauth2/authorize",
        params=login_pool.authorize_query(),
        headers={"Cookie": "cognito=forged"},
    )

    assert goes_to_login(login_pool, response)


def test_the_emulators_reset_forgets_every_session(
    login_pool: LoginPool, signed_in: tuple[Browser, httpx.Response]
) -> None:
    login_pool.server.reset()

    assert login_pool.sessions() == 0


def test_sessions_are_bounded_oldest_first() -> None:
    sessions = LoginSessions(Clock(), max_sessions=2)
    first = sessions.start("pool", "a")
    second = sessions.start("pool", "b")

    third = sessions.start("pool", "c")

    assert len(sessions) == 2
    assert sessions.find(first, "pool") is None
    kept = [sessions.find(session_id, "pool") for session_id in (second, third)]
    assert [session.username if session else None for session in kept] == ["b", "c"]


def test_expired_sessions_are_dropped_when_a_new_one_starts() -> None:
    clock = Clock()
    sessions = LoginSessions(clock)
    sessions.start("pool", "a")
    clock.advance(SESSION_LIFETIME_SECONDS)

    sessions.start("pool", "b")

    assert len(sessions) == 1


# -- /logout ------------------------------------------------------------------------------------


def test_logout_with_a_registered_logout_uri_ends_the_session_and_goes_there(
    login_pool: LoginPool, signed_in: tuple[Browser, httpx.Response]
) -> None:
    browser, _ = signed_in
    session_id = browser.session_cookie

    answer = browser.get("/logout", {"client_id": login_pool.client_id, "logout_uri": SIGNED_OUT})

    assert answer.status_code == 302
    assert answer.headers["location"] == SIGNED_OUT
    cleared = answer.headers["set-cookie"]
    assert cleared.startswith('cognito=""; expires=')
    assert cleared.endswith("; HttpOnly; Max-Age=0; Path=/domains/login-test; SameSite=lax")
    assert browser.session_cookie is None
    assert login_pool.sessions() == 0
    assert goes_to_login(login_pool, authorize(login_pool, browser))
    replayed = browser.http.get(
        f"{login_pool.domain_url}/oauth2/authorize",
        params=login_pool.authorize_query(),
        headers={"Cookie": f"cognito={session_id}"},
    )
    assert goes_to_login(login_pool, replayed)  # the old cookie is dead on the server too


def test_logout_uri_wins_over_every_other_parameter(
    login_pool: LoginPool, signed_in: tuple[Browser, httpx.Response]
) -> None:
    # "Amazon Cognito redirects user sessions to the URL in the value of logout_uri, ignoring
    # all other request parameters" (logout-endpoint.md).
    browser, _ = signed_in

    answer = browser.get(
        "/logout",
        {
            **login_pool.authorize_query(redirect_uri="https://evil.example/"),
            "logout_uri": SIGNED_OUT,
        },
    )

    assert answer.headers["location"] == SIGNED_OUT


def test_logout_then_sign_in_again_with_redirect_uri(
    login_pool: LoginPool, signed_in: tuple[Browser, httpx.Response]
) -> None:
    browser, _ = signed_in
    query = login_pool.authorize_query(scope="openid email")

    answer = browser.get("/logout", query)

    assert answer.status_code == 302
    assert answer.headers["location"] == page_path("login", query)
    assert login_pool.sessions() == 0
    page = browser.follow(answer)
    assert page.status_code == 200
    assert '<input id="password" name="password" type="password"' in page.text


@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        (
            {"logout_uri": "https://evil.example/"},
            "logout_uri 'https://evil.example/' is not one of the sign-out URLs (LogoutURLs) of "
            "app client {client}; register it on the client or send one that is.",
        ),
        (
            {"redirect_uri": "https://evil.example/", "response_type": "code"},
            "redirect_uri 'https://evil.example/' is not one of the callback URLs (CallbackURLs) "
            "of app client {client} (redirect_mismatch): Cognito never redirects to an "
            "unregistered URL.",
        ),
        (
            {},
            "/logout needs either logout_uri (one of the app client's LogoutURLs) to sign out and "
            "go there, or redirect_uri with response_type (and scope, state) to sign out and sign "
            "in again.",
        ),
    ],
)
def test_a_logout_cognito_cannot_redirect_is_an_error_page_and_keeps_the_session(
    login_pool: LoginPool,
    signed_in: tuple[Browser, httpx.Response],
    parameters: dict[str, str],
    message: str,
) -> None:
    browser, _ = signed_in

    answer = browser.get("/logout", {"client_id": login_pool.client_id, **parameters})

    assert answer.status_code == 400
    assert alert(answer.text) == message.format(client=login_pool.client_id)
    assert "set-cookie" not in answer.headers
    assert login_pool.sessions() == 1


@pytest.mark.parametrize(
    ("client_id", "message"),
    [
        (None, "The client_id parameter is missing"),
        ("nope", "This user pool has no app client 'nope'."),
    ],
)
def test_logout_needs_a_client_of_the_pool(
    login_pool: LoginPool, client_id: str | None, message: str
) -> None:
    parameters = {"logout_uri": SIGNED_OUT}
    if client_id is not None:
        parameters["client_id"] = client_id

    answer = login_pool.browser().get("/logout", parameters)

    assert answer.status_code == 400
    assert alert(answer.text) == message


def test_logout_on_an_unknown_domain_is_not_found(login_pool: LoginPool) -> None:
    answer = login_pool.browser().http.get(
        f"{login_pool.server.endpoint_url}/domains/nowhere/logout",
        params={"client_id": login_pool.client_id, "logout_uri": SIGNED_OUT},
    )

    assert answer.status_code == 404
    assert alert(answer.text) == "No user pool has the domain 'nowhere'."
