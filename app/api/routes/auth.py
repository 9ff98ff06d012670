"""Web sign-in through the pool's login page (app/core/web_sign_in.py): /auth/login sends the
browser there, /auth/callback brings it back with the user's tokens, /auth/logout ends the login
page's session; /auth/token redeems Swagger UI's authorization code with the app client's
secret."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request, Response, status
from fastapi.responses import RedirectResponse
from pydantic import BaseModel
from sqlmodel import Session
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.deps import ServicesDep, SessionDep
from app.api.responses import IDENTITY_PROVIDER, error_responses
from app.api.sign_in import bearer_tokens, sign_in
from app.core.cognito import AuthTokens
from app.core.config import Settings
from app.core.services import Services
from app.core.web_sign_in import (
    COOKIE_NAME,
    STATE_LIFETIME_SECONDS,
    WebSignIn,
    WebSignInError,
    cookie_scope,
    given_once,
    missing_settings,
)
from app.models import Token, utc_now

CALLBACK_PARAMETERS = ("code", "state", "error", "error_description")
TOKEN_FORM_FIELDS = (
    "grant_type",
    "code",
    "redirect_uri",
    "code_verifier",
    "client_id",
    "client_secret",
)
NOT_CONFIGURED = {404: "Web sign-in is not configured (the detail names the settings to set)"}
SIGN_IN_ERRORS = error_responses(
    IDENTITY_PROVIDER
    | NOT_CONFIGURED
    | {
        400: "Refused: an error from the login page, a missing or invalid sign-in cookie or "
        "state, a missing code, or a code that is invalid, expired or already used",
        401: "Tokens issued before the user's last logout (Cognito's clock far behind)",
        403: "User is disabled",
    }
)


def _redirect(description: str) -> dict[int | str, dict[str, Any]]:
    """A redirecting route's answers: the redirect, or 404 when web sign-in is off."""
    redirect: dict[int | str, dict[str, Any]] = {
        302: {"description": description, "headers": {"Location": {"schema": {"type": "string"}}}}
    }
    return redirect | error_responses(NOT_CONFIGURED)


def _cookie_options(settings: Settings) -> dict[str, Any]:
    path, secure = cookie_scope(settings.SERVICE_PUBLIC_URL)
    return {"path": path, "secure": secure, "httponly": True, "samesite": "lax"}


router = APIRouter(prefix="/auth", tags=["Web sign-in"])


def _web_sign_in(services: Services) -> WebSignIn:
    web = services.web_sign_in
    if web is None:
        missing = " and ".join(missing_settings(services.settings))
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"Web sign-in is off: set {missing}")
    return web


@contextmanager
def _refusals_answered() -> Iterator[None]:
    """A refused step of the sign-in as its HTTP answer."""
    try:
        yield
    except WebSignInError as error:
        answer = error.answer
        headers = None
        if answer.retry_after_seconds is not None:
            headers = {"Retry-After": str(answer.retry_after_seconds)}
        raise HTTPException(answer.status, answer.detail, headers) from None


@router.get(
    "/login",
    operation_id="web_sign_in",
    status_code=status.HTTP_302_FOUND,
    response_class=RedirectResponse,
    responses=_redirect(
        "To the pool's login page (`/oauth2/authorize`, code with PKCE), with the sign-in's "
        "signed cookie"
    ),
)
def login(services: ServicesDep) -> RedirectResponse:
    """Open in a browser: the pool's login page, then back to /auth/callback."""
    start = _web_sign_in(services).start()
    response = RedirectResponse(start.authorize_url, status.HTTP_302_FOUND)
    response.set_cookie(
        COOKIE_NAME,
        start.cookie,
        max_age=STATE_LIFETIME_SECONDS,
        **_cookie_options(services.settings),
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/callback", operation_id="web_sign_in_callback", responses=SIGN_IN_ERRORS)
def callback(
    request: Request,
    response: Response,
    services: ServicesDep,
    session: SessionDep,
    code: Annotated[str | None, Query(description="The authorization code")] = None,
    state: Annotated[str | None, Query(description="The state /auth/login sent")] = None,
    error: Annotated[str | None, Query(description="An OAuth error from the login page")] = None,
    error_description: Annotated[str | None, Query(description="What it says of it")] = None,
) -> Token:
    """Where the login page sends the browser back: the code is redeemed with the sign-in's
    PKCE verifier, the tokens verified (the ID token's nonce must be the sign-in's), the user's
    row created or synced, and the tokens answered. The sign-in cookie is cleared, whatever the
    outcome."""
    web = _web_sign_in(services)
    with _refusals_answered():
        given_once(request.query_params.multi_items(), CALLBACK_PARAMETERS)
        pending, code = web.returned(
            request.cookies.get(COOKIE_NAME),
            code=code,
            state=state,
            error=error,
            error_description=error_description,
        )
        tokens = web.redeem(
            code, redirect_uri=web.callback_url, code_verifier=pending.code_verifier
        )
    return _signed_in(services, session, tokens, response, nonce=pending.nonce)


@router.get(
    "/logout",
    operation_id="web_sign_out",
    status_code=status.HTTP_302_FOUND,
    response_class=RedirectResponse,
    responses=_redirect(
        "To the pool's logout endpoint, which ends the login page's session and returns to the "
        "service's front door"
    ),
)
def logout(services: ServicesDep) -> RedirectResponse:
    """Open in a browser: signs out of the pool's login page (the next /auth/login asks for the
    password again). Tokens already issued stay valid: POST /users/logout revokes them."""
    return RedirectResponse(_web_sign_in(services).logout_url, status.HTTP_302_FOUND)


class AuthorizationCodeForm(BaseModel):
    """OAuth 2.0 token request of the authorization-code grant, as Swagger UI posts it."""

    grant_type: str | None = None
    code: str | None = None
    redirect_uri: str | None = None
    code_verifier: str | None = None
    client_id: str | None = None
    client_secret: str | None = None


async def _token_form_given_once(request: Request) -> None:
    """The form as parsed for the route keeps one value of a repeated field: refused here."""
    form = await request.form()
    with _refusals_answered():
        given_once(form.multi_items(), TOKEN_FORM_FIELDS)


@router.post(
    "/token",
    operation_id="web_sign_in_token",
    responses=SIGN_IN_ERRORS,
    dependencies=[Depends(_token_form_given_once)],
)
def token(
    form: Annotated[AuthorizationCodeForm, Form()],
    response: Response,
    services: ServicesDep,
    session: SessionDep,
) -> Token:
    """Swagger UI's token URL for its authorization-code Authorize: a code the login page sent
    to `/docs/oauth2-redirect`, with its PKCE verifier; the service redeems it with the app
    client's secret and signs the user in as /auth/callback does."""
    web = _web_sign_in(services)
    with _refusals_answered():
        code, code_verifier = web.check_docs_redemption(
            grant_type=form.grant_type,
            code=form.code,
            redirect_uri=form.redirect_uri,
            code_verifier=form.code_verifier,
            client_id=form.client_id,
            client_secret=form.client_secret,
        )
        tokens = web.redeem(code, redirect_uri=web.docs_redirect_url, code_verifier=code_verifier)
    return _signed_in(services, session, tokens, response, nonce=None)


def _signed_in(
    services: Services,
    session: Session,
    tokens: AuthTokens,
    response: Response,
    *,
    nonce: str | None,
) -> Token:
    sign_in(services, session, tokens, login_at=utc_now(), nonce=nonce)
    # RFC 6749 §5.1: an answer holding tokens is not cached.
    response.headers["Cache-Control"] = "no-store"
    return bearer_tokens(tokens)


class SignInCookieCleared:
    """ASGI middleware: every answer of /auth/callback clears the sign-in cookie, error answers
    of the app's exception handlers included (one sign-in, one callback, whatever its outcome).
    The route is known by its endpoint, which routing has put in the scope by the time the
    answer starts."""

    def __init__(self, app: ASGIApp, settings: Callable[[], Settings]) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_clearing(message: Message) -> None:
            if message["type"] == "http.response.start" and scope.get("endpoint") is callback:
                cleared = Response()
                cleared.delete_cookie(COOKIE_NAME, **_cookie_options(self.settings()))
                set_cookie = [item for item in cleared.raw_headers if item[0] == b"set-cookie"]
                message = {**message, "headers": [*message.get("headers", []), *set_cookie]}
            await send(message)

        await self.app(scope, receive, send_clearing)
