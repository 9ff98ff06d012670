"""Whether a user's account lets them sign in at all, whatever they prove: the checks every API
sign-in flow (password, SRP, custom challenges) makes, with Cognito's answers."""

from __future__ import annotations

from cognito_emulator.exceptions import (
    NotAuthorizedException,
    PasswordResetRequiredException,
    UserNotConfirmedException,
)
from cognito_emulator.moto_adapter import User


def check_status_allows_sign_in(user: User) -> None:
    """Refuse a user who has not confirmed the account, or must reset the password first."""
    if user.status == "UNCONFIRMED":
        raise UserNotConfirmedException("User is not confirmed.")
    if user.status == "RESET_REQUIRED":
        raise PasswordResetRequiredException("Password reset required for the user")


def check_can_sign_in(user: User) -> None:
    """Refuse a disabled user, then one whose status does not allow signing in."""
    if not user.enabled:
        raise NotAuthorizedException("User is disabled.")
    check_status_allows_sign_in(user)
