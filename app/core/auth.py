"""The one rule that admits a caller. A user: a verified access token whose user's row, as the
database has it now, still honours it — the token's sign-in session began after the user's last
logout (app/core/revocation.py) and the user is not disabled here. A machine: a verified
client-credentials token of an accepted app client; it has no user, so no row is read or made,
and what it may do is its scopes alone.

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


@dataclass(frozen=True)
class Machine:
    """An admitted app client calling as itself (client credentials), and its verified claims.
    Only routes that allow machines accept it, by its scopes."""

    client_id: str
    claims: dict[str, Any]


Caller = Authenticated | Machine


def granted_scopes(claims: dict[str, Any]) -> frozenset[str]:
    """The scopes an access token grants (its space-separated `scope` claim)."""
    scope = claims.get("scope")
    return frozenset(scope.split()) if isinstance(scope, str) else frozenset()


def admit_machine(claims: dict[str, Any]) -> Machine:
    """The machine caller of a verified client-credentials token (tokens.is_machine_token)."""
    return Machine(client_id=claims["client_id"], claims=claims)


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
