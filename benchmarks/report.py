"""The one table `python -m benchmarks` prints, its verdicts, and the JSON written beside it.

The table is Markdown so the lead can paste it into the README as printed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from benchmarks.stats import Throughput

COLUMNS = ("benchmark", "cognito-kit", "reference", "ratio", "target", "met", "cognito-local")
LEGEND = (
    "Throughput cells: operations/s (p50 / p95 latency in ms). Ratios are cognito-kit over the "
    "reference; for verification times a ratio is the cost relative to a bare RSA verify.",
    "Figures are relative: the same load generator, machine and run for every column.",
)


@dataclass(frozen=True)
class Target:
    """A bound a measured value must meet, e.g. at least 1.0 (x moto_server)."""

    minimum: float | None = None
    maximum: float | None = None
    unit: str = "x"

    def met_by(self, value: float | None) -> bool | None:
        """None when the value could not be measured, so a missing figure never passes."""
        if value is None or math.isnan(value):
            return None
        if self.minimum is not None and value < self.minimum:
            return False
        return not (self.maximum is not None and value > self.maximum)

    def describe(self) -> str:
        if self.minimum is not None:
            return f">= {self.minimum:.2f}{self.unit}"
        if self.maximum is not None:
            return f"<= {self.maximum:g}{self.unit}"
        return ""

    def shortfall(self, value: float) -> str:
        """How far a missed value is from the bound, in the words a closing note needs."""
        if self.minimum is not None and value < self.minimum:
            return f"{(1 - value / self.minimum) * 100:.0f}% below {self.describe()}"
        if self.maximum is not None and value > self.maximum:
            return f"{value - self.maximum:g}{self.unit} over {self.describe()}"
        return "met"


@dataclass(frozen=True)
class Row:
    benchmark: str
    kit: str
    reference: str
    ratio: float | None = None
    target: Target | None = None
    checked_value: float | None = None
    other: str = ""

    @property
    def value_for_target(self) -> float | None:
        return self.checked_value if self.checked_value is not None else self.ratio

    @property
    def met(self) -> bool | None:
        return self.target.met_by(self.value_for_target) if self.target else None

    def cells(self) -> tuple[str, ...]:
        met = {True: "yes", False: "NO", None: "n/a" if self.target else ""}[self.met]
        return (
            self.benchmark,
            self.kit,
            self.reference,
            format_ratio(self.ratio),
            self.target.describe() if self.target else "",
            met,
            self.other,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "benchmark": self.benchmark,
            "cognito_kit": self.kit,
            "reference": self.reference,
            "ratio": None if self.ratio is None else round(self.ratio, 3),
            "target": self.target.describe() if self.target else None,
            "met": self.met,
            "cognito_local": self.other or None,
        }


def format_throughput(result: Throughput | None) -> str:
    if result is None:
        return "n/a"
    if result.operations == 0:
        return f"failed ({result.errors} errors)"
    text = f"{result.per_second:,.0f}/s ({result.p50_ms:.2f} / {result.p95_ms:.2f} ms)"
    return f"{text}, {result.errors} errors" if result.errors else text


def format_ratio(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}x"


def render_table(rows: Sequence[Row]) -> str:
    """A Markdown table with padded columns; the cognito-local column only when it has data."""
    keep = [i for i, name in enumerate(COLUMNS) if name != "cognito-local"]
    if any(row.other for row in rows):
        keep.append(COLUMNS.index("cognito-local"))
    header = [COLUMNS[i] for i in keep]
    body = [[row.cells()[i] for i in keep] for row in rows]
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        return (
            "| " + " | ".join(cell.ljust(w) for cell, w in zip(cells, widths, strict=True)) + " |"
        )

    separator = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(header), separator, *(line(cells) for cells in body)])


def verdict_lines(rows: Sequence[Row]) -> list[str]:
    """Which figures meet their targets, and by how much the others miss."""
    judged = [row for row in rows if row.target is not None]
    met = [row for row in judged if row.met]
    lines = [f"Targets met: {len(met)} of {len(judged)}."]
    for row in judged:
        if row.met:
            continue
        assert row.target is not None
        value = row.value_for_target
        if value is None or math.isnan(value):
            lines.append(f"NOT MEASURED: {row.benchmark} (target {row.target.describe()})")
        else:
            lines.append(f"MISSED: {row.benchmark}: {value:.2f}, {row.target.shortfall(value)}")
    return lines


def document(
    *, meta: dict[str, Any], rows: Sequence[Row], sections: dict[str, Any], notes: Sequence[str]
) -> dict[str, Any]:
    """The JSON written to --out: the table's rows plus every section's raw figures."""
    judged = [row for row in rows if row.target is not None]
    return {
        "schema_version": 1,
        "meta": meta,
        "rows": [row.to_json() for row in rows],
        "targets": {
            "judged": len(judged),
            "met": sum(1 for row in judged if row.met),
            "missed": [row.benchmark for row in judged if not row.met],
        },
        "sections": sections,
        "notes": list(notes),
    }
