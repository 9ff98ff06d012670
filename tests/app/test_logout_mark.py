"""The logout mark (`users.tokens_valid_after`) only moves forward: when two logouts of one user
finish out of order, the later instant wins, and the tokens issued between the two stay refused.

The mark is written by `crud.revoke_tokens_issued_before` (what POST /users/logout calls); the
tests call it in the order a race could, drop the service's copy of the row as the logout does,
then ask the service over HTTP.
"""

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session

from app import crud
from app.core.services import Services
from app.models import User
from tests.app.service_harness import Flows, ServiceUser

# Far beyond REVOCATION_CLOCK_SKEW_SECONDS, so the clock alone decides (Cognito is not asked).
MINUTE = timedelta(minutes=1)


def services_of(flows: Flows) -> Services:
    services: Services = flows.client.app.state.services.get()
    return services


def engine_of(flows: Flows) -> Engine:
    return services_of(flows).engine


def mark_at(flows: Flows, user: ServiceUser, at: datetime) -> None:
    services = services_of(flows)
    with Session(services.engine) as session:
        crud.revoke_tokens_issued_before(session, user.sub, at)
    services.users.forget(user.sub)


def mark_of(engine: Engine, user: ServiceUser) -> datetime | None:
    with Session(engine) as session:
        row = session.get(User, user.sub)
        assert row is not None
        return row.tokens_valid_after


def test_the_first_logout_sets_the_mark(flows: Flows) -> None:
    user = flows.registered_user("alice")
    engine = engine_of(flows)
    assert mark_of(engine, user) is None
    later = datetime.now(UTC) + MINUTE

    mark_at(flows, user, later)

    assert mark_of(engine, user) == later
    assert flows.client.get("/users/me", headers=user.bearer).status_code == 401


def test_an_earlier_mark_arriving_last_does_not_move_the_mark_back(flows: Flows) -> None:
    user = flows.registered_user("alice")  # its session began now, between the two marks
    engine = engine_of(flows)
    now = datetime.now(UTC)
    earlier, later = now - MINUTE, now + MINUTE

    mark_at(flows, user, later)
    mark_at(flows, user, earlier)

    assert mark_of(engine, user) == later
    response = flows.client.get("/users/me", headers=user.bearer)
    assert response.status_code == 401
    assert response.json() == {"detail": "Token has been revoked"}


def test_a_later_mark_moves_the_mark_forward(flows: Flows) -> None:
    user = flows.registered_user("alice")
    engine = engine_of(flows)
    now = datetime.now(UTC)
    earlier, later = now - MINUTE, now + MINUTE

    mark_at(flows, user, earlier)
    assert flows.client.get("/users/me", headers=user.bearer).status_code == 200
    mark_at(flows, user, later)

    assert mark_of(engine, user) == later
    assert flows.client.get("/users/me", headers=user.bearer).status_code == 401


def test_a_mark_is_the_users_own(flows: Flows) -> None:
    alice = flows.registered_user("alice")
    bob = flows.registered_user("bob")
    engine = engine_of(flows)

    mark_at(flows, alice, datetime.now(UTC) + MINUTE)

    assert mark_of(engine, bob) is None
    assert flows.client.get("/users/me", headers=bob.bearer).status_code == 200
    assert flows.client.get("/users/me", headers=alice.bearer).status_code == 401


def test_moving_the_mark_records_the_change_and_a_mark_that_does_not_move_changes_nothing(
    flows: Flows,
) -> None:
    user = flows.registered_user("alice")
    engine = engine_of(flows)
    now = datetime.now(UTC)

    def updated_at() -> datetime:
        with Session(engine) as session:
            row = session.get(User, user.sub)
            assert row is not None
            return row.updated_at

    before = updated_at()
    mark_at(flows, user, now + MINUTE)
    moved = updated_at()
    mark_at(flows, user, now + MINUTE)
    mark_at(flows, user, now - MINUTE)

    assert before < moved == updated_at()
