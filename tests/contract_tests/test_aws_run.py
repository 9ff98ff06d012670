"""`nox -s contract -- --cognito-target=aws` with no pool configured: every Cognito contract test
is skipped, and the run says so in its last lines and fails unless `--allow-skip-aws`."""

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from contract_tests.aws_run import AwsRunCheck

CHECKOUT = Path(__file__).resolve().parents[2]
MISSING = (
    "missing AWS_REGION, AWS_COGNITO_USER_POOL_ID, AWS_COGNITO_APP_CLIENT_ID, "
    "AWS_COGNITO_APP_CLIENT_SECRET, AWS credentials (AWS_ACCESS_KEY_ID and "
    "AWS_SECRET_ACCESS_KEY, or AWS_PROFILE)"
)


def contract_run_on_aws(*options: str) -> tuple[int, list[str]]:
    """One file of the Cognito contract on the aws target, with no AWS setting in the
    environment; its exit status and its last two lines."""
    environ = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("AWS_") and name != "CI"
    }
    command = [sys.executable, "-m", "pytest", "contract_tests/cognito/test_sign_up.py"]
    command += ["--cognito-target=aws", "-q", "-rN", "-p", "no:cacheprovider", *options]
    run = subprocess.run(
        command, cwd=CHECKOUT, env=environ, capture_output=True, text=True, timeout=120
    )
    lines = run.stdout.splitlines()
    return run.returncode, [lines[-2], lines[-1].split(" in ")[0]]


def test_a_run_that_checked_nothing_against_a_pool_fails_and_says_why() -> None:
    status, last_lines = contract_run_on_aws()

    assert status == 1
    assert last_lines[0].startswith("--cognito-target=aws: all ")
    assert last_lines[0].endswith(
        f" Cognito contract tests were skipped ({MISSING}); nothing was checked against a pool: "
        "the run fails (--allow-skip-aws accepts it)"
    )
    assert last_lines[1].endswith(" skipped")


def test_allow_skip_aws_accepts_it_and_a_failed_run_keeps_its_status() -> None:
    """The same decision without a pytest run of its own (it costs seconds of imports)."""
    check = AwsRunCheck(allow_skip=True)
    check.aws_tests = {"test_sign_up.py::test_x[aws]"}
    accepted = SimpleNamespace(exitstatus=pytest.ExitCode.OK)
    check.pytest_sessionfinish(accepted, pytest.ExitCode.OK)

    check = AwsRunCheck(allow_skip=False)
    check.aws_tests = {"test_sign_up.py::test_x[aws]"}
    failed = SimpleNamespace(exitstatus=pytest.ExitCode.INTERRUPTED)
    check.pytest_sessionfinish(failed, pytest.ExitCode.INTERRUPTED)

    assert (accepted.exitstatus, failed.exitstatus) == (
        pytest.ExitCode.OK,
        pytest.ExitCode.INTERRUPTED,
    )
