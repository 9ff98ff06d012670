"""With ``--cognito-target=moto``: where plain moto diverges from Cognito, as a report.

Each contract test runs on moto and on the emulator. A moto failure in a test body is recorded
and shown as an expected failure (XFAIL, with the reason), so the run exits 0; the emulator's
outcome next to it shows which divergences the emulator fixes. A failure on the emulator, or a
moto fixture that cannot even be set up, still fails the run.
"""

from __future__ import annotations

import re
from collections.abc import Generator
from dataclasses import dataclass, field

import pytest

BOTO_ERROR = re.compile(
    r"An error occurred \((?P<code>[^)]+)\) when calling the (?P<operation>\w+)"
)
MOTO = "moto"
EMULATOR = "emulator"


@dataclass
class Behaviour:
    description: str
    outcomes: dict[str, str] = field(default_factory=dict)
    moto_detail: str = ""


class DivergenceReport:
    """A pytest plugin: collects per-target outcomes of the contract, prints them at the end."""

    def __init__(self) -> None:
        self.behaviours: dict[str, Behaviour] = {}

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        report = yield
        if not isinstance(item, pytest.Function) or not hasattr(item, "callspec"):
            return report
        target = item.callspec.params.get("cognito_target")
        if target not in (MOTO, EMULATOR):
            return report
        behaviour = self.behaviours.setdefault(
            item.originalname + item.module.__name__,
            Behaviour(first_docstring_line(item) or item.originalname),
        )
        if report.failed and report.when == "call":
            behaviour.outcomes[target] = "FAILS"
            if target == MOTO:
                behaviour.moto_detail = failure_line(report)
                report.outcome = "skipped"
                report.wasxfail = f"moto diverges from Cognito: {behaviour.moto_detail}"
        elif report.skipped and report.when in ("setup", "call"):
            behaviour.outcomes.setdefault(target, "n/a")
        elif report.passed and report.when == "call":
            behaviour.outcomes.setdefault(target, "ok")
        return report

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if not self.behaviours:
            return
        write = terminalreporter.write_line
        terminalreporter.section("Cognito contract: where plain moto diverges")
        width = max(len(behaviour.description) for behaviour in self.behaviours.values())
        write(f"{'behaviour':<{width}}  {'moto':<6}  emulator")
        diverging = [b for b in self.behaviours.values() if b.outcomes.get(MOTO) == "FAILS"]
        for behaviour in self.behaviours.values():
            moto = behaviour.outcomes.get(MOTO, "-")
            emulator = behaviour.outcomes.get(EMULATOR, "-")
            fixed = " (fixed by the emulator)" if moto == "FAILS" and emulator == "ok" else ""
            write(f"{behaviour.description:<{width}}  {moto:<6}  {emulator}{fixed}")
        fixed_count = sum(1 for b in diverging if b.outcomes.get(EMULATOR) == "ok")
        write("")
        write(
            "n/a: skipped there, with the reason above (no outbox to read codes, no clock to "
            "move, no pool domain)."
        )
        write(
            f"moto diverges on {len(diverging)} of {len(self.behaviours)} behaviours; "
            f"the emulator gets {fixed_count} of those right."
        )
        for behaviour in diverging:
            write(f"  - {behaviour.description.rstrip('.')}: {behaviour.moto_detail}")


def first_docstring_line(item: pytest.Function) -> str:
    doc = (item.function.__doc__ or "").strip()
    return doc.splitlines()[0].strip() if doc else ""


def failure_line(report: pytest.TestReport) -> str:
    """The one line that says what went wrong (the assertion or the error), not the traceback."""
    crash = getattr(report.longrepr, "reprcrash", None)
    text = crash.message if crash is not None else str(report.longrepr)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    line = next(
        (line for line in lines if not line.startswith("assert ")), lines[0] if lines else ""
    )
    for prefix in ("Failed: ", "AssertionError: "):
        line = line.removeprefix(prefix)
    boto_error = BOTO_ERROR.search(line)
    if boto_error:
        return f"{boto_error['operation']} failed with {boto_error['code']}"
    return line[:160]
