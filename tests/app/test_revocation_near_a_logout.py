"""Which tokens a logout mark refuses: sessions that began more than the clock skew before it are
refused, after it are admitted, and in between (bounds included) Cognito decides, once per token
and mark, with the decisions kept in a bounded cache that forgets the oldest first. A session
begins at the token's `auth_time`, which refreshes keep: refreshing does not outlive a logout."""

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from app import crud
from app.core.cognito_errors import CognitoRequestFailed, ErrorAnswer
from app.core.revocation import RevocationChecker, TokenRevokedError, session_started_at
from app.core.services import Services
from tests.app.service_harness import Flows, bearer

MARK = datetime(2030, 1, 1, tzinfo=UTC)
SKEW = 5.0


class Cognito:
    """GetUser answers as Cognito would after a GlobalSignOut of `revoked` tokens; counts calls."""

    def __init__(self, revoked: frozenset[str] = frozenset()) -> None:
        self.revoked = revoked
        self.asked: list[str] = []

    def get_user(self, token: str) -> None:
        self.asked.append(token)
        if token in self.revoked:
            raise CognitoRequestFailed(
                "GetUser", "NotAuthorizedException", ErrorAnswer(401, "Invalid token")
            )


def admitted(checker: RevocationChecker, token: str, issued_at: float) -> bool:
    try:
        checker.check(token, issued_at, MARK)
    except TokenRevokedError as revoked:
        assert str(revoked) == "Token has been revoked"
        return False
    return True


@pytest.mark.parametrize(
    ("claims", "started_at"),
    [
        ({"iat": 100}, 100),
        ({"iat": 100, "auth_time": 40}, 40),
        ({"iat": 100, "auth_time": 40.5}, 40.5),
        ({"iat": 100, "auth_time": 400}, 100),
        ({"iat": 100, "auth_time": None}, 100),
        ({"iat": 100, "auth_time": "40"}, 100),
        ({"iat": 100, "auth_time": True}, 100),
    ],
)
def test_a_session_began_at_auth_time_or_else_at_iat_whichever_is_earlier(
    claims: dict[str, object], started_at: float
) -> None:
    assert session_started_at(claims) == started_at


@pytest.mark.parametrize(
    ("offset", "verdict", "asked"),
    [
        (-SKEW - 0.001, False, False),
        (-SKEW, True, True),
        (0.0, True, True),
        (SKEW, True, True),
        (SKEW + 0.001, True, False),
    ],
)
def test_within_the_clock_skew_of_the_mark_bounds_included_cognito_decides(
    offset: float, verdict: bool, asked: bool
) -> None:
    cognito = Cognito()
    checker = RevocationChecker(cognito, clock_skew_seconds=SKEW)  # type: ignore[arg-type]

    assert admitted(checker, "token", MARK.timestamp() + offset) is verdict
    assert cognito.asked == (["token"] if asked else [])


def test_decisions_are_remembered_and_the_oldest_forgotten_first() -> None:
    cognito = Cognito(revoked=frozenset({"t1", "t3"}))
    checker = RevocationChecker(cognito, clock_skew_seconds=SKEW, cache_size=2)  # type: ignore[arg-type]
    at_the_mark = MARK.timestamp()
    first = [admitted(checker, token, at_the_mark) for token in ("t1", "t2", "t3")]

    again = [admitted(checker, token, at_the_mark) for token in ("t3", "t2", "t1")]

    assert first == again == [False, True, False]
    assert cognito.asked == ["t1", "t2", "t3", "t1"]


def test_a_token_cognito_refuses_near_a_logout_is_revoked_and_cognito_asked_once(
    flows: Flows,
) -> None:
    user = flows.registered_user("alice")
    assert flows.client.post("/users/logout", headers=user.bearer).status_code == 204

    refused = flows.client.get("/users/me", headers=user.bearer)
    flows.emulator.add_fault("GetUser", "InternalErrorException")  # Cognito is not asked again
    refused_again = flows.client.get("/users/me", headers=user.bearer)

    for response in (refused, refused_again):
        assert (response.status_code, response.json()) == (
            401,
            {"detail": "Token has been revoked"},
        )


def test_cognito_settles_a_token_near_a_logout_off_the_event_loop(
    flows: Flows, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Asking Cognito blocks for a network round trip: on the event loop it would stall every
    other request of the worker meanwhile."""
    user = flows.registered_user("alice")
    assert flows.client.post("/users/logout", headers=user.bearer).status_code == 204
    services: Services = flows.client.app.state.services.get()
    asked_on_the_event_loop: list[bool] = []
    get_user = services.cognito.get_user

    def recording_get_user(token: str) -> Any:
        asked_on_the_event_loop.append(asyncio_loop_running())
        return get_user(token)

    monkeypatch.setattr(services.cognito, "get_user", recording_get_user)

    response = flows.client.get("/users/me", headers=user.bearer)

    assert (response.status_code, response.json()) == (401, {"detail": "Token has been revoked"})
    assert asked_on_the_event_loop == [False]


def asyncio_loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def test_a_refreshed_token_of_a_session_older_than_the_mark_is_refused(flows: Flows) -> None:
    flows.registered_user("alice")
    flows.emulator.advance_clock(-600)
    signed_in = flows.login("alice").json()  # a session that began ten minutes ago
    flows.emulator.advance_clock(600)
    refreshed = flows.client.post(
        "/users/token/refresh",
        json={"username": "alice", "refresh_token": signed_in["refresh_token"]},
    ).json()
    fresh_login = flows.login("alice").json()
    services: Services = flows.client.app.state.services.get()
    sub = flows.client.get("/users/me", headers=bearer(fresh_login["access_token"])).json()["sub"]

    with Session(services.engine) as session:
        crud.revoke_tokens_issued_before(session, sub, datetime.now(UTC) - timedelta(minutes=5))
    services.users.forget(sub)  # as the service's own logout does

    assert flows.client.get("/users/me", headers=bearer(refreshed["access_token"])).json() == {
        "detail": "Token has been revoked"
    }
    assert (
        flows.client.get("/users/me", headers=bearer(fresh_login["access_token"])).status_code
        == 200
    )


def test_a_refresh_near_a_mark_cognito_did_not_sign_out_is_decided_by_cognito(
    flows: Flows,
) -> None:
    user = flows.registered_user("alice")
    engine: Engine = flows.client.app.state.services.get().engine
    with Session(engine) as session:  # a mark with no GlobalSignOut behind it: Cognito says yes
        crud.revoke_tokens_issued_before(session, user.sub, datetime.now(UTC))

    response = flows.client.post(
        "/users/token/refresh",
        json={"username": "alice", "refresh_token": user.tokens["refresh_token"]},
    )

    assert response.status_code == 200


def test_a_decision_holds_for_its_mark_only() -> None:
    cognito = Cognito()
    checker = RevocationChecker(cognito, clock_skew_seconds=SKEW)  # type: ignore[arg-type]
    issued_at = MARK.timestamp()

    checker.check("token", issued_at, MARK)
    checker.check("token", issued_at, MARK)
    checker.check("token", issued_at, MARK + timedelta(seconds=1))  # a later logout: ask again

    assert cognito.asked == ["token", "token"]


def test_a_login_whose_tokens_predate_the_mark_is_refused_as_revoked(flows: Flows) -> None:
    user = flows.registered_user("alice")
    engine: Engine = flows.client.app.state.services.get().engine
    with Session(engine) as session:
        crud.revoke_tokens_issued_before(session, user.sub, datetime.now(UTC))
    flows.emulator.advance_clock(-600)  # Cognito's clock far behind this service's

    response = flows.login("alice")

    assert (response.status_code, response.json()) == (401, {"detail": "Token has been revoked"})


@pytest.mark.parametrize(
    ("offset", "alone"),
    [(-SKEW - 0.001, True), (-SKEW, False), (0.0, False), (SKEW, False), (SKEW + 0.001, True)],
)
def test_the_checker_decides_alone_exactly_where_cognito_is_not_asked(
    offset: float, alone: bool
) -> None:
    """What lets a request decide on the event loop: never where `check` would block on Cognito."""
    checker = RevocationChecker(Cognito(), clock_skew_seconds=SKEW)  # type: ignore[arg-type]

    assert checker.decides_alone("token", MARK.timestamp() + offset, MARK) is alone
    assert checker.decides_alone("token", MARK.timestamp() + offset, None) is True


def test_once_cognito_has_settled_a_token_the_checker_decides_it_alone() -> None:
    checker = RevocationChecker(Cognito(), clock_skew_seconds=SKEW)  # type: ignore[arg-type]
    at_the_mark = MARK.timestamp()
    admitted(checker, "token", at_the_mark)

    assert checker.decides_alone("token", at_the_mark, MARK) is True
    assert checker.decides_alone("other", at_the_mark, MARK) is False
    assert checker.decides_alone("token", at_the_mark, MARK + timedelta(seconds=1)) is False
