"""Authlib, as a Starlette web app uses it, signing a user in through the emulator's login page.

The relying party is the few lines a Starlette or FastAPI developer writes from Authlib's docs: an
`OAuth` registry given only `server_metadata_url`, `authorize_redirect` on /login and
`authorize_access_token` on the callback, which checks the state, redeems the code with the PKCE
verifier and validates the ID token against the JWKS from discovery (signature, iss, aud, nonce,
at_hash). Authlib has no browser: the login form is driven by `LoginPageClient`, which reads the
form from the page as a browser would. Then: userinfo, refresh, revocation (after which refresh
fails and the revoked session's access token is refused), and client credentials for the machine
client with a resource-server scope.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
from authlib.integrations.base_client import OAuthError
from authlib.integrations.httpx_client import AsyncOAuth2Client
from authlib.integrations.starlette_client import OAuth
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from cognito_emulator.login_page_client import LoginPageClient

# What the relying party asks for: an ID token, the email claims, and an access token that also
# works with Cognito's own user API.
USER_SCOPES = "openid email aws.cognito.signin.user.admin"


class CheckFailed(AssertionError):
    """A step did not give what a client of real Cognito gets; the message says which."""


@dataclass(frozen=True)
class OidcSetup:
    """What the checks are given: the discovery URL, the clients, a user. Nothing else about
    the server: every endpoint comes from the discovery document."""

    discovery_url: str
    client_id: str
    client_secret: str
    redirect_uri: str
    machine_client_id: str
    machine_client_secret: str
    machine_scope: str
    username: str
    password: str


def relying_party(oauth: OAuth, redirect_uri: str) -> Starlette:
    """The web app: /login sends the browser to the login page, the callback (the path of the
    client's registered redirect URI) finishes the sign-in."""

    async def login(request: Request) -> Response:
        response: Response = await oauth.cognito.authorize_redirect(request, redirect_uri)
        return response

    async def callback(request: Request) -> Response:
        try:
            token = await oauth.cognito.authorize_access_token(request)
        except (OAuthError, JoseError) as error:
            return JSONResponse({"error": f"{type(error).__name__}: {error}"}, status_code=400)
        return JSONResponse(dict(token))

    return Starlette(
        routes=[Route("/login", login), Route(urlsplit(redirect_uri).path, callback)],
        middleware=[Middleware(SessionMiddleware, secret_key=secrets.token_hex(32))],
    )


async def run(setup: OidcSetup, report: Callable[[str], None]) -> None:
    """Every step in order; CheckFailed at the first that does not hold."""
    oauth = OAuth()
    oauth.register(
        "cognito",
        server_metadata_url=setup.discovery_url,
        client_id=setup.client_id,
        client_secret=setup.client_secret,
        client_kwargs={"scope": USER_SCOPES, "code_challenge_method": "S256"},
    )
    metadata = await oauth.cognito.load_server_metadata()
    for endpoint in ("token_endpoint", "userinfo_endpoint", "revocation_endpoint"):
        _expect(endpoint in metadata, f"the discovery document has no {endpoint}")
    report(f"discovery: {setup.discovery_url} → issuer {metadata['issuer']}")

    token = await _sign_in(oauth, setup)
    claims = token["userinfo"]  # the ID token's claims, validated by authorize_access_token
    _expect(
        claims.get("cognito:username") == setup.username,
        f"ID token for {claims.get('cognito:username')!r}, not {setup.username!r}",
    )
    _expect("at_hash" in claims, "the ID token has no at_hash (Authlib checks it when present)")
    report(
        "authorization code + PKCE through the login page: ID token validated by Authlib "
        f"(signature from jwks_uri, iss, aud, nonce, at_hash) for {setup.username}"
    )
    await _id_token_checks_bite(oauth, setup, token, report)

    info = await oauth.cognito.userinfo(token=token)
    _expect(
        info.get("sub") == claims["sub"],
        f"userinfo's sub {info.get('sub')!r} is not the ID token's",
    )
    report(f"userinfo: sub and email {info.get('email')!r} for the signed-in user")

    async with AsyncOAuth2Client(setup.client_id, setup.client_secret, token=dict(token)) as client:
        refreshed = await client.refresh_token(
            metadata["token_endpoint"], refresh_token=token["refresh_token"]
        )
        _expect(
            refreshed["access_token"] != token["access_token"],
            "refresh gave back the same access token",
        )
        info = await oauth.cognito.userinfo(token=refreshed)
        _expect(info.get("sub") == claims["sub"], "the refreshed access token is not the user's")
        report("refresh: a new access token, accepted by userinfo")

        revoked = await client.revoke_token(
            metadata["revocation_endpoint"],
            token=token["refresh_token"],
            token_type_hint="refresh_token",
        )
        _expect(revoked.status_code == 200, f"revocation answered HTTP {revoked.status_code}")
        refusal = await _oauth_error(
            lambda: client.refresh_token(
                metadata["token_endpoint"], refresh_token=token["refresh_token"]
            )
        )
        _expect(
            refusal == "invalid_grant",
            f"refresh after revocation: {refusal!r}, not invalid_grant",
        )
        status = await _userinfo_status(metadata["userinfo_endpoint"], refreshed["access_token"])
        _expect(status == 401, f"userinfo with a revoked session's access token: HTTP {status}")
        report(
            "revoke: refresh then fails with invalid_grant; userinfo refuses the access token (401)"
        )

    await _client_credentials(setup, metadata, report)


async def _sign_in(oauth: OAuth, setup: OidcSetup) -> dict[str, Any]:
    """A browser's round trip: the app's /login, the login page, the app's callback."""
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(setup.redirect_uri))
    app = relying_party(oauth, setup.redirect_uri)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=origin
    ) as browser:
        to_login_page = await browser.get("/login")
        _expect(
            to_login_page.status_code == 302, f"the app's /login: HTTP {to_login_page.status_code}"
        )
        authorize_url = to_login_page.headers["location"]
        _expect(
            "code_challenge=" in authorize_url and "nonce=" in authorize_url,
            f"Authlib's authorize URL lacks PKCE or nonce: {authorize_url}",
        )
        login_pages = LoginPageClient(authorize_url.split("/oauth2/authorize", 1)[0])
        callback_url = await asyncio.to_thread(
            login_pages.follow_sign_in,
            authorize_url,
            setup.redirect_uri,
            setup.username,
            setup.password,
        )
        finished = await browser.get(callback_url)
    _expect(finished.status_code == 200, f"the app's callback: {finished.text}")
    token: dict[str, Any] = finished.json()
    for name in ("access_token", "id_token", "refresh_token", "userinfo"):
        _expect(name in token, f"the token response lacks {name}: {sorted(token)}")
    return token


async def _id_token_checks_bite(
    oauth: OAuth, setup: OidcSetup, token: dict[str, Any], report: Callable[[str], None]
) -> None:
    """Authlib's validation is not vacuous: the same ID token is refused by a client expecting
    another nonce, by another client, and by a client trusting another issuer."""
    another_client = OAuth()
    another_client.register(
        "cognito",
        server_metadata_url=setup.discovery_url,
        client_id="another-client",
        client_secret="unused",
    )
    attempts = {
        "another nonce": oauth.cognito.parse_id_token(token, nonce="not-the-nonce"),
        "another client (aud)": another_client.cognito.parse_id_token(token, nonce=None),
        "another issuer": oauth.cognito.parse_id_token(
            token, nonce=None, claims_options={"iss": {"values": ["https://elsewhere"]}}
        ),
    }
    reasons = []
    for expectation, attempt in attempts.items():
        try:
            await attempt
        except JoseError as error:
            reasons.append(f"{expectation}: {type(error).__name__} {error}")
        else:
            raise CheckFailed(f"Authlib accepted the ID token for {expectation}")
    report("Authlib refuses that ID token for " + "; ".join(reasons))


async def _client_credentials(
    setup: OidcSetup, metadata: dict[str, Any], report: Callable[[str], None]
) -> None:
    async with AsyncOAuth2Client(
        setup.machine_client_id, setup.machine_client_secret, scope=setup.machine_scope
    ) as machine:
        token = await machine.fetch_token(
            metadata["token_endpoint"], grant_type="client_credentials"
        )
        _expect(
            "id_token" not in token and "refresh_token" not in token,
            f"client credentials gave more than an access token: {sorted(token)}",
        )
        async with httpx.AsyncClient() as http:
            jwks = (await http.get(metadata["jwks_uri"])).raise_for_status().json()
        decoded = jwt.decode(token["access_token"], KeySet.import_key_set(jwks))
        registry = jwt.JWTClaimsRegistry(
            iss={"essential": True, "value": metadata["issuer"]},
            sub={"essential": True, "value": setup.machine_client_id},
            client_id={"essential": True, "value": setup.machine_client_id},
            token_use={"essential": True, "value": "access"},
            scope={"essential": True, "value": setup.machine_scope},
        )
        try:
            registry.validate(decoded.claims)
        except JoseError as error:
            raise CheckFailed(f"the client-credentials access token: {error}") from error
        _expect(
            "username" not in decoded.claims,
            "a client-credentials access token names a user",
        )
        report(
            f"client credentials: an access token for {setup.machine_scope}, sub = the client id, "
            "verified with joserfc against jwks_uri"
        )
        refusal = await _oauth_error(
            lambda: machine.fetch_token(
                metadata["token_endpoint"],
                grant_type="client_credentials",
                scope=f"{setup.machine_scope}-not-defined",
            )
        )
        _expect(refusal == "invalid_scope", f"an undefined scope: {refusal!r}, not invalid_scope")
        report("client credentials: an undefined scope is refused with invalid_scope")


async def _oauth_error(call: Callable[[], Awaitable[Any]]) -> str | None:
    """The OAuth error code a call raised, None if it succeeded."""
    try:
        await call()
    except OAuthError as error:
        return str(error.error)
    return None


async def _userinfo_status(userinfo_endpoint: str, access_token: str) -> int:
    async with httpx.AsyncClient() as http:
        answer = await http.get(
            userinfo_endpoint, headers={"Authorization": f"Bearer {access_token}"}
        )
    return answer.status_code


def _expect(condition: bool, failure: str) -> None:
    if not condition:
        raise CheckFailed(failure)
