"""Pass/fail for a load run, read from Locust's stats CSV: no failed request, p95 within bounds.

Reading the CSV (rather than hooking into Locust) keeps the verdict in the process that started
the run, works the same for one Locust process or a master with workers, and is unit-testable
without importing Locust.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from load_tests import request_names as names

AGGREGATED = "Aggregated"
JOURNEY_TYPE = "JOURNEY"
JOURNEY_NAME = "new-user journey"

# p95 bounds in milliseconds, per request name as the locustfile names them: regression guards
# with headroom for a small, shared CI machine. Routes that call Cognito (signup, verify, login,
# refresh, logout, the web sign-in's callback) pay for the emulator's work too; /users/me and
# the routes machines and web sign-in add are the service alone (verified token and at most a DB
# read); "pool: ..." rows are the pool's own endpoints and pages, bounded as Cognito's work is.
# Those new rows have few requests in a short run, so their p95 is their slowest, the first call
# (cold): on a busy 2-core machine, the emulator's first login page took 150-350 ms (2-10 ms
# after), the first /admin/users and /auth/login up to 140 ms. The target
# (/users/me p95 under 50 ms at 50 users) is checked with `--p95 "GET /users/me=50"` on the
# measured run (see the README).
DEFAULT_P95_MS: dict[str, float] = {
    names.ME: 100,
    names.ME_REVOKED: 100,
    names.ME_MACHINE: 100,
    names.SIGNUP: 1000,
    names.VERIFY: 1000,
    names.LOGIN: 1000,
    names.REFRESH: 1000,
    names.LOGOUT: 1000,
    names.OUTBOX: 500,
    names.ADMIN_USERS: 500,
    names.ADMIN_CHANGE_REFUSED: 100,
    names.AUTH_LOGIN: 300,
    names.AUTH_CALLBACK: 1000,
    names.MACHINE_TOKEN: 1000,
    names.POOL_AUTHORIZE: 1000,
    names.POOL_LOGIN_PAGE: 1000,
    names.POOL_LOGIN_FORM: 1000,
}


@dataclass(frozen=True)
class RouteFigures:
    """One row of Locust's `*_stats.csv` (times in ms; None where Locust wrote N/A)."""

    request_type: str
    name: str
    requests: int
    failures: int
    requests_per_second: float
    p50: float | None
    p95: float | None
    p99: float | None


@dataclass(frozen=True)
class Breach:
    """Why a run failed, in words a reader of the CI log acts on."""

    name: str
    reason: str

    def __str__(self) -> str:
        return f"{self.name}: {self.reason}"


def _milliseconds(text: str) -> float | None:
    return None if text in ("", "N/A") else float(text)


def read_stats_csv(path: Path) -> list[RouteFigures]:
    """Rows of Locust's requests stats CSV, the Aggregated row included (it comes last)."""
    with path.open(newline="") as stats_file:
        return [
            RouteFigures(
                request_type=row["Type"],
                name=row["Name"],
                requests=int(row["Request Count"]),
                failures=int(row["Failure Count"]),
                requests_per_second=float(row["Requests/s"]),
                p50=_milliseconds(row["50%"]),
                p95=_milliseconds(row["95%"]),
                p99=_milliseconds(row["99%"]),
            )
            for row in csv.DictReader(stats_file)
        ]


def _nearest_rank(ordered: list[float], fraction: float) -> float:
    return ordered[max(math.ceil(fraction * len(ordered)) - 1, 0)]


def journey_figures(durations_seconds: list[float], run_seconds: float) -> RouteFigures:
    """Complete journeys as one more row: their rate over the run, percentiles in ms."""
    ordered = sorted(seconds * 1000 for seconds in durations_seconds)
    p50, p95, p99 = (
        (round(_nearest_rank(ordered, q)) for q in (0.50, 0.95, 0.99))
        if ordered
        else (None, None, None)
    )
    return RouteFigures(
        request_type=JOURNEY_TYPE,
        name=JOURNEY_NAME,
        requests=len(ordered),
        failures=0,
        requests_per_second=len(ordered) / run_seconds if run_seconds > 0 else 0.0,
        p50=p50,
        p95=p95,
        p99=p99,
    )


def with_journeys(figures: list[RouteFigures], journeys: RouteFigures) -> list[RouteFigures]:
    """The journey row placed just before Aggregated (which counts requests only)."""
    routes = [row for row in figures if row.name != AGGREGATED]
    return [*routes, journeys, *(row for row in figures if row.name == AGGREGATED)]


def parse_p95_option(text: str) -> tuple[str, float]:
    """`'GET /users/me=50'` → `('GET /users/me', 50.0)`; the name may itself contain '='."""
    name, separator, milliseconds = text.rpartition("=")
    if not separator or not name.strip():
        raise ValueError(f"expected NAME=MILLISECONDS, got {text!r}")
    try:
        bound = float(milliseconds)
    except ValueError:
        raise ValueError(f"not a number of milliseconds in {text!r}") from None
    if bound <= 0:
        raise ValueError(f"the bound must be positive in {text!r}")
    return name.strip(), bound


def evaluate(
    figures: list[RouteFigures],
    p95_bounds_ms: Mapping[str, float],
    *,
    default_p95_ms: float | None = None,
) -> list[Breach]:
    """Every reason the run fails: failed requests, p95 over its bound, or no requests at all.

    Journeys (synthetic rows) and the Aggregated row get a p95 bound only when named explicitly;
    `default_p95_ms` bounds every other request name that has no bound of its own.
    """
    breaches: list[Breach] = []
    routes = [row for row in figures if row.name != AGGREGATED]
    if not any(row.requests for row in routes if row.request_type != JOURNEY_TYPE):
        breaches.append(Breach(AGGREGATED, "no requests were made"))
    for row in routes:
        if row.failures:
            breaches.append(Breach(row.name, f"{row.failures} of {row.requests} requests failed"))
    for row in figures:
        bound = p95_bounds_ms.get(row.name)
        if bound is None and row.request_type != JOURNEY_TYPE and row.name != AGGREGATED:
            bound = default_p95_ms
        if bound is not None and row.p95 is not None and row.p95 > bound:
            breaches.append(Breach(row.name, f"p95 {row.p95:g} ms is over its bound {bound:g} ms"))
    return breaches


def format_figures(figures: list[RouteFigures]) -> str:
    """The table a reader wants after a run: rate and percentiles per request name."""
    header = (
        f"{'name':<36} {'requests':>8} {'fails':>5} {'req/s':>8} {'p50':>6} {'p95':>6} {'p99':>6}"
    )
    lines = [header, "-" * len(header)]
    for row in figures:
        percentiles = " ".join(
            f"{'-' if value is None else f'{value:g}':>6}" for value in (row.p50, row.p95, row.p99)
        )
        lines.append(
            f"{row.name:<36} {row.requests:>8} {row.failures:>5} "
            f"{row.requests_per_second:>8.2f} {percentiles}"
        )
    lines.append("(times in ms; req/s as Locust averages it; Aggregated counts requests only)")
    return "\n".join(lines)
