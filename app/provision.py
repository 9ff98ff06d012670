"""`nox -s provision` (`python -m app.provision`): create the service's user pool, write `.env`.

Against real AWS it uses boto3's usual credentials (environment, profile, SSO, instance role);
the identity needs cognito-idp:CreateUserPool, CreateResourceServer, CreateUserPoolDomain,
CreateUserPoolClient and CreateGroup. With `--endpoint-url` it provisions the emulator instead
(dummy credentials if none are configured).

The pool, its app client and the "admin" group are the kit's one pool definition
(`cognito_emulator.pool_definition`), the one the emulator bootstraps and the contract tests run
on; only deletion protection and the domain prefix are chosen here. Deletion protection: on for
real AWS, off for an endpoint. The domain prefix: `--domain-prefix`, else one derived from the
pool name with a random suffix ("kit-3f9a2c1b"), because a prefix must be unique among all of
AWS's customers in the region and Cognito refuses one holding "aws", "amazon" or "cognito".

The `.env` is updated in place with python-dotenv: the keys written here replace earlier values,
other lines (DATABASE_URL, ...) are kept; the file is readable by its owner only (it holds the
secret).
"""

import argparse
import os
import secrets
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import boto3
from botocore.exceptions import BotoCoreError, ClientError
from dotenv import dotenv_values, set_key, unset_key

from cognito_emulator.bootstrap import DOMAINS_PATH
from cognito_emulator.pool_definition import (
    DEFAULT_CLIENT_NAME,
    DEFAULT_POOL_NAME,
    boto3_call,
    create_pool,
    domain_prefix_for,
    domain_prefix_problem,
)

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

ENDPOINT_KEY = "AWS_COGNITO_ENDPOINT_URL"
DOMAIN_KEY = "AWS_COGNITO_DOMAIN"
OWNER_ONLY = 0o600
DOMAIN_SUFFIX_BYTES = 4


def _domain_prefix(value: str) -> str:
    problem = domain_prefix_problem(value)
    if problem is not None:
        raise argparse.ArgumentTypeError(f"{value!r}: {problem}")
    return value


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
    parser.add_argument(
        "--domain-prefix",
        type=_domain_prefix,
        help="the pool's domain prefix, unique in the region across AWS (default: from the pool "
        "name plus a random suffix, such as kit-3f9a2c1b)",
    )
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
    domain_prefix: str | None = None,
    endpoint_url: str | None = None,
) -> dict[str, str]:
    """Create the pool, its resource server, domain, app clients and admin group; returns the
    settings the service needs. The domain's URL is Cognito's, or the emulator's for an
    `endpoint_url`."""
    prefix = domain_prefix or (
        f"{domain_prefix_for(pool_name)}-{secrets.token_hex(DOMAIN_SUFFIX_BYTES)}"
    )
    created = create_pool(
        boto3_call(client),
        pool_name=pool_name,
        client_name=client_name,
        domain_prefix=prefix,
        deletion_protection=deletion_protection,
    )
    region = client.meta.region_name
    domain_url = (
        f"{endpoint_url.rstrip('/')}{DOMAINS_PATH}/{prefix}"
        if endpoint_url
        else f"https://{prefix}.auth.{region}.amazoncognito.com"
    )
    return {
        "AWS_REGION": region,
        "AWS_COGNITO_USER_POOL_ID": created.user_pool_id,
        "AWS_COGNITO_APP_CLIENT_ID": created.client_id,
        "AWS_COGNITO_APP_CLIENT_SECRET": created.client_secret,
        "AWS_COGNITO_MACHINE_CLIENT_ID": created.machine_client_id,
        "AWS_COGNITO_MACHINE_CLIENT_SECRET": created.machine_client_secret,
        DOMAIN_KEY: domain_url,
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
            domain_prefix=args.domain_prefix,
            endpoint_url=args.endpoint_url,
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
    print(f"Machine client {values['AWS_COGNITO_MACHINE_CLIENT_ID']} (secret written, not shown)")
    print(f"Domain {values[DOMAIN_KEY]}")
    print(f"Settings written to {args.env_file}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
