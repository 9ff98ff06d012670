"""Logout that holds at once, across workers and restarts: a durable "tokens valid after" mark.

Mechanism. `POST /users/logout` calls Cognito's GlobalSignOut (Cognito revokes the user's refresh
tokens and refuses their access tokens from then on), then stores the logout instant, with
microsecond precision, as `users.tokens_valid_after` in the database (moved forward only). Every
authenticated request reads the user's row anyway, and compares with that mark the moment the
token's sign-in session began: `auth_time` (Cognito keeps it across refreshes, so tokens
refreshed from a pre-logout session are refused too) or `iat`, whichever is earlier. A password
change or a confirmed reset ends with the same sign-out (app/api/routes/users.py).

- more than `clock_skew_seconds` before the mark: the session predates the logout → refused.
- more than `clock_skew_seconds` after the mark: a new sign-in → accepted.
- in between: undecidable from the clock, because token times have whole-second precision and
  come from Cognito's clock, not this server's — a token issued just before the logout and one
  from a login right after it, in the same second, carry the same times. Cognito decides: GetUser
  with the token fails with NotAuthorizedException once GlobalSignOut has revoked it. The answer
  is cached per (token, mark), so a client is asked about once, not on every request.

So the database is the durable truth except for a few seconds around each logout, when Cognito
is asked about the tokens issued in those seconds (and only those).
"""

import hashlib
import threading
from datetime import datetime
from typing import Any

from cachetools import LRUCache

from app.core.cognito import CognitoClient
from app.core.cognito_errors import CognitoRequestFailed


class TokenRevokedError(Exception):
    """The token was issued before its user's last logout (answer: 401)."""


class RevocationChecker:
    def __init__(
        self, cognito: CognitoClient, *, clock_skew_seconds: float = 5.0, cache_size: int = 1024
    ) -> None:
        self._cognito = cognito
        self._skew = clock_skew_seconds
        # cachetools' caches are not thread-safe: every access holds the lock.
        self._decided: LRUCache[tuple[bytes, float], bool] = LRUCache(maxsize=cache_size)
        self._lock = threading.Lock()

    def decides_alone(
        self, token: str, issued_at: float, tokens_valid_after: datetime | None
    ) -> bool:
        """Whether `check` can decide without asking Cognito, so without blocking."""
        if tokens_valid_after is None:
            return True
        mark = tokens_valid_after.timestamp()
        if abs(issued_at - mark) > self._skew:
            return True
        with self._lock:
            return _decision_key(token, mark) in self._decided

    def check(self, token: str, issued_at: float, tokens_valid_after: datetime | None) -> None:
        """Raises TokenRevokedError for a token issued before the logout mark; may raise
        CognitoRequestFailed (429/503) when Cognito has to decide and cannot."""
        if tokens_valid_after is None:
            return
        mark = tokens_valid_after.timestamp()
        if issued_at > mark + self._skew:
            return
        if issued_at < mark - self._skew:
            raise TokenRevokedError("Token has been revoked")
        key = _decision_key(token, mark)
        with self._lock:
            accepted = self._decided.get(key)
        if accepted is None:
            accepted = self._ask_cognito(token)
            with self._lock:
                self._decided[key] = accepted
        if not accepted:
            raise TokenRevokedError("Token has been revoked")

    def _ask_cognito(self, token: str) -> bool:
        try:
            self._cognito.get_user(token)
        except CognitoRequestFailed as failure:
            if failure.answer.status != 401:
                raise
            return False
        return True


def _decision_key(token: str, mark: float) -> tuple[bytes, float]:
    return hashlib.sha256(token.encode()).digest(), mark


def session_started_at(claims: dict[str, Any]) -> float:
    """When the token's sign-in session began: `auth_time` survives refreshes, so tokens refreshed
    from a session older than a logout are refused too; `iat` if it is missing."""
    issued_at: float = claims["iat"]
    auth_time = claims.get("auth_time")
    if isinstance(auth_time, int | float) and not isinstance(auth_time, bool):
        return min(issued_at, auth_time)
    return issued_at
