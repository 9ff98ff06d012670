"""The user pool the service expects, defined once.

The emulator's bootstrap, `nox -s provision` (real AWS or any endpoint) and the contract
and benchmark targets all create their pool from here, so a setting cannot exist on one and not
on the others. The definition is the request bodies of CreateUserPool, CreateUserPoolClient and
CreateGroup, applied in order through any `CognitoCall`: the emulator's own dispatch, or a boto3
client wrapped by `boto3_call`.

The pool: self sign-up, email required and auto-verified (codes by email), Cognito's default
password policy, account recovery by verified email, case-insensitive usernames. The client: a
secret, the USER_PASSWORD, ADMIN_USER_PASSWORD, REFRESH_TOKEN and USER_SRP flows,
PreventUserExistenceErrors, token revocation, 1 h access/ID tokens, 30-day refresh tokens, reads
email and email_verified, writes email. A group "admin" for the service's /admin routes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from botocore import xform_name

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

CognitoCall = Callable[[str, dict[str, Any]], Mapping[str, Any]]
"""One cognito-idp operation by its API name (`CreateUserPool`) with its request body."""

DEFAULT_POOL_NAME = "cognito-kit"
DEFAULT_CLIENT_NAME = "cognito-kit-app"
ADMIN_GROUP = "admin"
ADMIN_GROUP_DESCRIPTION = "May use the /admin routes"
EXPLICIT_AUTH_FLOWS = (
    "ALLOW_USER_PASSWORD_AUTH",
    "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
    "ALLOW_USER_SRP_AUTH",
)


@dataclass(frozen=True)
class CreatedPool:
    """The ids and secret Cognito assigned to one pool created from the definition."""

    user_pool_id: str
    client_id: str
    client_secret: str


def user_pool_request(
    pool_name: str = DEFAULT_POOL_NAME, *, deletion_protection: bool = False
) -> dict[str, Any]:
    """CreateUserPool. Deletion protection is the caller's choice: on for a real pool that
    holds users, off wherever pools are thrown away (emulator, tests)."""
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
        "UsernameConfiguration": {"CaseSensitive": False},
        "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": False},
        "Schema": [
            {"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True}
        ],
        "AccountRecoverySetting": {
            "RecoveryMechanisms": [{"Priority": 1, "Name": "verified_email"}]
        },
        "VerificationMessageTemplate": {"DefaultEmailOption": "CONFIRM_WITH_CODE"},
        "DeletionProtection": "ACTIVE" if deletion_protection else "INACTIVE",
    }


def user_pool_client_request(
    user_pool_id: str, client_name: str = DEFAULT_CLIENT_NAME
) -> dict[str, Any]:
    """CreateUserPoolClient: a confidential client (with secret), Cognito's default token
    lifetimes, and the attributes the service reads (email, email_verified) and writes."""
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
        "ReadAttributes": ["email", "email_verified"],
        "WriteAttributes": ["email"],
    }


def group_requests(user_pool_id: str) -> list[dict[str, Any]]:
    """CreateGroup for each group the service checks."""
    return [
        {
            "UserPoolId": user_pool_id,
            "GroupName": ADMIN_GROUP,
            "Description": ADMIN_GROUP_DESCRIPTION,
        }
    ]


def create_pool(
    call: CognitoCall,
    *,
    pool_name: str = DEFAULT_POOL_NAME,
    client_name: str = DEFAULT_CLIENT_NAME,
    deletion_protection: bool = False,
) -> CreatedPool:
    """Creates the pool, its app client and its groups; returns what Cognito assigned."""
    pool = call(
        "CreateUserPool", user_pool_request(pool_name, deletion_protection=deletion_protection)
    )["UserPool"]
    client = call("CreateUserPoolClient", user_pool_client_request(pool["Id"], client_name))[
        "UserPoolClient"
    ]
    for group in group_requests(pool["Id"]):
        call("CreateGroup", group)
    return CreatedPool(
        user_pool_id=pool["Id"], client_id=client["ClientId"], client_secret=client["ClientSecret"]
    )


def boto3_call(client: CognitoIdentityProviderClient) -> CognitoCall:
    """A boto3 cognito-idp client as a `CognitoCall` (`CreateUserPool` → `create_user_pool`)."""

    def call(operation: str, body: dict[str, Any]) -> Mapping[str, Any]:
        response: Mapping[str, Any] = getattr(client, xform_name(operation))(**body)
        return response

    return call
