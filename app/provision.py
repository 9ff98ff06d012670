"""`cognito-kit-provision`: create the user pool and app client the service needs, write `.env`.

Against real AWS it uses boto3's usual credentials (environment, profile, SSO, instance role);
the identity needs cognito-idp:CreateUserPool, CreateUserPoolClient and CreateGroup. With
`--endpoint-url` it provisions the emulator instead (dummy credentials if none are configured).

The pool: self sign-up, email required and auto-verified (codes by email), Cognito's default
password policy, account recovery by verified email, case-insensitive usernames, deletion
protection on real AWS. The client: a secret, the USER_PASSWORD, ADMIN_USER_PASSWORD,
REFRESH_TOKEN and USER_SRP flows, PreventUserExistenceErrors, token revocation, 1 h access/ID
tokens, 30-day refresh tokens. A group "admin" for the admin routes.

The `.env` is updated in place: the keys written here replace earlier values, other lines
(DATABASE_URL, ...) are kept; the file is readable by its owner only (it holds the secret).
"""

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import boto3
from botocore.exceptions import BotoCoreError, ClientError

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
    from mypy_boto3_cognito_idp.literals import ExplicitAuthFlowsTypeType

ADMIN_GROUP = "admin"
EXPLICIT_AUTH_FLOWS: list["ExplicitAuthFlowsTypeType"] = [
    "ALLOW_USER_PASSWORD_AUTH",
    "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
    "ALLOW_USER_SRP_AUTH",
]
ENDPOINT_KEY = "AWS_COGNITO_ENDPOINT_URL"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="cognito-kit-provision",
        description="Create a Cognito user pool and app client for the service; write .env.",
    )
    parser.add_argument(
        "--region",
        default=os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1",
        help="AWS region (default: $AWS_REGION, $AWS_DEFAULT_REGION or us-east-1)",
    )
    parser.add_argument("--pool-name", default="cognito-kit", help="user pool name")
    parser.add_argument("--client-name", default="cognito-kit-app", help="app client name")
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
    pool = client.create_user_pool(
        PoolName=pool_name,
        Policies={
            "PasswordPolicy": {
                "MinimumLength": 8,
                "RequireUppercase": True,
                "RequireLowercase": True,
                "RequireNumbers": True,
                "RequireSymbols": True,
                "TemporaryPasswordValidityDays": 7,
            }
        },
        AutoVerifiedAttributes=["email"],
        UsernameConfiguration={"CaseSensitive": False},
        AdminCreateUserConfig={"AllowAdminCreateUserOnly": False},
        Schema=[
            {"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True}
        ],
        AccountRecoverySetting={"RecoveryMechanisms": [{"Priority": 1, "Name": "verified_email"}]},
        VerificationMessageTemplate={"DefaultEmailOption": "CONFIRM_WITH_CODE"},
        DeletionProtection="ACTIVE" if deletion_protection else "INACTIVE",
    )["UserPool"]
    pool_id = pool["Id"]
    app_client = client.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName=client_name,
        GenerateSecret=True,
        ExplicitAuthFlows=EXPLICIT_AUTH_FLOWS,
        PreventUserExistenceErrors="ENABLED",
        EnableTokenRevocation=True,
        AccessTokenValidity=60,
        IdTokenValidity=60,
        RefreshTokenValidity=30,
        TokenValidityUnits={"AccessToken": "minutes", "IdToken": "minutes", "RefreshToken": "days"},
        ReadAttributes=["email", "email_verified"],
        WriteAttributes=["email"],
    )["UserPoolClient"]
    client.create_group(
        UserPoolId=pool_id, GroupName=ADMIN_GROUP, Description="May use the /admin routes"
    )
    return {
        "AWS_REGION": client.meta.region_name,
        "AWS_COGNITO_USER_POOL_ID": pool_id,
        "AWS_COGNITO_APP_CLIENT_ID": app_client["ClientId"],
        "AWS_COGNITO_APP_CLIENT_SECRET": app_client["ClientSecret"],
    }


def update_env_file(path: Path, values: dict[str, str], *, remove: Sequence[str] = ()) -> None:
    """Set `values` in a KEY=value file, drop `remove`, keep every other line."""
    lines = path.read_text().splitlines() if path.exists() else []
    replaced = set(values) | set(remove)
    kept = [line for line in lines if line.split("=", 1)[0].strip() not in replaced]
    text = "\n".join([*kept, *(f"{key}={value}" for key, value in values.items())]) + "\n"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as env_file:
        env_file.write(text)
    path.chmod(0o600)


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
        print(f"cognito-kit-provision: {error}", file=sys.stderr)
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
