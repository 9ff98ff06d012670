"""The FastAPI application: `create_app(settings)` for tests and embedding, `app` for
`uvicorn app.main:app` (settings from the environment / `.env`, read at startup)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline
from starlette.concurrency import run_in_threadpool

from app.api.errors import install_error_handlers
from app.api.main import api_router
from app.core.config import Settings
from app.core.services import ServicesProvider

DESCRIPTION = """\
Sign-up, verification, login and token-verified routes on AWS Cognito.

Use **Authorize** with a verified user's username and password: Swagger UI posts them to
`/users/login` and sends the access token on every call.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    services = ServicesProvider(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Connect and create the tables before the first request (fails fast on bad settings).
        await run_in_threadpool(services.get)
        try:
            yield
        finally:
            services.close()

    # Swagger UI and ReDoc served from the package, not a CDN: the docs work offline and
    # behind egress-restricted networks, and the page loads nothing from third parties.
    application = FastAPIOffline(
        title="cognito-kit", version="0.1.0", description=DESCRIPTION, lifespan=lifespan
    )
    application.state.services = services
    install_error_handlers(application)
    application.include_router(api_router)
    return application


app = create_app()
