"""The pending-challenge store at its exact bounds: a Session answers within its validity, up to
but not at the instant it ends, once, for the pool, client and user it was issued to."""

from __future__ import annotations

import pytest

from cognito_emulator.challenge_sessions import (
    INVALID_SESSION,
    SESSION_EXPIRED,
    SESSION_USED,
    ChallengeSessions,
)
from cognito_emulator.exceptions import NotAuthorizedException
from tests.emulator.oauth_harness import StoppedClock

ISSUED_AT = 1_767_225_600.0
OWNER = {"pool_id": "us-east-1_pool", "client_id": "client", "username": "ann"}


def issue(clock: StoppedClock) -> tuple[ChallengeSessions[str], str]:
    sessions = ChallengeSessions[str](clock)
    session_id = sessions.start(
        **OWNER, challenge_name="CUSTOM_CHALLENGE", state="quiz", validity_minutes=3
    )
    return sessions, session_id


def test_a_session_answers_until_the_last_instant_of_its_validity() -> None:
    clock = StoppedClock(ISSUED_AT)
    sessions, session_id = issue(clock)
    clock.current = ISSUED_AT + 3 * 60 - 0.001

    taken = sessions.take(session_id, **OWNER)

    assert (taken.challenge_name, taken.state) == ("CUSTOM_CHALLENGE", "quiz")


def test_a_session_is_expired_at_the_instant_its_validity_ends() -> None:
    clock = StoppedClock(ISSUED_AT)
    sessions, session_id = issue(clock)
    clock.current = ISSUED_AT + 3 * 60

    with pytest.raises(NotAuthorizedException) as refused:
        sessions.take(session_id, **OWNER)

    assert refused.value.message == SESSION_EXPIRED


def test_a_session_answers_once() -> None:
    sessions, session_id = issue(StoppedClock(ISSUED_AT))
    sessions.take(session_id, **OWNER)

    with pytest.raises(NotAuthorizedException) as refused:
        sessions.take(session_id, **OWNER)

    assert refused.value.message == SESSION_USED


@pytest.mark.parametrize("member", ["pool_id", "client_id", "username"])
def test_a_session_answers_only_whom_it_was_issued_to(member: str) -> None:
    sessions, session_id = issue(StoppedClock(ISSUED_AT))

    with pytest.raises(NotAuthorizedException) as refused:
        sessions.take(session_id, **{**OWNER, member: "someone-else"})

    assert refused.value.message == INVALID_SESSION
    assert sessions.take(session_id, **OWNER).state == "quiz"  # the refusal did not spend it
