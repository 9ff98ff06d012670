"""Error answers: RFC 6750 Bearer challenges, and the exception handlers that keep failures of
Cognito, the JWKS or the database from ever becoming a 500."""

import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, HTTPException, Request, params, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from app.core.cognito_errors import CognitoRequestFailed
from app.core.db import is_unavailable
from app.core.migrations import SchemaNotMigratedError
from app.core.tokens import JWKSUnavailableError
from app.models import PATTERN_RULES

logger = logging.getLogger(__name__)

UNAVAILABLE_RETRY_AFTER_SECONDS = 5


def not_authenticated() -> HTTPException:
    """No token was sent: a bare challenge (RFC 6750 §3.1)."""
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, "Not authenticated", {"WWW-Authenticate": "Bearer"}
    )


def invalid_token(detail: str) -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED,
        detail,
        {"WWW-Authenticate": 'Bearer error="invalid_token"'},
    )


def insufficient_scope(detail: str, scope: str | None = None) -> HTTPException:
    challenge = 'Bearer error="insufficient_scope"'
    if scope:
        challenge += f', scope="{scope}"'
    return HTTPException(status.HTTP_403_FORBIDDEN, detail, {"WWW-Authenticate": challenge})


def user_disabled() -> HTTPException:
    return HTTPException(status.HTTP_403_FORBIDDEN, "User is disabled")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _unprocessable)
    _document_unprocessable(app)
    app.add_exception_handler(CognitoRequestFailed, _cognito_failed)
    app.add_exception_handler(JWKSUnavailableError, _jwks_unavailable)
    # Outages only (app/core/db.py `is_unavailable`); other database errors stay faults (500).
    app.add_exception_handler(DBAPIError, _database_unavailable)
    app.add_exception_handler(PoolTimeoutError, _database_unavailable)
    # Only without lifespan events (the app refuses to start otherwise): the first request finds
    # the database not migrated.
    app.add_exception_handler(SchemaNotMigratedError, _database_unavailable)
    app.add_exception_handler(IntegrityError, _database_conflict)


# More errors than any request model has fields: a list that long tells the client enough.
MAX_LISTED_ERRORS = 10


def _is_json(content_type: str) -> bool:
    return content_type == "application/json" or content_type.endswith("+json")


def _is_form(content_type: str) -> bool:
    return content_type in ("application/x-www-form-urlencoded", "multipart/form-data")


# Each body media type of the routes: the content types FastAPI parses as it (a body sent as
# another is never parsed, so its fields would be reported missing although they were sent), and
# the words of the 422 then.
_BODY_MEDIA_TYPES: dict[str, tuple[Callable[[str], bool], str]] = {
    "application/json": (_is_json, "JSON (Content-Type: application/json)"),
    "application/x-www-form-urlencoded": (
        _is_form,
        "form-encoded (Content-Type: application/x-www-form-urlencoded), as an OAuth2 password "
        "grant",
    ),
}


async def _unprocessable(request: Request, exc: Exception) -> JSONResponse:
    """FastAPI's 422, reduced to what a client needs to fix its request: each error's `loc`, `msg`
    and `type`, at most MAX_LISTED_ERRORS of them. Never `input` (a password or token, the whole
    body beside a missing field, the raw body when it is not JSON: an answer ends up in client
    logs, and echoing megabytes back costs the event loop seconds; a lone surrogate in it could
    not even be encoded) and never `ctx` (it quotes the input, or a regex)."""
    assert isinstance(exc, RequestValidationError)
    required = _body_media_type_not_sent(request)
    if required is not None:
        detail = [{"loc": ["body"], "msg": f"The body must be {required}", "type": "content_type"}]
    else:
        detail = [_described(error) for error in exc.errors()[:MAX_LISTED_ERRORS]]
    return JSONResponse({"detail": detail}, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)


def _document_unprocessable(app: FastAPI) -> None:
    """The OpenAPI document's 422 error as answered: FastAPI's lists `input` and `ctx` too."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        schema = generate()
        error = schema.get("components", {}).get("schemas", {}).get("ValidationError", {})
        for echoed in ("input", "ctx"):
            error.get("properties", {}).pop(echoed, None)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _body_media_type_not_sent(request: Request) -> str | None:
    """In words, the media type the route reads its body as, if the request was sent as
    another."""
    route = request.scope.get("route")
    body = route.body_field if isinstance(route, APIRoute) else None
    if body is None or not isinstance(body.field_info, params.Body):
        return None
    known = _BODY_MEDIA_TYPES.get(body.field_info.media_type)
    if known is None:
        return None
    parses, words = known
    sent = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    return None if parses(sent) else words


def _described(error: Any) -> dict[str, Any]:
    """One error as `loc`, `msg`, `type`, its message in words where pydantic's quotes a regex,
    or tells nothing."""
    location = list(error["loc"])
    kind = error["type"]
    message = error["msg"]
    if kind == "string_pattern_mismatch":
        rule = PATTERN_RULES.get(error["ctx"]["pattern"], "contains characters not allowed here")
        message = f"{location[-1]} {rule}"
    elif kind == "string_unicode":
        message = f"{location[-1]} must be Unicode text (a lone surrogate such as \\ud800 is not)"
    elif kind == "json_invalid":
        message = f"The body is not valid JSON: {error['ctx']['error']}"
    return {"loc": location, "msg": message, "type": kind}


async def _cognito_failed(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, CognitoRequestFailed)
    return JSONResponse({"detail": exc.detail}, status_code=exc.answer.status, headers=exc.headers)


async def _jwks_unavailable(_request: Request, exc: Exception) -> JSONResponse:
    logger.warning("Token verification impossible: %s", exc)
    return _unavailable("Token keys of the identity provider are unavailable; retry later")


async def _database_unavailable(_request: Request, exc: Exception) -> JSONResponse:
    """503, and a log line naming the error's classes only: its message holds SQL and parameters."""
    if isinstance(exc, SQLAlchemyError) and not is_unavailable(exc):
        raise exc  # a fault, not an outage: the server's 500, logged with its traceback
    driver_error = getattr(exc, "orig", None)
    cause = f" ({type(driver_error).__name__})" if driver_error is not None else ""
    logger.warning("Database unavailable: %s%s", type(exc).__name__, cause)
    return _unavailable("The database is unavailable; retry later")


async def _database_conflict(_request: Request, exc: Exception) -> JSONResponse:
    # Only reachable when concurrent writes of one user keep colliding (crud.ensure_user retries
    # first): transient contention, so the documented "retry later" answer.
    logger.warning("Database write kept conflicting: %s", type(exc).__name__)
    return _unavailable("Concurrent updates of this user; retry later")


def _unavailable(detail: str) -> JSONResponse:
    return JSONResponse(
        {"detail": detail},
        status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
        headers={"Retry-After": str(UNAVAILABLE_RETRY_AFTER_SECONDS)},
    )
