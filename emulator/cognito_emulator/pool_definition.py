"""The user pool the service expects, defined once.

The emulator's bootstrap, `nox -s provision` (real AWS or any endpoint) and the contract
and benchmark targets all create their pool from here, so a setting cannot exist on one and not
on the others. The definition is the request bodies of CreateUserPool, CreateResourceServer,
CreateUserPoolDomain, CreateUserPoolClient and CreateGroup, applied in order through any
`CognitoCall`: the emulator's own dispatch, or a boto3 client wrapped by `boto3_call`.

The pool: self sign-up, email required and auto-verified (codes by email), Cognito's default
password policy, account recovery by verified email, case-insensitive usernames. A resource
server "cognito-kit" with the scopes users.read and users.write. A domain, when the caller names
its prefix (prefixes are unique across all of AWS's customers in a region, so each deployment
chooses its own; `domain_prefix_for` derives one from the pool name).

The app client: a secret, the USER_PASSWORD, ADMIN_USER_PASSWORD, REFRESH_TOKEN and USER_SRP
flows, PreventUserExistenceErrors, token revocation, 1 h access/ID tokens, 30-day refresh
tokens, reads email and email_verified, writes email; and for the managed login pages the
authorization code grant with the OpenID, email, profile, user-admin and both resource-server
scopes, back to the service's /auth/callback and Swagger UI's redirect page on
http://localhost:8000. The machine client: a secret and the client credentials grant with the
two resource-server scopes, for services calling the API as themselves. A group "admin" for the
service's /admin routes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from botocore import xform_name

from cognito_emulator.domain_names import PREFIX_DOMAIN, RESERVED_DOMAIN_WORDS, reserved_word_in

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

CognitoCall = Callable[[str, dict[str, Any]], Mapping[str, Any]]
"""One cognito-idp operation by its API name (`CreateUserPool`) with its request body."""

DEFAULT_POOL_NAME = "cognito-kit"
DEFAULT_CLIENT_NAME = "cognito-kit-app"
DEFAULT_MACHINE_CLIENT_NAME = "cognito-kit-machine"
ADMIN_GROUP = "admin"
ADMIN_GROUP_DESCRIPTION = "May use the /admin routes"
EXPLICIT_AUTH_FLOWS = (
    "ALLOW_USER_PASSWORD_AUTH",
    "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
    "ALLOW_USER_SRP_AUTH",
)

RESOURCE_SERVER_IDENTIFIER = "cognito-kit"
RESOURCE_SERVER_NAME = "cognito-kit API"
RESOURCE_SERVER_SCOPES = {"users.read": "Read users", "users.write": "Change users"}
READ_USERS_SCOPE = f"{RESOURCE_SERVER_IDENTIFIER}/users.read"
WRITE_USERS_SCOPE = f"{RESOURCE_SERVER_IDENTIFIER}/users.write"
APP_OAUTH_SCOPES = (
    "openid",
    "email",
    "profile",
    "aws.cognito.signin.user.admin",
    READ_USERS_SCOPE,
    WRITE_USERS_SCOPE,
)
# The service's web sign-in callback and Swagger UI's OAuth 2.0 redirect page, on the service's
# default local address (Cognito allows plain http only to localhost).
SERVICE_URL = "http://localhost:8000"
CALLBACK_URLS = (f"{SERVICE_URL}/auth/callback", f"{SERVICE_URL}/docs/oauth2-redirect")
SWAGGER_REDIRECT_URL = CALLBACK_URLS[1]
LOGOUT_URLS = (f"{SERVICE_URL}/",)

# Room left in a 63-character prefix for a suffix that makes it unique ("-2", "-3f9a2c1b").
MAX_DERIVED_PREFIX_LENGTH = 50
FALLBACK_DOMAIN_PREFIX = "kit"


@dataclass(frozen=True)
class CreatedPool:
    """The ids and secrets Cognito assigned to one pool created from the definition."""

    user_pool_id: str
    client_id: str
    client_secret: str
    machine_client_id: str
    machine_client_secret: str
    domain_prefix: str | None


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


def resource_server_request(user_pool_id: str) -> dict[str, Any]:
    """CreateResourceServer: the service's API and the scopes a caller may hold for it."""
    return {
        "UserPoolId": user_pool_id,
        "Identifier": RESOURCE_SERVER_IDENTIFIER,
        "Name": RESOURCE_SERVER_NAME,
        "Scopes": [
            {"ScopeName": name, "ScopeDescription": description}
            for name, description in RESOURCE_SERVER_SCOPES.items()
        ],
    }


def user_pool_domain_request(user_pool_id: str, domain_prefix: str) -> dict[str, Any]:
    """CreateUserPoolDomain: a prefix domain for the managed login pages and OAuth endpoints."""
    return {"UserPoolId": user_pool_id, "Domain": domain_prefix}


def domain_prefix_problem(prefix: str) -> str | None:
    """Why Cognito would refuse `prefix` as a domain prefix (None if it would not), so a caller
    can stop before creating anything."""
    if not PREFIX_DOMAIN.fullmatch(prefix):
        return "use 1 to 63 lower-case letters, digits and hyphens, not starting or ending with '-'"
    reserved = reserved_word_in(prefix)
    if reserved is not None:
        return f"Cognito refuses prefixes containing {reserved!r}"
    return None


def domain_prefix_for(pool_name: str) -> str:
    """A domain prefix Cognito accepts, from a pool name: lower-case letters, digits and inner
    hyphens, without the reserved words ("cognito-kit" gives "kit"). Not unique by itself."""
    prefix = re.sub(r"[^a-z0-9]+", "-", pool_name.lower())
    for word in RESERVED_DOMAIN_WORDS:
        prefix = prefix.replace(word, "-")
    prefix = re.sub(r"-+", "-", prefix).strip("-")[:MAX_DERIVED_PREFIX_LENGTH].strip("-")
    return prefix or FALLBACK_DOMAIN_PREFIX


def user_pool_client_request(
    user_pool_id: str, client_name: str = DEFAULT_CLIENT_NAME
) -> dict[str, Any]:
    """CreateUserPoolClient: a confidential client (with secret), Cognito's default token
    lifetimes, and the attributes the service reads (email, email_verified) and writes. Its
    OAuth side is `app_client_oauth_settings`, apart because its scopes need the pool's
    resource server first."""
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


def app_client_oauth_settings() -> dict[str, Any]:
    """The app client's OAuth members: the authorization code grant through the managed login
    pages, back to the service or Swagger UI, with the user's and the API's scopes."""
    return {
        "AllowedOAuthFlowsUserPoolClient": True,
        "AllowedOAuthFlows": ["code"],
        "AllowedOAuthScopes": list(APP_OAUTH_SCOPES),
        "CallbackURLs": list(CALLBACK_URLS),
        "LogoutURLs": list(LOGOUT_URLS),
        "SupportedIdentityProviders": ["COGNITO"],
    }


def machine_client_request(
    user_pool_id: str, client_name: str = DEFAULT_MACHINE_CLIENT_NAME
) -> dict[str, Any]:
    """CreateUserPoolClient: a client for services, with a secret and only the client
    credentials grant (Cognito allows it with no other grant, and only with resource-server
    scopes). It signs no user in, so of the sign-in flows it keeps only refresh, the one the
    Cognito console gives every client."""
    return {
        "UserPoolId": user_pool_id,
        "ClientName": client_name,
        "GenerateSecret": True,
        "ExplicitAuthFlows": ["ALLOW_REFRESH_TOKEN_AUTH"],
        "PreventUserExistenceErrors": "ENABLED",
        "EnableTokenRevocation": True,
        "AccessTokenValidity": 60,
        "TokenValidityUnits": {"AccessToken": "minutes"},
        "AllowedOAuthFlowsUserPoolClient": True,
        "AllowedOAuthFlows": ["client_credentials"],
        "AllowedOAuthScopes": [READ_USERS_SCOPE, WRITE_USERS_SCOPE],
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
    machine_client_name: str = DEFAULT_MACHINE_CLIENT_NAME,
    domain_prefix: str | None = None,
    deletion_protection: bool = False,
) -> CreatedPool:
    """Creates the pool, its resource server, its domain (when `domain_prefix` is given), its
    app clients and its groups; returns what Cognito assigned. The resource server comes
    before the clients: Cognito refuses a client scope that does not exist yet."""
    pool = call(
        "CreateUserPool", user_pool_request(pool_name, deletion_protection=deletion_protection)
    )["UserPool"]
    call("CreateResourceServer", resource_server_request(pool["Id"]))
    if domain_prefix is not None:
        call("CreateUserPoolDomain", user_pool_domain_request(pool["Id"], domain_prefix))
    client = call(
        "CreateUserPoolClient",
        {**user_pool_client_request(pool["Id"], client_name), **app_client_oauth_settings()},
    )["UserPoolClient"]
    machine = call("CreateUserPoolClient", machine_client_request(pool["Id"], machine_client_name))[
        "UserPoolClient"
    ]
    for group in group_requests(pool["Id"]):
        call("CreateGroup", group)
    return CreatedPool(
        user_pool_id=pool["Id"],
        client_id=client["ClientId"],
        client_secret=client["ClientSecret"],
        machine_client_id=machine["ClientId"],
        machine_client_secret=machine["ClientSecret"],
        domain_prefix=domain_prefix,
    )


def boto3_call(client: CognitoIdentityProviderClient) -> CognitoCall:
    """A boto3 cognito-idp client as a `CognitoCall` (`CreateUserPool` → `create_user_pool`)."""

    def call(operation: str, body: dict[str, Any]) -> Mapping[str, Any]:
        response: Mapping[str, Any] = getattr(client, xform_name(operation))(**body)
        return response

    return call
