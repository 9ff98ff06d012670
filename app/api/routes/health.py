"""Liveness and readiness probes."""

from fastapi import APIRouter, Response, status
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.api.deps import ServicesDep
from app.api.errors import UNAVAILABLE_RETRY_AFTER_SECONDS
from app.core.tokens import JWKSUnavailableError
from app.models import CheckState, Liveness, Readiness

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
            "description": "The database or the pool's JWKS is unreachable",
            "headers": {"Retry-After": {"schema": {"type": "integer"}}},
        }
    },
)
def readyz(services: ServicesDep, response: Response) -> Readiness:
    """Ready when the database answers and the pool's JWKS can be fetched (at most one fetch
    per JWKS_READINESS_MAX_AGE_SECONDS)."""
    database: CheckState = "ok"
    try:
        with services.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        database = "unavailable"
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
