"""Section 4: server RSS over a long run of logins, to show that issued state is bounded.

A fresh server process per server, the same few users logging in again and again. Every login
is a sign-in whose refresh token Cognito honours for 30 days, so some state per login is right;
what must not happen is keeping it forever. The emulator keeps one record per sign-in until its
tokens expire, at most `MAX_TOKEN_FAMILIES`: after N logins its emulated clock is moved past the
refresh-token lifetime and N/2 logins refill it; over a second such cycle (the allocator has
settled by then) RSS must stay flat: expired records are pruned and their memory reused.
moto_server has no clock and keeps every token it issues: its column shows unbounded growth.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.cognito_servers import prepare
from benchmarks.loadgen import Request, preflight, run_load
from benchmarks.report import Row, Target
from benchmarks.servers import ServerProcess, stop_all
from cognito_emulator.token_ledger import MAX_TOKEN_FAMILIES

CLIENTS = 8
WARMUP_LOGINS = 500
MIB = 1024 * 1024
# Past the bootstrap client's 30-day refresh-token validity.
EXPIRY_ADVANCE_SECONDS = 31 * 86_400
# Flat within RSS noise (allocator, OpenSSL buffers): keeping 5,000 sign-ins costs ~3 MiB.
GROWTH_AFTER_EXPIRY_TARGET = Target(maximum=1.0, unit=" MiB")


@dataclass(frozen=True)
class MemoryTrace:
    """RSS at N/2 and N logins; with a clock, before and after the second expire-and-refill."""

    server: str
    logins: int
    halfway_bytes: int
    final_bytes: int
    expiry_baseline_bytes: int | None
    after_expiry_bytes: int | None
    errors: int

    @property
    def second_half_per_login(self) -> float:
        return (self.final_bytes - self.halfway_bytes) / (self.logins / 2)

    @property
    def after_expiry_growth_bytes(self) -> int | None:
        if self.after_expiry_bytes is None or self.expiry_baseline_bytes is None:
            return None
        return self.after_expiry_bytes - self.expiry_baseline_bytes

    @property
    def after_expiry_per_login(self) -> float | None:
        growth = self.after_expiry_growth_bytes
        return None if growth is None else growth / (self.logins / 2)

    def to_json(self) -> dict[str, Any]:
        after = self.after_expiry_per_login
        return {
            "server": self.server,
            "logins": self.logins,
            "rss_halfway_mib": round(self.halfway_bytes / MIB, 1),
            "rss_final_mib": round(self.final_bytes / MIB, 1),
            "second_half_bytes_per_login": round(self.second_half_per_login, 1),
            "rss_expiry_baseline_mib": mib_or_none(self.expiry_baseline_bytes),
            "rss_after_expiry_mib": mib_or_none(self.after_expiry_bytes),
            "after_expiry_bytes_per_login": None if after is None else round(after, 1),
            "errors": self.errors,
        }

    def describe_growth(self) -> str:
        text = (
            f"{self.server} {self.final_bytes / MIB:.0f} MiB, "
            f"{(self.final_bytes - self.halfway_bytes) / MIB:+.1f} MiB over the last "
            f"{self.logins // 2:,} ({self.second_half_per_login:,.0f} B/login)"
        )
        return f"{text}, {self.errors} errors" if self.errors else text

    def describe_after_expiry(self) -> str:
        growth, per_login = self.after_expiry_growth_bytes, self.after_expiry_per_login
        if growth is None or per_login is None:
            kept = f"{self.second_half_per_login:,.0f} B/login"
            return f"{self.server}: no clock, keeps every token ({kept})"
        return (
            f"{self.server} {growth / MIB:+.1f} MiB over {self.logins // 2:,} more "
            f"({per_login:,.0f} B/login)"
        )


def mib_or_none(size: int | None) -> float | None:
    return None if size is None else round(size / MIB, 1)


def advance_clock(server: ServerProcess, seconds: int) -> None:
    body = json.dumps({"advance_seconds": seconds}).encode()
    request = Request("POST", "/_emulator/clock", body, {"Content-Type": "application/json"})
    preflight(server.host, server.port, request, f"advancing the clock of {server.name}")


def trace(
    start: Callable[[Path], ServerProcess], workdir: Path, logins: int, *, has_clock: bool
) -> MemoryTrace:
    server = start(workdir)
    try:
        workload = prepare(server, CLIENTS)
        login = workload.factory("InitiateAuth")

        def batch(count: int) -> int:
            run = run_load(
                server.host, server.port, login, concurrency=CLIENTS, total=count, timeout=30
            )
            return run.errors

        errors = batch(WARMUP_LOGINS)
        errors += batch(logins // 2)
        halfway = server.rss_bytes()
        errors += batch(logins - logins // 2)
        final = server.rss_bytes()
        expiry_baseline = after_expiry = None
        if has_clock:
            # One expire-and-refill cycle first: the allocator settles at the live set's size.
            for _ in range(2):
                expiry_baseline = after_expiry
                advance_clock(server, EXPIRY_ADVANCE_SECONDS)
                errors += batch(logins // 2)
                after_expiry = server.rss_bytes()
    finally:
        stop_all([server])
    return MemoryTrace(server.name, logins, halfway, final, expiry_baseline, after_expiry, errors)


def rows(kit: MemoryTrace, reference: MemoryTrace) -> list[Row]:
    growth = kit.after_expiry_growth_bytes
    growth_mib = None if growth is None else growth / MIB
    return [
        Row(
            benchmark=f"RSS after {kit.logins:,} logins (sign-ins kept until expiry, "
            f"at most {MAX_TOKEN_FAMILIES:,})",
            kit=kit.describe_growth(),
            reference=reference.describe_growth(),
        ),
        Row(
            benchmark="RSS growth once sign-ins expire (clock +31 days, second cycle)",
            kit=kit.describe_after_expiry(),
            reference=reference.describe_after_expiry(),
            target=GROWTH_AFTER_EXPIRY_TARGET,
            checked_value=growth_mib if growth_mib is not None and not kit.errors else None,
        ),
    ]
