"""The login pages' sessions: which browser signed in to which pool, and until when.

State, not rules (like `codes.py`): the managed login flows decide when a session starts, ends or
lets a browser back to the app without signing in again. A session lasts one hour, a fixed time in
Cognito (re:Post "Is the Cognito hosted UI browser session length configurable?"); the browser
holds only its random id, in the `cognito` cookie. At most `MAX_SESSIONS` are kept
(`expiring_records`).

A session may be pending: the browser proved the password but still owes a step (confirming the
account, a new password, or a challenge after the password: MFA, its set-up or the choice of
method). A pending challenge must be answered within its app client's AuthSessionValidity, as the
API's challenge Session must; the record itself lives the hour every session lives, so that the
store keeps all its records equally long.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from cognito_emulator.clock import Clock
from cognito_emulator.expiring_records import ExpiringRecords

SESSION_LIFETIME_SECONDS = 3600
MAX_SESSIONS = 10_000

PendingStep = Literal["confirm_sign_up", "new_password", "challenge"]
ChallengeName = Literal[
    "MFA_SETUP", "SELECT_MFA_TYPE", "SMS_MFA", "EMAIL_OTP", "SOFTWARE_TOKEN_MFA"
]


@dataclass(slots=True)
class PageChallenge:
    """A challenge after the password that the browser has still to answer on the pages."""

    name: ChallengeName
    client_id: str  # the app client whose authorize request the sign-in carries
    answer_by: float  # the emulator clock's time after which the answer is refused
    options: tuple[str, ...] = ()  # SELECT_MFA_TYPE's choices, MFA_SETUP's methods
    destination: str | None = None  # where an SMS_MFA or EMAIL_OTP code went (masked)
    secret: str | None = None  # MFA_SETUP: the authenticator app's new secret, until verified
    wrong_codes: int = 0  # wrong codes typed in so far (mutable: the page stays the same)


@dataclass(frozen=True, slots=True)
class LoginSession:
    """One browser's login session: who signed in, when, or which step they are still on."""

    pool_id: str
    username: str
    auth_time: int
    expires_at: float
    pending: PendingStep | None = None
    challenge: PageChallenge | None = None  # with pending "challenge"


class LoginSessions:
    """Login sessions by their random id (the `cognito` cookie's value): one hour each on the
    emulator clock, at most `max_sessions` (the oldest dropped first)."""

    def __init__(self, clock: Clock, max_sessions: int = MAX_SESSIONS) -> None:
        self._clock = clock
        self._sessions = ExpiringRecords[LoginSession](clock, max_sessions)

    def __len__(self) -> int:
        return len(self._sessions)

    def start(
        self,
        pool_id: str,
        username: str,
        pending: PendingStep | None = None,
        challenge: PageChallenge | None = None,
    ) -> str:
        """A new session's id: signed in, or pending on a step (`challenge`: on its answer)."""
        now = self._clock.now()
        return self._sessions.add(
            LoginSession(
                pool_id=pool_id,
                username=username,
                auth_time=int(now),
                expires_at=now + SESSION_LIFETIME_SECONDS,
                pending="challenge" if challenge is not None else pending,
                challenge=challenge,
            )
        )

    def find(self, session_id: str | None, pool_id: str) -> LoginSession | None:
        """The unexpired session of this pool under `session_id`, if any."""
        session = self._sessions.get(session_id)
        return session if session is not None and session.pool_id == pool_id else None

    def end(self, session_id: str | None) -> None:
        self._sessions.discard(session_id)

    def clear(self) -> None:
        self._sessions.clear()
