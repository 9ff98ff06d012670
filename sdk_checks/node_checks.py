"""The Node SDK checks: each script in node/ run by Node, its report lines read back.

The scripts run from the directory `nox -s sdk` installs them in (under .nox, with their
node_modules beside them: Node resolves packages from the script's own directory), with the
pool in SDK_CHECKS_CONFIG. A script that dies or hangs before reporting all its checks is a
failure of its own, so a crash can never read as a pass.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sdk_checks.pool import CheckPool
from sdk_checks.results import CheckResult, Outcome, parse_report_line

# Generous: Amplify backs off and retries on throttling and server errors before giving up.
SCRIPT_TIMEOUT_SECONDS = 300


@dataclass(frozen=True)
class NodeSdk:
    name: str
    script: str


NODE_SDKS = [
    NodeSdk("amazon-cognito-identity-js", "identity_js.mjs"),
    NodeSdk("aws-amplify", "amplify.mjs"),
]


def run_node_sdk(
    sdk: NodeSdk, node_dir: Path, pool: CheckPool, record: Callable[[CheckResult], None]
) -> bool:
    """Run `sdk`'s script from `node_dir`, recording each result it reports; whether it
    reported at least one result, no failure, and exited 0."""
    node = shutil.which("node")
    if node is None:
        record(_script_failure(sdk, "node is not on PATH (Node.js 20 or newer is needed)"))
        return False
    environment = os.environ | {"SDK_CHECKS_CONFIG": json.dumps(pool.sdk_config())}
    process = subprocess.Popen(  # noqa: S603 (node from PATH, a script of ours)
        [node, sdk.script],
        cwd=node_dir,
        env=environment,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        output, _ = process.communicate(timeout=SCRIPT_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
        _record_output(sdk, output, record)
        record(_script_failure(sdk, f"did not finish within {SCRIPT_TIMEOUT_SECONDS} s"))
        return False
    results = _record_output(sdk, output, record)
    if process.returncode != 0 and not any(r.outcome is Outcome.FAILED for r in results):
        record(_script_failure(sdk, f"node exited with status {process.returncode}"))
        return False
    if not results:
        record(_script_failure(sdk, "the script reported no checks"))
        return False
    return process.returncode == 0


def _record_output(
    sdk: NodeSdk, output: str, record: Callable[[CheckResult], None]
) -> list[CheckResult]:
    """Record the results in a script's output and print its other lines (SDK logging)."""
    results = []
    for line in output.splitlines():
        try:
            result = parse_report_line(line)
        except ValueError as error:
            result = _script_failure(sdk, str(error))
        if result is None:
            print(f"     {sdk.name} says: {line}")
        else:
            results.append(result)
            record(result)
    return results


def _script_failure(sdk: NodeSdk, detail: str) -> CheckResult:
    return CheckResult(sdk.name, "script", f"node {sdk.script}", Outcome.FAILED, detail)
