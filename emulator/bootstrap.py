"""The pool and app client a fresh emulator starts with, configured like a typical real one.

Created through the same operations (CreateUserPool, CreateUserPoolClient) a boto3 client would
send, so the emulator's fidelity layer sees them exactly as it would see a user's own setup.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Dispatch = Callable[[str, dict[str, Any]], dict[str, Any]]

DEFAULT_POOL_NAME = "cognito-kit"
DEFAULT_CLIENT_NAME = "cognito-kit-app"
EXPLICIT_AUTH_FLOWS = (
    "ALLOW_USER_PASSWORD_AUTH",
    "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
    "ALLOW_USER_SRP_AUTH",
)


@dataclass(frozen=True)
class PoolConfig:
    """What an app needs to talk to one bootstrapped pool."""

    region: str
    user_pool_id: str
    client_id: str
    client_secret: str
    endpoint_url: str

    def as_env(self) -> dict[str, str]:
        """The service's settings, with dummy AWS credentials boto3 needs to sign requests."""
        return {
            "AWS_REGION": self.region,
            "AWS_COGNITO_USER_POOL_ID": self.user_pool_id,
            "AWS_COGNITO_APP_CLIENT_ID": self.client_id,
            "AWS_COGNITO_APP_CLIENT_SECRET": self.client_secret,
            "AWS_COGNITO_ENDPOINT_URL": self.endpoint_url,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
        }

    def env_file_text(self) -> str:
        return "".join(f"{key}={value}\n" for key, value in self.as_env().items())


def user_pool_request(pool_name: str = DEFAULT_POOL_NAME) -> dict[str, Any]:
    """Cognito's default password policy, self sign-up, email as the auto-verified attribute."""
    return {
        "PoolName": pool_name,
        "Policies": {
            "PasswordPolicy": {
                "MinimumLength": 8,
                "RequireUppercase": True,
                "RequireLowercase": True,
                "RequireNumbers": True,
                "RequireSymbols": True,
                "TemporaryPasswordValidityDays": 7,
            }
        },
        "AutoVerifiedAttributes": ["email"],
        "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": False},
        "Schema": [
            {"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True}
        ],
        "AccountRecoverySetting": {
            "RecoveryMechanisms": [{"Priority": 1, "Name": "verified_email"}]
        },
        "VerificationMessageTemplate": {"DefaultEmailOption": "CONFIRM_WITH_CODE"},
    }


def user_pool_client_request(
    user_pool_id: str, client_name: str = DEFAULT_CLIENT_NAME
) -> dict[str, Any]:
    """A confidential client (with secret) and Cognito's default token lifetimes."""
    return {
        "UserPoolId": user_pool_id,
        "ClientName": client_name,
        "GenerateSecret": True,
        "ExplicitAuthFlows": list(EXPLICIT_AUTH_FLOWS),
        "PreventUserExistenceErrors": "ENABLED",
        "EnableTokenRevocation": True,
        "AccessTokenValidity": 60,
        "IdTokenValidity": 60,
        "RefreshTokenValidity": 30,
        "TokenValidityUnits": {
            "AccessToken": "minutes",
            "IdToken": "minutes",
            "RefreshToken": "days",
        },
    }


def bootstrap(
    dispatch: Dispatch,
    *,
    region: str,
    endpoint_url: str,
    pool_name: str = DEFAULT_POOL_NAME,
    client_name: str = DEFAULT_CLIENT_NAME,
) -> PoolConfig:
    pool = dispatch("CreateUserPool", user_pool_request(pool_name))["UserPool"]
    client = dispatch("CreateUserPoolClient", user_pool_client_request(pool["Id"], client_name))[
        "UserPoolClient"
    ]
    return PoolConfig(
        region=region,
        user_pool_id=pool["Id"],
        client_id=client["ClientId"],
        client_secret=client["ClientSecret"],
        endpoint_url=endpoint_url,
    )
