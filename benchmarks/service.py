"""Section 2: the service's /users/me (verified token + the user's row) against /healthz.

Both on the same server in the same run, alternating rounds, with 1 and then 2 uvicorn workers,
on SQLite and on PostgreSQL: the ratio shows what token verification and the database cost on
top of the framework itself. The service reads the row the same way on both (one code path).

PostgreSQL: the server of `--postgres-url` (DATABASE_URL's format), in the database that URL
names, the benchmark's own: dropped and created afresh for each run, never another's. When the
server is unavailable, the rows say so (and the verdict lists them as not measured).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from benchmarks.http_load import run_get_load
from benchmarks.report import Row, Target, format_throughput
from benchmarks.stats import Throughput, ratio
from devstack.ports import free_port
from devstack.stack import Stack

RATIO_TARGET = Target(minimum=0.6)
PASSWORD = "Bench-Passw0rd!"
ME = "/users/me"
HEALTH = "/healthz"
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/cognito_kit_bench"


@dataclass(frozen=True)
class Database:
    """Where one series of runs keeps the service's rows; `unavailable` says why it cannot."""

    name: str
    url: str
    unavailable: str | None = None


@dataclass(frozen=True)
class ServiceRun:
    """One database and worker count: throughput per path, or why it was not measured."""

    database: str
    workers: int
    by_path: dict[str, Throughput] = field(default_factory=dict)
    not_measured: str | None = None


def sqlite_database(workdir: Path) -> Database:
    return Database("SQLite", f"sqlite:///{workdir / 'service.db'}")


def postgres_database(url: str) -> Database:
    """The benchmark's own PostgreSQL database, created afresh (dropped first if a previous run
    left it), through the server's maintenance database `postgres`."""
    target = make_url(url)
    shown = target.render_as_string(hide_password=True)
    name = target.database
    if not name or name in ("postgres", "template0", "template1"):
        return Database("PostgreSQL", url, f"{shown} names no database of the benchmark's own")
    server = create_engine(
        target.set(database="postgres"),
        isolation_level="AUTOCOMMIT",
        connect_args={"connect_timeout": 3},
    )
    try:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except DBAPIError as error:
        reason = str(error.orig).splitlines()[0]
        return Database("PostgreSQL", url, f"PostgreSQL unavailable at {shown}: {reason}")
    finally:
        server.dispose()
    return Database("PostgreSQL", url)


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
    databases: Sequence[Database],
    *,
    workers: Sequence[int],
    rounds: int,
    seconds: float,
    concurrency: int,
) -> list[ServiceRun]:
    """Every database with every worker count; the stack migrates the database before the
    service starts, as a deployment's migration step would."""
    runs: list[ServiceRun] = []
    for database in databases:
        for worker_count in workers:
            if database.unavailable is not None:
                runs.append(
                    ServiceRun(database.name, worker_count, not_measured=database.unavailable)
                )
                continue
            by_path = measure_one(
                workdir,
                database,
                workers=worker_count,
                rounds=rounds,
                seconds=seconds,
                concurrency=concurrency,
            )
            runs.append(ServiceRun(database.name, worker_count, by_path))
    return runs


def measure_one(
    workdir: Path,
    database: Database,
    *,
    workers: int,
    rounds: int,
    seconds: float,
    concurrency: int,
) -> dict[str, Throughput]:
    stack = Stack(
        service_port=free_port(),
        emulator_port=free_port(),
        workers=workers,
        database_url=database.url,
        log_dir=workdir,
    )
    stack.start()
    try:
        token = access_token_for_new_user(stack, f"bench-{workers}-workers")
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
        return {path: combine(runs) for path, runs in samples.items()}
    finally:
        stack.stop()


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


def me_vs_health(run: ServiceRun) -> float | None:
    if run.not_measured is not None:
        return None
    return ratio(run.by_path[ME].per_second, run.by_path[HEALTH].per_second)


def rows(runs: Sequence[ServiceRun], generator: str) -> list[Row]:
    return [
        Row(
            benchmark=f"service {ME} vs {HEALTH}, {run.database}, {run.workers} "
            f"worker{'s' if run.workers > 1 else ''} ({generator})",
            kit=f"not measured: {run.not_measured}"
            if run.not_measured is not None
            else f"{ME} {format_throughput(run.by_path[ME])}",
            reference=""
            if run.not_measured is not None
            else f"{HEALTH} {format_throughput(run.by_path[HEALTH])}",
            ratio=me_vs_health(run),
            target=RATIO_TARGET,
        )
        for run in runs
    ]


def to_json(runs: Sequence[ServiceRun], generator: str) -> dict[str, Any]:
    return {
        "load_generator": generator,
        "runs": [
            {
                "database": run.database,
                "workers": run.workers,
                "not_measured": run.not_measured,
                "paths": {path: result.to_json() for path, result in run.by_path.items()},
                "ratio_me_vs_healthz": None
                if (value := me_vs_health(run)) is None
                else round(value, 3),
            }
            for run in runs
        ],
    }
