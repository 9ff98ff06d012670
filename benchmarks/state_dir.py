"""Section: what `--state-dir` costs. SignUp (a new user, its code and outbox message written to
the journal) and InitiateAuth (a token family written) at 8 clients, from the emulator with a
state directory, in memory and plain moto_server, in alternating rounds of one run. The target:
a durable SignUp stays at or above in-memory moto_server's rate."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from benchmarks import cognito_servers
from benchmarks.report import Row, Target, format_throughput
from benchmarks.servers import (
    DURABLE_EMULATOR,
    ServerProcess,
    start_emulator,
    start_moto_server,
    stop_all,
)
from benchmarks.stats import Throughput

CLIENTS = 8
OPERATIONS = ("SignUp", "InitiateAuth")
TARGETS = {"SignUp": Target(minimum=1.0)}


def measure(
    workdir: Path, *, rounds: int, seconds: float, warmup_seconds: float
) -> tuple[dict[tuple[str, int], dict[str, Throughput]], int]:
    """Pooled results per operation and server, and the state directory's size at the end."""
    state_dir = workdir / "state"
    servers: list[ServerProcess] = []
    try:
        servers.append(start_emulator(workdir, state_dir=state_dir))
        servers.append(start_emulator(workdir))
        servers.append(start_moto_server(workdir))
        workloads = [cognito_servers.prepare(server, CLIENTS) for server in servers]
        results = cognito_servers.measure(
            workloads,
            rounds=rounds,
            seconds=seconds,
            warmup_seconds=warmup_seconds,
            operations=OPERATIONS,
            concurrencies=(CLIENTS,),
        )
    finally:
        stop_all(servers)
    return results, sum(path.stat().st_size for path in state_dir.iterdir())


def rows(results: dict[tuple[str, int], dict[str, Throughput]]) -> list[Row]:
    """Per operation: --state-dir against moto_server (SignUp's target), then against the
    same emulator in memory (what durability costs; no target)."""
    table = []
    for (operation, concurrency), by_server in results.items():
        durable = by_server.get(DURABLE_EMULATOR)
        moto = by_server.get(cognito_servers.MOTO)
        in_memory = by_server.get(cognito_servers.EMULATOR)
        label = f"{operation}, {concurrency} clients, --state-dir"
        kit = f"emulator --state-dir {format_throughput(durable)}"
        table.append(
            Row(
                benchmark=label,
                kit=kit,
                reference=f"moto_server {format_throughput(moto)}",
                ratio=cognito_servers.throughput_ratio(durable, moto),
                target=TARGETS.get(operation),
            )
        )
        table.append(
            Row(
                benchmark=f"{label} vs in memory",
                kit=kit,
                reference=f"emulator in memory {format_throughput(in_memory)}",
                ratio=cognito_servers.throughput_ratio(durable, in_memory),
            )
        )
    return table


def to_json(
    results: dict[tuple[str, int], dict[str, Throughput]], state_bytes: int
) -> dict[str, Any]:
    return {"results": cognito_servers.to_json(results), "state_dir_bytes": state_bytes}
