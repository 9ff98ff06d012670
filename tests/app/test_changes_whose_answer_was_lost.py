"""Cognito may apply a change and still leave the service without an answer (a read timeout, a
dropped connection): calls are at-least-once. The answers say what the service knows: the change
may have been applied; a repeated sign-up of a user now waiting for confirmation is told so and
gets a new code.

The emulator's latency faults delay a request *before* applying it, so the loss is simulated at
the botocore level instead: the request is sent, then botocore's ReadTimeoutError is raised
(before-send hook), exactly what botocore does (and retries) on a real read timeout."""

import socket
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.awsrequest import AWSPreparedRequest
from botocore.exceptions import ReadTimeoutError
from botocore.httpsession import URLLib3Session
from fastapi.testclient import TestClient

from app.core.config import Settings
from app.main import create_app
from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.server import EmulatorServer
from tests.app.service_harness import PASSWORD, Flows, make_settings

MAYBE_APPLIED = {
    "detail": "The identity provider did not answer; the change may have been applied: "
    "check before retrying"
}
EXISTS_UNCONFIRMED = {
    "detail": "User already exists and is not confirmed: a new confirmation code was sent to "
    "the email address it signed up with"
}
NEW_PASSWORD = "New-Passw0rd!"


def lose_the_answer_after_applying(flows: Flows, operation: str) -> None:
    """The next `operation` call reaches Cognito, which applies it; its answer never arrives."""
    cognito = flows.client.app.state.services.get().cognito
    session = URLLib3Session()
    remaining = [1]

    def send_then_time_out(request: AWSPreparedRequest, **_: Any) -> None:
        if remaining[0]:
            remaining[0] -= 1
            session.send(request)
            raise ReadTimeoutError(endpoint_url=request.url)

    event = f"before-send.cognito-identity-provider.{operation}"
    cognito._client.meta.events.register(event, send_then_time_out)


@pytest.fixture(params=[1, 2], ids=["no-retry", "botocore-retries"])
def attempts(request: pytest.FixtureRequest) -> int:
    """1: the client retries the request itself; 2: botocore retries it within the call."""
    return int(request.param)


@pytest.fixture
def flows_with(
    cognito_pool: PoolConfig, cognito_emulator: EmulatorServer, database_url: str, attempts: int
) -> Iterator[Flows]:
    settings: Settings = make_settings(cognito_pool, database_url, COGNITO_MAX_ATTEMPTS=attempts)
    with TestClient(create_app(settings)) as client:
        yield Flows(client=client, emulator=cognito_emulator, pool=cognito_pool)


def test_a_sign_up_applied_but_unanswered_is_told_when_repeated(
    flows_with: Flows, attempts: int
) -> None:
    flows = flows_with
    lose_the_answer_after_applying(flows, "SignUp")

    answers = [flows.signup("alice") for _ in range(attempts, 3)]

    if attempts == 1:
        first = answers.pop(0)
        assert (first.status_code, first.json()) == (503, MAYBE_APPLIED)
        assert first.headers["Retry-After"] == "5"
    assert [(a.status_code, a.json()) for a in answers] == [(409, EXISTS_UNCONFIRMED)]
    purposes = [m["purpose"] for m in flows.emulator.outbox(flows.pool.user_pool_id, "alice")]
    assert purposes == ["sign_up", "resend"]
    assert flows.verify("alice").status_code == 200
    assert flows.login("alice").status_code == 200


def test_a_taken_confirmed_username_is_a_plain_conflict_and_sends_nothing(flows: Flows) -> None:
    flows.registered_user("alice")

    again = flows.signup("alice")

    assert (again.status_code, again.json()) == (409, {"detail": "User already exists"})
    purposes = [m["purpose"] for m in flows.emulator.outbox(flows.pool.user_pool_id, "alice")]
    assert purposes == ["sign_up"]


def test_a_password_change_applied_but_unanswered_says_it_may_have_been_applied(
    flows_with: Flows,
) -> None:
    """With botocore's retry, the second attempt meets the changed password ("Incorrect previous
    password"): an answer after a lost one says only what the service knows."""
    flows = flows_with
    user = flows.registered_user("alice")
    lose_the_answer_after_applying(flows, "ChangePassword")

    response = flows.client.post(
        "/users/password/change",
        headers=user.bearer,
        json={"previous_password": PASSWORD, "proposed_password": NEW_PASSWORD},
    )

    assert (response.status_code, response.json()) == (503, MAYBE_APPLIED)
    assert response.headers["Retry-After"] == "5"
    assert flows.login("alice", NEW_PASSWORD).status_code == 200


def test_an_unreachable_identity_provider_applied_nothing_and_says_retry_later(
    cognito_pool: PoolConfig, database_url: str
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}"
    settings = make_settings(cognito_pool, database_url, AWS_COGNITO_ENDPOINT_URL=dead)

    with TestClient(create_app(settings)) as client:
        response = client.post(
            "/users/signup",
            json={"username": "alice", "email": "alice@example.com", "password": PASSWORD},
        )

    assert response.status_code == 503
    assert response.json() == {"detail": "The identity provider is unavailable; retry later"}
