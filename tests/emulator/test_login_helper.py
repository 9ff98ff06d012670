"""The login helper: signing in through a login form over HTTP, as a browser would, without one.

First against a stand-in login page (pytest-httpserver), where every request the helper sends can
be checked; then against the emulator's own managed login pages, end to end.
"""

from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.html_forms import HtmlForm, page_message, parse_forms
from cognito_emulator.login_page_client import (
    AuthorizationError,
    LoginPageClient,
    LoginPageError,
    TokenEndpointError,
    code_challenge,
    is_loopback,
)
from cognito_emulator.pool_definition import CALLBACK_URLS
from cognito_emulator.pytest_plugin import CognitoLoginPage, CognitoUser
from cognito_emulator.server import EmulatorServer
from tests.emulator.oauth_harness import create_login_client

pytest_plugins = ["pytester"]

CALLBACK = "http://localhost:8000/auth/callback"

LOGIN_PAGE_TEMPLATE = """<!doctype html>
<html><head><title>Sign in</title><style>.error {{ color: red }}</style></head>
<body>
  <form method="get" action="/search"><input name="q"></form>
  <form method="post" action="/login?{query}" class="sign-in">
    <input type="hidden" name="_csrf" value="token-1&amp;2">
    <input type="hidden" name="disabled_one" value="no" disabled>
    <label>Username <input name="username" type="text"></label>
    <label>Password <input name="password" type="password"></label>
    <input type="checkbox" name="remember">
    <input type="checkbox" name="terms" value="yes" checked>
    <input name="signInSubmitButton" type="submit" value="Sign in">
    <button name="other" value="never">Other</button>
  </form>
</body></html>"""
LOGIN_PAGE = LOGIN_PAGE_TEMPLATE.format(query="client_id=app&amp;redirect_uri=x")


# -- reading pages ------------------------------------------------------------------------------


def test_every_form_is_read_with_what_a_browser_would_send_untouched() -> None:
    search, sign_in = parse_forms(LOGIN_PAGE)

    assert search == HtmlForm(
        action="/search", method="GET", fields=(("q", ""),), input_types={"q": "text"}
    )
    assert sign_in.action == "/login?client_id=app&redirect_uri=x"
    assert sign_in.method == "POST"
    assert sign_in.fields == (
        ("_csrf", "token-1&2"),
        ("username", ""),
        ("password", ""),
        ("terms", "yes"),
    )
    assert sign_in.input_types == {
        "_csrf": "hidden",
        "username": "text",
        "password": "password",
        "remember": "checkbox",
        "terms": "checkbox",
    }
    assert sign_in.submit_button == ("signInSubmitButton", "Sign in")


def test_a_submission_fills_in_the_typed_values_and_presses_the_first_submit_button() -> None:
    sign_in = parse_forms(LOGIN_PAGE)[1]

    assert sign_in.submission({"username": "alice", "password": "pw", "remember": "on"}) == [
        ("_csrf", "token-1&2"),
        ("username", "alice"),
        ("password", "pw"),
        ("terms", "yes"),
        ("remember", "on"),
        ("signInSubmitButton", "Sign in"),
    ]


def test_a_value_for_a_field_the_form_lacks_is_an_error_not_a_silent_extra() -> None:
    with pytest.raises(KeyError, match="the form has no field named email, user"):
        parse_forms(LOGIN_PAGE)[1].submission({"user": "alice", "email": "a@example.com"})


def test_a_form_left_open_ends_with_the_page() -> None:
    (form,) = parse_forms('<form action="/x"><input type="hidden" name="a" value="1">')
    assert (form.action, form.method, form.fields) == ("/x", "GET", (("a", "1"),))


def test_the_page_message_is_its_alert_text() -> None:
    page = """<html><head><title>Sign in</title><script>var error = "not shown";</script></head>
    <body><h1>Sign in</h1>
    <p class="form-error" role="alert">Incorrect username
        or password.</p>
    <div class="error">Try &lt;again&gt;</div><p>Other text</p>
    <p role="status">Code sent.</p></body></html>"""
    assert page_message(page) == "Incorrect username or password. Try <again> Code sent."


def test_without_alerts_the_page_message_is_its_visible_text_else_its_title() -> None:
    assert page_message("<title>T</title><body><h1>Not found</h1><p>No such page</p>") == (
        "Not found No such page"
    )
    assert page_message("<html><head><title>Only a title</title></head><body></body>") == (
        "Only a title"
    )
    assert page_message("") == ""


# -- PKCE and where the helper may go -----------------------------------------------------------


def test_the_code_challenge_is_rfc_7636s_s256() -> None:
    # RFC 7636, Appendix B: the worked example of S256.
    assert code_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == (
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    )


def test_only_loopback_addresses_count_as_this_machine() -> None:
    assert [
        is_loopback(url)
        for url in (
            "http://127.0.0.1:9229/x",
            "http://127.8.0.1/",
            "http://[::1]:80/",
            "http://localhost:8000/cb",
            "http://example.com/",
            "http://10.0.0.1/",
            "not a url",
        )
    ] == [True, True, True, True, False, False, False]


def test_the_helper_refuses_a_domain_url_off_this_machine() -> None:
    with pytest.raises(ValueError) as refused:
        LoginPageClient("http://example.com/domains/my-app")
    assert str(refused.value) == (
        "the login helper only sends HTTP to this machine, not 'http://example.com/domains/my-app'"
    )


# -- the flow, against a stand-in login page ----------------------------------------------------


def serve_login_pages(httpserver: HTTPServer, *, accept_password: str = "right") -> list[Request]:
    """authorize → 302 /login → the form, posting back to /login with the authorize request's
    parameters, and a CSRF cookie → POST → 302 to the callback with a code and the state."""
    posts: list[Request] = []

    def authorize(request: Request) -> Response:
        return Response(status=302, headers={"Location": f"/login?{request.query_string.decode()}"})

    def login_page(request: Request) -> Response:
        page = LOGIN_PAGE_TEMPLATE.format(query=escape(request.query_string.decode()))
        response = Response(page, content_type="text/html; charset=utf-8")
        response.set_cookie("XSRF-TOKEN", "token-1&2", path="/", httponly=True)
        return response

    def login_post(request: Request) -> Response:
        posts.append(request)
        if request.form.get("password") != accept_password:
            page = '<p role="alert">Incorrect username or password.</p>' + LOGIN_PAGE
            return Response(page, content_type="text/html")
        query = parse_qs(urlsplit(request.url).query)
        state = query.get("state", [""])[0]
        return Response(status=302, headers={"Location": f"{CALLBACK}?code=c-1&state={state}"})

    httpserver.expect_request("/oauth2/authorize").respond_with_handler(authorize)
    httpserver.expect_request("/login", method="GET").respond_with_handler(login_page)
    httpserver.expect_request("/login", method="POST").respond_with_handler(login_post)
    return posts


def test_the_form_is_posted_with_its_hidden_fields_and_cookies_and_the_code_read(
    httpserver: HTTPServer,
) -> None:
    posts = serve_login_pages(httpserver)
    client = LoginPageClient(httpserver.url_for("/"))

    authorization = client.authorize(
        client_id="app", redirect_uri=CALLBACK, username="alice", password="right", state="s-1"
    )

    assert (authorization.code, authorization.state) == ("c-1", "s-1")
    assert authorization.callback_url == f"{CALLBACK}?code=c-1&state=s-1"
    (post,) = posts
    assert list(post.form.items(multi=True)) == [
        ("_csrf", "token-1&2"),
        ("username", "alice"),
        ("password", "right"),
        ("terms", "yes"),
        ("signInSubmitButton", "Sign in"),
    ]
    assert post.cookies.get("XSRF-TOKEN") == "token-1&2"
    sent = parse_qs(urlsplit(post.url).query)  # the form's action, as the page wrote it
    assert (sent["client_id"], sent["redirect_uri"], sent["state"]) == (
        ["app"],
        [CALLBACK],
        ["s-1"],
    )


def test_the_authorize_request_carries_pkce_nonce_scopes_and_state(
    httpserver: HTTPServer,
) -> None:
    serve_login_pages(httpserver)
    client = LoginPageClient(httpserver.url_for("/"))

    authorization = client.authorize(
        client_id="app",
        redirect_uri=CALLBACK,
        username="alice",
        password="right",
        scopes=["openid", "email"],
        nonce="n-1",
        state="s-1",
    )

    (authorize, _) = httpserver.log[0]
    assert authorize.path == "/oauth2/authorize"
    assert authorization.code_verifier is not None
    assert dict(authorize.args) == {
        "response_type": "code",
        "client_id": "app",
        "redirect_uri": CALLBACK,
        "state": "s-1",
        "scope": "openid email",
        "nonce": "n-1",
        "code_challenge": code_challenge(authorization.code_verifier),
        "code_challenge_method": "S256",
    }


def test_without_pkce_or_scopes_the_request_names_neither(httpserver: HTTPServer) -> None:
    serve_login_pages(httpserver)
    client = LoginPageClient(httpserver.url_for("/"))

    authorization = client.authorize(
        client_id="app",
        redirect_uri=CALLBACK,
        username="alice",
        password="right",
        state="s-1",
        pkce=False,
    )

    (authorize, _) = httpserver.log[0]
    assert authorization.code_verifier is None
    assert sorted(authorize.args) == ["client_id", "redirect_uri", "response_type", "state"]


def test_a_refused_password_raises_with_what_the_page_said(httpserver: HTTPServer) -> None:
    serve_login_pages(httpserver)
    client = LoginPageClient(httpserver.url_for("/"))

    with pytest.raises(LoginPageError) as refused:
        client.authorize(client_id="app", redirect_uri=CALLBACK, username="a", password="wrong")

    assert refused.value.status == 200
    assert refused.value.page_says == "Incorrect username or password."
    assert str(refused.value).startswith(
        "the sign-in was refused: after the login form was posted, the pages answered without "
        "redirecting to the callback (HTTP 200 from http://localhost:"
    )
    assert str(refused.value).endswith('): "Incorrect username or password."')


def test_an_error_page_raises_with_its_status_and_message(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/oauth2/authorize").respond_with_data(
        "<h1>Error</h1><p>redirect_mismatch</p>", status=400, content_type="text/html"
    )
    client = LoginPageClient(httpserver.url_for("/"))

    with pytest.raises(LoginPageError) as error_page:
        client.authorize(client_id="app", redirect_uri=CALLBACK, username="a", password="b")

    assert (error_page.value.status, error_page.value.page_says) == (
        400,
        "Error redirect_mismatch",
    )


def test_a_page_without_a_login_form_is_reported(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/oauth2/authorize").respond_with_data(
        "<h1>Welcome</h1>", content_type="text/html"
    )
    client = LoginPageClient(httpserver.url_for("/"))

    with pytest.raises(LoginPageError) as no_form:
        client.authorize(client_id="app", redirect_uri=CALLBACK, username="a", password="b")

    assert str(no_form.value).startswith(
        "no login form (fields `username` and `password`) on the page (HTTP 200 from "
    )
    assert no_form.value.page_says == "Welcome"


def test_an_oauth_error_at_the_callback_is_raised_as_such(httpserver: HTTPServer) -> None:
    location = f"{CALLBACK}?error=invalid_scope&error_description=bad+scope&state=s-1"
    httpserver.expect_request("/oauth2/authorize").respond_with_data(
        "", status=302, headers={"Location": location}
    )
    client = LoginPageClient(httpserver.url_for("/"))

    with pytest.raises(AuthorizationError) as denied:
        client.authorize(
            client_id="app", redirect_uri=CALLBACK, username="a", password="b", state="s-1"
        )

    assert (denied.value.error, denied.value.description) == ("invalid_scope", "bad scope")
    assert denied.value.callback_url == location


def test_a_state_the_client_did_not_send_is_refused(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/oauth2/authorize").respond_with_data(
        "", status=302, headers={"Location": f"{CALLBACK}?code=c-1&state=forged"}
    )
    client = LoginPageClient(httpserver.url_for("/"))

    with pytest.raises(AuthorizationError) as mismatch:
        client.authorize(
            client_id="app", redirect_uri=CALLBACK, username="a", password="b", state="mine"
        )

    assert str(mismatch.value) == (
        "state_mismatch: sent state 'mine', the callback received 'forged'"
    )


def test_a_redirect_off_this_machine_is_not_followed(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/oauth2/authorize").respond_with_data(
        "", status=302, headers={"Location": "http://example.com/phish"}
    )
    client = LoginPageClient(httpserver.url_for("/"))

    with pytest.raises(LoginPageError) as off_machine:
        client.authorize(client_id="app", redirect_uri=CALLBACK, username="a", password="b")

    assert str(off_machine.value).startswith(
        f"redirected off this machine to 'http://example.com/phish', which is not the "
        f"redirect_uri '{CALLBACK}' (HTTP 302 from http://localhost:"
    )
    assert len(httpserver.log) == 1


def test_a_callback_with_a_longer_path_is_not_the_callback(httpserver: HTTPServer) -> None:
    # `/auth/callback-evil` starts with the redirect_uri's text but is another URL: followed
    # (it is on this machine) and not taken for the callback.
    httpserver.expect_request("/oauth2/authorize").respond_with_data(
        "", status=302, headers={"Location": httpserver.url_for("/auth/callback-evil?code=x")}
    )
    httpserver.expect_request("/auth/callback-evil").respond_with_data(
        "<p>elsewhere</p>", status=404, content_type="text/html"
    )
    client = LoginPageClient(httpserver.url_for("/"))

    with pytest.raises(LoginPageError) as not_callback:
        client.authorize(
            client_id="app",
            redirect_uri=httpserver.url_for("/auth/callback"),
            username="a",
            password="b",
        )

    assert (not_callback.value.status, not_callback.value.page_says) == (404, "elsewhere")


def test_token_endpoint_errors_carry_oauths_error(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/oauth2/token", method="POST").respond_with_json(
        {"error": "invalid_grant", "error_description": "code used"}, status=400
    )
    client = LoginPageClient(httpserver.url_for("/"))

    with pytest.raises(TokenEndpointError) as refused:
        client.token_request({"grant_type": "x"}, client_id="app", client_secret="s3cret")

    assert (refused.value.status, refused.value.error, refused.value.description) == (
        400,
        "invalid_grant",
        "code used",
    )
    (request, _) = httpserver.log[0]
    assert request.authorization is not None
    assert (request.authorization.username, request.authorization.password) == ("app", "s3cret")
    assert request.form.to_dict() == {"grant_type": "x"}


# -- end to end, through the emulator's managed login pages -------------------------------------


def claims_of(token: str) -> dict[str, Any]:
    decoded: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return decoded


def test_the_login_page_signs_the_user_in_with_cognitos_tokens(
    cognito_login_page: CognitoLoginPage,
    cognito_user: CognitoUser,
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
) -> None:
    tokens = cognito_login_page.sign_in(cognito_user.username, cognito_user.password, nonce="n-1")

    assert (tokens.token_type, tokens.expires_in) == ("Bearer", 3600)
    assert tokens.id_token is not None and tokens.refresh_token is not None
    id_claims = claims_of(tokens.id_token)
    assert (id_claims["token_use"], id_claims["aud"], id_claims["nonce"]) == (
        "id",
        cognito_pool.client_id,
        "n-1",
    )
    assert (id_claims["cognito:username"], id_claims["email"]) == (
        cognito_user.username,
        cognito_user.email,
    )
    # No scope requested: "the authentication server uses all scopes associated with the
    # client" (Cognito developer guide, authorization-endpoint.md, `scope`): a person's, not the
    # API's resource-server scopes, which are the machine client's.
    access_claims = claims_of(tokens.access_token)
    assert sorted(access_claims["scope"].split()) == [
        "aws.cognito.signin.user.admin",
        "email",
        "openid",
        "profile",
    ]
    assert access_claims["client_id"] == cognito_pool.client_id
    me = cognito_idp_client.get_user(AccessToken=tokens.access_token)
    assert me["Username"] == cognito_user.username


def test_the_code_and_state_arrive_on_the_callback_url_and_the_code_is_spent_once(
    cognito_emulator: EmulatorServer,
    cognito_login_page: CognitoLoginPage,
    cognito_user: CognitoUser,
    cognito_pool: PoolConfig,
) -> None:
    authorization = cognito_login_page.authorize(
        cognito_user.username, cognito_user.password, state="s-42"
    )

    assert authorization.redirect_uri == CALLBACK_URLS[0]
    callback = urlsplit(authorization.callback_url)
    assert f"{callback.scheme}://{callback.netloc}{callback.path}" == CALLBACK_URLS[0]
    assert parse_qs(callback.query) == {"code": [authorization.code], "state": ["s-42"]}
    assert cognito_pool.domain_url is not None
    client = LoginPageClient(cognito_pool.domain_url)
    secret = {"client_id": cognito_pool.client_id, "client_secret": cognito_pool.client_secret}
    assert client.redeem(authorization, **secret).id_token is not None
    # "An authorization code is single-use" (token-endpoint.md): 400 invalid_grant.
    with pytest.raises(TokenEndpointError) as spent:
        client.redeem(authorization, **secret)
    assert (spent.value.status, spent.value.error) == (400, "invalid_grant")


def test_requested_scopes_are_what_is_granted(
    cognito_login_page: CognitoLoginPage, cognito_user: CognitoUser
) -> None:
    openid_only = cognito_login_page.sign_in(
        cognito_user.username, cognito_user.password, scopes=["openid"]
    )
    user_admin_only = cognito_login_page.sign_in(
        cognito_user.username, cognito_user.password, scopes=["aws.cognito.signin.user.admin"]
    )

    assert claims_of(openid_only.access_token)["scope"] == "openid"
    assert openid_only.id_token is not None
    # "An ID token is only returned if openid scope is requested" (authorization-endpoint.md).
    assert claims_of(user_admin_only.access_token)["scope"] == "aws.cognito.signin.user.admin"
    assert user_admin_only.id_token is None


def test_a_wrong_password_is_refused_with_the_pages_message(
    cognito_login_page: CognitoLoginPage, cognito_user: CognitoUser
) -> None:
    with pytest.raises(LoginPageError) as refused:
        cognito_login_page.authorize(cognito_user.username, "Wrong-passw0rd!")

    assert (refused.value.status, refused.value.page_says) == (
        400,
        "Incorrect username or password.",
    )
    assert urlsplit(refused.value.url).path == "/domains/kit/login"


def test_an_unregistered_redirect_uri_stops_at_the_authorize_error_page(
    cognito_login_page: CognitoLoginPage, cognito_user: CognitoUser
) -> None:
    with pytest.raises(LoginPageError) as mismatch:
        cognito_login_page.authorize(
            cognito_user.username,
            cognito_user.password,
            redirect_uri="http://localhost:9999/elsewhere",
        )

    assert mismatch.value.status == 400
    assert urlsplit(mismatch.value.url).path == "/domains/kit/oauth2/authorize"
    assert mismatch.value.page_says.startswith(
        "redirect_uri 'http://localhost:9999/elsewhere' is not one of the callback URLs"
    )


def test_a_scope_the_client_may_not_have_comes_back_as_invalid_scope(
    cognito_login_page: CognitoLoginPage, cognito_user: CognitoUser
) -> None:
    with pytest.raises(AuthorizationError) as denied:
        cognito_login_page.authorize(
            cognito_user.username, cognito_user.password, scopes=["openid", "cognito-kit/nope"]
        )

    assert denied.value.error == "invalid_scope"


def test_one_client_is_one_browser_whose_session_signs_in_again_without_the_form(
    cognito_pool: PoolConfig, cognito_user: CognitoUser
) -> None:
    assert cognito_pool.domain_url is not None
    browser = LoginPageClient(cognito_pool.domain_url)
    sign_in = {"client_id": cognito_pool.client_id, "redirect_uri": CALLBACK_URLS[0]}
    first = browser.authorize(
        **sign_in, username=cognito_user.username, password=cognito_user.password
    )

    again = browser.authorize(**sign_in, username=cognito_user.username, password="not-asked")

    assert again.code != first.code
    with pytest.raises(LoginPageError):  # a new browser has no session: the form, and a refusal
        LoginPageClient(cognito_pool.domain_url).authorize(
            **sign_in, username=cognito_user.username, password="not-asked"
        )


def test_a_public_client_signs_in_with_pkce_alone(
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    cognito_user: CognitoUser,
    cognito_idp_client: CognitoIdentityProviderClient,
) -> None:
    public = create_login_client(
        cognito_idp_client, cognito_pool.user_pool_id, "spa", callbacks=["http://localhost:5173/"]
    )
    login_page = CognitoLoginPage(cognito_emulator, cognito_pool.user_pool_id, public["ClientId"])

    tokens = login_page.sign_in(cognito_user.username, cognito_user.password)

    assert tokens.id_token is not None
    assert claims_of(tokens.id_token)["aud"] == public["ClientId"]


def test_the_fixture_signs_in_to_the_bootstrapped_pools_app_client(
    cognito_login_page: CognitoLoginPage, cognito_pool: PoolConfig, cognito_emulator: EmulatorServer
) -> None:
    assert cognito_login_page == CognitoLoginPage(
        cognito_emulator, cognito_pool.user_pool_id, cognito_pool.client_id
    )
    assert cognito_emulator.domain_url("kit") == cognito_pool.domain_url


def test_a_pool_without_a_domain_or_a_client_without_callbacks_is_a_clear_error(
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
) -> None:
    bare_pool = cognito_idp_client.create_user_pool(PoolName="no-domain")["UserPool"]["Id"]
    bare_client = cognito_idp_client.create_user_pool_client(UserPoolId=bare_pool, ClientName="c")[
        "UserPoolClient"
    ]["ClientId"]
    no_callbacks = cognito_idp_client.create_user_pool_client(
        UserPoolId=cognito_pool.user_pool_id, ClientName="c"
    )["UserPoolClient"]["ClientId"]

    with pytest.raises(ValueError) as no_domain:
        cognito_emulator.sign_in_through_login_page(
            "u", "p", user_pool_id=bare_pool, client_id=bare_client
        )
    with pytest.raises(ValueError) as no_callback:
        cognito_emulator.authorize_through_login_page(
            "u", "p", user_pool_id=cognito_pool.user_pool_id, client_id=no_callbacks
        )

    assert str(no_domain.value) == (
        f"pool {bare_pool} has no domain, so no login page: CreateUserPoolDomain first"
    )
    assert str(no_callback.value) == (
        f"app client {no_callbacks} has no CallbackURLs: give a redirect_uri, or register one "
        "with UpdateUserPoolClient"
    )


def test_a_user_project_signs_in_through_the_fixture_and_can_rebind_it(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(
        """
        import pytest
        from cognito_emulator.pytest_plugin import CognitoLoginPage

        @pytest.fixture
        def spa_login_page(cognito_emulator, cognito_pool, cognito_idp_client):
            client = cognito_idp_client.create_user_pool_client(
                UserPoolId=cognito_pool.user_pool_id,
                ClientName="spa",
                AllowedOAuthFlowsUserPoolClient=True,
                AllowedOAuthFlows=["code"],
                AllowedOAuthScopes=["openid"],
                CallbackURLs=["http://localhost:5173/"],
                SupportedIdentityProviders=["COGNITO"],
            )["UserPoolClient"]
            return CognitoLoginPage(cognito_emulator, cognito_pool.user_pool_id, client["ClientId"])
        """
    )
    pytester.makepyfile(
        """
        def test_tokens(cognito_login_page, cognito_user, cognito_idp_client):
            tokens = cognito_login_page.sign_in(cognito_user.username, cognito_user.password)
            me = cognito_idp_client.get_user(AccessToken=tokens.access_token)
            assert me["Username"] == cognito_user.username

        def test_code_for_another_client(spa_login_page, cognito_user):
            authorization = spa_login_page.authorize(cognito_user.username, cognito_user.password)
            assert authorization.callback_url.startswith("http://localhost:5173/?code=")
        """
    )

    result = pytester.runpytest("-p", "no:cacheprovider")

    result.assert_outcomes(passed=2)
