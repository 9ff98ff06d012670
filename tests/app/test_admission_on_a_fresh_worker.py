"""Admission by a worker that has not seen the token before (another worker, or after a restart):
nothing is cached, so the whole rule runs — verify, read the row, check the logout mark and the
disabled flag — with the same answers a warm worker gives. And sign-in refuses tokens the
service could not verify later, instead of handing them out."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app import crud
from app.core.config import Settings
from app.main import create_app
from tests.app.service_harness import Flows, make_settings


@pytest.fixture
def fresh_worker(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as worker:
        yield worker


def test_an_invalid_token_is_refused_with_the_reason(fresh_worker: TestClient) -> None:
    response = fresh_worker.get("/users/me", headers={"Authorization": "Bearer garbage"})

    assert (response.status_code, response.json()) == (401, {"detail": "Malformed token"})
    assert response.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'


def test_a_revoked_token_is_refused_as_revoked(flows: Flows, fresh_worker: TestClient) -> None:
    user = flows.registered_user("alice")
    engine = flows.client.app.state.services.get().engine
    with Session(engine) as session:
        crud.revoke_tokens_issued_before(
            session, user.sub, datetime.now(UTC) + timedelta(minutes=1)
        )

    response = fresh_worker.get("/users/me", headers=user.bearer)

    assert (response.status_code, response.json()) == (401, {"detail": "Token has been revoked"})


def test_a_known_user_is_admitted_without_asking_cognito(
    flows: Flows, fresh_worker: TestClient
) -> None:
    user = flows.registered_user("alice")
    flows.emulator.add_fault("GetUser", "InternalErrorException")

    response = fresh_worker.get("/users/me", headers=user.bearer)

    assert (response.status_code, response.json()["sub"]) == (200, user.sub)


def test_the_caller_logs_out_with_the_token_it_presented(
    flows: Flows, fresh_worker: TestClient
) -> None:
    user = flows.registered_user("alice")

    logout = fresh_worker.post("/users/logout", headers=user.bearer)
    refresh = flows.client.post(
        "/users/token/refresh",
        json={"username": "alice", "refresh_token": user.tokens["refresh_token"]},
    )

    assert logout.status_code == 204
    assert refresh.status_code == 401  # Cognito revoked the sign-in's refresh token


def test_sign_in_refuses_tokens_the_service_cannot_verify_and_logs_why(
    flows: Flows, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    flows.registered_user("alice")
    elsewhere = make_settings(flows.pool, database_url, AWS_REGION="eu-west-1")

    with TestClient(create_app(elsewhere)) as misconfigured:
        response = misconfigured.post(
            "/users/login", data={"username": "alice", "password": "Correct-Horse-9"}
        )

    assert (response.status_code, response.json()) == (
        502,
        {
            "detail": "The identity provider issued tokens this service cannot verify (Token "
            "was issued by another user pool); tokens it has just issued look expired or not "
            "valid yet when its clock and this service's differ"
        },
    )
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert errors == [
        "Cognito issued tokens that fail verification: Token was issued by another user pool"
    ]


def test_sign_in_names_a_clock_difference_as_the_likely_cause(flows: Flows) -> None:
    """`nox -s dev` with the emulator's clock moved: Cognito's tokens are from the service's
    future. The 502 says so, not only the service's log."""
    flows.registered_user("alice")
    flows.emulator.advance_clock(3600)

    response = flows.login("alice")

    assert (response.status_code, response.json()) == (
        502,
        {
            "detail": "The identity provider issued tokens this service cannot verify (Token "
            "is not valid yet); tokens it has just issued look expired or not valid yet when "
            "its clock and this service's differ"
        },
    )


def test_sign_in_refuses_an_id_token_of_another_user(flows: Flows) -> None:
    flows.registered_user("alice")
    verifier = flows.client.app.state.services.get().verifier
    someone_else = {"sub": "someone-else", "email": "someone@example.com"}

    with mock.patch.object(verifier, "verify_id_token", return_value=someone_else):
        response = flows.login("alice")

    assert (response.status_code, response.json()) == (
        502,
        {"detail": "The identity provider mixed up tokens"},
    )


def test_sign_in_ignores_an_email_claim_that_is_not_text(flows: Flows) -> None:
    user = flows.registered_user("alice")
    verifier = flows.client.app.state.services.get().verifier
    odd_identity = {"sub": user.sub, "email": ["alice@example.com"]}

    with mock.patch.object(verifier, "verify_id_token", return_value=odd_identity):
        response = flows.login("alice")

    assert response.status_code == 200
    me = flows.client.get("/users/me", headers=user.bearer).json()
    assert me["email"] == "alice@example.com"


def test_a_refresh_is_not_recorded_as_a_login(flows: Flows) -> None:
    user = flows.registered_user("alice")
    logged_in_at = flows.client.get("/users/me", headers=user.bearer).json()["last_login_at"]

    refreshed = flows.client.post(
        "/users/token/refresh",
        json={"username": "alice", "refresh_token": user.tokens["refresh_token"]},
    )

    assert refreshed.status_code == 200
    assert logged_in_at is not None
    assert (
        flows.client.get("/users/me", headers=user.bearer).json()["last_login_at"] == logged_in_at
    )
