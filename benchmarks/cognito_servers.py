"""Section 1: the emulator against plain moto_server (and cognito-local when available).

Same load generator, same run, alternating rounds (A B C, then C B A, ...) so drift in the
machine's load hits every server alike. Every request a client with a secret would send carries
its SECRET_HASH, on every server, although only the emulator checks it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from benchmarks.loadgen import (
    PreflightError,
    Request,
    RequestFactory,
    cognito_request,
    preflight,
    run_load,
    send_once,
)
from benchmarks.report import Row, Target, format_throughput
from benchmarks.servers import ServerProcess, cognito_idp_client
from benchmarks.stats import Run, Throughput, ratio, summarize
from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.secret_hash import compute_secret_hash

OPERATIONS = ("InitiateAuth", "SignUp", "GetUser")
CONCURRENCIES = (1, 8)
PASSWORD = "Bench-Passw0rd!"
# The emulator's overlay (fidelity checks, its own signing) must not cost it its lead over plain
# moto_server: the architecture issue set this floor for the HTTP layer and the flows.
RATIO_TARGET = Target(minimum=2.5)
EMULATOR = "emulator"
MOTO = "moto_server"
COGNITO_LOCAL = "cognito-local"


def encode(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode()


@dataclass
class Workload:
    """One server's confirmed users (one per client thread), their tokens, and request makers."""

    name: str
    host: str
    port: int
    pool: PoolConfig
    usernames: list[str]
    access_tokens: list[str]
    signup_batches: int = field(default=0)
    enforces_secret_hash: bool | None = None

    def initiate_auth_body(self, username: str) -> bytes:
        pool = self.pool
        return encode(
            {
                "AuthFlow": "USER_PASSWORD_AUTH",
                "ClientId": pool.client_id,
                "AuthParameters": {
                    "USERNAME": username,
                    "PASSWORD": PASSWORD,
                    "SECRET_HASH": compute_secret_hash(
                        pool.client_id, pool.client_secret, username
                    ),
                },
            }
        )

    def sign_up_body(self, username: str) -> bytes:
        pool = self.pool
        return encode(
            {
                "ClientId": pool.client_id,
                "SecretHash": compute_secret_hash(pool.client_id, pool.client_secret, username),
                "Username": username,
                "Password": PASSWORD,
                "UserAttributes": [{"Name": "email", "Value": f"{username}@example.com"}],
            }
        )

    def factory(self, operation: str) -> RequestFactory:
        """Requests for one timed run; SignUp names are unique across runs of this workload."""
        clients = len(self.usernames)
        if operation == "InitiateAuth":
            logins = [
                cognito_request("InitiateAuth", self.initiate_auth_body(name))
                for name in self.usernames
            ]
            return lambda index, _sequence: logins[index % clients]
        if operation == "GetUser":
            reads = [
                cognito_request("GetUser", encode({"AccessToken": token}))
                for token in self.access_tokens
            ]
            return lambda index, _sequence: reads[index % clients]
        if operation == "SignUp":
            self.signup_batches += 1
            batch = self.signup_batches

            def sign_up(index: int, sequence: int) -> Request:
                return cognito_request("SignUp", self.sign_up_body(f"su{batch}-{index}-{sequence}"))

            return sign_up
        raise ValueError(f"no workload for {operation}")


def prepare(server: ServerProcess, clients: int) -> Workload:
    """Confirmed users through boto3 (untimed), then one unsigned request per operation."""
    pool = server.require_pool()
    boto = cognito_idp_client(server.endpoint_url)
    usernames = [f"bench-user-{index}" for index in range(clients)]
    tokens = []
    for username in usernames:
        hashed = compute_secret_hash(pool.client_id, pool.client_secret, username)
        boto.sign_up(
            ClientId=pool.client_id,
            SecretHash=hashed,
            Username=username,
            Password=PASSWORD,
            UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}],
        )
        boto.admin_confirm_sign_up(UserPoolId=pool.user_pool_id, Username=username)
        answer = boto.initiate_auth(
            ClientId=pool.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD, "SECRET_HASH": hashed},
        )
        tokens.append(answer["AuthenticationResult"]["AccessToken"])
    workload = Workload(server.name, server.host, server.port, pool, usernames, tokens)
    for operation in OPERATIONS:
        request = workload.factory(operation)(0, 0)
        answer = preflight(
            server.host, server.port, request, f"unsigned {operation} on {server.name}"
        )
        if operation == "InitiateAuth" and b"AuthenticationResult" not in answer:
            raise PreflightError(
                f"unsigned InitiateAuth on {server.name} issued no tokens: {answer!r}"
            )
    workload.enforces_secret_hash = refuses_wrong_secret_hash(workload)
    return workload


def refuses_wrong_secret_hash(workload: Workload) -> bool:
    """Whether the server checks SECRET_HASH at all: a login with a wrong one must fail."""
    body = json.loads(workload.initiate_auth_body(workload.usernames[0]))
    body["AuthParameters"]["SECRET_HASH"] = compute_secret_hash("x", "y", "someone-else")
    status, _ = send_once(
        workload.host, workload.port, cognito_request("InitiateAuth", encode(body))
    )
    return status == 400


def fidelity_note(workloads: Sequence[Workload]) -> str:
    checked = ", ".join(
        f"{workload.name} {'yes' if workload.enforces_secret_hash else 'NO'}"
        for workload in workloads
    )
    return f"SECRET_HASH checked (a login with a wrong one refused): {checked}"


def measure(
    workloads: Sequence[Workload],
    *,
    rounds: int,
    seconds: float,
    warmup_seconds: float,
    operations: Sequence[str] = OPERATIONS,
    concurrencies: Sequence[int] = CONCURRENCIES,
) -> dict[tuple[str, int], dict[str, Throughput]]:
    """Pooled results per (operation, concurrency) and server, rounds alternating order."""
    for workload in workloads:
        for operation in operations:
            run_load(
                workload.host,
                workload.port,
                workload.factory(operation),
                concurrency=max(concurrencies),
                seconds=warmup_seconds,
            )
    results: dict[tuple[str, int], dict[str, Throughput]] = {}
    for operation in operations:
        for concurrency in concurrencies:
            pooled: dict[str, Run] = {workload.name: Run() for workload in workloads}
            for round_number in range(rounds):
                order = workloads if round_number % 2 == 0 else list(reversed(workloads))
                for workload in order:
                    pooled[workload.name].absorb(
                        run_load(
                            workload.host,
                            workload.port,
                            workload.factory(operation),
                            concurrency=concurrency,
                            seconds=seconds,
                        )
                    )
            results[(operation, concurrency)] = {
                name: summarize(run) for name, run in pooled.items()
            }
    return results


def rows(results: dict[tuple[str, int], dict[str, Throughput]]) -> list[Row]:
    table = []
    for (operation, concurrency), by_server in results.items():
        emulator, moto = by_server.get(EMULATOR), by_server.get(MOTO)
        local = by_server.get(COGNITO_LOCAL)
        table.append(
            Row(
                benchmark=f"{operation}, {concurrency} client{'s' if concurrency > 1 else ''}",
                kit=f"emulator {format_throughput(emulator)}",
                reference=f"moto_server {format_throughput(moto)}",
                ratio=throughput_ratio(emulator, moto),
                target=RATIO_TARGET,
                other=format_throughput(local) if local else "",
            )
        )
    return table


def throughput_ratio(kit: Throughput | None, reference: Throughput | None) -> float | None:
    if kit is None or reference is None or kit.operations == 0:
        return None
    value = ratio(kit.per_second, reference.per_second)
    return None if value is None else round(value, 3)


def to_json(results: dict[tuple[str, int], dict[str, Throughput]]) -> list[dict[str, Any]]:
    return [
        {
            "operation": operation,
            "concurrency": concurrency,
            "servers": {name: result.to_json() for name, result in by_server.items()},
            "ratio_emulator_vs_moto_server": throughput_ratio(
                by_server.get(EMULATOR), by_server.get(MOTO)
            ),
            "ratio_emulator_vs_cognito_local": throughput_ratio(
                by_server.get(EMULATOR), by_server.get(COGNITO_LOCAL)
            ),
        }
        for (operation, concurrency), by_server in results.items()
    ]
