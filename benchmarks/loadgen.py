"""A lean closed-loop HTTP load generator: one keep-alive connection per client thread.

Not boto3: its per-call overhead (signing, validation, parsing) is larger than a fast server's
whole request, so it would measure itself. Every server gets the same raw requests from the same
generator; requests are unsigned (both the emulator and moto_server accept that, and the
preflight checks it before anything is timed).
"""

from __future__ import annotations

import http.client
import itertools
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from benchmarks.stats import Run

TARGET_PREFIX = "AWSCognitoIdentityProviderService."
AMZ_JSON = "application/x-amz-json-1.1"
ERROR_SAMPLE_CHARS = 300


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: bytes | None = None
    headers: Mapping[str, str] | None = None


# (client index, sequence number of this client's request) -> the request to send
RequestFactory = Callable[[int, int], Request]


def cognito_request(operation: str, body: bytes) -> Request:
    """An AWS JSON 1.1 call as boto3 sends it, minus the signature."""
    headers = {"Content-Type": AMZ_JSON, "X-Amz-Target": TARGET_PREFIX + operation}
    return Request("POST", "/", body, headers)


class PreflightError(RuntimeError):
    """A server refused the benchmark's request before timing started; the run would be void."""


def send_once(host: str, port: int, request: Request, timeout: float = 10.0) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        connection.request(request.method, request.path, request.body, dict(request.headers or {}))
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def preflight(host: str, port: int, request: Request, what: str) -> bytes:
    status, body = send_once(host, port, request)
    if not 200 <= status < 300:
        raise PreflightError(f"{what}: HTTP {status}: {body[:ERROR_SAMPLE_CHARS]!r}")
    return body


class FlowFailed(RuntimeError):
    """One operation of a flow did not succeed; the message is the run's first_error sample."""


# One timed operation on a client's keep-alive connection: (connection, client index, sequence
# number of this client's operation). Returns on success, raises FlowFailed otherwise.
Flow = Callable[[http.client.HTTPConnection, int, int], None]


def exchange(
    connection: http.client.HTTPConnection, request: Request
) -> tuple[int, http.client.HTTPMessage, bytes]:
    """One request on an open (keep-alive) connection: the answer's status, headers and body."""
    connection.request(request.method, request.path, request.body, dict(request.headers or {}))
    response = connection.getresponse()
    return response.status, response.headers, response.read()


def run_load(
    host: str,
    port: int,
    make_request: RequestFactory,
    *,
    concurrency: int,
    seconds: float | None = None,
    total: int | None = None,
    timeout: float = 10.0,
) -> Run:
    """Closed loop of single requests: `run_flows` where each operation is one request, and a
    non-2xx answer counts as an error."""

    def one_request(connection: http.client.HTTPConnection, index: int, sequence: int) -> None:
        status, _, body = exchange(connection, make_request(index, sequence))
        if not 200 <= status < 300:
            sample = body[:ERROR_SAMPLE_CHARS].decode(errors="replace")
            raise FlowFailed(f"HTTP {status}: {sample}")

    return run_flows(
        host,
        port,
        one_request,
        concurrency=concurrency,
        seconds=seconds,
        total=total,
        timeout=timeout,
    )


def run_flows(
    host: str,
    port: int,
    flow: Flow,
    *,
    concurrency: int,
    seconds: float | None = None,
    total: int | None = None,
    timeout: float = 10.0,
) -> Run:
    """Closed loop: each client starts its next operation as soon as the previous one is done.

    Stops after `seconds`, or once `total` operations have been started across all clients.
    Failed operations (FlowFailed) and connection failures count as errors, not as operations.
    """
    if (seconds is None) == (total is None):
        raise ValueError("give exactly one of seconds or total")
    tickets = itertools.count()  # next() on a count is atomic under the GIL
    start_gate = threading.Barrier(concurrency + 1)
    runs = [Run() for _ in range(concurrency)]
    deadline_box: list[float] = []

    def client(index: int) -> None:
        run = runs[index]
        connection = http.client.HTTPConnection(host, port, timeout=timeout)
        start_gate.wait()
        deadline = deadline_box[0]
        try:
            for sequence in itertools.count():
                if total is not None and next(tickets) >= total:
                    return
                if seconds is not None and time.perf_counter() >= deadline:
                    return
                began = time.perf_counter()
                try:
                    flow(connection, index, sequence)
                except (OSError, http.client.HTTPException) as error:
                    connection.close()  # the next request reconnects
                    run.errors += 1
                    run.first_error = run.first_error or f"{type(error).__name__}: {error}"
                    continue
                except FlowFailed as failure:
                    run.errors += 1
                    run.first_error = run.first_error or str(failure)
                    continue
                run.latencies.append(time.perf_counter() - began)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=client, args=(index,), daemon=True) for index in range(concurrency)
    ]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    deadline_box.append(began + (seconds or 0.0))
    start_gate.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    total_run = Run(seconds=elapsed)
    for run in runs:
        total_run.latencies.extend(run.latencies)
        total_run.errors += run.errors
        total_run.first_error = total_run.first_error or run.first_error
    return total_run
