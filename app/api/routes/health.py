"""Liveness and readiness probes."""

from fastapi import APIRouter, Response, status
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import select

from app.api.deps import ServicesDep
from app.api.errors import UNAVAILABLE_RETRY_AFTER_SECONDS
from app.core.migrations import SchemaNotMigratedError, require_latest_schema
from app.core.tokens import JWKSUnavailableError
from app.models import CheckState, Liveness, Readiness, User

router = APIRouter(tags=["Health"])


@router.get("/healthz")
async def healthz() -> Liveness:
    """The process answers (nothing else is checked)."""
    return Liveness()


@router.get(
    "/readyz",
    responses={
        503: {
            "model": Readiness,
            "description": "The database (or its schema) or the pool's JWKS is unavailable",
            "headers": {"Retry-After": {"schema": {"type": "integer"}}},
        }
    },
)
def readyz(services: ServicesDep, response: Response) -> Readiness:
    """Ready when the database answers with the service's schema and the pool's JWKS can be
    fetched (at most one fetch per JWKS_READINESS_MAX_AGE_SECONDS)."""
    database = _database_state(services.engine)
    jwks: CheckState = "ok"
    try:
        services.verifier.probe_jwks(services.settings.JWKS_READINESS_MAX_AGE_SECONDS)
    except JWKSUnavailableError:
        jwks = "unavailable"
    ready = database == "ok" and jwks == "ok"
    if not ready:
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
        response.headers["Retry-After"] = str(UNAVAILABLE_RETRY_AFTER_SECONDS)
    return Readiness(status="ready" if ready else "unavailable", database=database, jwks=jwks)


def _database_state(engine: Engine) -> CheckState:
    """The database answers, is at the latest migration and has the user table every route
    reads, with all its columns (a query for no rows): a database recreated empty, or emptied,
    under a running service is not ready, as its routes answer 503."""
    try:
        require_latest_schema(engine)
        with engine.connect() as connection:
            connection.execute(select(User).limit(0))
    except (SQLAlchemyError, SchemaNotMigratedError):
        return "unavailable"
    return "ok"
