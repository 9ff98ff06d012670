"""The Python checks' scenario runner: the same rules as `runScenario` in node/harness.mjs.

A scenario is a user's story told through one SDK (sign up, confirm, sign in, ...), each check
building on the ones before; after a failure the rest are reported skipped rather than failed,
so the first failure is the one to read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sdk_checks.results import CheckResult, Outcome

Step = tuple[str, Callable[[], None]]


def run_scenario(
    sdk: str, scenario: str, steps: Sequence[Step], record: Callable[[CheckResult], None]
) -> bool:
    """Run `steps` in order, recording each; whether all passed. Any exception fails a step:
    the SDK's own errors are what the checks are looking for."""
    failed = False
    for check, step in steps:
        if failed:
            detail = "an earlier check of this scenario failed"
            record(CheckResult(sdk, scenario, check, Outcome.SKIPPED, detail))
            continue
        try:
            step()
        except Exception as error:
            failed = True
            detail = f"{type(error).__name__}: {error}"
            record(CheckResult(sdk, scenario, check, Outcome.FAILED, detail))
        else:
            record(CheckResult(sdk, scenario, check, Outcome.PASSED))
    return not failed


class CheckFailed(AssertionError):
    """An SDK answered, but not as Cognito would have it answer."""


def expect(condition: bool, message: str) -> None:
    """Raise CheckFailed(`message`) unless `condition` holds (asserts vanish under -O)."""
    if not condition:
        raise CheckFailed(message)
