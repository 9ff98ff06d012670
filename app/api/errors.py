"""Error answers: RFC 6750 Bearer challenges, and the exception handlers that keep failures of
Cognito, the JWKS or the database from ever becoming a 500."""

import logging
from typing import Any

from fastapi import FastAPI, HTTPException, Request, status
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError

from app.core.cognito_errors import CognitoRequestFailed
from app.core.migrations import SchemaNotMigratedError
from app.core.tokens import JWKSUnavailableError

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
    app.add_exception_handler(CognitoRequestFailed, _cognito_failed)
    app.add_exception_handler(JWKSUnavailableError, _jwks_unavailable)
    app.add_exception_handler(OperationalError, _database_unavailable)
    app.add_exception_handler(InterfaceError, _database_unavailable)
    # Only without lifespan events (the app refuses to start otherwise): the first request finds
    # the database not migrated.
    app.add_exception_handler(SchemaNotMigratedError, _database_unavailable)
    app.add_exception_handler(IntegrityError, _database_conflict)


async def _unprocessable(_request: Request, exc: Exception) -> JSONResponse:
    """FastAPI's 422, minus two flaws: a body that is not UTF-8 made its encoder raise (a 500),
    and secrets were echoed back (a password or token in the answer ends up in client logs)."""
    assert isinstance(exc, RequestValidationError)
    errors = [_without_secret_input(error) for error in exc.errors()]
    content = jsonable_encoder(
        {"detail": errors}, custom_encoder={bytes: lambda raw: raw.decode("utf-8", "replace")}
    )
    return JSONResponse(content, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)


def _without_secret_input(error: Any) -> Any:
    location = error.get("loc", ()) if isinstance(error, dict) else ()
    field = str(location[-1]) if location else ""
    if "password" in field or "token" in field:
        return {key: value for key, value in error.items() if key != "input"}
    return error


async def _cognito_failed(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, CognitoRequestFailed)
    return JSONResponse({"detail": exc.detail}, status_code=exc.answer.status, headers=exc.headers)


async def _jwks_unavailable(_request: Request, exc: Exception) -> JSONResponse:
    logger.warning("Token verification impossible: %s", exc)
    return _unavailable("Token keys of the identity provider are unavailable; retry later")


async def _database_unavailable(_request: Request, exc: Exception) -> JSONResponse:
    logger.warning("Database unavailable: %s", type(exc).__name__)
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
