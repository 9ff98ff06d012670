"""Throughput and latency summaries: the numbers every benchmark row is made of.

Rounds are pooled before summarising (all latencies together, total operations over total time),
so a p95 is taken over every sample of a configuration rather than averaged across rounds.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """Linear interpolation between closest ranks (numpy's default), stable on small samples."""
    if not sorted_values:
        raise ValueError("percentile of no values")
    if not 0.0 <= fraction <= 1.0:
        raise ValueError(f"fraction must be within [0, 1], got {fraction}")
    position = (len(sorted_values) - 1) * fraction
    lower = math.floor(position)
    upper = math.ceil(position)
    weight = position - lower
    return sorted_values[lower] + (sorted_values[upper] - sorted_values[lower]) * weight


@dataclass
class Run:
    """What one timed run of a load generator saw: per-request latencies in seconds."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0
    first_error: str | None = None

    def absorb(self, other: Run) -> None:
        self.latencies.extend(other.latencies)
        self.errors += other.errors
        self.seconds += other.seconds
        if self.first_error is None:
            self.first_error = other.first_error


def pooled(runs: Iterable[Run]) -> Run:
    total = Run()
    for run in runs:
        total.absorb(run)
    return total


@dataclass(frozen=True)
class Throughput:
    """Successful operations per second and latency percentiles (milliseconds)."""

    operations: int
    errors: int
    seconds: float
    p50_ms: float
    p95_ms: float
    first_error: str | None = None

    @property
    def per_second(self) -> float:
        return self.operations / self.seconds if self.seconds > 0 else 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "ops_per_s": round(self.per_second, 1),
            "p50_ms": round(self.p50_ms, 3),
            "p95_ms": round(self.p95_ms, 3),
            "operations": self.operations,
            "errors": self.errors,
            "seconds": round(self.seconds, 3),
            "first_error": self.first_error,
        }


def summarize(run: Run) -> Throughput:
    ordered = sorted(run.latencies)
    return Throughput(
        operations=len(ordered),
        errors=run.errors,
        seconds=run.seconds,
        p50_ms=percentile(ordered, 0.50) * 1000 if ordered else math.nan,
        p95_ms=percentile(ordered, 0.95) * 1000 if ordered else math.nan,
        first_error=run.first_error,
    )


def ratio(numerator: float, denominator: float) -> float | None:
    """numerator / denominator, or None when there is nothing to compare against."""
    if denominator <= 0 or math.isnan(denominator) or math.isnan(numerator):
        return None
    return numerator / denominator
