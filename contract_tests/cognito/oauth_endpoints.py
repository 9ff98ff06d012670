"""The pool's OAuth 2.0 endpoints as an app calls them, answers kept exactly as they came.

Form posts to ``/oauth2/token`` and ``/oauth2/revoke`` with the client authenticated by HTTP
Basic (token-endpoint.md, "Authorization": ``Basic Base64Encode(client_id:client_secret)``), over
httpx, so the same call reaches the emulator and a real pool's domain. The login page is driven by
the emulator's login helper (`LoginPageClient`), which stops at the redirect to the callback URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from cognito_emulator.login_page_client import Authorization, LoginPageClient
from contract_tests.cognito.accounts import ContractUser
from contract_tests.targets import AppClient, CognitoTarget

TIMEOUT_SECONDS = 15
# What the service's web sign-in asks for (minus `profile`, which changes nothing here).
USER_SCOPES = ("openid", "email", "aws.cognito.signin.user.admin")


@dataclass(frozen=True)
class OAuthAnswer:
    """One answer of an OAuth endpoint: its status and its JSON body (empty when it had none)."""

    status: int
    body: dict[str, Any]

    @property
    def refusal(self) -> tuple[int, str]:
        """(status, OAuth error code), the pair the contract compares."""
        return self.status, str(self.body.get("error", ""))

    def tokens(self) -> dict[str, Any]:
        """The body of a 200 answer; anything else fails the test, saying what came instead."""
        assert self.status == 200, f"expected 200 with tokens, got {self.status}: {self.body}"
        return self.body


def post_form(url: str, form: dict[str, str], client: AppClient) -> OAuthAnswer:
    response = httpx.post(
        url,
        data=form,
        auth=(client.client_id, client.client_secret),
        timeout=TIMEOUT_SECONDS,
    )
    body = response.json() if response.content else {}
    assert isinstance(body, dict), f"{url} answered {response.status_code} with {body!r}"
    return OAuthAnswer(response.status_code, body)


def token_request(target: CognitoTarget, form: dict[str, str], client: AppClient) -> OAuthAnswer:
    return post_form(f"{target.oauth_domain()}/oauth2/token", form, client)


def revoke_request(target: CognitoTarget, token: str, client: AppClient) -> OAuthAnswer:
    return post_form(f"{target.oauth_domain()}/oauth2/revoke", {"token": token}, client)


def web_client(target: CognitoTarget) -> AppClient:
    """The app client the service signs users in with."""
    return AppClient(target.client_id, target.client_secret)


def callback_url(target: CognitoTarget) -> str:
    """The app client's first callback URL (the service's /auth/callback in the definition)."""
    described = target.client.describe_user_pool_client(
        UserPoolId=target.user_pool_id, ClientId=target.client_id
    )["UserPoolClient"]
    urls = described.get("CallbackURLs") or []
    assert urls, f"app client {target.client_id} has no callback URL for the code grant"
    return urls[0]


def authorize(
    target: CognitoTarget,
    login_page: LoginPageClient,
    account: ContractUser,
    scopes: tuple[str, ...] = USER_SCOPES,
    nonce: str | None = None,
) -> Authorization:
    """A code for ``account`` through the pool's login page, with PKCE (S256)."""
    return login_page.authorize(
        client_id=target.client_id,
        redirect_uri=callback_url(target),
        username=account.username,
        password=account.password,
        scopes=list(scopes),
        nonce=nonce,
    )


def redeem(
    target: CognitoTarget,
    authorization: Authorization,
    *,
    redirect_uri: str | None = None,
    code_verifier: str | None = None,
) -> OAuthAnswer:
    """The authorization_code grant for ``authorization``; ``redirect_uri`` and
    ``code_verifier`` replace the right ones when a test sends wrong ones."""
    verifier = code_verifier or authorization.code_verifier
    assert verifier is not None, "the contract's codes are all requested with PKCE"
    form = {
        "grant_type": "authorization_code",
        "client_id": target.client_id,
        "code": authorization.code,
        "redirect_uri": redirect_uri or authorization.redirect_uri,
        "code_verifier": verifier,
    }
    return token_request(target, form, web_client(target))


def client_credentials(target: CognitoTarget, client: AppClient, scope: str) -> OAuthAnswer:
    return token_request(target, {"grant_type": "client_credentials", "scope": scope}, client)
