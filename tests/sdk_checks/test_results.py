"""The report lines Node scripts write and `python -m sdk_checks` reads back, and the verdict."""

from __future__ import annotations

import json

import pytest

from sdk_checks.results import CheckResult, Outcome, Report, parse_report_line
from sdk_checks.scenarios import run_scenario


def report_line(**fields: object) -> str:
    return "sdk-check " + json.dumps(fields)


def test_a_report_line_becomes_its_result_and_prints_with_its_detail() -> None:
    line = report_line(
        sdk="aws-amplify", scenario="totp", check="setUpTOTP", outcome="failed", detail="boom"
    )

    result = parse_report_line(line)

    assert result == CheckResult("aws-amplify", "totp", "setUpTOTP", Outcome.FAILED, "boom")
    assert result.line() == "FAIL aws-amplify: totp: setUpTOTP: boom"


def test_a_line_without_the_prefix_is_not_a_result() -> None:
    assert parse_report_line('[WARN] Auth - {"outcome": "passed"}') is None


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("sdk-check {not json", "Expecting property name"),
        (report_line(sdk="a", scenario="b", check="c", detail=""), "'outcome'"),
        (report_line(sdk="a", scenario="b", check="c", outcome="ok", detail=""), "'ok' is not"),
        (report_line(sdk=1, scenario="b", check="c", outcome="passed", detail=""), "sdk is not"),
    ],
)
def test_a_broken_report_line_is_an_error_not_a_pass(line: str, reason: str) -> None:
    with pytest.raises(ValueError, match="malformed check report") as raised:
        parse_report_line(line)

    assert reason in str(raised.value)


def test_a_run_passes_only_when_every_check_ran_and_passed() -> None:
    passed = CheckResult("pycognito", "password", "register", Outcome.PASSED)
    skipped = CheckResult("pycognito", "password", "logout", Outcome.SKIPPED, "after a failure")
    report = Report()
    assert not report.all_passed  # nothing ran

    report.add(passed)
    assert report.all_passed

    report.add(skipped)
    assert not report.all_passed
    assert report.summary() == "1 passed, 0 failed, 1 skipped"


def test_a_scenario_skips_the_checks_after_a_failure_and_names_the_error() -> None:
    ran: list[str] = []
    results: list[CheckResult] = []

    def fail() -> None:
        raise KeyError("AuthenticationResult")

    passed = run_scenario(
        "pycognito",
        "totp",
        [
            ("first", lambda: ran.append("first")),
            ("second", fail),
            ("third", lambda: ran.append("3")),
        ],
        results.append,
    )

    assert not passed
    assert ran == ["first"]
    assert [(r.check, r.outcome, r.detail) for r in results] == [
        ("first", Outcome.PASSED, ""),
        ("second", Outcome.FAILED, "KeyError: 'AuthenticationResult'"),
        ("third", Outcome.SKIPPED, "an earlier check of this scenario failed"),
    ]
