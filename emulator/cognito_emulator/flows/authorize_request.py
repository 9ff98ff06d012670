"""The authorize request every login page carries, checked as Cognito checks it.

Each managed login page (`flows/managed_login.py`) acts for one authorize request: the query of
`/oauth2/authorize`, passed on from page to page. Its rules live here, apart from what the pages
do, because every page applies them alike. From Cognito's developer guide:

- authorization-endpoint.md: a `client_id` and `redirect_uri` that are not the app client's are
  shown an error page, never redirected to (CallbackURLs: "Amazon Cognito doesn't accept
  authorization requests with redirect_uri values that aren't in the list"); every later problem
  goes back to `redirect_uri` as `?error=...&error_description=...&state=...` ("Examples of
  negative responses").
- Scopes: none requested means every scope of the client; `phone`, `email` and `profile` only
  with `openid`; PKCE only with `code_challenge_method=S256` ("Amazon Cognito authentication
  server supports only S256").
- logout-endpoint.md: `/logout` takes `client_id` with either a `logout_uri` among the client's
  LogoutURLs (other parameters ignored) or a `redirect_uri` (with the other authorize
  parameters) to sign in again; Cognito requires one of the two.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from cognito_emulator.moto_adapter import AppClient, MotoAdapter, Pool
from cognito_emulator.oauth import STANDARD_SCOPES, OAuthError

# What the login pages carry from page to page: the authorize request, nothing else.
AUTHORIZE_PARAMETERS = (
    "response_type",
    "client_id",
    "redirect_uri",
    "state",
    "scope",
    "nonce",
    "code_challenge",
    "code_challenge_method",
    "identity_provider",
    "idp_identifier",
)
OPENID_CLAIM_SCOPES = ("phone", "email", "profile")
LOCAL_PROVIDER = "COGNITO"

Query = Sequence[tuple[str, str]]


class PageError(Exception):
    """A request the login pages cannot serve: answered with an HTML page that says why."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class ErrorRedirect(Exception):
    """An OAuth error once the app's redirect_uri is known: the browser goes back with it."""

    def __init__(self, location: str) -> None:
        super().__init__(location)
        self.location = location


@dataclass(frozen=True, slots=True)
class AuthorizeRequest:
    """An authorize request that passed every check, and the ways back to its app."""

    pool: Pool
    client: AppClient
    redirect_uri: str
    response_type: str
    scopes: tuple[str, ...]
    state: str | None
    nonce: str | None
    code_challenge: str | None

    def redirect_with_code(self, code: str) -> str:
        return _with_query(self.redirect_uri, [("code", code), *self._state()])

    def redirect_with_tokens(self, tokens: Mapping[str, str | int]) -> str:
        """The implicit grant's answer: tokens in the fragment, never sent to the app's server."""
        return f"{self.redirect_uri}#{urlencode([*tokens.items(), *self._state()])}"

    def redirect_with_error(self, error: OAuthError) -> ErrorRedirect:
        return ErrorRedirect(
            _error_location(self.redirect_uri, error.error, error.description, self.state)
        )

    def _state(self) -> list[tuple[str, str]]:
        return [("state", self.state)] if self.state is not None else []


def authorize_parameters(query: Query) -> list[tuple[str, str]]:
    """The authorize request's parameters out of a page's query, as the pages pass them on."""
    return [(name, value) for name, value in query if name in AUTHORIZE_PARAMETERS]


def check_authorize_request(moto: MotoAdapter, domain: str, query: Query) -> AuthorizeRequest:
    """The authorize request a page carries, checked in Cognito's order (see the module
    docstring): PageError before the redirect_uri is known, ErrorRedirect after."""
    pool = _pool(moto, domain)
    values = _values(query)
    client = _client(pool, values)
    redirect_uri = _callback(client, values)
    state = _single(values, "state")

    def refuse(error: str, description: str) -> ErrorRedirect:
        return ErrorRedirect(_error_location(redirect_uri, error, description, state))

    for name in AUTHORIZE_PARAMETERS:
        if len(values.get(name, ())) > 1:
            raise refuse("invalid_request", f"The {name} parameter is given more than once.")
    if client.settings.get("AllowedOAuthFlowsUserPoolClient") is not True:
        raise refuse("unauthorized_client", "Client is not enabled for OAuth2.0 flows.")
    response_type = _single(values, "response_type")
    if not response_type:
        raise refuse("invalid_request", "response_type is required: code or token.")
    flow = {"code": "code", "token": "implicit"}.get(response_type)
    if flow is None:
        raise refuse(
            "unsupported_response_type",
            f"response_type {response_type!r} is not supported: use code or token.",
        )
    if flow not in (client.settings.get("AllowedOAuthFlows") or ()):
        raise refuse(
            "unauthorized_client",
            f"The client is not allowed the {flow} grant (AllowedOAuthFlows).",
        )
    providers = client.settings.get("SupportedIdentityProviders") or ()
    provider = _single(values, "identity_provider")
    if provider is not None and provider not in providers:
        raise refuse(
            "unauthorized_client",
            f"identity_provider {provider!r} is not among the client's SupportedIdentityProviders.",
        )
    if provider not in (None, LOCAL_PROVIDER) or _single(values, "idp_identifier"):
        raise refuse(
            "invalid_request",
            "The emulator signs in the user pool's own users only (identity_provider "
            "COGNITO); federated identity providers are not emulated.",
        )
    if LOCAL_PROVIDER not in providers:
        raise refuse(
            "unauthorized_client",
            "COGNITO is not among the client's SupportedIdentityProviders, so its users "
            "cannot sign in on the login page.",
        )
    try:
        scopes = _granted_scopes(pool, client, _single(values, "scope"))
    except OAuthError as error:
        raise refuse(error.error, error.description) from None
    code_challenge = _single(values, "code_challenge")
    method = _single(values, "code_challenge_method")
    if response_type == "code" and (code_challenge is not None or method is not None):
        if method != "S256":
            raise refuse(
                "invalid_request",
                "code_challenge_method must be S256 (the only PKCE method Cognito supports)"
                " and is required with code_challenge.",
            )
        if not code_challenge:
            raise refuse("invalid_request", "code_challenge is required with S256.")
    return AuthorizeRequest(
        pool=pool,
        client=client,
        redirect_uri=redirect_uri,
        response_type=response_type,
        scopes=scopes,
        state=state,
        nonce=_single(values, "nonce"),
        code_challenge=code_challenge if response_type == "code" else None,
    )


def check_logout_request(moto: MotoAdapter, domain: str, query: Query) -> str | None:
    """Where `/logout` sends the browser once the session ends: the client's sign-out URL it
    names (`logout_uri`), or None to sign in again (`redirect_uri`). PageError otherwise."""
    pool = _pool(moto, domain)
    values = _values(query)
    client = _client(pool, values)
    logout_uri = _single(values, "logout_uri")
    if logout_uri is not None:
        if logout_uri not in (client.settings.get("LogoutURLs") or ()):
            raise PageError(
                400,
                f"logout_uri {logout_uri!r} is not one of the sign-out URLs (LogoutURLs) of "
                f"app client {client.id}; register it on the client or send one that is.",
            )
        return logout_uri
    if _single(values, "redirect_uri") is not None:
        _callback(client, values)
        return None
    raise PageError(
        400,
        "/logout needs either logout_uri (one of the app client's LogoutURLs) to sign out "
        "and go there, or redirect_uri with response_type (and scope, state) to sign out "
        "and sign in again.",
    )


def _pool(moto: MotoAdapter, domain: str) -> Pool:
    pool = moto.pool_of_domain(domain)
    if pool is None:
        raise PageError(404, f"No user pool has the domain {domain!r}.")
    return pool


def _client(pool: Pool, values: Mapping[str, list[str]]) -> AppClient:
    client_ids = values.get("client_id") or []
    if len(client_ids) != 1 or not client_ids[0]:
        raise PageError(
            400,
            "The client_id parameter is missing"
            if not client_ids
            else "The client_id parameter must be given once, with the app client's id.",
        )
    client = pool.client(client_ids[0])
    if client is None:
        raise PageError(400, f"This user pool has no app client {client_ids[0]!r}.")
    return client


def _callback(client: AppClient, values: Mapping[str, list[str]]) -> str:
    redirect_uris = values.get("redirect_uri") or []
    if len(redirect_uris) != 1 or not redirect_uris[0]:
        raise PageError(
            400,
            "The redirect_uri parameter is missing"
            if not redirect_uris
            else "The redirect_uri parameter must be given once.",
        )
    redirect_uri = redirect_uris[0]
    if redirect_uri not in (client.settings.get("CallbackURLs") or ()):
        raise PageError(
            400,
            f"redirect_uri {redirect_uri!r} is not one of the callback URLs (CallbackURLs) "
            f"of app client {client.id} (redirect_mismatch): Cognito never redirects to an "
            "unregistered URL.",
        )
    return redirect_uri


def _granted_scopes(pool: Pool, client: AppClient, requested: str | None) -> tuple[str, ...]:
    """The scopes of an authorize request: those asked for, every one of them allowed, or all
    the client's when none are asked for. OAuthError invalid_scope otherwise."""
    resource_scopes = pool.resource_server_scopes()
    allowed = [
        scope
        for scope in client.settings.get("AllowedOAuthScopes") or ()
        if scope in STANDARD_SCOPES or scope in resource_scopes
    ]
    asked = tuple(dict.fromkeys(scope for scope in (requested or "").split(" ") if scope))
    if not asked:
        if not allowed:
            raise OAuthError("invalid_scope", "The client has no AllowedOAuthScopes.")
        return tuple(allowed)
    refused = [scope for scope in asked if scope not in allowed]
    if refused:
        raise OAuthError(
            "invalid_scope",
            f"Scope {refused[0]!r} is not one of the client's AllowedOAuthScopes.",
        )
    if "openid" not in asked and any(scope in OPENID_CLAIM_SCOPES for scope in asked):
        raise OAuthError(
            "invalid_scope", "The phone, email and profile scopes can only be asked with openid."
        )
    return asked


def _values(query: Query) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for name, value in query:
        values.setdefault(name, []).append(value)
    return values


def _single(values: Mapping[str, list[str]], name: str) -> str | None:
    given = values.get(name)
    return given[0] if given else None


def _with_query(uri: str, parameters: list[tuple[str, str]]) -> str:
    separator = "&" if "?" in uri else "?"
    return f"{uri}{separator}{urlencode(parameters)}"


def _error_location(redirect_uri: str, error: str, description: str, state: str | None) -> str:
    parameters = [("error", error), ("error_description", description)]
    if state is not None:
        parameters.append(("state", state))
    return _with_query(redirect_uri, parameters)
