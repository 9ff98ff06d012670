"""Admitting a user with the tokens Cognito has just issued, however they were obtained: the
password form (/users/login), a refresh (/users/token/refresh), the pool's login page
(/auth/callback, and Swagger UI's /auth/token)."""

import hmac
import logging
from datetime import datetime

from fastapi import HTTPException, status
from sqlmodel import Session

from app import crud
from app.api.deps import REVOKED
from app.api.errors import invalid_token, user_disabled
from app.core.auth import UserDisabledError, admit
from app.core.cognito import AuthTokens, CognitoProfile
from app.core.revocation import TokenRevokedError
from app.core.services import Services
from app.core.tokens import InvalidTokenError
from app.models import Token, User

logger = logging.getLogger(__name__)

NONCE_MISMATCH = (
    "The ID token was not issued for this browser's sign-in (its nonce differs): start the "
    "sign-in again"
)


def sign_in(
    services: Services,
    session: Session,
    tokens: AuthTokens,
    *,
    login_at: datetime | None,
    nonce: str | None = None,
) -> User:
    """Verify what Cognito just issued, sync the user's row from it (created if lost, email from
    the ID token), and admit the caller by the rule every request meets (app/core/auth.py): a
    refresh of a session older than a logout, or a disabled user, is refused. `login_at` records
    a sign-in (not a refresh). `nonce`: the one the authorize request carried, which the ID
    token must repeat (OIDC Core §3.1.3.7), so a code injected into another browser's sign-in
    cannot sign that browser in."""
    try:
        access = services.verifier.verify_access_token(tokens.access_token)
        identity = services.verifier.verify_id_token(tokens.id_token)
    except InvalidTokenError as error:
        logger.error("Cognito issued tokens that fail verification: %s", error)
        raise HTTPException(
            status.HTTP_502_BAD_GATEWAY,
            f"The identity provider issued tokens this service cannot verify ({error}); tokens "
            "it has just issued look expired or not valid yet when its clock and this service's "
            "differ",
        ) from error
    if identity["sub"] != access["sub"]:
        raise HTTPException(status.HTTP_502_BAD_GATEWAY, "The identity provider mixed up tokens")
    if nonce is not None:
        claimed = identity.get("nonce")
        if not isinstance(claimed, str) or not hmac.compare_digest(
            claimed.encode(), nonce.encode()
        ):
            raise HTTPException(status.HTTP_400_BAD_REQUEST, NONCE_MISMATCH)
    email = identity.get("email")
    profile = CognitoProfile(
        sub=access["sub"],
        username=access["username"],
        email=email if isinstance(email, str) else None,
    )
    user = crud.ensure_user(session, profile)
    try:
        admit(services.revocation, user, access, tokens.access_token)
    except TokenRevokedError as error:
        # A sign-in starts a new session, so only clocks far apart refuse one here.
        raise invalid_token(REVOKED if login_at else "Refresh token has been revoked") from error
    except UserDisabledError as error:
        raise user_disabled() from error
    signed_in = crud.record_sign_in(session, user, profile, at=login_at)
    services.users.forget(signed_in.sub)
    return signed_in


def bearer_tokens(tokens: AuthTokens) -> Token:
    """A sign-in's answer: the tokens, a refresh token among them."""
    if tokens.refresh_token is None:
        raise HTTPException(
            status.HTTP_502_BAD_GATEWAY, "The identity provider sent no refresh token"
        )
    return Token(
        access_token=tokens.access_token,
        expires_in=tokens.expires_in,
        refresh_token=tokens.refresh_token,
        id_token=tokens.id_token,
    )
