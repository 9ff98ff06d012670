"""The login pages' sessions: which browser signed in to which pool, and until when.

State, not rules (like `codes.py`): the managed login flows decide when a session starts, ends or
lets a browser back to the app without signing in again. A session lasts one hour, a fixed time in
Cognito (re:Post "Is the Cognito hosted UI browser session length configurable?"); the browser
holds only its random id, in the `cognito` cookie. At most `MAX_SESSIONS` are kept, so a load run
cannot grow the emulator's memory without bound.
"""

from __future__ import annotations

import secrets
from collections import OrderedDict
from dataclasses import dataclass
from typing import Literal

from cognito_emulator.clock import Clock

SESSION_LIFETIME_SECONDS = 3600
MAX_SESSIONS = 10_000

PendingStep = Literal["confirm_sign_up", "new_password"]


@dataclass(frozen=True, slots=True)
class LoginSession:
    """One browser's login session: who signed in, when, or which step they are still on."""

    pool_id: str
    username: str
    auth_time: int
    expires_at: float
    pending: PendingStep | None = None


class LoginSessions:
    """Login sessions by their random id (the `cognito` cookie's value): one hour each on the
    emulator clock, at most `max_sessions` (the oldest dropped first)."""

    def __init__(self, clock: Clock, max_sessions: int = MAX_SESSIONS) -> None:
        self._clock = clock
        self._max_sessions = max_sessions
        self._sessions: OrderedDict[str, LoginSession] = OrderedDict()

    def __len__(self) -> int:
        return len(self._sessions)

    def start(self, pool_id: str, username: str, pending: PendingStep | None = None) -> str:
        now = self._clock.now()
        self._drop_expired(now)
        while len(self._sessions) >= self._max_sessions:
            self._sessions.popitem(last=False)
        session_id = secrets.token_urlsafe(32)
        self._sessions[session_id] = LoginSession(
            pool_id=pool_id,
            username=username,
            auth_time=int(now),
            expires_at=now + SESSION_LIFETIME_SECONDS,
            pending=pending,
        )
        return session_id

    def find(self, session_id: str | None, pool_id: str) -> LoginSession | None:
        """The unexpired session of this pool under `session_id`, if any."""
        if not session_id or session_id not in self._sessions:
            return None
        session = self._sessions[session_id]
        if session.expires_at <= self._clock.now():
            del self._sessions[session_id]
            return None
        return session if session.pool_id == pool_id else None

    def end(self, session_id: str | None) -> None:
        if session_id:
            self._sessions.pop(session_id, None)

    def clear(self) -> None:
        self._sessions.clear()

    def _drop_expired(self, now: float) -> None:
        # Sessions are kept in start order and all live equally long: expired ones come first.
        while self._sessions:
            session_id, session = next(iter(self._sessions.items()))
            if session.expires_at > now:
                return
            del self._sessions[session_id]
