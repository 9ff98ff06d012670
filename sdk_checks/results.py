"""What a check reports: one line per check, the same for every SDK and language.

The Node scripts write their results to stdout as `sdk-check {json}` lines (harness.mjs), the
Python checks build them directly; both end up as `CheckResult`s printed by `Report`, so a run
reads as one list whichever SDK a check drove. Any other line a script prints (an SDK's own
logging) is not a result and is passed through as it is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum

REPORT_PREFIX = "sdk-check "


class Outcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    # A check after a failed one in the same scenario: it depends on what failed.
    SKIPPED = "skipped"


LABELS = {Outcome.PASSED: "ok  ", Outcome.FAILED: "FAIL", Outcome.SKIPPED: "skip"}


@dataclass(frozen=True)
class CheckResult:
    sdk: str
    scenario: str
    check: str
    outcome: Outcome
    detail: str = ""

    def line(self) -> str:
        """`ok   sdk: scenario: check`, with `: detail` (why it failed) when there is one."""
        text = f"{LABELS[self.outcome]} {self.sdk}: {self.scenario}: {self.check}"
        return f"{text}: {self.detail}" if self.detail else text


def parse_report_line(line: str) -> CheckResult | None:
    """The result a script's output line reports; None for a line that reports none.

    ValueError for a line with the prefix that is not a whole result: a broken script must not
    pass for one that reported nothing."""
    if not line.startswith(REPORT_PREFIX):
        return None
    text = line.removeprefix(REPORT_PREFIX).strip()
    try:
        record = json.loads(text)
        return CheckResult(
            sdk=_text(record, "sdk"),
            scenario=_text(record, "scenario"),
            check=_text(record, "check"),
            outcome=Outcome(record["outcome"]),
            detail=_text(record, "detail"),
        )
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as error:
        raise ValueError(f"malformed check report {text!r}: {error}") from None


def _text(record: dict[str, object], key: str) -> str:
    value = record[key]
    if not isinstance(value, str):
        raise TypeError(f"{key} is not a string")
    return value


@dataclass
class Report:
    """The run's results, each printed as it comes in."""

    results: list[CheckResult] = field(default_factory=list)

    def add(self, result: CheckResult) -> None:
        self.results.append(result)
        print(result.line(), flush=True)

    def count(self, outcome: Outcome) -> int:
        return sum(result.outcome is outcome for result in self.results)

    @property
    def all_passed(self) -> bool:
        """True when something ran and nothing failed or was skipped."""
        return bool(self.results) and self.count(Outcome.PASSED) == len(self.results)

    def summary(self) -> str:
        return (
            f"{self.count(Outcome.PASSED)} passed, {self.count(Outcome.FAILED)} failed, "
            f"{self.count(Outcome.SKIPPED)} skipped"
        )
