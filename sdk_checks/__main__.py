"""`python -m sdk_checks` (`nox -s sdk`): client SDKs against a fresh emulator.

Starts the emulator in this process on a free loopback port, creates the checks' pool through
boto3 (sdk_checks/pool.py), then runs pycognito's checks here and each Node SDK's script from
`--node-dir` (where `nox -s sdk` installed them). Prints one line per check; exits 1 if any
check failed, 2 when the emulator or the pool could not be set up.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sdk_checks.node_checks import NODE_SDKS, run_node_sdk
from sdk_checks.results import Report

PYCOGNITO = "pycognito"
SDK_NAMES = [PYCOGNITO, *(sdk.name for sdk in NODE_SDKS)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sdk_checks",
        description="Run pycognito, amazon-cognito-identity-js and aws-amplify v6 through "
        "sign-up, SRP sign-in, TOTP, email codes, refresh and sign-out against a fresh emulator.",
    )
    parser.add_argument(
        "--node-dir",
        type=Path,
        help="where the scripts of sdk_checks/node are installed with their node_modules "
        "(nox -s sdk prepares it); needed for the Node SDKs",
    )
    parser.add_argument(
        "--sdk",
        action="append",
        choices=SDK_NAMES,
        help="only this SDK (repeatable); default: all",
    )
    options = parser.parse_args(argv)
    chosen = options.sdk or SDK_NAMES
    node_sdks = [sdk for sdk in NODE_SDKS if sdk.name in chosen]
    if node_sdks and options.node_dir is None:
        parser.error("--node-dir is needed for the Node SDKs (or run `nox -s sdk`)")

    from cognito_emulator.pytest_plugin import idp_client
    from cognito_emulator.server import EmulatorServer
    from sdk_checks.pool import create_check_pool
    from sdk_checks.pycognito_checks import PycognitoChecks

    report = Report()
    with EmulatorServer() as server:
        try:
            idp = idp_client(server.endpoint_url, server.region)
            pool = create_check_pool(idp, server.endpoint_url, server.region)
            pycognito = PycognitoChecks(server, pool) if PYCOGNITO in chosen else None
        except Exception as error:
            print(f"the checks could not be set up: {type(error).__name__}: {error}")
            return 2
        print(f"emulator at {server.endpoint_url}, pool {pool.user_pool_id}", flush=True)
        if pycognito is not None:
            pycognito.run(report.add)
        for sdk in node_sdks:
            run_node_sdk(sdk, options.node_dir, pool, report.add)
    print(f"SDK checks: {report.summary()}")
    return 0 if report.all_passed else 1


if __name__ == "__main__":
    sys.exit(main())
