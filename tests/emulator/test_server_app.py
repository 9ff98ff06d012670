"""The app as a whole: one lock around the backend, and the answers outside any route."""

from __future__ import annotations

import logging
import threading
import time

import httpx
import pytest

from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.server import EmulatorServer


def test_backend_calls_from_the_event_loop_and_from_threads_never_overlap(
    cognito_emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    running = 0
    most_at_once = 0
    calls = 0
    counter = threading.Lock()

    def slow_dispatch(operation: str, params: dict[str, object]) -> dict[str, object]:
        nonlocal running, most_at_once, calls
        with counter:
            running += 1
            calls += 1
            most_at_once = max(most_at_once, running)
        time.sleep(0.01)
        with counter:
            running -= 1
        return {"UserPools": []}

    monkeypatch.setattr(cognito_emulator.backend, "dispatch", slow_dispatch)

    http_done = threading.Event()
    statuses: list[int] = []

    def over_http() -> None:
        try:
            with httpx.Client(base_url=cognito_emulator.endpoint_url) as http:
                for _ in range(10):
                    response = http.post(
                        "/",
                        content=b'{"MaxResults": 1}',
                        headers={"X-Amz-Target": "AWSCognitoIdentityProviderService.ListUserPools"},
                    )
                    statuses.append(response.status_code)
        finally:
            http_done.set()

    def in_process() -> None:
        while not http_done.is_set():
            cognito_emulator.app.dispatch("ListUserPools", {"MaxResults": 1})

    threads = [threading.Thread(target=work) for work in (over_http, in_process)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [200] * 10
    assert calls > 10  # the ten API calls and some in-process ones
    assert most_at_once == 1


def test_root_answers_get_and_post_and_a_405_names_both(emulator_http: httpx.Client) -> None:
    response = emulator_http.put("/")

    assert response.status_code == 405
    assert response.json() == {
        "__type": "MethodNotAllowed",
        "message": "/ answers GET, POST, not PUT",
    }
    assert set(response.headers["allow"].split(", ")) == {"GET", "HEAD", "POST"}


def test_a_trailing_slash_names_nothing_rather_than_redirecting(
    emulator_http: httpx.Client, cognito_pool: PoolConfig
) -> None:
    for path in (f"/{cognito_pool.user_pool_id}/.well-known/jwks.json/", "/_emulator/health/"):
        response = emulator_http.get(path)

        assert response.status_code == 404
        assert response.json()["__type"] == "NotFound"


def test_a_bug_outside_the_api_is_a_json_500_that_tells_the_client_nothing(
    emulator_http: httpx.Client,
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(pool_id: str) -> dict[str, object]:
        raise RuntimeError("bug in the emulator")

    monkeypatch.setattr(cognito_emulator.backend, "jwks", broken)
    caplog.set_level(logging.ERROR)

    response = emulator_http.get(f"/{cognito_pool.user_pool_id}/.well-known/jwks.json")

    assert response.status_code == 500
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {
        "__type": "InternalErrorException",
        "message": "Internal server error.",
    }
    assert str(logged_error(caplog)) == "bug in the emulator"


def logged_error(caplog: pytest.LogCaptureFixture) -> BaseException:
    """The exception the server logged; it logs once the answer is sent, so wait for it."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        for record in caplog.records:
            if record.exc_info is not None and record.exc_info[1] is not None:
                return record.exc_info[1]
        time.sleep(0.01)
    raise AssertionError("no error was logged")


def test_idle_connections_outlive_the_clients_own_idle_limit(
    make_cognito_emulator: EmulatorServer,
) -> None:
    """A server that closes an idle connection first races the client reusing it: the request
    meets "connection reset by peer" (it happened in CI with both limits at 5 s)."""
    running = make_cognito_emulator._uvicorn
    assert running is not None
    client_idle_limit = httpx.Limits().keepalive_expiry
    assert client_idle_limit == 5.0
    assert running.config.timeout_keep_alive == 75
