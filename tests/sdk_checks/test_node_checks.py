"""A Node script's output read back: its results, and a crash or silence never read as a pass."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from sdk_checks.node_checks import NodeSdk, run_node_sdk
from sdk_checks.pool import CheckPool
from sdk_checks.results import CheckResult, Outcome

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not on PATH")

POOL = CheckPool("http://127.0.0.1:9", "us-east-1", "us-east-1_pool", "client", "rotating")
SDK = NodeSdk("fake-sdk", "fake.mjs")


def run_script(tmp_path: Path, source: str) -> tuple[bool, list[CheckResult]]:
    (tmp_path / SDK.script).write_text(source)
    results: list[CheckResult] = []
    return run_node_sdk(SDK, tmp_path, POOL, results.append), results


def report(check: str, outcome: str) -> str:
    record = {"sdk": "fake-sdk", "scenario": "s", "check": check, "outcome": outcome, "detail": ""}
    return f"console.log({json.dumps('sdk-check ' + json.dumps(record))});"


def test_the_script_gets_the_pool_and_its_reports_are_the_results(tmp_path: Path) -> None:
    source = (
        "const config = JSON.parse(process.env.SDK_CHECKS_CONFIG);\n"
        "console.log('the SDK logs this');\n"
        "if (config.rotatingClientId === 'rotating') {" + report("sees the pool", "passed") + "}\n"
    )

    passed, results = run_script(tmp_path, source)

    assert passed
    assert results == [CheckResult("fake-sdk", "s", "sees the pool", Outcome.PASSED)]


def test_a_script_that_dies_after_passing_checks_fails(tmp_path: Path) -> None:
    passed, results = run_script(tmp_path, report("first", "passed") + "\nprocess.exit(3);")

    assert not passed
    assert results[-1] == CheckResult(
        "fake-sdk", "script", "node fake.mjs", Outcome.FAILED, "node exited with status 3"
    )


def test_a_script_that_reports_nothing_fails(tmp_path: Path) -> None:
    passed, results = run_script(tmp_path, "console.log('hello');")

    assert not passed
    assert results == [
        CheckResult(
            "fake-sdk", "script", "node fake.mjs", Outcome.FAILED, "the script reported no checks"
        )
    ]


def test_a_reported_failure_fails_the_sdk_without_a_second_failure(tmp_path: Path) -> None:
    passed, results = run_script(tmp_path, report("first", "failed") + "\nprocess.exitCode = 1;")

    assert not passed
    assert [(r.check, r.outcome) for r in results] == [("first", Outcome.FAILED)]
