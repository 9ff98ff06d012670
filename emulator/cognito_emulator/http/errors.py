"""How the emulator's own routes answer errors: JSON `{"__type", "message"}`, never a traceback.

The cognito-idp API at `POST /` answers its errors itself, in its wire format (`idp_api`); these
handlers cover everything else: bad input to the control API, Cognito errors raised on the way
(an unknown pool), paths and methods nothing answers, and bugs.
"""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ExceptionHandler

from cognito_emulator.exceptions import CognitoError
from cognito_emulator.http.wire import json_error

ROUTES_HINT = (
    "the API is POST /, pool documents are /{pool_id}/.well-known/jwks.json and "
    "/{pool_id}/.well-known/openid-configuration, a pool domain's login pages and OAuth "
    "endpoints are under /domains/{domain}/ (/oauth2/authorize, /login, /oauth2/token, ...), "
    "the control API is under /_emulator/, and GET / in a browser lists them all"
)


class BadRequest(Exception):
    """Input a route cannot use: answered 400 with a message saying what to send instead."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


async def _bad_request(request: Request, error: Exception) -> Response:
    assert isinstance(error, BadRequest)
    return json_error(400, "ValidationException", error.message)


async def _cognito_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, CognitoError)
    return json_error(error.status, error.code, error.message)


async def _not_found(request: Request, error: Exception) -> Response:
    return json_error(404, "NotFound", f"No route for {request.url.path!r}: {ROUTES_HINT}")


async def _method_not_allowed(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    allow = (error.headers or {}).get("Allow", "")
    methods = sorted(set(allow.split(", ")) - {"HEAD", ""})
    return json_error(
        405,
        "MethodNotAllowed",
        f"{request.url.path} answers {', '.join(methods)}, not {request.method}",
        headers={"Allow": allow},
    )


async def _internal_error(request: Request, error: Exception) -> Response:
    # Starlette re-raises the error after this answer, so the server logs it with its traceback.
    return json_error(500, "InternalErrorException", "Internal server error.")


HANDLERS: dict[Any, ExceptionHandler] = {
    BadRequest: _bad_request,
    CognitoError: _cognito_error,
    404: _not_found,
    405: _method_not_allowed,
    Exception: _internal_error,
}
