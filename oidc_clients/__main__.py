"""`python -m oidc_clients` (`nox -s oidc`): Authlib against a fresh emulator, through discovery.

Starts the emulator in this process on a free loopback port with its bootstrap pool (the app
client with the code grant, the machine client with client credentials, the resource server),
signs a user up and confirms them as an app would, then hands the client library nothing but
the discovery URL, the clients' credentials and the user's. Exits 1 at the first check that
fails, saying which; 2 when the emulator could not be set up.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import traceback

from oidc_clients import authlib_client


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(
        prog="python -m oidc_clients",
        description="Run Authlib's authorization code + PKCE, ID token validation, userinfo, "
        "refresh, revocation and client credentials against a fresh emulator, given only its "
        "discovery URL.",
    ).parse_args(argv)
    from cognito_emulator.pool_definition import READ_USERS_SCOPE
    from cognito_emulator.pytest_plugin import create_confirmed_user, idp_client
    from cognito_emulator.server import EmulatorServer

    with EmulatorServer() as server:
        try:
            pool = server.bootstrap()
            user = create_confirmed_user(
                server, pool, idp_client(server.endpoint_url, server.region)
            )
            client = server.app.dispatch(
                "DescribeUserPoolClient",
                {"UserPoolId": pool.user_pool_id, "ClientId": pool.client_id},
            )["UserPoolClient"]
        except Exception as error:
            print(f"the emulator could not be set up: {type(error).__name__}: {error}")
            return 2
        if pool.machine_client_id is None or pool.machine_client_secret is None:
            print("the bootstrap pool has no machine client")
            return 2
        setup = authlib_client.OidcSetup(
            discovery_url=(
                f"{server.endpoint_url}/{pool.user_pool_id}/.well-known/openid-configuration"
            ),
            client_id=pool.client_id,
            client_secret=pool.client_secret,
            redirect_uri=client["CallbackURLs"][0],
            machine_client_id=pool.machine_client_id,
            machine_client_secret=pool.machine_client_secret,
            machine_scope=READ_USERS_SCOPE,
            username=user.username,
            password=user.password,
        )
        passed: list[str] = []

        def report(line: str) -> None:
            passed.append(line)
            print(f"ok   {line}", flush=True)

        try:
            asyncio.run(authlib_client.run(setup, report))
        except authlib_client.CheckFailed as failure:
            print(f"FAIL {failure}")
            return _failed(passed)
        except Exception as error:  # an answer Authlib or httpx could not take: a failure too
            traceback.print_exc()
            print(f"FAIL {type(error).__name__}: {error}")
            return _failed(passed)
    print(f"Authlib through discovery: all {len(passed)} checks PASSED")
    return 0


def _failed(passed: list[str]) -> int:
    print(f"Authlib: {len(passed)} checks passed before the failure")
    return 1


if __name__ == "__main__":
    sys.exit(main())
