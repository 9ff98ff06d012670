"""`/oauth2/authorize` on a pool's domain: what is shown an error page, what goes back to the app
with an OAuth error, and what signs in with a code or tokens.

Sources (Amazon Cognito developer guide): authorization-endpoint.md ("Request parameters",
"Examples of negative responses", the PKCE and token-grant samples); the API reference of
CreateUserPoolClient (CallbackURLs: "Amazon Cognito doesn't accept authorization requests with
redirect_uri values that aren't in the list").
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import jwt
import pytest
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

from cognito_emulator.oauth import CODE_LIFETIME_SECONDS, AuthorizationGrant
from cognito_emulator.server import EmulatorServer
from tests.emulator.oauth_harness import (
    CALLBACK,
    CLIENT_SCOPES,
    DOMAIN,
    LOCAL_CALLBACK,
    PKCE_CHALLENGE,
    LoginPool,
    alert,
    create_login_client,
    create_login_pool,
    fragment_of,
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


def refusal(login_pool: LoginPool, **parameters: str | None) -> dict[str, str]:
    """The OAuth error an authorize request with `parameters` is redirected back with."""
    response = login_pool.browser().get(
        "/oauth2/authorize", login_pool.authorize_query(**parameters)
    )
    assert response.status_code == 302, response.text
    assert response.headers["location"].startswith(f"{CALLBACK}?error="), response.headers
    return query_of(response.headers["location"])


# -- signing in ----------------------------------------------------------------------------------


def test_a_signed_out_browser_goes_to_the_login_page_with_the_same_parameters(
    login_pool: LoginPool,
) -> None:
    # "Otherwise, it redirects to the Login endpoint with the same URL parameters that you
    # included in your request."
    query = login_pool.authorize_query(scope="openid email", nonce="n-1")

    response = login_pool.browser().get("/oauth2/authorize", query)

    assert response.status_code == 302
    assert response.headers["location"] == page_path("login", query)
    assert response.headers["cache-control"] == "no-store"


def test_signing_in_sends_the_browser_back_with_a_code_bound_to_the_request(
    login_pool: LoginPool,
) -> None:
    query = login_pool.authorize_query(
        scope="openid email orders/read",
        state="af0ifjsldkj",
        nonce="n-0S6_WzA2Mj",
        code_challenge=PKCE_CHALLENGE,
        code_challenge_method="S256",
    )
    browser = login_pool.browser()
    before = int(login_pool.now())

    answer = browser.sign_in(query)

    after = int(login_pool.now())
    assert answer.status_code == 302
    callback = answer.headers["location"]
    assert callback.startswith(f"{CALLBACK}?code=")
    parameters = query_of(callback)
    assert list(parameters) == ["code", "state"]
    assert parameters["state"] == "af0ifjsldkj"
    grant = login_pool.take_code(parameters["code"])
    assert grant is not None
    assert before <= grant.auth_time <= after
    assert grant == AuthorizationGrant(
        pool_id=login_pool.pool_id,
        client_id=login_pool.client_id,
        redirect_uri=CALLBACK,
        username="alice",
        scopes=("openid", "email", "orders/read"),
        auth_time=grant.auth_time,
        expires_at=grant.expires_at,
        nonce="n-0S6_WzA2Mj",
        code_challenge=PKCE_CHALLENGE,
    )
    assert before + CODE_LIFETIME_SECONDS <= grant.expires_at < after + 1 + CODE_LIFETIME_SECONDS
    assert login_pool.take_code(parameters["code"]) is None  # single use


def test_without_a_scope_every_scope_of_the_client_is_granted(login_pool: LoginPool) -> None:
    # "If the client doesn't request any scopes, the authentication server uses all scopes
    # associated with the client."
    answer = login_pool.browser().sign_in(login_pool.authorize_query())

    grant = login_pool.take_code(query_of(answer.headers["location"])["code"])

    assert grant is not None
    assert grant.scopes == CLIENT_SCOPES
    assert grant.nonce is None
    assert grant.code_challenge is None


def test_a_scope_asked_twice_is_granted_once(login_pool: LoginPool) -> None:
    answer = login_pool.browser().sign_in(login_pool.authorize_query(scope="openid  openid email"))

    grant = login_pool.take_code(query_of(answer.headers["location"])["code"])

    assert grant is not None
    assert grant.scopes == ("openid", "email")


def test_the_redirect_uri_may_be_any_of_the_clients_callback_urls(login_pool: LoginPool) -> None:
    answer = login_pool.browser().sign_in(login_pool.authorize_query(redirect_uri=LOCAL_CALLBACK))

    assert answer.headers["location"].startswith(f"{LOCAL_CALLBACK}?code=")


def test_implicit_grant_puts_the_tokens_in_the_fragment(login_pool: LoginPool) -> None:
    # The "Token grant with openid scope" sample: tokens and state in the fragment, never a
    # refresh token.
    query = login_pool.authorize_query(response_type="token", scope="openid email", nonce="n-7")

    answer = login_pool.browser().sign_in(query)

    location = answer.headers["location"]
    assert location.startswith(f"{CALLBACK}#")
    tokens = fragment_of(location)
    assert sorted(tokens) == [
        "access_token",
        "expires_in",
        "id_token",
        "state",
        "token_type",
    ]
    assert (tokens["token_type"], tokens["expires_in"], tokens["state"]) == (
        "Bearer",
        "3600",
        "st-123",
    )
    id_claims = jwt.decode(tokens["id_token"], options={"verify_signature": False})
    assert (id_claims["cognito:username"], id_claims["nonce"]) == ("alice", "n-7")
    access_claims = jwt.decode(tokens["access_token"], options={"verify_signature": False})
    assert access_claims["scope"] == "openid email"


def test_implicit_grant_without_openid_has_no_id_token(login_pool: LoginPool) -> None:
    # "Token grant without openid scope": an access token only.
    query = login_pool.authorize_query(response_type="token", scope="aws.cognito.signin.user.admin")

    tokens = fragment_of(login_pool.browser().sign_in(query).headers["location"])

    assert sorted(tokens) == ["access_token", "expires_in", "state", "token_type"]


# -- error pages: the redirect_uri is not known to be the app's -----------------------------------


def test_an_unknown_domain_is_a_not_found_page(login_pool: LoginPool) -> None:
    hostile = "<img src=x onerror=alert(1)>"
    response = login_pool.browser().http.get(
        f"{login_pool.server.endpoint_url}/domains/{hostile}/oauth2/authorize",
        params=login_pool.authorize_query(),
    )

    assert response.status_code == 404
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert alert(response.text) == f"No user pool has the domain '{hostile}'."
    assert "<img" not in response.text


@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        ({"client_id": None}, "The client_id parameter is missing"),
        ({"client_id": "nope"}, "This user pool has no app client 'nope'."),
        ({"redirect_uri": None}, "The redirect_uri parameter is missing"),
        (
            {"redirect_uri": "https://evil.example/callback"},
            "redirect_uri 'https://evil.example/callback' is not one of the callback URLs "
            "(CallbackURLs) of app client {client} (redirect_mismatch): Cognito never "
            "redirects to an unregistered URL.",
        ),
        (
            {"redirect_uri": f"{CALLBACK}/"},
            f"redirect_uri '{CALLBACK}/' is not one of the callback URLs (CallbackURLs) of app "
            "client {client} (redirect_mismatch): Cognito never redirects to an unregistered "
            "URL.",
        ),
    ],
)
def test_a_request_without_a_known_client_and_callback_gets_an_error_page_not_a_redirect(
    login_pool: LoginPool, parameters: dict[str, str | None], message: str
) -> None:
    response = login_pool.browser().get(
        "/oauth2/authorize", login_pool.authorize_query(**parameters)
    )

    assert response.status_code == 400
    assert "location" not in response.headers
    assert alert(response.text) == message.format(client=login_pool.client_id)


def test_a_client_of_another_pool_is_unknown_here(
    login_pool: LoginPool, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    other_pool = cognito_idp_client.create_user_pool(PoolName="other")["UserPool"]["Id"]
    other = create_login_client(cognito_idp_client, other_pool, "other")["ClientId"]

    response = login_pool.browser().get(
        "/oauth2/authorize", login_pool.authorize_query(client_id=other)
    )

    assert response.status_code == 400
    assert alert(response.text) == f"This user pool has no app client '{other}'."


def test_client_id_given_twice_is_an_error_page(login_pool: LoginPool) -> None:
    query = [*login_pool.authorize_query().items(), ("client_id", login_pool.client_id)]

    response = login_pool.browser().get("/oauth2/authorize", query)

    assert response.status_code == 400
    assert alert(response.text) == (
        "The client_id parameter must be given once, with the app client's id."
    )


def test_redirect_uri_given_twice_is_an_error_page(login_pool: LoginPool) -> None:
    """Which of the two the app meant is unknown, so neither is redirected to."""
    query = [*login_pool.authorize_query().items(), ("redirect_uri", LOCAL_CALLBACK)]

    response = login_pool.browser().get("/oauth2/authorize", query)

    assert response.status_code == 400
    assert "location" not in response.headers
    assert alert(response.text) == "The redirect_uri parameter must be given once."


def test_a_client_id_that_is_not_utf8_is_an_error_page_not_a_crash(login_pool: LoginPool) -> None:
    response = login_pool.browser().get("/oauth2/authorize?client_id=%FF%FE&redirect_uri=x")

    assert response.status_code == 400
    assert alert(response.text) == "This user pool has no app client '\ufffd\ufffd'."


# -- errors redirected to the app ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("parameters", "error", "description"),
    [
        (
            {"response_type": None},
            "invalid_request",
            "response_type is required: code or token.",
        ),
        (
            {"response_type": "id_token"},
            "unsupported_response_type",
            "response_type 'id_token' is not supported: use code or token.",
        ),
        (
            {"scope": "openid orders/write"},
            "invalid_scope",
            "Scope 'orders/write' is not one of the client's AllowedOAuthScopes.",
        ),
        (
            {"scope": "phone openid"},
            "invalid_scope",
            "Scope 'phone' is not one of the client's AllowedOAuthScopes.",
        ),
        (
            # "The phone, email, and profile scopes can only be requested if openid scope is
            # also requested."
            {"scope": "email profile"},
            "invalid_scope",
            "The phone, email and profile scopes can only be asked with openid.",
        ),
        (
            # "if code_challenge is supplied but code_challenge_method is not supplied; or if
            # code_challenge_method is not 'S256'": invalid_request.
            {"code_challenge": PKCE_CHALLENGE},
            "invalid_request",
            "code_challenge_method must be S256 (the only PKCE method Cognito supports) and is "
            "required with code_challenge.",
        ),
        (
            {"code_challenge": PKCE_CHALLENGE, "code_challenge_method": "plain"},
            "invalid_request",
            "code_challenge_method must be S256 (the only PKCE method Cognito supports) and is "
            "required with code_challenge.",
        ),
        (
            {"code_challenge_method": "S256"},
            "invalid_request",
            "code_challenge is required with S256.",
        ),
        (
            {"identity_provider": "Google"},
            "unauthorized_client",
            "identity_provider 'Google' is not among the client's SupportedIdentityProviders.",
        ),
        (
            {"idp_identifier": "example.com"},
            "invalid_request",
            "The emulator signs in the user pool's own users only (identity_provider COGNITO); "
            "federated identity providers are not emulated.",
        ),
    ],
)
def test_a_bad_request_for_a_known_callback_goes_back_with_an_oauth_error(
    login_pool: LoginPool, parameters: dict[str, str | None], error: str, description: str
) -> None:
    assert refusal(login_pool, **parameters) == {
        "error": error,
        "error_description": description,
        "state": "st-123",
    }


def test_an_error_redirect_without_state_has_no_state(login_pool: LoginPool) -> None:
    assert refusal(login_pool, state=None, response_type=None) == {
        "error": "invalid_request",
        "error_description": "response_type is required: code or token.",
    }


def test_identity_provider_cognito_is_the_login_page(login_pool: LoginPool) -> None:
    answer = login_pool.browser().sign_in(login_pool.authorize_query(identity_provider="COGNITO"))

    assert answer.headers["location"].startswith(f"{CALLBACK}?code=")


def test_a_parameter_given_twice_goes_back_as_invalid_request(login_pool: LoginPool) -> None:
    query = [*login_pool.authorize_query().items(), ("state", "second")]

    response = login_pool.browser().get("/oauth2/authorize", query)

    assert query_of(response.headers["location"]) == {
        "error": "invalid_request",
        "error_description": "The state parameter is given more than once.",
        "state": "st-123",
    }


def test_the_implicit_grant_needs_a_client_that_allows_it(login_pool: LoginPool) -> None:
    query = login_pool.authorize_query(client_id=login_pool.web_client_id, response_type="token")

    response = login_pool.browser().get("/oauth2/authorize", query)

    assert query_of(response.headers["location"]) == {
        "error": "unauthorized_client",
        "error_description": "The client is not allowed the implicit grant (AllowedOAuthFlows).",
        "state": "st-123",
    }


@pytest.mark.parametrize(
    ("settings", "description"),
    [
        pytest.param(
            {
                "ClientName": "api-only",
                "AllowedOAuthFlowsUserPoolClient": False,
                "SupportedIdentityProviders": ["COGNITO"],
            },
            "Client is not enabled for OAuth2.0 flows.",
            id="not-enabled-for-oauth",
        ),
        pytest.param(
            {
                "ClientName": "no-idp",
                "AllowedOAuthFlowsUserPoolClient": True,
                "AllowedOAuthFlows": ["code"],
                "AllowedOAuthScopes": ["openid"],
            },
            "COGNITO is not among the client's SupportedIdentityProviders, so its users cannot "
            "sign in on the login page.",
            id="without-the-cognito-provider",
        ),
    ],
)
def test_a_client_the_login_page_may_not_serve_is_unauthorized(
    login_pool: LoginPool,
    cognito_idp_client: CognitoIdentityProviderClient,
    settings: dict[str, Any],
    description: str,
) -> None:
    client_id = cognito_idp_client.create_user_pool_client(
        UserPoolId=login_pool.pool_id, CallbackURLs=[CALLBACK], **settings
    )["UserPoolClient"]["ClientId"]

    assert refusal(login_pool, client_id=client_id) == {
        "error": "unauthorized_client",
        "error_description": description,
        "state": "st-123",
    }


def test_the_scopes_of_a_deleted_resource_server_are_not_granted(
    login_pool: LoginPool, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    cognito_idp_client.delete_resource_server(UserPoolId=login_pool.pool_id, Identifier="orders")

    assert refusal(login_pool, scope="openid orders/read") == {
        "error": "invalid_scope",
        "error_description": "Scope 'orders/read' is not one of the client's AllowedOAuthScopes.",
        "state": "st-123",
    }
    answer = login_pool.browser().sign_in(login_pool.authorize_query())
    grant = login_pool.take_code(query_of(answer.headers["location"])["code"])
    assert grant is not None
    assert grant.scopes == CLIENT_SCOPES[:-1]


def test_a_huge_state_goes_through_untouched(login_pool: LoginPool) -> None:
    state = "s" * 20_000

    response = login_pool.browser().get(
        "/oauth2/authorize", login_pool.authorize_query(state=state)
    )

    assert response.status_code == 302
    assert query_of(response.headers["location"])["state"] == state


def test_state_is_escaped_on_the_login_page(login_pool: LoginPool) -> None:
    query = login_pool.authorize_query(state='"><script>alert(1)</script>')

    page = login_pool.browser().get("/login", query)

    assert page.status_code == 200
    assert "<script>" not in page.text
    expected_action = page_path("login", query).replace("&", "&amp;")
    assert f'action="{expected_action}"' in page.text


def test_only_get_is_answered(login_pool: LoginPool) -> None:
    response = login_pool.browser().http.post(
        f"{login_pool.domain_url}/oauth2/authorize?{urlencode(login_pool.authorize_query())}"
    )

    assert response.status_code == 405
    assert sorted(response.headers["allow"].split(", ")) == ["GET", "HEAD"]
    assert response.json()["message"] == (
        f"/domains/{DOMAIN}/oauth2/authorize answers GET, not POST"
    )
