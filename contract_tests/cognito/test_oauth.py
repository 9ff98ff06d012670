"""The pool's OAuth 2.0 side: what the service's web sign-in and its machine clients rely on.

- Client credentials at ``/oauth2/token``: the token machines call ``/admin/users`` with, which
  the service tells apart from a user's (no ``username``, ``sub`` is the client id).
- The authorization code grant through the login page, with PKCE: what ``/auth/callback``
  redeems; refresh and revocation at the domain.

Cognito's rules are from the developer guide: token-endpoint.md (https://docs.aws.amazon.com/
cognito/latest/developerguide/token-endpoint.html), authorization-endpoint.md and
revocation-endpoint.md. The token endpoint's "Examples of negative responses" answer every error
with ``HTTP/1.1 400 Bad Request``, invalid_client included; the revocation endpoint answers
invalid client credentials with 401.
"""

from __future__ import annotations

import secrets

import pytest

from cognito_emulator.login_page_client import LoginPageClient, new_code_verifier
from cognito_emulator.pool_definition import READ_USERS_SCOPE, RESOURCE_SERVER_IDENTIFIER
from contract_tests.cognito.accounts import Accounts
from contract_tests.cognito.errors import cognito_error
from contract_tests.cognito.oauth_endpoints import (
    USER_SCOPES,
    authorize,
    client_credentials,
    redeem,
    revoke_request,
    token_request,
    web_client,
)
from contract_tests.cognito.test_tokens import verified_claims
from contract_tests.targets import AppClient, CognitoTarget

TOKEN_SECONDS = 3600
# GetUser's reference: "Authorize this action with a signed-in user's access token. It must
# include the scope aws.cognito.signin.user.admin." The refusal's message, as Cognito words it
# (quoted from real pools, e.g. https://qiita.com/free-honda/items/47e8424699f460b737e0).
MISSING_SCOPES = "Access Token does not have required scopes"


# ---- client credentials ------------------------------------------------------------------------


def test_client_credentials_issue_an_access_token_for_the_machine(
    cognito_target: CognitoTarget,
) -> None:
    """client_credentials: an access token only, sub = client id, no username, the asked scope."""
    machine = cognito_target.machine()
    # token-endpoint.md, "Exchanging client credentials for an access token": access_token,
    # token_type and expires_in; no ID token, and a refresh token only from authorization_code.
    answer = client_credentials(cognito_target, machine, READ_USERS_SCOPE).tokens()
    assert sorted(answer) == ["access_token", "expires_in", "token_type"], sorted(answer)
    assert (answer["token_type"], answer["expires_in"]) == ("Bearer", TOKEN_SECONDS)
    claims = verified_claims(cognito_target, answer["access_token"])
    assert claims["iss"] == cognito_target.issuer
    assert claims["token_use"] == "access"
    assert claims["client_id"] == claims["sub"] == machine.client_id
    assert "username" not in claims, f"a machine's token names a user: {claims['username']!r}"
    assert claims["scope"] == READ_USERS_SCOPE
    assert claims["exp"] - claims["iat"] == TOKEN_SECONDS


def test_client_credentials_for_a_scope_the_client_lacks_is_invalid_scope(
    cognito_target: CognitoTarget,
) -> None:
    """client_credentials asking only for a scope the client does not have: 400 invalid_scope."""
    # token-endpoint.md, `scope`: a scope not associated with the client is ignored; with nothing
    # left Cognito answers {"error":"invalid_scope"} (an AWS answer on re:Post:
    # https://repost.aws/questions/QUnhrxb08MRJaH7hIRtUnCKA).
    answer = client_credentials(
        cognito_target, cognito_target.machine(), f"{RESOURCE_SERVER_IDENTIFIER}/users.delete"
    )
    assert answer.refusal == (400, "invalid_scope"), answer


def test_client_credentials_with_a_wrong_secret_is_invalid_client(
    cognito_target: CognitoTarget,
) -> None:
    """client_credentials with a wrong client secret: 400 invalid_client, no token."""
    machine = cognito_target.machine()
    wrong = AppClient(machine.client_id, machine.client_secret + "x")
    answer = client_credentials(cognito_target, wrong, READ_USERS_SCOPE)
    assert answer.refusal == (400, "invalid_client"), answer
    assert "access_token" not in answer.body


def test_get_user_refuses_a_client_credentials_token(cognito_target: CognitoTarget) -> None:
    """GetUser with a machine's access token: NotAuthorizedException, no required scopes."""
    token = client_credentials(cognito_target, cognito_target.machine(), READ_USERS_SCOPE)
    access_token = token.tokens()["access_token"]
    message = cognito_error(
        lambda: cognito_target.client.get_user(AccessToken=access_token),
        "NotAuthorizedException",
    )
    assert message == MISSING_SCOPES


# ---- authorization code grant ------------------------------------------------------------------


@pytest.fixture
def login_page(cognito_target: CognitoTarget) -> LoginPageClient:
    """A new, signed-out browser at the pool's login page; where the target has none to drive,
    the test skips here, before it signs a user up."""
    return cognito_target.login_page()


def test_the_code_grant_issues_access_id_and_refresh_tokens(
    cognito_target: CognitoTarget, login_page: LoginPageClient, accounts: Accounts
) -> None:
    """authorization_code with PKCE: the user's access, ID (with the nonce) and refresh tokens."""
    account = accounts.confirmed()
    nonce = secrets.token_urlsafe(16)
    answer = redeem(
        cognito_target, authorize(cognito_target, login_page, account, nonce=nonce)
    ).tokens()
    assert (answer["token_type"], answer["expires_in"]) == ("Bearer", TOKEN_SECONDS)
    assert answer.get("refresh_token"), "the code grant answered no refresh token"
    access = verified_claims(cognito_target, answer["access_token"])
    assert access["token_use"] == "access"
    assert access["client_id"] == cognito_target.client_id
    assert (access["sub"], access["username"]) == (account.sub, account.username)
    assert set(access["scope"].split()) == set(USER_SCOPES), access["scope"]
    identity = verified_claims(cognito_target, answer["id_token"])
    assert identity["token_use"] == "id"
    assert identity["aud"] == cognito_target.client_id
    assert identity["nonce"] == nonce
    assert identity["cognito:username"] == account.username
    user = cognito_target.client.get_user(AccessToken=answer["access_token"])
    assert user["Username"] == account.username


def test_a_code_is_redeemed_once(
    cognito_target: CognitoTarget, login_page: LoginPageClient, accounts: Accounts
) -> None:
    """An authorization code redeemed a second time: 400 invalid_grant."""
    authorization = authorize(cognito_target, login_page, accounts.confirmed())
    redeem(cognito_target, authorization).tokens()
    # token-endpoint.md, invalid_grant: "Authorization code has been consumed already or does
    # not exist."
    assert redeem(cognito_target, authorization).refusal == (400, "invalid_grant")


def test_a_code_redeemed_with_another_redirect_uri_is_refused(
    cognito_target: CognitoTarget, login_page: LoginPageClient, accounts: Accounts
) -> None:
    """A code redeemed with a redirect_uri other than the authorize request's: unauthorized_client.

    Not invalid_grant: token-endpoint.md says a token request whose redirect_uri does not match
    the authorization request's returns unauthorized_client (error_description invalid_redirect),
    and real pools answer a missing trailing slash so
    (https://stackoverflow.com/questions/50264679).
    """
    authorization = authorize(cognito_target, login_page, accounts.confirmed())
    answer = redeem(cognito_target, authorization, redirect_uri=authorization.redirect_uri + "/")
    assert answer.refusal == (400, "unauthorized_client"), answer


def test_a_code_redeemed_with_another_pkce_verifier_is_refused(
    cognito_target: CognitoTarget, login_page: LoginPageClient, accounts: Accounts
) -> None:
    """A code requested with PKCE, redeemed with another code_verifier: 400 invalid_grant."""
    # authorization-endpoint.md: code_challenge_method S256; RFC 7636 §4.6: a verifier that does
    # not match the challenge is invalid_grant.
    authorization = authorize(cognito_target, login_page, accounts.confirmed())
    answer = redeem(cognito_target, authorization, code_verifier=new_code_verifier())
    assert answer.refusal == (400, "invalid_grant"), answer


def test_get_user_refuses_a_token_without_the_user_admin_scope(
    cognito_target: CognitoTarget, login_page: LoginPageClient, accounts: Accounts
) -> None:
    """GetUser with a code-grant token without aws.cognito.signin.user.admin: refused."""
    authorization = authorize(
        cognito_target, login_page, accounts.confirmed(), scopes=("openid", "email")
    )
    access_token = redeem(cognito_target, authorization).tokens()["access_token"]
    message = cognito_error(
        lambda: cognito_target.client.get_user(AccessToken=access_token),
        "NotAuthorizedException",
    )
    assert message == MISSING_SCOPES


def test_the_refresh_token_grant_issues_new_access_and_id_tokens(
    cognito_target: CognitoTarget, login_page: LoginPageClient, accounts: Accounts
) -> None:
    """refresh_token at /oauth2/token: new access and ID tokens, no new refresh token."""
    account = accounts.confirmed()
    signed_in = redeem(cognito_target, authorize(cognito_target, login_page, account)).tokens()
    form = {"grant_type": "refresh_token", "refresh_token": signed_in["refresh_token"]}
    refreshed = token_request(cognito_target, form, web_client(cognito_target)).tokens()
    # token-endpoint.md, "Exchanging a refresh token for tokens": id_token, access_token,
    # token_type, expires_in; refresh_token "only when the grant_type is authorization_code".
    assert sorted(refreshed) == ["access_token", "expires_in", "id_token", "token_type"]
    assert refreshed["access_token"] != signed_in["access_token"]
    user = cognito_target.client.get_user(AccessToken=refreshed["access_token"])
    assert user["Username"] == account.username


def test_a_code_grant_refresh_token_works_with_refresh_token_auth(
    cognito_target: CognitoTarget, login_page: LoginPageClient, accounts: Accounts
) -> None:
    """REFRESH_TOKEN_AUTH (what /users/token/refresh calls) accepts a code-grant refresh token."""
    # The refresh token from the hosted UI is refreshed with InitiateAuth by the same app client
    # (AWS knowledge center, "Invalid Refresh Token" error:
    # https://repost.aws/knowledge-center/cognito-invalid-refresh-token-error).
    account = accounts.confirmed()
    signed_in = redeem(cognito_target, authorize(cognito_target, login_page, account)).tokens()
    refreshed = accounts.refresh(account, signed_in["refresh_token"])
    user = cognito_target.client.get_user(AccessToken=refreshed["AccessToken"])
    assert user["Username"] == account.username


def test_revoke_ends_the_refresh_token_and_its_access_tokens(
    cognito_target: CognitoTarget, login_page: LoginPageClient, accounts: Accounts
) -> None:
    """/oauth2/revoke: 200; then refresh_token is invalid_grant and GetUser refuses the token."""
    signed_in = redeem(
        cognito_target, authorize(cognito_target, login_page, accounts.confirmed())
    ).tokens()
    revoked = revoke_request(cognito_target, signed_in["refresh_token"], web_client(cognito_target))
    # revocation-endpoint.md: "A successful response contains an empty body"; the refresh token
    # and "all of the access tokens generated by" it stop working.
    assert (revoked.status, revoked.body) == (200, {})
    form = {"grant_type": "refresh_token", "refresh_token": signed_in["refresh_token"]}
    # token-endpoint.md, invalid_grant: "Refresh token has been revoked."
    refresh = token_request(cognito_target, form, web_client(cognito_target))
    assert refresh.refusal == (400, "invalid_grant"), refresh
    cognito_error(
        lambda: cognito_target.client.get_user(AccessToken=signed_in["access_token"]),
        "NotAuthorizedException",
    )


def test_revoke_with_a_wrong_secret_is_invalid_client(
    cognito_target: CognitoTarget, accounts: Accounts
) -> None:
    """/oauth2/revoke with a wrong client secret: 401 invalid_client; the token still works."""
    account = accounts.confirmed()
    refresh_token = accounts.log_in(account)["RefreshToken"]
    wrong = AppClient(cognito_target.client_id, cognito_target.client_secret + "x")
    # revocation-endpoint.md: "HTTP 401 and error invalid_client is returned if the client
    # credentials are invalid."
    answer = revoke_request(cognito_target, refresh_token, wrong)
    assert answer.refusal == (401, "invalid_client"), answer
    assert accounts.refresh(account, refresh_token)["AccessToken"]
