"""`--cognito-target=aws` with no pool configured skips every Cognito contract test; pytest alone
would call that run a success. This plugin says so in one line at the end and makes the run
fail, unless `--allow-skip-aws` accepts it."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from contract_tests.targets import missing_aws_settings


class AwsRunCheck:
    """Counts the Cognito contract tests on the aws target, and how many of them ran."""

    def __init__(self, *, allow_skip: bool) -> None:
        self.allow_skip = allow_skip
        self.aws_tests: set[str] = set()
        self.ran: set[str] = set()

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        self.aws_tests = {
            item.nodeid
            for item in items
            if isinstance(item, pytest.Function)
            and hasattr(item, "callspec")
            and item.callspec.params.get("cognito_target") == "aws"
        }

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.nodeid in self.aws_tests and report.when == "call":
            self.ran.add(report.nodeid)

    def unchecked(self) -> bool:
        """Cognito contract tests were selected for the aws target and none of them ran."""
        return bool(self.aws_tests) and not self.ran

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if self.unchecked() and not self.allow_skip and exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> Iterator[None]:
        """Outermost, so the line comes after the short summary's list of skips."""
        yield
        if not self.unchecked():
            return
        missing = missing_aws_settings(os.environ)
        why = f"missing {', '.join(missing)}" if missing else "see the skip reasons"
        outcome = (
            "accepted (--allow-skip-aws)"
            if self.allow_skip
            else "the run fails (--allow-skip-aws accepts it)"
        )
        terminalreporter.write_line(
            f"--cognito-target=aws: all {len(self.aws_tests)} Cognito contract tests were "
            f"skipped ({why}); nothing was checked against a pool: {outcome}",
            red=not self.allow_skip,
            bold=True,
        )
