"""The one rule that admits a caller: a verified access token whose user's row, as the database
has it now, still honours it — the token's sign-in session began after the user's last logout
(app/core/revocation.py) and the user is not disabled here.

Every way in applies it: each authenticated request (app/api/deps.py) and each sign-in, login or
refresh (app/api/routes/users.py). The row comes from app/core/user_rows.py, whose short reuse
never outlives a logout's or a disable's answer, so either counts at once in every worker.
"""

from dataclasses import dataclass
from typing import Any

from app.core.revocation import RevocationChecker, session_started_at
from app.models import User


class UserDisabledError(Exception):
    """The caller's account is disabled in this service (answer: 403)."""


@dataclass(frozen=True)
class Authenticated:
    """An admitted caller: their row, their verified access-token claims and the token itself."""

    user: User
    claims: dict[str, Any]
    token: str


def admit(
    revocation: RevocationChecker, user: User, claims: dict[str, Any], token: str
) -> Authenticated:
    """The caller of `token`, whose `claims` are verified and whose row is `user`.

    Raises TokenRevokedError (401), UserDisabledError (403), or CognitoRequestFailed (429/503)
    when Cognito must settle a token issued within seconds of a logout and cannot."""
    revocation.check(token, session_started_at(claims), user.tokens_valid_after)
    if user.disabled:
        raise UserDisabledError("User is disabled")
    return Authenticated(user=user, claims=claims, token=token)
