"""A pool's OAuth 2.0 endpoints under its domain: /oauth2/token, /oauth2/userInfo, /oauth2/revoke.

Wire only: read the form body (application/x-www-form-urlencoded, each parameter once, of a
bounded size) and the Authorization header, call `OAuthGrantFlows` under the backend lock, and
answer OAuth's JSON `{"error", "error_description"}` with the status the flow chose. The rules
live in `flows/oauth_grants.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from cognito_emulator.flows.oauth_grants import OAuthGrantFlows
from cognito_emulator.http.wire import json_response
from cognito_emulator.oauth import OAuthError

if TYPE_CHECKING:
    from cognito_emulator.http.app import EmulatorApp

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
MAX_BODY_BYTES = 64 * 1024
MAX_PARAMETERS = 64
# RFC 6749 §5.1: token responses must not be cached.
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
# token-endpoint.md: "The token endpoint returns an Access-Control-Allow-Origin: * response
# header", so a single-page app can redeem its code from the browser.
TOKEN_HEADERS = {**NO_STORE, "Access-Control-Allow-Origin": "*"}
# userinfo-endpoint.md, "Example - positive response" and "Example - bad request".
USER_INFO_HEADERS = {
    "Cache-Control": "no-cache, no-store, max-age=0, must-revalidate",
    "Pragma": "no-cache",
}
BAD_USER_INFO_REQUEST = "Bad OAuth2 request at UserInfo Endpoint"

T = TypeVar("T")
# OAuthGrantFlows.token or .revoke: (flows, domain, form parameters, Authorization header).
ClientGrant = Callable[[OAuthGrantFlows, str, Mapping[str, str], str | None], T]


async def token(request: Request) -> Response:
    try:
        answer = await _client_request(request, OAuthGrantFlows.token)
    except OAuthError as error:
        return oauth_error(error, TOKEN_HEADERS)
    return json_response(answer, headers=TOKEN_HEADERS)


async def user_info(request: Request) -> Response:
    """GET or POST with `Authorization: Bearer <access token>` (userinfo-endpoint.md)."""
    emulator: EmulatorApp = request.app
    domain = request.path_params["domain"]
    values = request.headers.getlist("authorization")
    scheme, _, access_token = values[0].strip().partition(" ") if len(values) == 1 else ("", "", "")
    access_token = access_token.strip()
    if scheme.lower() != "bearer" or not access_token:
        return _user_info_error(OAuthError("invalid_request", BAD_USER_INFO_REQUEST))
    try:
        claims = await emulator.run_locked(
            lambda: emulator.backend.oauth_grants.user_info(domain, access_token)
        )
    except OAuthError as error:
        return _user_info_error(error)
    return json_response(claims, headers=USER_INFO_HEADERS)


async def revoke(request: Request) -> Response:
    """A successful revocation answers 200 with an empty body (revocation-endpoint.md)."""
    try:
        await _client_request(request, OAuthGrantFlows.revoke)
    except OAuthError as error:
        return oauth_error(error, NO_STORE)
    return Response(status_code=200, headers=NO_STORE)


async def read_form(request: Request) -> dict[str, str]:
    """The body's parameters; invalid_request unless it is form-urlencoded UTF-8 of at most
    MAX_BODY_BYTES with each parameter once (RFC 6749 §3.2: "Request and response parameters
    MUST NOT be included more than once")."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != FORM_CONTENT_TYPE:
        raise OAuthError("invalid_request", f"Content-Type must be {FORM_CONTENT_TYPE}.")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise OAuthError(
                "invalid_request", f"The request body is larger than {MAX_BODY_BYTES} bytes."
            )
    try:
        pairs = parse_qsl(
            body.decode("utf-8"),
            keep_blank_values=True,
            errors="strict",
            max_num_fields=MAX_PARAMETERS,
        )
    except ValueError:
        raise OAuthError(
            "invalid_request",
            f"The request body must be UTF-8 form-urlencoded, with at most {MAX_PARAMETERS} "
            "parameters.",
        ) from None
    params: dict[str, str] = {}
    for name, value in pairs:
        if name in params:
            raise OAuthError("invalid_request", f"Parameter {name[:64]!r} is repeated.")
        params[name] = value
    return params


def oauth_error(error: OAuthError, headers: dict[str, str]) -> Response:
    return json_response(
        {"error": error.error, "error_description": error.description}, error.status, headers
    )


async def _client_request(request: Request, grant: ClientGrant[T]) -> T:
    """A client's request to the token or revocation endpoint: its form and Authorization
    header, handed to `grant` under the backend lock; OAuthError when it is refused."""
    emulator: EmulatorApp = request.app
    domain = request.path_params["domain"]
    params = await read_form(request)
    authorization = _single_authorization(request)
    return await emulator.run_locked(
        lambda: grant(emulator.backend.oauth_grants, domain, params, authorization)
    )


def _single_authorization(request: Request) -> str | None:
    values = request.headers.getlist("authorization")
    if len(values) > 1:
        raise OAuthError("invalid_request", "Send at most one Authorization header.")
    return values[0] if values else None


def _user_info_error(error: OAuthError) -> Response:
    """userInfo's errors also say what is wrong in WWW-Authenticate (RFC 6750 §3)."""
    if error.status not in (400, 401):
        return oauth_error(error, USER_INFO_HEADERS)
    challenge = f'Bearer error="{error.error}", error_description="{error.description}"'
    return oauth_error(error, {**USER_INFO_HEADERS, "WWW-Authenticate": challenge})


ROUTES: list[BaseRoute] = [
    Route("/oauth2/token", token, methods=["POST"]),
    Route("/oauth2/userInfo", user_info, methods=["GET", "POST"]),
    Route("/oauth2/revoke", revoke, methods=["POST"]),
]
