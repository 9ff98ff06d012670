"""Logout: refused at once, across app instances (workers) and restarts, refresh tokens too;
a login right after a logout works, even within the same second."""

from datetime import timedelta

from fastapi.testclient import TestClient
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
from sqlmodel import Session

from app.core.config import Settings
from app.main import create_app
from app.models import User
from tests.app.service_harness import Flows, bearer, direct_login


def test_logout_revokes_the_access_token_at_once(flows: Flows) -> None:
    user = flows.registered_user("alice")
    assert flows.client.get("/users/me", headers=user.bearer).status_code == 200  # now cached

    logout = flows.client.post("/users/logout", headers=user.bearer)
    after = flows.client.get("/users/me", headers=user.bearer)

    assert logout.status_code == 204
    assert logout.content == b""
    assert after.status_code == 401
    assert after.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'


def test_logout_is_seen_by_another_worker_and_after_a_restart(
    flows: Flows, settings: Settings
) -> None:
    user = flows.registered_user("alice")
    with TestClient(create_app(settings)) as other_worker:
        assert other_worker.get("/users/me", headers=user.bearer).status_code == 200  # cached

        assert flows.client.post("/users/logout", headers=user.bearer).status_code == 204

        assert other_worker.get("/users/me", headers=user.bearer).status_code == 401
    with TestClient(create_app(settings)) as restarted:
        assert restarted.get("/users/me", headers=user.bearer).status_code == 401


def test_logout_revokes_every_session_of_the_user(flows: Flows) -> None:
    first = flows.registered_user("alice")
    second = flows.login("alice").json()

    assert flows.client.post("/users/logout", headers=first.bearer).status_code == 204

    assert flows.client.get("/users/me", headers=bearer(second["access_token"])).status_code == 401


def test_the_refresh_token_is_refused_after_logout(flows: Flows) -> None:
    user = flows.registered_user("alice")
    flows.client.post("/users/logout", headers=user.bearer)

    response = flows.client.post(
        "/users/token/refresh",
        json={"username": "alice", "refresh_token": user.tokens["refresh_token"]},
    )

    assert response.status_code == 401


def test_a_login_right_after_logout_works_in_the_same_second(flows: Flows) -> None:
    for _ in range(3):
        user = flows.registered_user()
        assert flows.client.post("/users/logout", headers=user.bearer).status_code == 204

        again = flows.login(user.username).json()

        assert (
            flows.client.get("/users/me", headers=bearer(again["access_token"])).status_code == 200
        )
        assert flows.client.get("/users/me", headers=user.bearer).status_code == 401


def test_tokens_from_sessions_well_before_the_mark_are_refused_without_asking_cognito(
    flows: Flows,
) -> None:
    user = flows.registered_user("alice")
    engine = flows.client.app.state.services.get().engine
    with Session(engine) as session:
        row = session.get(User, user.sub)
        assert row is not None
        row.tokens_valid_after = row.created_at + timedelta(minutes=10)
        session.add(row)
        session.commit()
    flows.emulator.add_fault("GetUser", "InternalErrorException")  # Cognito is not consulted

    response = flows.client.get("/users/me", headers=user.bearer)

    assert response.status_code == 401


def test_refreshed_tokens_of_a_session_older_than_the_mark_are_refused(flows: Flows) -> None:
    """Even if Cognito still honoured the refresh token, the durable mark refuses the session."""
    user = flows.registered_user("alice")
    engine = flows.client.app.state.services.get().engine
    with Session(engine) as session:
        row = session.get(User, user.sub)
        assert row is not None
        row.tokens_valid_after = row.created_at + timedelta(minutes=10)
        session.add(row)
        session.commit()

    response = flows.client.post(
        "/users/token/refresh",
        json={"username": "alice", "refresh_token": user.tokens["refresh_token"]},
    )

    assert response.status_code == 401
    assert response.json() == {"detail": "Refresh token has been revoked"}


def test_logout_without_a_token_is_401(flows: Flows) -> None:
    response = flows.client.post("/users/logout")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_logout_twice_is_401_the_second_time(flows: Flows) -> None:
    user = flows.registered_user("alice")

    assert flows.client.post("/users/logout", headers=user.bearer).status_code == 204
    assert flows.client.post("/users/logout", headers=user.bearer).status_code == 401


def test_cognito_is_asked_once_about_a_token_issued_near_a_logout(flows: Flows) -> None:
    user = flows.registered_user("alice")
    flows.client.post("/users/logout", headers=user.bearer)
    again = bearer(flows.login("alice").json()["access_token"])
    assert flows.client.get("/users/me", headers=again).status_code == 200  # Cognito said yes

    flows.emulator.add_fault("GetUser", "InternalErrorException")

    assert [flows.client.get("/users/me", headers=again).status_code for _ in range(3)] == [200] * 3


def test_when_cognito_cannot_decide_about_a_token_near_a_logout_it_is_503(
    flows: Flows, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    user = flows.registered_user("alice")
    flows.client.post("/users/logout", headers=user.bearer)
    again = bearer(direct_login(flows, cognito_idp_client, "alice"))  # not through the service
    flows.emulator.add_fault("GetUser", "InternalErrorException")

    response = flows.client.get("/users/me", headers=again)

    assert response.status_code == 503
    assert response.headers["Retry-After"]


def test_a_login_near_a_logout_is_admitted_by_the_rule_every_request_meets(flows: Flows) -> None:
    """Login applies the admission rule too: the tokens it answers are ones the next request
    accepts. Near a logout Cognito settles it, and when Cognito cannot, the login is 503."""
    user = flows.registered_user("alice")
    flows.client.post("/users/logout", headers=user.bearer)
    flows.emulator.add_fault("GetUser", "InternalErrorException")

    response = flows.login("alice")

    assert response.status_code == 503
    assert response.headers["Retry-After"]
