"""Sign-up, verification, login, token refresh, logout, the current user, password flows."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Response, status
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app import crud
from app.api import links
from app.api.challenges import NOT_STORED, SIGNED_IN_OR_CHALLENGED, signed_in_or_challenged
from app.api.deps import CognitoDep, CurrentAuth, ServicesDep, SessionDep
from app.api.links import success_with_links
from app.api.responses import AUTHENTICATED, IDENTITY_PROVIDER, error_responses
from app.api.sign_in import sign_in
from app.core.cognito import AuthChallenge, CognitoClient, CognitoProfile
from app.core.cognito_errors import UNAVAILABLE, CognitoRequestFailed
from app.core.services import Services
from app.core.tokens import InvalidTokenError, JWKSUnavailableError
from app.models import (
    ChangePasswordRequest,
    ConfirmForgotPasswordRequest,
    ForgotPasswordRequest,
    LoginForm,
    Message,
    RefreshedToken,
    RefreshRequest,
    ResendRequest,
    SignInChallenge,
    SignupResult,
    Token,
    User,
    UserCreate,
    UserPublic,
    VerifyRequest,
    utc_now,
)

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/users", tags=["Authentication"])

CODE_ERRORS = {
    400: "Wrong or expired code (unknown users and confirmed accounts alike), or invalid parameter",
}
RESET_ERRORS = {
    400: "Wrong or expired code, or a new password the policy refuses (one answer, whoever the "
    "user), or invalid parameter",
}
SESSIONS_KEPT = (
    "The password was changed, but earlier sessions could not be signed out: "
    "log in with the new password and log out to end them"
)


@router.post(
    "/signup",
    operation_id=links.SIGN_UP,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(
        IDENTITY_PROVIDER
        | {
            400: "Password does not meet the pool's policy, or invalid parameter",
            403: "Sign-up is not allowed for this user pool",
            409: "User already exists (if not confirmed yet, a new code was sent to its email)",
        }
    )
    | success_with_links(201, "User created; a confirmation code was sent", links.SIGN_UP_LINKS),
)
def signup(body: UserCreate, cognito: CognitoDep, session: SessionDep) -> SignupResult:
    try:
        sub = cognito.sign_up(body.username, body.password, str(body.email))
    except CognitoRequestFailed as failure:
        if failure.code != "UsernameExistsException":
            raise
        raise _username_taken(cognito, body.username) from failure
    try:
        crud.ensure_user(session, CognitoProfile(sub=sub, username=body.username, email=body.email))
    except SQLAlchemyError:
        # Cognito has the user; the row is rebuilt from verified claims at the first login or
        # authenticated request, so the sign-up still succeeded.
        logger.warning("Sign-up of %s not stored; its row will be rebuilt", sub, exc_info=True)
    return SignupResult(message="User created successfully", sub=sub)


@router.post(
    "/verify",
    operation_id=links.VERIFY,
    responses=error_responses(IDENTITY_PROVIDER | CODE_ERRORS)
    | success_with_links(200, "Account confirmed", links.VERIFY_LINKS),
)
def verify(body: VerifyRequest, cognito: CognitoDep) -> Message:
    cognito.confirm_sign_up(body.username, body.confirmation_code)
    return Message(message="Account verified successfully")


@router.post(
    "/verify/resend",
    operation_id=links.RESEND_CODE,
    responses=error_responses(IDENTITY_PROVIDER | {400: "User is already confirmed"}),
)
def resend_verification_code(body: ResendRequest, cognito: CognitoDep) -> Message:
    cognito.resend_confirmation_code(body.username)
    # The same answer whether or not the user exists (no enumeration).
    return Message(message="If the account exists, a new confirmation code has been sent")


@router.post(
    "/login",
    operation_id=links.LOG_IN,
    responses=error_responses(
        IDENTITY_PROVIDER
        | {
            401: "Incorrect username or password (unknown users get the same answer)",
            403: "User not confirmed, disabled, or needs an unsupported sign-in step",
        }
    )
    | success_with_links(200, SIGNED_IN_OR_CHALLENGED, links.LOG_IN_LINKS),
)
def login(
    form: Annotated[LoginForm, Form()],
    services: ServicesDep,
    session: SessionDep,
    response: Response,
) -> Token | SignInChallenge:
    """OAuth2 password grant (form fields `username`, `password`): Swagger UI's Authorize. A
    user Cognito asks more of (MFA, a new password) gets the challenge instead of tokens, to
    answer at /users/login/challenge."""
    outcome = services.cognito.start_sign_in(form.username, form.password)
    response.headers["Cache-Control"] = NOT_STORED
    return signed_in_or_challenged(services, session, outcome)


@router.post(
    "/token/refresh",
    operation_id=links.REFRESH_TOKEN,
    # `refresh_token` only when the app client rotates refresh tokens, never as null.
    response_model_exclude_none=True,
    responses=error_responses(
        IDENTITY_PROVIDER
        | {
            401: "Invalid, expired or revoked refresh token, or another user's",
            403: "User is disabled",
        }
    )
    | success_with_links(200, "New access and ID tokens", links.REFRESH_TOKEN_LINKS),
)
def refresh_token(
    body: RefreshRequest, services: ServicesDep, session: SessionDep
) -> RefreshedToken:
    """New access and ID tokens; refused after a logout (by Cognito, and by the logout mark)."""
    tokens = services.cognito.refresh_tokens(body.username, body.refresh_token)
    sign_in(services, session, tokens, login_at=None)
    return RefreshedToken(
        access_token=tokens.access_token,
        expires_in=tokens.expires_in,
        id_token=tokens.id_token,
        refresh_token=tokens.refresh_token,
    )


@router.post(
    "/logout",
    operation_id=links.LOG_OUT,
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(AUTHENTICATED),
)
async def logout(auth: CurrentAuth, services: ServicesDep) -> None:
    """Sign out everywhere: Cognito revokes the refresh tokens, and this service refuses every
    access token issued before now (see app/core/revocation.py), in every worker by the time it
    answers (app/core/user_rows.py)."""
    await _sign_out_everywhere(services, auth.token, auth.user.sub)


@router.get(
    "/me",
    operation_id=links.READ_ME,
    response_model=UserPublic,
    responses=error_responses(AUTHENTICATED),
)
async def read_me(auth: CurrentAuth) -> User:
    return auth.user


@router.post(
    "/password/forgot",
    operation_id=links.FORGOT_PASSWORD,
    status_code=status.HTTP_202_ACCEPTED,
    responses=error_responses(IDENTITY_PROVIDER)
    | success_with_links(
        202,
        "Accepted; a code was sent if the account exists and can reset its password",
        links.FORGOT_PASSWORD_LINKS,
    ),
)
def forgot_password(body: ForgotPasswordRequest, cognito: CognitoDep) -> Message:
    cognito.forgot_password(body.username)
    # The same answer whether the user is unknown, unconfirmed, disabled or got a code (no
    # enumeration; the log says why no code was sent, see app/core/cognito_errors.py).
    return Message(message="If the account exists, a code to reset the password has been sent")


@router.post(
    "/password/confirm",
    operation_id=links.CONFIRM_FORGOT_PASSWORD,
    responses=error_responses(IDENTITY_PROVIDER | RESET_ERRORS),
)
async def confirm_forgot_password(
    body: ConfirmForgotPasswordRequest, services: ServicesDep
) -> Message:
    """Reset the password, then end every earlier session as a logout does. Cognito keeps
    honouring them after a reset and GlobalSignOut needs one of the user's access tokens, so the
    service signs in with the new password for one. That sign-in stops at a second factor for a
    user with MFA: the service then ends the sessions it admits by the logout mark alone, which
    refuses every token of a session begun before it (refreshed at Cognito or not: the mark is
    compared with `auth_time`), while the refresh tokens stay valid at Cognito itself."""
    cognito = services.cognito
    await run_in_threadpool(
        cognito.confirm_forgot_password,
        body.username,
        body.confirmation_code,
        body.new_password,
    )
    async with _password_changed():
        outcome = await run_in_threadpool(cognito.start_sign_in, body.username, body.new_password)
        if isinstance(outcome, AuthChallenge):
            await _end_sessions_here(services, outcome.username)
        else:
            access_token = outcome.access_token
            claims = await run_in_threadpool(services.verifier.verify_access_token, access_token)
            await _sign_out_everywhere(services, access_token, claims["sub"])
    return Message(message="Password has been reset")


@router.post(
    "/password/change",
    operation_id=links.CHANGE_PASSWORD,
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(
        AUTHENTICATED | {400: "Incorrect previous password, or password policy"}
    ),
)
async def change_password(
    body: ChangePasswordRequest, auth: CurrentAuth, services: ServicesDep
) -> None:
    """Change the password, then sign out everywhere as a logout does (this session included):
    Cognito keeps honouring the earlier tokens after ChangePassword."""
    await run_in_threadpool(
        services.cognito.change_password,
        auth.token,
        body.previous_password,
        body.proposed_password,
    )
    async with _password_changed():
        await _sign_out_everywhere(services, auth.token, auth.user.sub)


@asynccontextmanager
async def _password_changed() -> AsyncIterator[None]:
    """Ending the earlier sessions after a password change: if that fails, the password has
    changed all the same (retrying the request would fail), so the answer says so."""
    try:
        yield
    except (
        CognitoRequestFailed,
        InvalidTokenError,
        JWKSUnavailableError,
        SQLAlchemyError,
    ) as error:
        logger.warning("Password changed, earlier sessions kept: %s", type(error).__name__)
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            SESSIONS_KEPT,
            {"Retry-After": str(UNAVAILABLE.retry_after_seconds)},
        ) from error


def _username_taken(cognito: CognitoClient, username: str) -> HTTPException:
    """409 for a sign-up whose username exists. An unconfirmed user of that name may be this very
    sign-up, applied by Cognito though its answer was lost (a timeout, then a retry): a new code
    goes to the email that user signed up with, and the answer says so. Nothing says this
    request's password or email is that user's: Cognito cannot tell (InitiateAuth answers
    UserNotConfirmedException whatever the password, aws/aws-sdk-js#4608)."""
    try:
        cognito.resend_confirmation_code(username)
    except CognitoRequestFailed:
        return HTTPException(status.HTTP_409_CONFLICT, "User already exists")
    return HTTPException(
        status.HTTP_409_CONFLICT,
        "User already exists and is not confirmed: a new confirmation code was sent to the "
        "email address it signed up with",
    )


async def _sign_out_everywhere(services: Services, access_token: str, sub: str) -> None:
    """Cognito's GlobalSignOut with one of the user's tokens, then the durable logout mark
    (app/core/revocation.py), held in every worker by the time this returns."""
    await run_in_threadpool(_sign_out, services, access_token, sub)
    await services.users.wait_out_cached_rows()


def _sign_out(services: Services, access_token: str, sub: str) -> None:
    services.cognito.global_sign_out(access_token)
    with Session(services.engine) as session:
        crud.revoke_tokens_issued_before(session, sub, utc_now())
    services.users.forget(sub)


async def _end_sessions_here(services: Services, username: str) -> None:
    """The logout mark alone for the user Cognito knows by `username`, held in every worker by
    the time this returns (nothing to end for a user who never signed in here)."""
    sub = await run_in_threadpool(_mark_logout, services, username)
    if sub is not None:
        await services.users.wait_out_cached_rows()


def _mark_logout(services: Services, username: str) -> str | None:
    with Session(services.engine) as session:
        user = crud.read_user_by_username(session, username)
        if user is None:
            return None
        sub = user.sub
        crud.revoke_tokens_issued_before(session, sub, utc_now())
    services.users.forget(sub)
    return sub
