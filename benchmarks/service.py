"""Section 2: the service's /users/me (verified token + database read) against /healthz.

Both on the same server in the same run, alternating rounds, with 1 and then 2 uvicorn workers:
the ratio shows what token verification and the database cost on top of the framework itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx

from benchmarks.http_load import run_get_load
from benchmarks.report import Row, Target, format_throughput
from benchmarks.stats import Throughput, ratio
from devstack.ports import free_port
from devstack.stack import Stack

RATIO_TARGET = Target(minimum=0.75)
PASSWORD = "Bench-Passw0rd!"
ME = "/users/me"
HEALTH = "/healthz"


def access_token_for_new_user(stack: Stack, username: str) -> str:
    """Sign up, verify with the code from the emulator's outbox, and log in, all over HTTP."""
    assert stack.pool is not None
    with httpx.Client(base_url=stack.service_url, timeout=30) as http:
        http.post(
            "/users/signup",
            json={"username": username, "email": f"{username}@example.com", "password": PASSWORD},
        ).raise_for_status()
        code = stack.emulator.latest_code(stack.pool.user_pool_id, username)
        http.post(
            "/users/verify", json={"username": username, "confirmation_code": code}
        ).raise_for_status()
        login = http.post("/users/login", data={"username": username, "password": PASSWORD})
        login.raise_for_status()
        token: str = login.json()["access_token"]
        http.get(ME, headers={"Authorization": f"Bearer {token}"}).raise_for_status()
        return token


def measure(
    workdir: Path,
    *,
    workers: Sequence[int],
    rounds: int,
    seconds: float,
    concurrency: int,
) -> dict[int, dict[str, Throughput]]:
    """One database for every worker count, so its schema exists before several workers start
    (the first run creates it), as a deployment's migration step would."""
    results: dict[int, dict[str, Throughput]] = {}
    for worker_count in workers:
        stack = Stack(
            service_port=free_port(),
            emulator_port=free_port(),
            workers=worker_count,
            database_url=f"sqlite:///{workdir / 'service.db'}",
            log_dir=workdir,
        )
        stack.start()
        try:
            token = access_token_for_new_user(stack, f"bench-{worker_count}-workers")
            headers = {"Authorization": f"Bearer {token}"}
            paths = [HEALTH, ME]
            for path in paths:  # warm every worker: JWKS fetched, connections pooled
                run_get_load(stack.service_url + path, headers, seconds=1, concurrency=concurrency)
            samples: dict[str, list[Throughput]] = {path: [] for path in paths}
            for round_number in range(rounds):
                for path in paths if round_number % 2 == 0 else reversed(paths):
                    samples[path].append(
                        run_get_load(
                            stack.service_url + path,
                            headers,
                            seconds=seconds,
                            concurrency=concurrency,
                        )
                    )
            results[worker_count] = {path: combine(runs) for path, runs in samples.items()}
        finally:
            stack.stop()
    return results


def combine(samples: Sequence[Throughput]) -> Throughput:
    """Rounds of one configuration: summed counts; the median round's latency percentiles.

    wrk reports percentiles, not samples, so rounds cannot be pooled sample by sample.
    """
    by_p50 = sorted(samples, key=lambda sample: sample.p50_ms)
    middle = by_p50[len(by_p50) // 2]
    return Throughput(
        operations=sum(sample.operations for sample in samples),
        errors=sum(sample.errors for sample in samples),
        seconds=sum(sample.seconds for sample in samples),
        p50_ms=middle.p50_ms,
        p95_ms=middle.p95_ms,
        first_error=next((s.first_error for s in samples if s.first_error), None),
    )


def rows(results: dict[int, dict[str, Throughput]], generator: str) -> list[Row]:
    return [
        Row(
            benchmark=f"service {ME} vs {HEALTH}, {workers} worker{'s' if workers > 1 else ''}"
            f" ({generator})",
            kit=f"{ME} {format_throughput(by_path[ME])}",
            reference=f"{HEALTH} {format_throughput(by_path[HEALTH])}",
            ratio=ratio(by_path[ME].per_second, by_path[HEALTH].per_second),
            target=RATIO_TARGET,
        )
        for workers, by_path in results.items()
    ]


def to_json(results: dict[int, dict[str, Throughput]], generator: str) -> dict[str, Any]:
    return {
        "load_generator": generator,
        "runs": [
            {
                "workers": workers,
                "paths": {path: result.to_json() for path, result in by_path.items()},
                "ratio_me_vs_healthz": round(
                    ratio(by_path[ME].per_second, by_path[HEALTH].per_second) or 0.0, 3
                ),
            }
            for workers, by_path in results.items()
        ],
    }
