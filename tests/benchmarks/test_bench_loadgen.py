"""The load generator against a tiny in-process HTTP server: counts, errors, stop conditions."""

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from benchmarks.loadgen import PreflightError, Request, cognito_request, preflight, run_load


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the servers under test
    wbufsize = -1  # one write per answer: no Nagle / delayed-ACK stalls

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        body = self.rfile.read(length)
        status = 400 if body == b"bad" else 200
        reply = self.headers.get("X-Amz-Target", "").encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_cognito_request_carries_the_target_and_content_type_and_no_signature() -> None:
    request = cognito_request("InitiateAuth", b"{}")
    assert request.method == "POST" and request.path == "/"
    assert request.headers == {
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth",
    }


def test_a_total_stops_after_exactly_that_many_requests_across_clients(port: int) -> None:
    run = run_load(
        "127.0.0.1", port, lambda i, s: cognito_request("GetUser", b"{}"), concurrency=4, total=50
    )
    assert len(run.latencies) == 50
    assert run.errors == 0
    assert run.seconds > 0


def test_a_duration_stops_every_client_and_counts_non_2xx_as_errors(port: int) -> None:
    def alternate(index: int, sequence: int) -> Request:
        return Request("POST", "/", b"bad" if sequence % 2 else b"ok")

    run = run_load("127.0.0.1", port, alternate, concurrency=2, seconds=0.2)
    assert run.latencies and run.errors
    assert abs(len(run.latencies) - run.errors) <= 2
    assert run.first_error is not None and run.first_error.startswith("HTTP 400")
    assert 0.2 <= run.seconds < 2


def test_run_load_needs_exactly_one_stop_condition(port: int) -> None:
    with pytest.raises(ValueError):
        run_load("127.0.0.1", port, lambda i, s: Request("POST", "/"), concurrency=1)


def test_preflight_refuses_an_error_before_anything_is_timed(port: int) -> None:
    assert preflight("127.0.0.1", port, cognito_request("SignUp", b"ok"), "ok") == (
        b"AWSCognitoIdentityProviderService.SignUp"
    )
    with pytest.raises(PreflightError, match="HTTP 400"):
        preflight("127.0.0.1", port, Request("POST", "/", b"bad"), "bad")
