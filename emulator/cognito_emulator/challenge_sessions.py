"""The `Session` of a challenge answered through RespondToAuthChallenge: which pool, app client
and user it was issued to, which challenge it asks, and the flow's state until the answer.

State, not rules (like `login_sessions.py`): the flows decide what a challenge is and what its
answer does; this store gives each pending challenge a random id, the Session string the caller
sends back, and refuses it as Cognito does:

- an id it never issued, or one issued to another pool, app client or user:
  NotAuthorizedException "Invalid session for the user.";
- one already answered: "Invalid session for the user, session can only be used once.";
- one answered after its app client's AuthSessionValidity (minutes, 3 by default) on the
  emulator clock: "Invalid session for the user, session is expired."

(The three wordings as a real pool answers them, recorded in public Cognito client code and test
fixtures, e.g. "NotAuthorizedException: Invalid session for the user, session is expired.".)
A session is spent by its first answer, right or wrong, unless the flow `reopen`s it after a
refused one (a mistyped code may be typed again); a flow that goes on issues a new one.
Every session is kept for the longest validity Cognito allows plus `REMEMBERED_SECONDS`, so that
a late or repeated answer hears why it is refused, and all are kept equally long, as
`ExpiringRecords` needs; at most `MAX_SESSIONS` are kept, the oldest dropped first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from cognito_emulator.clock import Clock
from cognito_emulator.exceptions import NotAuthorizedException
from cognito_emulator.expiring_records import ExpiringRecords

INVALID_SESSION = "Invalid session for the user."
SESSION_USED = "Invalid session for the user, session can only be used once."
SESSION_EXPIRED = "Invalid session for the user, session is expired."
# AuthSessionValidity is 3 to 15 minutes (API_CreateUserPoolClient).
LONGEST_VALIDITY_SECONDS = 15 * 60
REMEMBERED_SECONDS = 15 * 60
MAX_SESSIONS = 10_000

S = TypeVar("S")


@dataclass(slots=True)
class ChallengeSession(Generic[S]):
    """One pending challenge: to whom it was issued, what it asks, and the flow's `state`."""

    pool_id: str
    client_id: str
    username: str
    challenge_name: str
    state: S
    answer_by: float
    expires_at: float
    answered: bool = False


class ChallengeSessions(Generic[S]):
    """Pending challenges by their Session string, each answerable once before it expires."""

    def __init__(self, clock: Clock, max_sessions: int = MAX_SESSIONS) -> None:
        self._clock = clock
        self._sessions = ExpiringRecords[ChallengeSession[S]](clock, max_sessions)

    def __len__(self) -> int:
        return len(self._sessions)

    def start(
        self,
        *,
        pool_id: str,
        client_id: str,
        username: str,
        challenge_name: str,
        state: S,
        validity_minutes: float,
    ) -> str:
        """A new Session for `challenge_name`, answerable for `validity_minutes`."""
        now = self._clock.now()
        return self._sessions.add(
            ChallengeSession(
                pool_id=pool_id,
                client_id=client_id,
                username=username,
                challenge_name=challenge_name,
                state=state,
                answer_by=now + 60 * validity_minutes,
                expires_at=now + LONGEST_VALIDITY_SECONDS + REMEMBERED_SECONDS,
            )
        )

    def take(
        self, session_id: str | None, *, pool_id: str, client_id: str, username: str
    ) -> ChallengeSession[S]:
        """The pending challenge `session_id` names, spent by this answer. `username` is the
        user the answer names, as the session was issued to them (stored username)."""
        session = self._sessions.get(session_id)
        if (
            session is None
            or session.pool_id != pool_id
            or session.client_id != client_id
            or session.username != username
        ):
            raise NotAuthorizedException(INVALID_SESSION)
        if session.answered:
            raise NotAuthorizedException(SESSION_USED)
        if self._clock.now() >= session.answer_by:
            raise NotAuthorizedException(SESSION_EXPIRED)
        session.answered = True
        return session

    def reopen(self, session: ChallengeSession[S]) -> None:
        """Let a session `take` gave be answered again, for a flow whose refused answer leaves
        the challenge open (a mistyped code: flows/sign_in_challenges.py, flows/user_auth.py)."""
        session.answered = False

    def find(self, session_id: str | None) -> ChallengeSession[S] | None:
        """The session under `session_id`, answered or not (to route an answer to its flow)."""
        return self._sessions.get(session_id)

    def clear(self) -> None:
        self._sessions.clear()
