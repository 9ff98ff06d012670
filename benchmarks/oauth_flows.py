"""Section: the pool's OAuth side beside InitiateAuth, on one emulator, in the same rounds.

Three operations against the same emulator process, rounds alternating their order:
- InitiateAuth (USER_PASSWORD_AUTH with SECRET_HASH), the API sign-in, as the emulator section
  sends it: the reference;
- client_credentials at /oauth2/token with HTTP Basic and a resource-server scope: one access
  token signed where InitiateAuth signs an access and an ID token, so the target is at least
  1.5x InitiateAuth's rate;
- a whole authorization-code round trip as a browser-less client makes it: GET authorize
  (redirected to /login), GET the login page, POST the form with its CSRF field and cookie
  (redirected to the callback with a code), POST the code with its PKCE verifier to
  /oauth2/token. For scale: four requests, an HTML page read and two signatures per operation.

Each client thread keeps one keep-alive connection, like the other sections.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

from benchmarks.cognito_servers import PASSWORD, Workload, throughput_ratio
from benchmarks.loadgen import (
    ERROR_SAMPLE_CHARS,
    FlowFailed,
    PreflightError,
    Request,
    RequestFactory,
    exchange,
    run_flows,
    run_load,
)
from benchmarks.report import Row, Target, format_throughput
from benchmarks.stats import Run, Throughput, summarize
from cognito_emulator.html_forms import parse_forms
from cognito_emulator.pool_definition import CALLBACK_URLS, READ_USERS_SCOPE

CLIENT_CREDENTIALS = "client_credentials"
ROUND_TRIP = "authorization code round trip"
INITIATE_AUTH = "InitiateAuth"
OPERATIONS = (INITIATE_AUTH, CLIENT_CREDENTIALS, ROUND_TRIP)
CONCURRENCY = 8
CLIENT_CREDENTIALS_TARGET = Target(minimum=1.5)
FORM = "application/x-www-form-urlencoded"


def basic_auth(client_id: str, client_secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _fail(step: str, status: int, body: bytes) -> FlowFailed:
    sample = body[:ERROR_SAMPLE_CHARS].decode(errors="replace")
    return FlowFailed(f"{step}: HTTP {status}: {sample}")


@dataclass(frozen=True)
class OAuthWorkload:
    """The emulator's bootstrap pool as its OAuth clients see it, and the API workload's users."""

    api: Workload
    domain_path: str
    machine_client_id: str
    machine_client_secret: str
    redirect_uri: str = CALLBACK_URLS[0]

    def client_credentials(self) -> Request:
        body = urlencode({"grant_type": "client_credentials", "scope": READ_USERS_SCOPE})
        headers = {
            "Content-Type": FORM,
            "Authorization": basic_auth(self.machine_client_id, self.machine_client_secret),
        }
        return Request("POST", f"{self.domain_path}/oauth2/token", body.encode(), headers)

    def single_requests(self, operation: str) -> RequestFactory:
        """The requests of a one-request operation: client credentials, or the API's own."""
        if operation == CLIENT_CREDENTIALS:
            request = self.client_credentials()
            return lambda _index, _sequence: request
        return self.api.factory(operation)

    def round_trip(self, connection: http.client.HTTPConnection, index: int, sequence: int) -> None:
        """authorize → login page → login POST → token, as a new browser (no session cookie)."""
        pool = self.api.pool
        verifier, challenge = pkce_pair()
        query = urlencode(
            {
                "response_type": "code",
                "client_id": pool.client_id,
                "redirect_uri": self.redirect_uri,
                "scope": "openid",
                "state": f"{index}-{sequence}",
                "code_challenge": challenge,
                "code_challenge_method": "S256",
            }
        )
        authorize_path = f"{self.domain_path}/oauth2/authorize?{query}"
        status, headers, body = exchange(connection, Request("GET", authorize_path))
        if status != 302:
            raise _fail("authorize", status, body)
        login_url = urljoin(authorize_path, headers["Location"])
        status, headers, body = exchange(connection, Request("GET", login_url))
        if status != 200:
            raise _fail("login page", status, body)
        cookies = "; ".join(
            f"{name}={morsel.value}"
            for line in headers.get_all("Set-Cookie") or []
            for name, morsel in SimpleCookie(line).items()
        )
        form = next(form for form in parse_forms(body.decode()) if form.has_input("password"))
        fields = form.submission(
            {"username": self.api.usernames[index % len(self.api.usernames)], "password": PASSWORD}
        )
        action = urljoin(login_url, form.action)
        status, headers, body = exchange(
            connection,
            Request(
                "POST",
                action,
                urlencode(fields).encode(),
                {"Content-Type": FORM, "Cookie": cookies},
            ),
        )
        callback = headers.get("Location") or ""
        if status != 302 or not callback.startswith(self.redirect_uri):
            raise _fail("login POST", status, body)
        code = parse_qs(urlsplit(callback).query)["code"][0]
        token_form = {
            "grant_type": "authorization_code",
            "client_id": pool.client_id,
            "code": code,
            "redirect_uri": self.redirect_uri,
            "code_verifier": verifier,
        }
        status, _, body = exchange(
            connection,
            Request(
                "POST",
                f"{self.domain_path}/oauth2/token",
                urlencode(token_form).encode(),
                {
                    "Content-Type": FORM,
                    "Authorization": basic_auth(pool.client_id, pool.client_secret),
                },
            ),
        )
        if status != 200:
            raise _fail("token", status, body)


def prepare(api: Workload) -> OAuthWorkload:
    """The OAuth side of the API workload's pool; each operation tried once before timing."""
    pool = api.pool
    if pool.domain is None or pool.machine_client_id is None or pool.machine_client_secret is None:
        raise PreflightError(f"{api.name}'s pool has no domain or machine client: {pool}")
    workload = OAuthWorkload(
        api=api,
        domain_path=urlsplit(pool.domain_url or "").path,
        machine_client_id=pool.machine_client_id,
        machine_client_secret=pool.machine_client_secret,
    )
    for operation in (CLIENT_CREDENTIALS, ROUND_TRIP):
        run = run_operation(workload, operation, concurrency=1, total=1)
        if run.errors:
            raise PreflightError(f"{operation} on {api.name}: {run.first_error}")
    return workload


def run_operation(
    workload: OAuthWorkload,
    operation: str,
    *,
    concurrency: int,
    seconds: float | None = None,
    total: int | None = None,
) -> Run:
    host, port = workload.api.host, workload.api.port
    if operation == ROUND_TRIP:
        return run_flows(
            host, port, workload.round_trip, concurrency=concurrency, seconds=seconds, total=total
        )
    return run_load(
        host,
        port,
        workload.single_requests(operation),
        concurrency=concurrency,
        seconds=seconds,
        total=total,
    )


@dataclass(frozen=True)
class OAuthResults:
    """Throughput per operation, and the emulator process's CPU time per operation: the rate
    the server alone could sustain, which a load generator sharing its CPUs cannot blur."""

    throughput: dict[str, Throughput]
    server_cpu_ms: dict[str, float]


def measure(
    workload: OAuthWorkload,
    server_cpu_seconds: Callable[[], float],
    *,
    rounds: int,
    seconds: float,
    warmup_seconds: float,
) -> OAuthResults:
    """Pooled results per operation, at CONCURRENCY clients; the order alternates by round."""
    for operation in OPERATIONS:
        run_operation(workload, operation, concurrency=CONCURRENCY, seconds=warmup_seconds)
    pooled = {operation: Run() for operation in OPERATIONS}
    cpu_seconds = dict.fromkeys(OPERATIONS, 0.0)
    for round_number in range(rounds):
        order = OPERATIONS if round_number % 2 == 0 else tuple(reversed(OPERATIONS))
        for operation in order:
            before = server_cpu_seconds()
            pooled[operation].absorb(
                run_operation(workload, operation, concurrency=CONCURRENCY, seconds=seconds)
            )
            cpu_seconds[operation] += server_cpu_seconds() - before
    throughput = {operation: summarize(run) for operation, run in pooled.items()}
    return OAuthResults(
        throughput=throughput,
        server_cpu_ms={
            operation: round(cpu_seconds[operation] * 1000 / max(1, result.operations), 3)
            for operation, result in throughput.items()
        },
    )


def rows(results: OAuthResults) -> list[Row]:
    """The target is judged on the emulator's CPU time per operation: a token's cost to the
    server, which the load generator (sharing the machine's CPUs, and costing the same per
    request whatever the operation) cannot blur. The throughput rows are shown beside it."""
    measured = results.throughput
    reference = measured[INITIATE_AUTH]
    label = f"{CONCURRENCY} clients, same emulator"
    return [
        Row(
            benchmark="client_credentials tokens vs InitiateAuth sign-ins per emulator CPU-second",
            kit=f"/oauth2/token {_per_cpu_second(results, CLIENT_CREDENTIALS)}",
            reference=f"InitiateAuth {_per_cpu_second(results, INITIATE_AUTH)}",
            ratio=cpu_capacity_ratio(results),
            target=CLIENT_CREDENTIALS_TARGET,
        ),
        Row(
            benchmark=f"client_credentials tokens vs InitiateAuth, {label}",
            kit=f"/oauth2/token {format_throughput(measured[CLIENT_CREDENTIALS])}",
            reference=f"InitiateAuth {format_throughput(reference)}",
            ratio=throughput_ratio(measured[CLIENT_CREDENTIALS], reference),
        ),
        Row(
            benchmark=f"authorization code round trips (authorize, login, token), {label}",
            kit=f"round trips {format_throughput(measured[ROUND_TRIP])}",
            reference=f"InitiateAuth {format_throughput(reference)}",
            ratio=throughput_ratio(measured[ROUND_TRIP], reference),
        ),
    ]


def cpu_capacity_ratio(results: OAuthResults) -> float | None:
    """How many client_credentials tokens the emulator issues per CPU-second, relative to
    InitiateAuth sign-ins."""
    cpu = results.server_cpu_ms
    if not cpu[CLIENT_CREDENTIALS] or not cpu[INITIATE_AUTH]:
        return None
    return round(cpu[INITIATE_AUTH] / cpu[CLIENT_CREDENTIALS], 3)


def _per_cpu_second(results: OAuthResults, operation: str) -> str:
    cpu_ms = results.server_cpu_ms[operation]
    per_second = f"{1000 / cpu_ms:,.0f}/CPU-s" if cpu_ms else "n/a"
    return f"{per_second} ({cpu_ms:.2f} ms CPU each)"


def cpu_note(results: OAuthResults) -> str:
    """The emulator's CPU time per operation."""
    costs = ", ".join(
        f"{operation} {results.server_cpu_ms[operation]:.2f} ms" for operation in OPERATIONS
    )
    return (
        f"OAuth: the emulator's CPU time per operation: {costs} (the client_credentials target "
        "is judged on these; throughput ratios are lower where the load generator shares the "
        "emulator's CPUs)"
    )


def to_json(results: OAuthResults) -> dict[str, Any]:
    measured = results.throughput
    return {
        "concurrency": CONCURRENCY,
        "operations": {operation: result.to_json() for operation, result in measured.items()},
        "server_cpu_ms_per_operation": results.server_cpu_ms,
        "ratio_client_credentials_vs_initiate_auth_per_cpu_second": cpu_capacity_ratio(results),
        "ratio_client_credentials_vs_initiate_auth": throughput_ratio(
            measured[CLIENT_CREDENTIALS], measured[INITIATE_AUTH]
        ),
        "ratio_round_trip_vs_initiate_auth": throughput_ratio(
            measured[ROUND_TRIP], measured[INITIATE_AUTH]
        ),
    }
