"""`nox -s provision` (`python -m app.provision`): create the service's user pool, write `.env`.

Against real AWS it uses boto3's usual credentials (environment, profile, SSO, instance role);
the identity needs cognito-idp:CreateUserPool, CreateUserPoolClient and CreateGroup. With
`--endpoint-url` it provisions the emulator instead (dummy credentials if none are configured).

The pool, its app client and the "admin" group are the kit's one pool definition
(`cognito_emulator.pool_definition`), the one the emulator bootstraps and the contract tests run
on; only deletion protection is chosen here: on for real AWS, off for an endpoint.

The `.env` is updated in place with python-dotenv: the keys written here replace earlier values,
other lines (DATABASE_URL, ...) are kept; the file is readable by its owner only (it holds the
secret).
"""

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import boto3
from botocore.exceptions import BotoCoreError, ClientError
from dotenv import dotenv_values, set_key, unset_key

from cognito_emulator.pool_definition import (
    DEFAULT_CLIENT_NAME,
    DEFAULT_POOL_NAME,
    boto3_call,
    create_pool,
)

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

ENDPOINT_KEY = "AWS_COGNITO_ENDPOINT_URL"
OWNER_ONLY = 0o600


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="nox -s provision --",
        description="Create a Cognito user pool and app client for the service; write .env.",
    )
    parser.add_argument(
        "--region",
        default=os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1",
        help="AWS region (default: $AWS_REGION, $AWS_DEFAULT_REGION or us-east-1)",
    )
    parser.add_argument("--pool-name", default=DEFAULT_POOL_NAME, help="user pool name")
    parser.add_argument("--client-name", default=DEFAULT_CLIENT_NAME, help="app client name")
    parser.add_argument("--env-file", type=Path, default=Path(".env"), help="file to update")
    parser.add_argument(
        "--endpoint-url", help="Cognito endpoint, e.g. the emulator's http://127.0.0.1:9229"
    )
    return parser.parse_args(argv)


def idp_client(region: str, endpoint_url: str | None) -> "CognitoIdentityProviderClient":
    session = boto3.session.Session(region_name=region)
    if endpoint_url and session.get_credentials() is None:
        session = boto3.session.Session(
            region_name=region, aws_access_key_id="testing", aws_secret_access_key="testing"
        )
    return session.client("cognito-idp", endpoint_url=endpoint_url)


def provision(
    client: "CognitoIdentityProviderClient",
    *,
    pool_name: str,
    client_name: str,
    deletion_protection: bool,
) -> dict[str, str]:
    """Create the pool, client and admin group; returns the settings the service needs."""
    created = create_pool(
        boto3_call(client),
        pool_name=pool_name,
        client_name=client_name,
        deletion_protection=deletion_protection,
    )
    return {
        "AWS_REGION": client.meta.region_name,
        "AWS_COGNITO_USER_POOL_ID": created.user_pool_id,
        "AWS_COGNITO_APP_CLIENT_ID": created.client_id,
        "AWS_COGNITO_APP_CLIENT_SECRET": created.client_secret,
    }


def update_env_file(path: Path, values: dict[str, str], *, remove: Sequence[str] = ()) -> None:
    """Set `values` in a KEY=value file, drop `remove`, keep every other line.

    An existing file is made owner-only before anything is written: python-dotenv (>= 1.2.2)
    writes each change to a new owner-only file beside it, gives that the original file's mode
    (if there was a file) and moves it into place, so the secret is never in a file others may
    read, not even for a moment.
    """
    if path.exists():
        path.chmod(OWNER_ONLY)
    for key, value in values.items():
        set_key(path, key, value, quote_mode="never")
    present = dotenv_values(path)
    for key in remove:
        if key in present:
            unset_key(path, key)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        values = provision(
            idp_client(args.region, args.endpoint_url),
            pool_name=args.pool_name,
            client_name=args.client_name,
            deletion_protection=args.endpoint_url is None,
        )
    except (BotoCoreError, ClientError) as error:
        print(f"provision: {error}", file=sys.stderr)
        return 1
    if args.endpoint_url:
        values[ENDPOINT_KEY] = args.endpoint_url
        update_env_file(args.env_file, values)
    else:
        # Real AWS: a leftover emulator endpoint would silently send the service elsewhere.
        update_env_file(args.env_file, values, remove=[ENDPOINT_KEY])
    print(f"User pool {values['AWS_COGNITO_USER_POOL_ID']} in {values['AWS_REGION']}")
    print(f"App client {values['AWS_COGNITO_APP_CLIENT_ID']} (secret written, not shown)")
    print(f"Settings written to {args.env_file}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
