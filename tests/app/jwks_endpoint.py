"""A pool's JWKS endpoint in memory, and a fixed clock, for TokenVerifier tests (imported by
tests)."""

import threading
import time
from collections.abc import Callable
from typing import Any

import httpx

from app.core.tokens import JWKSUnavailableError


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class JWKSEndpoint:
    """Answers the document (or failure) the test sets; counts requests and can hold them."""

    def __init__(self, document: Any) -> None:
        self.document = document
        self.status = 200
        self.unreachable = False
        self.requests = 0
        self.release = threading.Event()
        self.release.set()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        self.release.wait(timeout=10)
        if self.unreachable:
            raise httpx.ConnectError("refused", request=request)
        if isinstance(self.document, bytes):
            return httpx.Response(self.status, content=self.document)
        return httpx.Response(self.status, json=self.document)

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self))


def two_callers_on_one_failing_fetch(
    endpoint: JWKSEndpoint, call: Callable[[], object]
) -> list[str]:
    """Runs `call` in a thread whose JWKS fetch is held, then in a second thread that waits for
    the first's fetch lock; releases the fetch as HTTP 503. Returns the errors both raised."""
    endpoint.status = 503
    endpoint.release.clear()
    errors: list[str] = []

    def caller() -> None:
        try:
            call()
        except JWKSUnavailableError as error:
            errors.append(str(error))

    first = threading.Thread(target=caller)
    first.start()
    while endpoint.requests == 0:  # the first caller is fetching, holding the fetch lock
        time.sleep(0.01)
    waiting = threading.Thread(target=caller)
    waiting.start()
    time.sleep(0.2)  # the second caller now waits for the lock
    endpoint.release.set()
    first.join(timeout=10)
    waiting.join(timeout=10)
    return errors
