"""The FastAPI application: `create_app(settings)` for tests and embedding, `app` for
`uvicorn app.main:app` (settings from the environment / `.env`, read at startup)."""

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi_offline import FastAPIOffline
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.body_limit import RequestBodyLimit
from app.api.docs import install_docs
from app.api.errors import install_error_handlers
from app.api.main import api_router
from app.api.routes.auth import SignInCookieCleared
from app.core.config import Settings
from app.core.migrations import SchemaNotMigratedError
from app.core.services import ServicesProvider

DESCRIPTION = """\
Sign-up, verification, login and token-verified routes on AWS Cognito.

**Authorize** sends the access token on every call. Two ways to get one:

- **authorizationCode** (when the service has AWS_COGNITO_DOMAIN): press Authorize, sign in on the
  pool's login page, come back here. Open these docs at the service's SERVICE_PUBLIC_URL
  (`http://localhost:8000/docs` by default): Swagger UI returns to this page's own address,
  which the app client must list among its callback URLs.
- **password**: a verified user's username and password, posted to `/users/login`.

Leave client_secret empty either way: the service holds the app client's secret. A web app signs
its users in with `/auth/login` (in a browser) instead.
"""


class OneLineStartupRefusal:
    """ASGI wrapper: when the service refuses to start on a database that is not at the latest
    migration, the server logs the refusal's one line, which names the command to run, instead of
    Starlette's traceback around it (uvicorn then exits: "Application startup failed")."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return

        async def send_refusal_as_one_line(message: Message) -> None:
            # Starlette sends "startup.failed" from inside its `except` around the lifespan, so
            # the exception being handled is the refusal.
            refusal = sys.exc_info()[1]
            if message["type"] == "lifespan.startup.failed" and isinstance(
                refusal, SchemaNotMigratedError
            ):
                message = {**message, "message": str(refusal)}
            await send(message)

        await self.app(scope, receive, send_refusal_as_one_line)


def create_app(settings: Settings | None = None) -> FastAPI:
    services = ServicesProvider(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Connect and check the schema before the first request (fails fast on bad settings or
        # a database not at the latest migration).
        await run_in_threadpool(services.get)
        try:
            yield
        finally:
            services.close()

    # Swagger UI and ReDoc served from the package, not a CDN: the docs work offline and
    # behind egress-restricted networks, and the page loads nothing from third parties. /docs
    # is app/api/docs.py's: FastAPIOffline's cannot set up Swagger UI's OAuth (initOAuth).
    application = FastAPIOffline(
        title="cognito-kit",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
    )
    application.state.services = services
    install_error_handlers(application)
    install_docs(application, lambda: services.settings)
    application.include_router(api_router)

    @application.get("/", include_in_schema=False)
    async def docs_entry(request: Request) -> RedirectResponse:
        """The service's front door leads to its interactive docs."""
        return RedirectResponse(f"{request.scope.get('root_path', '')}/docs")

    application.add_middleware(
        RequestBodyLimit, max_bytes=lambda: services.settings.MAX_REQUEST_BODY_BYTES
    )
    application.add_middleware(SignInCookieCleared, settings=lambda: services.settings)
    application.add_middleware(OneLineStartupRefusal)
    return application


app = create_app()
