"""Readiness of token verification (`TokenVerifier.probe_jwks`, what /readyz asks): the JWKS is
refetched unless a fetch succeeded within the allowed age, a failed fetch is never taken as fresh,
and threads that waited on another thread's failed fetch share its error instead of refetching."""

import threading
import time
from collections.abc import Callable

import httpx
import pytest

from app.core.tokens import JWKSUnavailableError, TokenVerifier

EMPTY_JWKS = {"keys": []}


class JWKSEndpoint:
    """A JWKS endpoint whose answers the test sets; counts requests and can hold them."""

    def __init__(self) -> None:
        self.status = 200
        self.requests = 0
        self.release = threading.Event()
        self.release.set()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        self.release.wait(timeout=10)
        return httpx.Response(self.status, json=EMPTY_JWKS)


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def a_verifier(endpoint: JWKSEndpoint, clock: Callable[[], float]) -> TokenVerifier:
    return TokenVerifier(
        region="us-east-1",
        user_pool_id="us-east-1_pool",
        client_id="client",
        endpoint_url="http://jwks.test",
        http_client=httpx.Client(transport=httpx.MockTransport(endpoint)),
        clock=clock,
    )


def test_a_fetch_younger_than_the_allowed_age_is_not_repeated() -> None:
    endpoint, clock = JWKSEndpoint(), Clock()
    verifier = a_verifier(endpoint, clock)
    verifier.probe_jwks(max_age_seconds=30)
    clock.now += 29.9

    verifier.probe_jwks(max_age_seconds=30)

    assert endpoint.requests == 1


def test_a_fetch_as_old_as_the_allowed_age_is_repeated() -> None:
    endpoint, clock = JWKSEndpoint(), Clock()
    verifier = a_verifier(endpoint, clock)
    verifier.probe_jwks(max_age_seconds=30)
    clock.now += 30

    verifier.probe_jwks(max_age_seconds=30)

    assert endpoint.requests == 2


def test_without_an_allowed_age_every_probe_fetches() -> None:
    endpoint, clock = JWKSEndpoint(), Clock()
    verifier = a_verifier(endpoint, clock)

    verifier.probe_jwks()
    verifier.probe_jwks()

    assert endpoint.requests == 2


def test_after_a_failed_fetch_the_next_probe_fetches_again_and_recovers() -> None:
    endpoint, clock = JWKSEndpoint(), Clock()
    verifier = a_verifier(endpoint, clock)
    verifier.probe_jwks(max_age_seconds=30)
    endpoint.status = 503
    with pytest.raises(JWKSUnavailableError, match=r"^JWKS answered HTTP 503$"):
        verifier.probe_jwks()

    endpoint.status = 200
    verifier.probe_jwks(max_age_seconds=30)  # the success before the failure is not "fresh"

    assert endpoint.requests == 3
    verifier.probe_jwks(max_age_seconds=30)
    assert endpoint.requests == 3


def test_probes_waiting_on_a_failing_fetch_share_its_error() -> None:
    endpoint, clock = JWKSEndpoint(), Clock()
    verifier = a_verifier(endpoint, clock)
    endpoint.status = 503
    endpoint.release.clear()
    errors: list[str] = []

    def probe() -> None:
        try:
            verifier.probe_jwks()
        except JWKSUnavailableError as error:
            errors.append(str(error))

    first = threading.Thread(target=probe)
    first.start()
    while endpoint.requests == 0:  # the first probe is fetching, holding the fetch lock
        time.sleep(0.01)
    waiting = threading.Thread(target=probe)
    waiting.start()
    time.sleep(0.2)  # the second probe now waits for the lock
    endpoint.release.set()
    first.join(timeout=10)
    waiting.join(timeout=10)

    assert errors == ["JWKS answered HTTP 503"] * 2
    assert endpoint.requests == 1
