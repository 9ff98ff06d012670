"""POST /oauth2/token: grants, client authentication and every refusal, as Cognito answers them.

Cognito's rules are from token-endpoint.md (https://docs.aws.amazon.com/cognito/latest/
developerguide/token-endpoint.html). Its error map answers every error with HTTP 400
("Examples of negative responses"), invalid_client included.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import httpx
import pytest
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

from cognito_emulator.oauth import CODE_LIFETIME_SECONDS, AuthorizationCodes
from cognito_emulator.server import EmulatorServer
from tests.emulator.oauth_harness import (
    CALLBACK,
    DOMAIN,
    PKCE_CHALLENGE,
    PKCE_VERIFIER,
    USERNAME,
    OAuthPool,
    StoppedClock,
    basic_header,
    create_login_client,
    create_oauth_pool,
)


@pytest.fixture
def pool(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> OAuthPool:
    return create_oauth_pool(cognito_emulator, cognito_idp_client)


def refusal(response: httpx.Response) -> tuple[int, dict[str, Any]]:
    return response.status_code, response.json()


def code_request(code: str, **extra: str) -> dict[str, str]:
    return {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK, **extra}


def web(pool: OAuthPool) -> tuple[str, str]:
    return pool.web_client_id, pool.web_client_secret


def m2m(pool: OAuthPool) -> tuple[str, str]:
    return pool.m2m_client_id, pool.m2m_client_secret


# -- authorization_code -----------------------------------------------------------------------


def test_a_code_is_exchanged_for_tokens_that_are_never_cached(pool: OAuthPool) -> None:
    response = pool.post_token(code_request(pool.issue_code()), basic=web(pool))

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    # RFC 6749 §5.1; token-endpoint.md: "Access-Control-Allow-Origin: *".
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["pragma"] == "no-cache"
    assert response.headers["access-control-allow-origin"] == "*"
    body = response.json()
    assert list(body) == ["access_token", "id_token", "refresh_token", "token_type", "expires_in"]
    assert (body["token_type"], body["expires_in"]) == ("Bearer", 3600)


def test_client_secret_post_authenticates_like_basic(pool: OAuthPool) -> None:
    response = pool.post_token(
        code_request(
            pool.issue_code(),
            client_id=pool.web_client_id,
            client_secret=pool.web_client_secret,
        )
    )

    assert response.status_code == 200


def test_basic_credentials_are_form_urldecoded(pool: OAuthPool) -> None:
    """RFC 6749 §2.3.1: client_id and secret are form-urlencoded before the Base64."""
    encoded_secret = pool.web_client_secret.replace("-", "%2D")
    response = pool.post_token(
        code_request(pool.issue_code()), basic=(pool.web_client_id, encoded_secret)
    )

    assert response.status_code == 200


def test_a_code_is_single_use(pool: OAuthPool) -> None:
    code = pool.issue_code()
    assert pool.post_token(code_request(code), basic=web(pool)).status_code == 200

    again = pool.post_token(code_request(code), basic=web(pool))

    assert refusal(again) == (
        400,
        {
            "error": "invalid_grant",
            "error_description": "The authorization code has been used, expired or does not exist.",
        },
    )


def test_a_code_expires_after_five_minutes(
    pool: OAuthPool, cognito_emulator: EmulatorServer
) -> None:
    """token-endpoint reference: "The authorization code is valid for five minutes"."""
    code = pool.issue_code()
    cognito_emulator.advance_clock(300)

    response = pool.post_token(code_request(code), basic=web(pool))

    assert refusal(response)[1]["error"] == "invalid_grant"


def issue(codes: AuthorizationCodes) -> str:
    return codes.issue(
        pool_id="pool",
        client_id="client",
        redirect_uri=CALLBACK,
        username=USERNAME,
        scopes=("openid",),
        auth_time=0,
    )


def test_a_code_is_good_until_the_instant_its_five_minutes_end() -> None:
    issued_at = 1_000_000.0
    clock = StoppedClock(issued_at)
    codes = AuthorizationCodes(clock)
    before_the_end, at_the_end = issue(codes), issue(codes)

    clock.current = issued_at + CODE_LIFETIME_SECONDS - 0.5
    assert codes.take(before_the_end) is not None
    clock.current = issued_at + CODE_LIFETIME_SECONDS
    assert codes.take(at_the_end) is None


def test_at_the_cap_the_oldest_code_is_forgotten() -> None:
    """Outstanding codes are bounded (like every store of the emulator); the oldest goes first
    and is then refused like any unknown code."""
    codes = AuthorizationCodes(StoppedClock(1_000_000.0), max_codes=2)
    oldest, second, newest = issue(codes), issue(codes), issue(codes)

    assert len(codes) == 2
    assert [codes.take(code) is not None for code in (oldest, second, newest)] == [
        False,
        True,
        True,
    ]


def test_a_code_is_bound_to_its_client(pool: OAuthPool) -> None:
    code = pool.issue_code(client_id=pool.spa_client_id)

    response = pool.post_token(code_request(code), basic=web(pool))

    assert refusal(response)[1]["error"] == "invalid_grant"


def test_a_different_redirect_uri_is_unauthorized_client_invalid_redirect(pool: OAuthPool) -> None:
    """token-endpoint.md: a redirect_uri that does not match the authorization request's
    "returns unauthorized_client with an error_description of invalid_redirect"."""
    code = pool.issue_code()

    response = pool.post_token(code_request(code, redirect_uri=CALLBACK + "/"), basic=web(pool))

    assert refusal(response) == (
        400,
        {"error": "unauthorized_client", "error_description": "invalid_redirect"},
    )


@pytest.mark.parametrize("missing", ["code", "redirect_uri"])
def test_code_and_redirect_uri_are_required(pool: OAuthPool, missing: str) -> None:
    data = code_request(pool.issue_code())
    del data[missing]

    response = pool.post_token(data, basic=web(pool))

    assert refusal(response) == (
        400,
        {
            "error": "invalid_request",
            "error_description": f"{missing} is required for grant_type=authorization_code.",
        },
    )


def test_a_pkce_code_is_redeemed_with_its_verifier_by_a_public_client(pool: OAuthPool) -> None:
    code = pool.issue_code(client_id=pool.spa_client_id, code_challenge=PKCE_CHALLENGE)

    response = pool.post_token(
        code_request(code, client_id=pool.spa_client_id, code_verifier=PKCE_VERIFIER)
    )

    assert response.status_code == 200
    assert sorted(response.json()) == [
        "access_token",
        "expires_in",
        "id_token",
        "refresh_token",
        "token_type",
    ]


def test_a_code_without_pkce_needs_no_verifier(pool: OAuthPool) -> None:
    """token-endpoint.md: code_verifier is "Required only if you provided code_challenge_method
    and code_challenge parameters in your initial authorization request"."""
    code = pool.issue_code(client_id=pool.spa_client_id)

    response = pool.post_token(code_request(code, client_id=pool.spa_client_id))

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("verifier", "description"),
    [
        (None, "code_verifier is required: the code was issued with PKCE."),
        ("x" * 43, "code_verifier does not match the code_challenge."),
    ],
)
def test_a_pkce_code_without_its_verifier_is_invalid_grant_and_spent(
    pool: OAuthPool, verifier: str | None, description: str
) -> None:
    code = pool.issue_code(client_id=pool.spa_client_id, code_challenge=PKCE_CHALLENGE)
    extra = {"code_verifier": verifier} if verifier is not None else {}

    response = pool.post_token(code_request(code, client_id=pool.spa_client_id, **extra))
    retried = pool.post_token(
        code_request(code, client_id=pool.spa_client_id, code_verifier=PKCE_VERIFIER)
    )

    assert refusal(response) == (400, {"error": "invalid_grant", "error_description": description})
    assert refusal(retried)[1]["error"] == "invalid_grant"


def test_a_verifier_that_is_not_ascii_matches_no_challenge(pool: OAuthPool) -> None:
    """RFC 7636 §4.1: a verifier is unreserved ASCII characters, and S256 hashes its ASCII
    bytes (§4.2). One that is not ASCII is refused, even with the challenge an app would
    compute from its UTF-8 bytes."""
    verifier = "\u00e9" * 43
    utf8_digest = hashlib.sha256(verifier.encode()).digest()
    challenge = base64.urlsafe_b64encode(utf8_digest).rstrip(b"=").decode("ascii")
    code = pool.issue_code(client_id=pool.spa_client_id, code_challenge=challenge)

    response = pool.post_token(
        code_request(code, client_id=pool.spa_client_id, code_verifier=verifier)
    )

    assert refusal(response) == (
        400,
        {
            "error": "invalid_grant",
            "error_description": "code_verifier does not match the code_challenge.",
        },
    )


def test_a_code_challenge_that_is_not_ascii_matches_no_verifier(pool: OAuthPool) -> None:
    """/oauth2/authorize takes the code_challenge as the app sends it, so it may be any text;
    it is then just a challenge no verifier answers (not a server error)."""
    code = pool.issue_code(client_id=pool.spa_client_id, code_challenge="d\u00e9fi-" * 8)

    response = pool.post_token(
        code_request(code, client_id=pool.spa_client_id, code_verifier=PKCE_VERIFIER)
    )

    assert refusal(response) == (
        400,
        {
            "error": "invalid_grant",
            "error_description": "code_verifier does not match the code_challenge.",
        },
    )


def test_a_code_of_a_user_disabled_since_is_invalid_grant(
    pool: OAuthPool, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    code = pool.issue_code()
    cognito_idp_client.admin_disable_user(UserPoolId=pool.pool_id, Username=USERNAME)

    response = pool.post_token(code_request(code), basic=web(pool))

    assert refusal(response) == (
        400,
        {"error": "invalid_grant", "error_description": "User is disabled."},
    )


def test_a_code_of_a_user_deleted_since_is_invalid_grant(
    pool: OAuthPool, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    code = pool.issue_code()
    cognito_idp_client.admin_delete_user(UserPoolId=pool.pool_id, Username=USERNAME)

    response = pool.post_token(code_request(code), basic=web(pool))

    assert refusal(response) == (
        400,
        {"error": "invalid_grant", "error_description": "User does not exist."},
    )


def test_a_client_without_the_code_flow_is_unauthorized_client(pool: OAuthPool) -> None:
    """token-endpoint.md: unauthorized_client, "Client is not allowed for code grant flow"."""
    code = pool.issue_code(client_id=pool.m2m_client_id)

    response = pool.post_token(code_request(code), basic=m2m(pool))

    assert refusal(response) == (
        400,
        {
            "error": "unauthorized_client",
            "error_description": "The app client does not allow the code flow.",
        },
    )


# -- refresh_token ----------------------------------------------------------------------------


def refresh_request(refresh_token: str) -> dict[str, str]:
    return {"grant_type": "refresh_token", "refresh_token": refresh_token}


def test_refresh_answers_new_access_and_id_tokens(pool: OAuthPool) -> None:
    first = pool.sign_in()

    response = pool.post_token(refresh_request(first["refresh_token"]), basic=web(pool))

    assert response.status_code == 200
    assert list(response.json()) == ["access_token", "id_token", "token_type", "expires_in"]


def test_refresh_of_a_revoked_token_is_invalid_grant(
    pool: OAuthPool, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    """token-endpoint.md: invalid_grant, "Refresh token has been revoked"."""
    first = pool.sign_in()
    cognito_idp_client.revoke_token(
        Token=first["refresh_token"],
        ClientId=pool.web_client_id,
        ClientSecret=pool.web_client_secret,
    )

    response = pool.post_token(refresh_request(first["refresh_token"]), basic=web(pool))

    assert refusal(response) == (
        400,
        {"error": "invalid_grant", "error_description": "Refresh Token has been revoked"},
    )


def test_refresh_of_an_expired_token_is_invalid_grant(
    pool: OAuthPool, cognito_emulator: EmulatorServer
) -> None:
    first = pool.sign_in()
    cognito_emulator.advance_clock(30 * 86400)

    response = pool.post_token(refresh_request(first["refresh_token"]), basic=web(pool))

    assert refusal(response) == (
        400,
        {"error": "invalid_grant", "error_description": "Refresh Token has expired"},
    )


@pytest.mark.parametrize("whose", ["unknown", "another client's"])
def test_refresh_of_a_token_the_client_does_not_hold_is_invalid_grant(
    pool: OAuthPool, whose: str
) -> None:
    token = "not-a-refresh-token"
    if whose != "unknown":
        token = pool.spa_sign_in()["refresh_token"]

    response = pool.post_token(refresh_request(token), basic=web(pool))

    assert refusal(response) == (
        400,
        {"error": "invalid_grant", "error_description": "Invalid refresh token."},
    )


def test_refresh_without_the_token_is_invalid_request(pool: OAuthPool) -> None:
    """token-endpoint.md: invalid_request, "grant_type is refresh_token but refresh_token is
    not included"."""
    response = pool.post_token({"grant_type": "refresh_token"}, basic=web(pool))

    assert refusal(response) == (
        400,
        {
            "error": "invalid_request",
            "error_description": "refresh_token is required for grant_type=refresh_token.",
        },
    )


def test_refresh_by_a_client_without_the_refresh_flow_is_unauthorized_client(
    pool: OAuthPool, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    """token-endpoint.md: unauthorized_client, "Client is not allowed ... for refreshing
    tokens" (ExplicitAuthFlows without ALLOW_REFRESH_TOKEN_AUTH)."""
    client_id = create_login_client(
        cognito_idp_client, pool.pool_id, "no-refresh", ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH"]
    )["ClientId"]
    code = pool.issue_code(client_id=client_id, scopes=("openid",))
    refresh_token = pool.post_token(code_request(code, client_id=client_id)).json()["refresh_token"]

    response = pool.post_token({**refresh_request(refresh_token), "client_id": client_id})

    assert refusal(response) == (
        400,
        {
            "error": "unauthorized_client",
            "error_description": "The app client does not allow refreshing tokens.",
        },
    )


# -- client_credentials -----------------------------------------------------------------------


def granted_scope(response: httpx.Response, pool: OAuthPool) -> str:
    assert response.status_code == 200, response.text
    scope: str = pool.verify(response.json()["access_token"], pool.m2m_client_id)["scope"]
    return scope


def test_client_credentials_without_scope_grants_every_allowed_scope(pool: OAuthPool) -> None:
    """token-endpoint.md: without `scope`, "the authorization server returns an access token
    scope claim with all authorization scopes that you enabled in your app client"."""
    response = pool.post_token({"grant_type": "client_credentials"}, basic=m2m(pool))

    assert granted_scope(response, pool) == "api/read api/write"


def test_client_credentials_ignores_scopes_the_client_may_not_have(pool: OAuthPool) -> None:
    """token-endpoint.md: "Amazon Cognito ignores scopes in the request that aren't allowed for
    the requested app client"."""
    response = pool.post_token(
        {"grant_type": "client_credentials", "scope": "openid api/read other/x api/read"},
        basic=m2m(pool),
    )

    assert granted_scope(response, pool) == "api/read"


def test_client_credentials_with_secret_in_the_body(pool: OAuthPool) -> None:
    response = pool.post_token(
        {
            "grant_type": "client_credentials",
            "client_id": pool.m2m_client_id,
            "client_secret": pool.m2m_client_secret,
        }
    )

    assert granted_scope(response, pool) == "api/read api/write"


def test_client_credentials_with_no_allowed_scope_left_is_invalid_scope(pool: OAuthPool) -> None:
    """A client asking only for scopes it may not have gets invalid_scope, as Cognito answers
    it (repost.aws: "OAUTH Password Grant Type with Cognito", {"error":"invalid_scope"})."""
    response = pool.post_token(
        {"grant_type": "client_credentials", "scope": "openid"}, basic=m2m(pool)
    )

    assert refusal(response) == (
        400,
        {
            "error": "invalid_scope",
            "error_description": "None of the requested scopes is a resource-server scope of "
            "this app client.",
        },
    )


def test_client_credentials_needs_a_client_secret(pool: OAuthPool) -> None:
    """token-endpoint.md: custom scopes need "You configured your app client with a client
    secret" and "You enable client credentials grant in your app client"."""
    response = pool.post_token(
        {"grant_type": "client_credentials", "client_id": pool.spa_client_id}
    )

    assert refusal(response) == (
        400,
        {
            "error": "unauthorized_client",
            "error_description": "The client credentials grant needs an app client secret.",
        },
    )


def test_client_credentials_needs_the_flow_allowed(pool: OAuthPool) -> None:
    response = pool.post_token({"grant_type": "client_credentials"}, basic=web(pool))

    assert refusal(response) == (
        400,
        {
            "error": "unauthorized_client",
            "error_description": "The app client does not allow the client_credentials flow.",
        },
    )


# -- grant types and client authentication ----------------------------------------------------


def test_grant_type_is_required(pool: OAuthPool) -> None:
    response = pool.post_token({"code": "x"}, basic=web(pool))

    assert refusal(response) == (
        400,
        {"error": "invalid_request", "error_description": "grant_type is required."},
    )


def test_other_grant_types_are_unsupported(pool: OAuthPool) -> None:
    response = pool.post_token(
        {"grant_type": "password", "username": USERNAME, "password": "x"}, basic=web(pool)
    )

    assert refusal(response) == (
        400,
        {
            "error": "unsupported_grant_type",
            "error_description": "grant_type must be one of authorization_code, refresh_token, "
            "client_credentials.",
        },
    )


@pytest.mark.parametrize(
    ("credentials", "description"),
    [
        ({"basic": ("web", "wrong-secret")}, "Client authentication failed."),
        (
            {"data": {"client_id": "web"}},
            "This app client has a secret: send it with HTTP Basic or client_secret.",
        ),
        (
            {"data": {"client_id": "nobody", "client_secret": "x"}},
            "No app client of this user pool has this client_id.",
        ),
        ({}, "Name the app client with client_id or HTTP Basic authorization."),
        (
            {"data": {"client_id": "spa", "client_secret": "guess"}},
            "This app client has no secret.",
        ),
        (
            {"basic": ("web", None), "data": {"client_id": "spa"}},
            "client_id in the body differs from the one in HTTP Basic.",
        ),
        (
            {"authorization": "Basic !!!"},
            "The Basic credentials are not base64 of client_id:client_secret.",
        ),
        (
            {"authorization": "Basic " + "bm8tY29sb24="},
            "The Basic credentials are not base64 of client_id:client_secret.",
        ),
        ({"authorization": "Bearer abc"}, "The Authorization header must use the Basic scheme."),
    ],
)
def test_failed_client_authentication_is_invalid_client(
    pool: OAuthPool, credentials: dict[str, Any], description: str
) -> None:
    """token-endpoint.md: invalid_client, "Client authentication failed", with HTTP 400."""
    names = {"web": pool.web_client_id, "spa": pool.spa_client_id}
    data = {"grant_type": "authorization_code", "code": "c", "redirect_uri": CALLBACK}
    data.update({k: names.get(v, v) for k, v in credentials.get("data", {}).items()})
    headers = {}
    if "basic" in credentials:
        client, secret = credentials["basic"]
        headers["Authorization"] = basic_header(names[client], secret or pool.web_client_secret)
    if "authorization" in credentials:
        headers["Authorization"] = credentials["authorization"]

    response = pool.post_token(data, headers=headers)

    assert refusal(response) == (400, {"error": "invalid_client", "error_description": description})


def test_basic_credentials_with_characters_outside_base64_are_invalid_client(
    pool: OAuthPool,
) -> None:
    """RFC 7617 §2: the credentials are token68, base64 characters only; a decoder that skipped
    the others would authenticate this client."""
    encoded = basic_header(*web(pool)).removeprefix("Basic ")

    response = pool.post_token(
        code_request(pool.issue_code()),
        headers={"Authorization": f"Basic {encoded[:8]}!!{encoded[8:]}"},
    )

    assert refusal(response) == (
        400,
        {
            "error": "invalid_client",
            "error_description": "The Basic credentials are not base64 of client_id:client_secret.",
        },
    )


def test_basic_credentials_after_more_than_one_space_authenticate(pool: OAuthPool) -> None:
    """RFC 9110 §11.4: credentials = auth-scheme [ 1*SP ( token68 / #auth-param ) ]."""
    encoded = basic_header(*web(pool)).removeprefix("Basic ")

    response = pool.post_token(
        code_request(pool.issue_code()), headers={"Authorization": f"Basic  {encoded}"}
    )

    assert response.status_code == 200


def test_the_client_id_ends_at_the_first_colon_of_basic_credentials(pool: OAuthPool) -> None:
    """RFC 7617 §2: user-id and password are split at the first colon (a client_id has none;
    a secret may). So this is the web client with a wrong secret."""
    response = pool.post_token(
        code_request(pool.issue_code()),
        basic=(pool.web_client_id, f"{pool.web_client_secret}:extra"),
    )

    assert refusal(response) == (
        400,
        {"error": "invalid_client", "error_description": "Client authentication failed."},
    )


def test_a_client_of_another_pool_is_invalid_client(
    pool: OAuthPool, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    other_pool = cognito_idp_client.create_user_pool(PoolName="other")["UserPool"]["Id"]
    other = cognito_idp_client.create_user_pool_client(
        UserPoolId=other_pool, ClientName="other", GenerateSecret=True
    )["UserPoolClient"]

    response = pool.post_token(
        {"grant_type": "client_credentials"}, basic=(other["ClientId"], other["ClientSecret"])
    )

    assert refusal(response)[1]["error"] == "invalid_client"


def test_basic_and_client_secret_at_once_is_invalid_request(pool: OAuthPool) -> None:
    """RFC 6749 §5.2 invalid_request: the request "utilizes more than one mechanism for
    authenticating the client"."""
    response = pool.post_token(
        code_request(pool.issue_code(), client_secret=pool.web_client_secret), basic=web(pool)
    )

    assert refusal(response) == (
        400,
        {
            "error": "invalid_request",
            "error_description": "Authenticate the client with HTTP Basic or with client_secret "
            "in the body, not both.",
        },
    )


# -- malformed requests -----------------------------------------------------------------------


def token_url(pool: OAuthPool) -> str:
    return f"{pool.domain_url}/oauth2/token"


def test_only_form_bodies_are_accepted(pool: OAuthPool) -> None:
    """token-endpoint.md: Content-Type "Must always be 'application/x-www-form-urlencoded'"."""
    response = httpx.post(
        token_url(pool),
        json={"grant_type": "client_credentials"},
        headers={"Authorization": basic_header(*m2m(pool))},
    )

    assert refusal(response) == (
        400,
        {
            "error": "invalid_request",
            "error_description": "Content-Type must be application/x-www-form-urlencoded.",
        },
    )


@pytest.mark.parametrize(
    ("body", "description"),
    [
        (
            b"grant_type=client_credentials&grant_type=authorization_code",
            "Parameter 'grant_type' is repeated.",
        ),
        (
            b"grant_type=client_credentials&scope=" + b"a" * (64 * 1024),
            "The request body is larger than 65536 bytes.",
        ),
        (
            b"&".join(b"p%d=1" % n for n in range(65)),
            "The request body must be UTF-8 form-urlencoded, with at most 64 parameters.",
        ),
        (
            b"grant_type=client_credentials&scope=%ff%fe",
            "The request body must be UTF-8 form-urlencoded, with at most 64 parameters.",
        ),
    ],
    ids=["repeated", "huge", "too-many", "not-utf8"],
)
def test_malformed_bodies_are_invalid_request(
    pool: OAuthPool, body: bytes, description: str
) -> None:
    response = httpx.post(
        token_url(pool),
        content=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Authorization": basic_header(*m2m(pool)),
        },
    )

    assert refusal(response) == (
        400,
        {"error": "invalid_request", "error_description": description},
    )


def test_two_authorization_headers_are_invalid_request(pool: OAuthPool) -> None:
    response = httpx.post(
        token_url(pool),
        data={"grant_type": "client_credentials"},
        headers=[("Authorization", basic_header(*m2m(pool)))] * 2,
    )

    assert refusal(response) == (
        400,
        {"error": "invalid_request", "error_description": "Send at most one Authorization header."},
    )


def test_an_unknown_domain_is_404(pool: OAuthPool, cognito_emulator: EmulatorServer) -> None:
    response = httpx.post(
        f"{cognito_emulator.endpoint_url}/domains/not-{DOMAIN}/oauth2/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": basic_header(*m2m(pool))},
    )

    assert refusal(response) == (
        404,
        {"error": "invalid_request", "error_description": "No user pool has this domain."},
    )


def test_the_token_endpoint_only_answers_post(pool: OAuthPool) -> None:
    """token-endpoint.md: "The /oauth2/token endpoint only supports HTTPS POST"."""
    response = httpx.get(token_url(pool))

    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
