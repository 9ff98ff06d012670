"""Web sign-in: /auth/login → the pool's real login page (the emulator's, over HTTP) →
/auth/callback → the user's tokens and row; /auth/logout; and every refusal, exact.

The token endpoint's failures that the emulator cannot produce (5xx, throttling, garbage) are
checked on `WebSignIn` itself with an httpx MockTransport: no network."""

import base64
import hashlib
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import jwt
import pytest
from fastapi.testclient import TestClient
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
from pydantic import SecretStr
from sqlmodel import Session, select

from app.api.sign_in import NONCE_MISMATCH
from app.core.config import Settings
from app.core.web_sign_in import (
    CODE_REFUSED,
    COOKIE_NAME,
    REDIRECT_MISMATCH,
    SCOPES,
    WebSignIn,
    WebSignInError,
)
from app.main import create_app
from app.models import User
from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.login_page_client import LoginPageClient, LoginPageError
from cognito_emulator.pytest_plugin import CognitoUser
from devstack.ports import free_port
from tests.app.service_harness import (
    CALLBACK_URL,
    DOCS_REDIRECT_URL,
    SERVICE_URL,
    Flows,
    bearer,
    make_settings,
    query_of,
    start_web_sign_in,
    through_login_page,
    web_sign_in,
)

START_AGAIN = f"start again at {SERVICE_URL}/auth/login"
NO_COOKIE = (
    "No sign-in in progress in this browser (its cookie is missing): start at "
    f"{SERVICE_URL}/auth/login"
)
STATE_MISMATCH = (
    "The state is not this browser's sign-in (a stale, replayed or forged callback): " + START_AGAIN
)
BAD_COOKIE = f"The sign-in cookie is not valid (altered, or from another key): {START_AGAIN}"
CLEARED_COOKIE = f'{COOKIE_NAME}=""'
UNKNOWN_LOGIN_PAGE_ERROR = "The login page sent the browser back with an error"
OFF = "Web sign-in is off: set"
UNAVAILABLE = "The identity provider is unavailable; retry later"
UNEXPECTED = "Unexpected answer from the identity provider's token endpoint"
BAD_CLIENT = "The identity provider refused this service's app client credentials (invalid_client)"
NO_ID_TOKEN = (
    "No ID token was issued: sign in with the openid scope (the service signs the user in from "
    "the ID token)"
)


def rows(client: TestClient) -> list[User]:
    with Session(client.app.state.services.get().engine) as session:  # type: ignore[attr-defined]
        return list(session.exec(select(User)).all())


def sign_in_cookie(client: TestClient) -> str:
    value = client.cookies.get(COOKIE_NAME)
    assert value is not None
    return value


def unverified(token: str) -> dict[str, Any]:
    claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return claims


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


# ---- /auth/login ---------------------------------------------------------------------------------


def test_login_sends_the_browser_to_the_pools_authorize_endpoint_with_pkce_state_and_nonce(
    flows: Flows,
) -> None:
    location = start_web_sign_in(flows)

    assert location.split("?")[0] == f"{flows.pool.domain_url}/oauth2/authorize"
    query = query_of(location)
    cookie = unverified(sign_in_cookie(flows.client))
    assert query == {
        "response_type": "code",
        "client_id": flows.pool.client_id,
        "redirect_uri": CALLBACK_URL,
        "scope": "openid email profile aws.cognito.signin.user.admin",
        "state": cookie["state"],
        "nonce": cookie["nonce"],
        "code_challenge": s256(cookie["code_verifier"]),
        "code_challenge_method": "S256",
    }
    # RFC 7636 §4.1: 43 to 128 characters; state and nonce of 256 random bits.
    assert len(cookie["code_verifier"]) == 64
    assert len(cookie["state"]) == len(cookie["nonce"]) == 43
    assert cookie["exp"] - cookie["iat"] == 600


def test_the_sign_in_cookie_is_http_only_lax_under_auth_and_lives_ten_minutes(
    flows: Flows,
) -> None:
    started = flows.client.get("/auth/login", follow_redirects=False)

    attributes = [part.strip() for part in started.headers["set-cookie"].split(";")]
    assert attributes[0].startswith(f"{COOKIE_NAME}=ey")
    assert sorted(attributes[1:]) == ["HttpOnly", "Max-Age=600", "Path=/auth", "SameSite=lax"]
    assert started.headers["cache-control"] == "no-store"


def test_behind_an_https_public_url_the_cookie_is_secure_and_under_its_path(
    cognito_pool: PoolConfig, database_url: str
) -> None:
    settings = make_settings(
        cognito_pool, database_url, SERVICE_PUBLIC_URL="https://api.example.com/kit"
    )
    with TestClient(create_app(settings)) as client:
        started = client.get("/auth/login", follow_redirects=False)

    attributes = [part.strip() for part in started.headers["set-cookie"].split(";")]
    assert "Secure" in attributes
    assert "Path=/kit/auth" in attributes
    assert query_of(started.headers["location"])["redirect_uri"] == (
        "https://api.example.com/kit/auth/callback"
    )


def test_each_login_starts_a_sign_in_of_its_own(flows: Flows) -> None:
    first, second = query_of(start_web_sign_in(flows)), query_of(start_web_sign_in(flows))

    for name in ("state", "nonce", "code_challenge"):
        assert first[name] != second[name]


# ---- the whole sign-in ---------------------------------------------------------------------------


def test_signing_in_on_the_login_page_creates_the_row_and_answers_tokens_for_the_api(
    flows: Flows, cognito_user: CognitoUser
) -> None:
    """A user who signed up straight with Cognito (no row yet), as a browser signs in."""
    assert rows(flows.client) == []
    authorize_url = start_web_sign_in(flows)
    nonce = query_of(authorize_url)["nonce"]
    returned = through_login_page(
        flows, authorize_url, cognito_user.username, cognito_user.password
    )

    answer = flows.client.get("/auth/callback", params=returned)

    assert answer.status_code == 200, answer.text
    tokens = answer.json()
    assert set(tokens) == {"access_token", "token_type", "expires_in", "refresh_token", "id_token"}
    assert (tokens["token_type"], tokens["expires_in"]) == ("bearer", 3600)
    assert answer.headers["cache-control"] == "no-store"
    access = unverified(tokens["access_token"])
    assert access["client_id"] == flows.pool.client_id
    assert set(access["scope"].split()) == set(SCOPES)
    assert unverified(tokens["id_token"])["nonce"] == nonce
    [row] = rows(flows.client)
    assert (row.sub, row.username, row.email) == (
        cognito_user.sub,
        cognito_user.username,
        cognito_user.email,
    )
    assert row.last_login_at is not None
    me = flows.client.get("/users/me", headers=bearer(tokens["access_token"]))
    assert me.status_code == 200
    assert me.json()["username"] == cognito_user.username


def test_the_web_sign_ins_tokens_sign_out_everywhere(flows: Flows) -> None:
    """aws.cognito.signin.user.admin is granted, so Cognito's GlobalSignOut takes the token."""
    user = flows.registered_user("alice")
    tokens = web_sign_in(flows, user.username).json()

    logout = flows.client.post("/users/logout", headers=bearer(tokens["access_token"]))
    assert logout.status_code == 204
    assert flows.client.get("/users/me", headers=bearer(tokens["access_token"])).status_code == 401


def test_a_sign_in_syncs_the_row_with_the_email_cognito_has_now(
    flows: Flows, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    user = flows.registered_user("alice")
    cognito_idp_client.admin_update_user_attributes(
        UserPoolId=flows.pool.user_pool_id,
        Username=user.username,
        UserAttributes=[{"Name": "email", "Value": "alice@example.org"}],
    )

    tokens = web_sign_in(flows, user.username).json()

    me = flows.client.get("/users/me", headers=bearer(tokens["access_token"])).json()
    assert me["email"] == "alice@example.org"


# ---- refusals ------------------------------------------------------------------------------------


def test_a_replayed_callback_is_refused(flows: Flows) -> None:
    """Cognito's authorization codes are single use (token-endpoint.md: invalid_grant for a
    code already redeemed); the browser's cookie is gone after the first callback anyway."""
    user = flows.registered_user("alice")
    returned = through_login_page(flows, start_web_sign_in(flows), user.username)
    cookie = sign_in_cookie(flows.client)
    assert flows.client.get("/auth/callback", params=returned).status_code == 200

    same_browser = flows.client.get("/auth/callback", params=returned)
    with_the_cookie_kept = flows.client.get(
        "/auth/callback", params=returned, headers={"Cookie": f"{COOKIE_NAME}={cookie}"}
    )

    assert (same_browser.status_code, same_browser.json()) == (400, {"detail": NO_COOKIE})
    assert (with_the_cookie_kept.status_code, with_the_cookie_kept.json()) == (
        400,
        {"detail": CODE_REFUSED},
    )


def test_a_callback_without_the_cookie_says_where_to_start_and_does_not_redirect(
    flows: Flows,
) -> None:
    """Another host than SERVICE_PUBLIC_URL's (127.0.0.1 for localhost) has no cookie: sending
    the browser there could loop through a proxy, so the answer names the address instead."""
    user = flows.registered_user("alice")
    returned = through_login_page(flows, start_web_sign_in(flows), user.username)

    another_browser = TestClient(flows.client.app)
    answer = another_browser.get("/auth/callback", params=returned, follow_redirects=False)

    assert (answer.status_code, answer.json()) == (400, {"detail": NO_COOKIE})
    assert "location" not in answer.headers


def test_a_state_other_than_the_cookies_is_refused(flows: Flows) -> None:
    user = flows.registered_user("alice")
    returned = through_login_page(flows, start_web_sign_in(flows), user.username)

    answer = flows.client.get("/auth/callback", params=returned | {"state": "forged"})

    assert (answer.status_code, answer.json()) == (400, {"detail": STATE_MISMATCH})


def _altered_signature(cookie: str) -> str:
    return cookie[:-2] + ("A" if cookie[-2] != "A" else "B") + cookie[-1]


def _altered_claims(cookie: str) -> str:
    header, _, signature = cookie.split(".")
    return f"{header}.e30.{signature}"


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda claims, _: jwt.encode(claims, b"k" * 32, "HS256"), id="another-key"),
        pytest.param(lambda claims, _: jwt.encode(claims, None, "none"), id="alg-none"),
        pytest.param(lambda _, cookie: _altered_signature(cookie), id="altered-signature"),
        pytest.param(lambda _, cookie: _altered_claims(cookie), id="altered-claims"),
        pytest.param(lambda *_: "not-a-jwt", id="garbage"),
    ],
)
def test_a_cookie_not_signed_by_the_service_is_refused(
    flows: Flows, forge: Callable[[dict[str, Any], str], str]
) -> None:
    authorize_url = start_web_sign_in(flows)
    cookie = sign_in_cookie(flows.client)
    forged = forge(unverified(cookie), cookie)
    flows.client.cookies.clear()

    answer = flows.client.get(
        "/auth/callback",
        params={"code": "some-code", "state": query_of(authorize_url)["state"]},
        headers={"Cookie": f"{COOKIE_NAME}={forged}"},
    )

    assert (answer.status_code, answer.json()) == (400, {"detail": BAD_COOKIE})


def test_the_cookies_key_comes_from_the_client_secret(
    flows: Flows, cognito_pool: PoolConfig, database_url: str
) -> None:
    """A service with another app client secret (rotated) cannot read the cookie."""
    authorize_url = start_web_sign_in(flows)
    cookie = sign_in_cookie(flows.client)
    rotated = make_settings(cognito_pool, database_url, AWS_COGNITO_APP_CLIENT_SECRET="rotated")

    with TestClient(create_app(rotated)) as client:
        answer = client.get(
            "/auth/callback",
            params={"code": "some-code", "state": query_of(authorize_url)["state"]},
            headers={"Cookie": f"{COOKIE_NAME}={cookie}"},
        )

    assert (answer.status_code, answer.json()) == (400, {"detail": BAD_COOKIE})


def test_an_error_from_the_login_page_is_named(flows: Flows) -> None:
    """The login page sends the browser back with an OAuth error (authorization-endpoint.md,
    "Examples of negative responses"): here a scope the app client does not allow."""
    user = flows.registered_user("alice")
    authorize_url = start_web_sign_in(flows).replace("scope=openid", "scope=openid+bogus")
    returned = through_login_page(flows, authorize_url, user.username)
    assert returned["error"] == "invalid_scope"

    answer = flows.client.get("/auth/callback", params=returned)

    assert answer.status_code == 400
    assert answer.json() == {
        "detail": "The login page sent the browser back with invalid_scope: "
        + returned["error_description"]
    }


@pytest.mark.parametrize(
    ("error", "description", "detail"),
    [
        ("access_denied", None, "The login page sent the browser back with access_denied"),
        ("server_error", "", "The login page sent the browser back with server_error"),
        (
            "invalid_request",
            "line\r\nX-Injected: 1\x00\x7f\u0085 end",
            "The login page sent the browser back with invalid_request: lineX-Injected: 1 end",
        ),
        (
            "temporarily_unavailable",
            "é" * 500,
            "The login page sent the browser back with temporarily_unavailable: " + "é" * 199 + "…",
        ),
        ("<script>alert(1)</script>", "anything", UNKNOWN_LOGIN_PAGE_ERROR),
        ("", "", UNKNOWN_LOGIN_PAGE_ERROR),
    ],
)
def test_only_known_login_page_errors_are_repeated_and_their_words_are_cleaned(
    flows: Flows, error: str, description: str | None, detail: str
) -> None:
    params = {"error": error, "state": "whatever"}
    if description is not None:
        params["error_description"] = description

    answer = flows.client.get("/auth/callback", params=params)

    assert (answer.status_code, answer.json()) == (400, {"detail": detail})


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        ({}, "The callback has no authorization code"),
        ({"code": ""}, "The callback has no authorization code"),
        ({"code": "é"}, "The code is not an authorization code"),
        ({"code": "a\nb"}, "The code is not an authorization code"),
        ({"code": "c" * 10_000}, "The code is not an authorization code"),
        ({"code": "c", "state": ""}, STATE_MISMATCH),
        ({"code": "c", "state": "é" * 5000}, STATE_MISMATCH),
    ],
)
def test_bad_callback_input_is_a_400(flows: Flows, query: dict[str, str], detail: str) -> None:
    state = query_of(start_web_sign_in(flows))["state"]

    answer = flows.client.get("/auth/callback", params={"state": state} | query)

    assert (answer.status_code, answer.json()) == (400, {"detail": detail})


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        ("code=%FF%FE&state=STATE", "The code is not an authorization code"),
        ("code=c&state=%ED%A0%80", STATE_MISMATCH),
        ("error=%FF&state=STATE", UNKNOWN_LOGIN_PAGE_ERROR),
        ("code=c&state=STATE&state", "state is given more than once"),
    ],
)
def test_a_query_that_is_not_utf_8_is_a_400(flows: Flows, query: str, detail: str) -> None:
    state = query_of(start_web_sign_in(flows))["state"]

    answer = flows.client.get(f"/auth/callback?{query.replace('STATE', state)}")

    assert (answer.status_code, answer.json()) == (400, {"detail": detail})


@pytest.mark.parametrize("name", ["code", "state", "error", "error_description"])
def test_a_repeated_callback_parameter_is_refused(flows: Flows, name: str) -> None:
    """RFC 6749 §3.1: parameters must not be included more than once."""
    state = query_of(start_web_sign_in(flows))["state"]
    query = [("code", "c"), ("state", state), (name, "one"), (name, "two")]

    answer = flows.client.get("/auth/callback", params=query)

    assert (answer.status_code, answer.json()) == (
        400,
        {"detail": f"{name} is given more than once"},
    )


def test_a_code_signed_in_with_another_nonce_is_refused(flows: Flows) -> None:
    """A code got for this callback without PKCE (so the verifier cannot catch it) and with
    another nonce, injected into this browser's sign-in with its state: only the nonce tells."""
    user = flows.registered_user("alice")
    state = query_of(start_web_sign_in(flows))["state"]
    injected = flows.emulator.authorize_through_login_page(
        user.username,
        user.password,
        user_pool_id=flows.pool.user_pool_id,
        client_id=flows.pool.client_id,
        redirect_uri=CALLBACK_URL,
        state=state,
        nonce="the-attackers-nonce",
        pkce=False,
    )

    answer = flows.client.get("/auth/callback", params={"code": injected.code, "state": state})

    assert (answer.status_code, answer.json()) == (400, {"detail": NONCE_MISMATCH})


def test_a_code_issued_for_another_redirect_uri_is_refused(flows: Flows) -> None:
    """token-endpoint.md: a redirect_uri other than the authorize request's is
    unauthorized_client with the description invalid_redirect."""
    user = flows.registered_user("alice")
    state = query_of(start_web_sign_in(flows))["state"]
    for_the_docs = flows.emulator.authorize_through_login_page(
        user.username,
        user.password,
        user_pool_id=flows.pool.user_pool_id,
        client_id=flows.pool.client_id,
        redirect_uri=DOCS_REDIRECT_URL,
        state=state,
    )

    answer = flows.client.get("/auth/callback", params={"code": for_the_docs.code, "state": state})

    assert (answer.status_code, answer.json()) == (400, {"detail": REDIRECT_MISMATCH})


def test_a_code_issued_with_another_pkce_challenge_is_refused(flows: Flows) -> None:
    user = flows.registered_user("alice")
    state = query_of(start_web_sign_in(flows))["state"]
    someone_elses = flows.emulator.authorize_through_login_page(
        user.username,
        user.password,
        user_pool_id=flows.pool.user_pool_id,
        client_id=flows.pool.client_id,
        redirect_uri=CALLBACK_URL,
        state=state,
    )

    answer = flows.client.get("/auth/callback", params={"code": someone_elses.code, "state": state})

    assert (answer.status_code, answer.json()) == (400, {"detail": CODE_REFUSED})


def test_an_unreachable_token_endpoint_is_503_with_retry_after(
    cognito_pool: PoolConfig, database_url: str
) -> None:
    settings = make_settings(
        cognito_pool,
        database_url,
        AWS_COGNITO_DOMAIN=f"http://127.0.0.1:{free_port()}/domains/kit",
        COGNITO_CONNECT_TIMEOUT_SECONDS=0.5,
    )
    with TestClient(create_app(settings)) as client:
        state = query_of(client.get("/auth/login", follow_redirects=False).headers["location"])
        answer = client.get("/auth/callback", params={"code": "c", "state": state["state"]})

    assert (answer.status_code, answer.json()) == (
        503,
        {"detail": UNAVAILABLE},
    )
    assert answer.headers["retry-after"] == "5"
    assert answer.headers["set-cookie"].startswith(CLEARED_COOKIE)


@pytest.mark.parametrize(
    "outcome",
    ["signed in", "no cookie", "wrong state", "login page error", "spent code"],
)
def test_every_callback_answer_clears_the_cookie(flows: Flows, outcome: str) -> None:
    user = flows.registered_user("alice")
    returned = through_login_page(flows, start_web_sign_in(flows), user.username)
    headers = {}
    if outcome == "no cookie":
        flows.client.cookies.clear()
    elif outcome == "wrong state":
        returned["state"] = "other"
    elif outcome == "login page error":
        returned = {"error": "access_denied", "state": returned["state"]}
    elif outcome == "spent code":
        headers["Cookie"] = f"{COOKIE_NAME}={sign_in_cookie(flows.client)}"
        flows.client.get("/auth/callback", params=returned)

    answer = flows.client.get("/auth/callback", params=returned, headers=headers)

    assert (answer.status_code == 200) == (outcome == "signed in")
    attributes = [part.strip() for part in answer.headers["set-cookie"].split(";")]
    assert attributes[0] == CLEARED_COOKIE
    assert {"Max-Age=0", "Path=/auth", "HttpOnly", "SameSite=lax"} <= set(attributes)
    assert flows.client.cookies.get(COOKIE_NAME) is None


# ---- /auth/logout --------------------------------------------------------------------------------


def test_logout_goes_through_the_pools_logout_back_to_the_service(flows: Flows) -> None:
    """The pool's session ends: the same browser is asked for its password again."""
    assert flows.pool.domain_url is not None
    user = flows.registered_user("alice")
    browser = LoginPageClient(flows.pool.domain_url)
    browser.follow_sign_in(start_web_sign_in(flows), CALLBACK_URL, user.username, user.password)
    # Signed in on the pool: the login page lets the browser through without the password.
    browser.follow_sign_in(start_web_sign_in(flows), CALLBACK_URL, user.username, "wrong")

    answer = flows.client.get("/auth/logout", follow_redirects=False)

    assert answer.status_code == 302
    location = answer.headers["location"]
    assert location.split("?")[0] == f"{flows.pool.domain_url}/logout"
    assert query_of(location) == {
        "client_id": flows.pool.client_id,
        "logout_uri": f"{SERVICE_URL}/",
    }
    assert browser.follow_sign_in(location, f"{SERVICE_URL}/", "", "") == f"{SERVICE_URL}/"
    with pytest.raises(LoginPageError, match="the sign-in was refused"):
        browser.follow_sign_in(start_web_sign_in(flows), CALLBACK_URL, user.username, "wrong")


# ---- not configured ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unset", "detail"),
    [
        ({"AWS_COGNITO_DOMAIN": None}, f"{OFF} AWS_COGNITO_DOMAIN"),
        (
            {"AWS_COGNITO_DOMAIN": None, "AWS_COGNITO_APP_CLIENT_SECRET": None},
            f"{OFF} AWS_COGNITO_DOMAIN and AWS_COGNITO_APP_CLIENT_SECRET",
        ),
        ({"AWS_COGNITO_APP_CLIENT_SECRET": None}, f"{OFF} AWS_COGNITO_APP_CLIENT_SECRET"),
        ({"AWS_COGNITO_APP_CLIENT_SECRET": ""}, f"{OFF} AWS_COGNITO_APP_CLIENT_SECRET"),
    ],
)
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/auth/login"),
        ("GET", "/auth/callback"),
        ("GET", "/auth/logout"),
        ("POST", "/auth/token"),
    ],
)
def test_without_its_settings_web_sign_in_is_404_naming_them(
    cognito_pool: PoolConfig,
    database_url: str,
    unset: dict[str, str | None],
    detail: str,
    method: str,
    path: str,
) -> None:
    settings = make_settings(cognito_pool, database_url, **unset)
    with TestClient(create_app(settings)) as client:
        answer = client.request(method, path, follow_redirects=False)

    assert (answer.status_code, answer.json()) == (404, {"detail": detail})


# ---- the token endpoint, on WebSignIn itself -----------------------------------------------------

SECRET = "the-app-client-secret-0123456789"
DOMAIN = "http://127.0.0.1:9/domains/kit"


def web_sign_in_answering(
    answer: Callable[[httpx.Request], httpx.Response], clock: Callable[[], float] | None = None
) -> WebSignIn:
    return WebSignIn(
        domain_url=DOMAIN,
        client_id="client-1",
        client_secret=SecretStr(SECRET),
        public_url=SERVICE_URL,
        http_client=httpx.Client(transport=httpx.MockTransport(answer)),
        **({"clock": clock} if clock else {}),
    )


TOKENS = {
    "access_token": "a",
    "id_token": "i",
    "refresh_token": "r",
    "expires_in": 3600,
    "token_type": "Bearer",
}


def test_the_code_is_redeemed_as_a_confidential_client_with_the_verifier() -> None:
    """token-endpoint.md: a client with a secret authorizes with HTTP Basic client_id:secret."""
    sent: list[httpx.Request] = []

    def token_endpoint(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json=TOKENS)

    tokens = web_sign_in_answering(token_endpoint).redeem(
        "the-code", redirect_uri=CALLBACK_URL, code_verifier="v" * 43
    )

    assert (tokens.access_token, tokens.id_token, tokens.refresh_token, tokens.expires_in) == (
        "a",
        "i",
        "r",
        3600,
    )
    [request] = sent
    assert (request.method, str(request.url)) == ("POST", f"{DOMAIN}/oauth2/token")
    credentials = base64.b64encode(f"client-1:{SECRET}".encode()).decode()
    assert request.headers["authorization"] == f"Basic {credentials}"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert dict(parse_qsl(request.content.decode())) == {
        "grant_type": "authorization_code",
        "client_id": "client-1",
        "code": "the-code",
        "redirect_uri": CALLBACK_URL,
        "code_verifier": "v" * 43,
    }


def _raise(error: Exception) -> Callable[[httpx.Request], httpx.Response]:
    def answer(_request: httpx.Request) -> httpx.Response:
        raise error

    return answer


def answering(status: int, **content: Any) -> Callable[[httpx.Request], httpx.Response]:
    return lambda _request: httpx.Response(status, **content)


WITHOUT_ID_TOKEN = {name: value for name, value in TOKENS.items() if name != "id_token"}
REDIRECT = {"error": "unauthorized_client", "error_description": "invalid_redirect"}


@pytest.mark.parametrize(
    ("answer", "status", "detail", "retry_after"),
    [
        (answering(400, json={"error": "invalid_grant"}), 400, CODE_REFUSED, None),
        (answering(400, json=REDIRECT), 400, REDIRECT_MISMATCH, None),
        (answering(400, json={"error": "invalid_client"}), 502, BAD_CLIENT, None),
        (answering(401, json={"error": "invalid_client"}), 502, BAD_CLIENT, None),
        (answering(400, json={"error": "unauthorized_client"}), 502, UNEXPECTED, None),
        (answering(400, json={"error": "x", "error_description": SECRET}), 502, UNEXPECTED, None),
        (answering(400, json={"error": ["not", "a", "code"]}), 502, UNEXPECTED, None),
        (answering(200, text="<html>sign in</html>"), 502, UNEXPECTED, None),
        (answering(200, json=["a list"]), 502, UNEXPECTED, None),
        (answering(200, json={**TOKENS, "access_token": None}), 502, UNEXPECTED, None),
        (answering(200, json={**TOKENS, "expires_in": "3600"}), 502, UNEXPECTED, None),
        (answering(302, headers={"Location": "http://elsewhere/"}), 502, UNEXPECTED, None),
        (answering(200, json=WITHOUT_ID_TOKEN), 400, NO_ID_TOKEN, None),
        (answering(500, text="oops"), 503, UNAVAILABLE, 5),
        (answering(503, json={"error": "x"}), 503, UNAVAILABLE, 5),
        (answering(429, text="Rate exceeded"), 429, "Too many requests; retry later", 1),
        (_raise(httpx.ConnectError("refused")), 503, UNAVAILABLE, 5),
        (_raise(httpx.ReadTimeout("slow")), 503, UNAVAILABLE, 5),
        (_raise(httpx.DecodingError("bad gzip")), 502, UNEXPECTED, None),
    ],
)
def test_token_endpoint_answers_become_the_callers_answer_without_the_secret(
    answer: Callable[[httpx.Request], httpx.Response],
    status: int,
    detail: str,
    retry_after: int | None,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    web = web_sign_in_answering(answer)

    with pytest.raises(WebSignInError) as refused:
        web.redeem("the-code", redirect_uri=CALLBACK_URL, code_verifier="v" * 43)

    assert (refused.value.answer.status, refused.value.answer.detail) == (status, detail)
    assert refused.value.answer.retry_after_seconds == retry_after
    assert SECRET not in caplog.text
    assert base64.b64encode(f"client-1:{SECRET}".encode()).decode() not in caplog.text


def test_a_sign_in_is_refused_after_ten_minutes_to_the_second() -> None:
    now = [1_000_000.0]
    web = web_sign_in_answering(lambda _: httpx.Response(200, json=TOKENS), clock=lambda: now[0])
    start = web.start()
    state = query_of(start.authorize_url)["state"]

    def come_back() -> Any:
        return web.returned(start.cookie, code="c", state=state, error=None, error_description=None)

    now[0] += 600
    pending, code = come_back()
    assert (pending.state, code) == (state, "c")
    now[0] += 1
    with pytest.raises(WebSignInError) as refused:
        come_back()
    assert refused.value.answer.detail == (
        "The sign-in took longer than 10 minutes: start again at http://localhost:8000/auth/login"
    )


def test_the_authorize_url_and_cookie_carry_the_same_sign_in() -> None:
    web = web_sign_in_answering(lambda _: httpx.Response(200, json=TOKENS))
    start = web.start()
    query = query_of(start.authorize_url)

    pending, _ = web.returned(
        start.cookie, code="c", state=query["state"], error=None, error_description=None
    )

    assert (pending.state, pending.nonce) == (query["state"], query["nonce"])
    assert s256(pending.code_verifier) == query["code_challenge"]
    assert urlsplit(start.authorize_url).path == "/domains/kit/oauth2/authorize"


def test_settings_without_a_domain_or_secret_make_no_web_sign_in(settings: Settings) -> None:
    assert WebSignIn.from_settings(settings) is not None
    for unset in ("AWS_COGNITO_DOMAIN", "AWS_COGNITO_APP_CLIENT_SECRET"):
        assert WebSignIn.from_settings(settings.model_copy(update={unset: None})) is None


@pytest.mark.parametrize(
    ("answer", "logged"),
    [
        (answering(502, text="bad gateway"), ("WARNING", "Token endpoint failed: HTTP 502")),
        (answering(400, text="<html>"), ("ERROR", "Token endpoint answered HTTP 400, not JSON")),
        (
            answering(400, json={"error": "invalid_client"}),
            ("ERROR", "Token endpoint refused the service's request: HTTP 400 'invalid_client'"),
        ),
        (
            answering(400, json={"error": 7}),
            ("ERROR", "Token endpoint refused the service's request: HTTP 400 None"),
        ),
    ],
)
def test_what_the_token_endpoint_did_wrong_is_logged_for_the_operator(
    answer: Callable[[httpx.Request], httpx.Response],
    logged: tuple[str, str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The caller gets 502/503 without details; the log names the status and the OAuth error
    (a string only: whatever else the answer holds is not repeated)."""
    caplog.set_level(logging.DEBUG, logger="app.core.web_sign_in")

    with pytest.raises(WebSignInError):
        web_sign_in_answering(answer).redeem(
            "the-code", redirect_uri=CALLBACK_URL, code_verifier="v" * 43
        )

    assert [(record.levelname, record.getMessage()) for record in caplog.records] == [logged]


def test_a_sign_in_started_by_a_replica_whose_clock_is_ahead_is_finished() -> None:
    """The cookie's `iat` is not checked: another replica's clock may run ahead of this one."""
    ahead = web_sign_in_answering(lambda _: httpx.Response(200, json=TOKENS), clock=lambda: 2e6)
    here = web_sign_in_answering(lambda _: httpx.Response(200, json=TOKENS), clock=lambda: 2e6 - 60)
    start = ahead.start()
    state = query_of(start.authorize_url)["state"]

    pending, code = here.returned(
        start.cookie, code="c", state=state, error=None, error_description=None
    )

    assert (pending.state, code) == (state, "c")
