"""The user pool the service expects, defined once.

The emulator's bootstrap, `nox -s provision` (real AWS or any endpoint) and the contract
and benchmark targets all create their pool from here, so a setting cannot exist on one and not
on the others. The definition is the request bodies of CreateUserPool, CreateResourceServer,
CreateUserPoolDomain, CreateUserPoolClient and CreateGroup, applied in order through any
`CognitoCall`: the emulator's own dispatch, or a boto3 client wrapped by `boto3_call`.
`create_pool` makes a new pool from them; `ensure_pool` makes the pool of a name match them,
creating what is missing and updating what exists, so provisioning can run again.

The pool: self sign-up, email required and auto-verified (codes by email), Cognito's default
password policy, account recovery by verified email, case-insensitive usernames, and optional
MFA by authenticator app (TOTP): each user may turn it on through the service. MFA is set by
SetUserPoolMfaConfig, the one operation that names the methods (CreateUserPool and
UpdateUserPool name only OFF / ON / OPTIONAL), before the pool's other settings are updated, so
that an update asking for OPTIONAL finds a method enabled. A resource
server "cognito-kit" with the scopes users.read and users.write. A domain, when the caller names
its prefix (prefixes are unique across all of AWS's customers in a region, so each deployment
chooses its own; `domain_prefix_for` derives one from the pool name).

The app client: a secret, the USER_PASSWORD, ADMIN_USER_PASSWORD, REFRESH_TOKEN and USER_SRP
flows, PreventUserExistenceErrors, token revocation, 1 h access/ID tokens, 30-day refresh
tokens, reads email and email_verified, writes email; and for the managed login pages the
authorization code grant with the OpenID, email, profile and user-admin scopes, back to the
service's /auth/callback and Swagger UI's redirect page under the service's URL (by default
http://localhost:8000). Not the resource-server scopes: anyone who signs in through this client
could ask for them and pass the admin routes' scope check. The machine client: a secret and the
client credentials grant with the two resource-server scopes, for services calling the API as
themselves. A group "admin" for the service's /admin routes.

Triggers only when asked (`TriggerFunctions`): the service's PostConfirmation function, and its
PreTokenGeneration function with event version V2_0, the version that may change access tokens
— which Cognito offers "in user pools with the Essentials or Plus feature plan"
(user-pool-lambda-pre-token-generation.md); a new pool's plan is Essentials unless chosen
otherwise (UserPoolTier "Defaults to ESSENTIALS", UserPoolType in the API reference). The pool's
LambdaConfig is the definition's like every other setting, so a second `ensure_pool` without a
trigger removes it (and says so in `PoolChanges.triggers_removed`).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from botocore import xform_name

from cognito_emulator.domain_names import (
    LOOPBACK_HOSTS,
    PREFIX_DOMAIN,
    RESERVED_DOMAIN_WORDS,
    reserved_word_in,
)

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

CognitoCall = Callable[[str, dict[str, Any]], Mapping[str, Any]]
"""One cognito-idp operation by its API name (`CreateUserPool`) with its request body."""

DEFAULT_POOL_NAME = "cognito-kit"
DEFAULT_CLIENT_NAME = "cognito-kit-app"
DEFAULT_MACHINE_CLIENT_NAME = "cognito-kit-machine"
ADMIN_GROUP = "admin"
ADMIN_GROUP_DESCRIPTION = "May use the /admin routes"
# Users may turn MFA on; none must (OPTIONAL). Required MFA ("ON") would send every sign-in
# through MFA_SETUP first.
MFA_CONFIGURATION = "OPTIONAL"
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
# A person's scopes only: the resource-server ones are the machine client's.
APP_OAUTH_SCOPES = ("openid", "email", "profile", "aws.cognito.signin.user.admin")

# Where browsers reach the service unless told otherwise: its default local address (Cognito
# allows plain http only to localhost).
DEFAULT_SERVICE_URL = "http://localhost:8000"
AUTH_CALLBACK_PATH = "/auth/callback"
SWAGGER_REDIRECT_PATH = "/docs/oauth2-redirect"

# Room left in a 63-character prefix for a suffix that makes it unique ("-2", "-3f9a2c1b").
MAX_DERIVED_PREFIX_LENGTH = 50
FALLBACK_DOMAIN_PREFIX = "kit"
DOMAIN_SUFFIX_BYTES = 4

# What only CreateUserPool sets (the schema, how usernames compare), and the name a pool is
# found by: left out of UpdateUserPool.
CREATE_ONLY_POOL_SETTINGS = frozenset({"PoolName", "Schema", "UsernameConfiguration"})
# Items per page of a List operation, within every one's limit (ListResourceServers': 50).
LIST_PAGE_SIZE = 50
# The pre token generation event the service's function reads: version 2 changes access tokens.
PRE_TOKEN_GENERATION_VERSION = "V2_0"
# The LambdaConfig member that names no trigger: the custom senders' KMS key.
NOT_A_TRIGGER = "KMSKeyID"


class Change(StrEnum):
    """What applying the definition did to one part of a pool."""

    CREATED = "created"
    UPDATED = "updated"
    KEPT = "kept"


@dataclass(frozen=True)
class PoolChanges:
    """What was created, updated or kept of each part of the definition."""

    pool: Change
    resource_server: Change
    domain: Change | None
    """None: the pool has no domain and none was asked for."""
    app_client: Change
    machine_client: Change
    groups: tuple[tuple[str, Change], ...]
    triggers_removed: tuple[str, ...] = ()
    """Triggers the pool had that the definition has not (now none), by LambdaConfig name."""


@dataclass(frozen=True)
class ProvisionedPool:
    """The ids and secrets of a pool made to match the definition, and what that took."""

    user_pool_id: str
    client_id: str
    client_secret: str
    machine_client_id: str
    machine_client_secret: str
    domain_prefix: str | None
    changes: PoolChanges


@dataclass(frozen=True)
class TriggerFunctions:
    """The service's Lambda triggers a pool calls; None: no such trigger. Each is a function's
    ARN (`arn:aws:lambda:{region}:{account}:function:NAME`), or, for the emulator's bootstrap,
    a function's name until `resolved` turns it into one."""

    post_confirmation: str | None = None
    pre_token_generation: str | None = None
    """Called with version 2 events (PRE_TOKEN_GENERATION_VERSION)."""

    def resolved(self, arn_of: Callable[[str], str]) -> TriggerFunctions:
        """The same triggers, each function named by `arn_of(name)`."""
        return TriggerFunctions(
            post_confirmation=_mapped(self.post_confirmation, arn_of),
            pre_token_generation=_mapped(self.pre_token_generation, arn_of),
        )

    def lambda_config(self) -> dict[str, Any]:
        """LambdaConfig of CreateUserPool and UpdateUserPool. The pre token generation function
        goes in PreTokenGenerationConfig only, which "new instances of pre token generation
        triggers" set (LambdaConfigType, API reference)."""
        config: dict[str, Any] = {}
        if self.post_confirmation is not None:
            config["PostConfirmation"] = self.post_confirmation
        if self.pre_token_generation is not None:
            config["PreTokenGenerationConfig"] = {
                "LambdaArn": self.pre_token_generation,
                "LambdaVersion": PRE_TOKEN_GENERATION_VERSION,
            }
        return config


NO_TRIGGERS = TriggerFunctions()


def _mapped(function: str | None, arn_of: Callable[[str], str]) -> str | None:
    return None if function is None else arn_of(function)


class PoolConflict(Exception):
    """What the pool of that name holds keeps the definition from being applied; nothing was
    changed. The message names the pools or clients involved and what to do."""


def user_pool_request(
    pool_name: str = DEFAULT_POOL_NAME,
    *,
    deletion_protection: bool = False,
    triggers: TriggerFunctions = NO_TRIGGERS,
) -> dict[str, Any]:
    """CreateUserPool. Deletion protection is the caller's choice: on for a real pool that
    holds users, off wherever pools are thrown away (emulator, tests); so are the triggers."""
    lambda_config = triggers.lambda_config()
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
        **({"LambdaConfig": lambda_config} if lambda_config else {}),
    }


def user_pool_mfa_config_request(user_pool_id: str) -> dict[str, Any]:
    """SetUserPoolMfaConfig: MFA optional, by authenticator app (TOTP) only — SMS needs an SNS
    role and email MFA a developer (SES) email configuration, neither of which the pool has."""
    return {
        "UserPoolId": user_pool_id,
        "MfaConfiguration": MFA_CONFIGURATION,
        "SoftwareTokenMfaConfiguration": {"Enabled": True},
    }


def user_pool_update_request(
    user_pool_id: str, *, deletion_protection: bool, triggers: TriggerFunctions = NO_TRIGGERS
) -> dict[str, Any]:
    """UpdateUserPool: every setting of the definition, because "if you don't provide a value
    for an attribute, Amazon Cognito sets it to its default value" (UpdateUserPool, API
    reference), except what only CreateUserPool sets. Without triggers, that removes the
    pool's."""
    definition = user_pool_request(deletion_protection=deletion_protection, triggers=triggers)
    return {
        "UserPoolId": user_pool_id,
        **{key: value for key, value in definition.items() if key not in CREATE_ONLY_POOL_SETTINGS},
        "MfaConfiguration": MFA_CONFIGURATION,
    }


def resource_server_request(user_pool_id: str) -> dict[str, Any]:
    """CreateResourceServer (and UpdateResourceServer, which takes the same body): the
    service's API and the scopes a caller may hold for it."""
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


def unique_domain_prefix(pool_name: str) -> str:
    """`domain_prefix_for(pool_name)` with a random suffix ("kit-3f9a2c1b"): a prefix must be
    unique among all of AWS's customers in the region."""
    return f"{domain_prefix_for(pool_name)}-{secrets.token_hex(DOMAIN_SUFFIX_BYTES)}"


def service_url_problem(url: str) -> str | None:
    """Why `url` cannot be the service's URL, under which the app client's callback and
    sign-out URLs are (None if it can): the service's SERVICE_PUBLIC_URL takes an http(s) URL
    without query, fragment or trailing slash, and "Amazon Cognito requires HTTPS over HTTP
    except for http://localhost" (developer guide, app client settings)."""
    try:
        host = urlsplit(url).hostname
    except ValueError:  # such as an unclosed IPv6 bracket
        host = None
    if (
        not host
        or not url.startswith(("http://", "https://"))
        or any(mark in url for mark in "?#")
        or any(character.isspace() for character in url)
        or url.endswith("/")
    ):
        return "use an http(s) URL without query, fragment or trailing slash"
    if url.startswith("http://") and host not in LOOPBACK_HOSTS:
        return "Cognito allows plain http only to localhost: use https"
    return None


def callback_urls(service_url: str) -> list[str]:
    """The service's web sign-in callback and Swagger UI's OAuth 2.0 redirect page."""
    return [f"{service_url}{AUTH_CALLBACK_PATH}", f"{service_url}{SWAGGER_REDIRECT_PATH}"]


def logout_urls(service_url: str) -> list[str]:
    """Where a sign-out returns: the service's root."""
    return [f"{service_url}/"]


CALLBACK_URLS = tuple(callback_urls(DEFAULT_SERVICE_URL))
"""The callback URLs of a pool defined for the service at its default URL."""


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


def app_client_oauth_settings(service_url: str = DEFAULT_SERVICE_URL) -> dict[str, Any]:
    """The app client's OAuth members: the authorization code grant through the managed login
    pages, back to the service at `service_url` (no trailing slash) or its Swagger UI, with a
    person's scopes only."""
    return {
        "AllowedOAuthFlowsUserPoolClient": True,
        "AllowedOAuthFlows": ["code"],
        "AllowedOAuthScopes": list(APP_OAUTH_SCOPES),
        "CallbackURLs": callback_urls(service_url),
        "LogoutURLs": logout_urls(service_url),
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


def client_update_request(client_id: str, definition: Mapping[str, Any]) -> dict[str, Any]:
    """UpdateUserPoolClient from a CreateUserPoolClient body: all of it, since an update
    resets what it omits to Cognito's defaults, but the secret, which only creation makes."""
    return {
        **{key: value for key, value in definition.items() if key != "GenerateSecret"},
        "ClientId": client_id,
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


@dataclass(frozen=True)
class _Found:
    """What a pool already holds of the definition: nothing, for a pool just created."""

    domain: str | None = None
    lambda_config: Mapping[str, Any] = field(default_factory=dict)
    resource_server: bool = False
    clients: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """DescribeUserPoolClient's answer for each defined client, by name."""
    groups: frozenset[str] = frozenset()


def create_pool(
    call: CognitoCall,
    *,
    pool_name: str = DEFAULT_POOL_NAME,
    client_name: str = DEFAULT_CLIENT_NAME,
    machine_client_name: str = DEFAULT_MACHINE_CLIENT_NAME,
    domain_prefix: str | None = None,
    deletion_protection: bool = False,
    service_url: str = DEFAULT_SERVICE_URL,
    triggers: TriggerFunctions = NO_TRIGGERS,
) -> ProvisionedPool:
    """Creates a new pool (calling `triggers`), its resource server, its domain (when
    `domain_prefix` is given), its app clients and its groups; returns what Cognito assigned.
    Another pool of the same name may exist: the emulator's bootstrap and the tests make as
    many as they like."""
    pool = call(
        "CreateUserPool",
        user_pool_request(pool_name, deletion_protection=deletion_protection, triggers=triggers),
    )["UserPool"]
    call("SetUserPoolMfaConfig", user_pool_mfa_config_request(pool["Id"]))
    return _apply(
        call,
        pool["Id"],
        _Found(),
        Change.CREATED,
        client_name=client_name,
        machine_client_name=machine_client_name,
        domain_prefix=domain_prefix,
        service_url=service_url,
        triggers=triggers,
    )


def ensure_pool(
    call: CognitoCall,
    *,
    pool_name: str = DEFAULT_POOL_NAME,
    client_name: str = DEFAULT_CLIENT_NAME,
    machine_client_name: str = DEFAULT_MACHINE_CLIENT_NAME,
    domain_prefix: str | None = None,
    deletion_protection: bool,
    service_url: str = DEFAULT_SERVICE_URL,
    triggers: TriggerFunctions = NO_TRIGGERS,
) -> ProvisionedPool:
    """Makes the one pool named `pool_name` match the definition, creating it if there is none:
    settings (its triggers: `triggers`, no others) updated, resource server and clients (found
    by name) updated or created, groups created when missing, so running it again updates
    rather than duplicates.

    The domain a pool has is kept (a pool has one); a pool without one gets `domain_prefix`,
    or else `unique_domain_prefix(pool_name)`. Everything that could stop it is looked at
    before anything is changed: two pools or two clients of a defined name, a defined client
    without a secret, a `domain_prefix` other than the pool's domain raise `PoolConflict`.
    """
    ids = [
        pool["Id"]
        for pool in _listed(call, "ListUserPools", {}, "UserPools")
        if pool["Name"] == pool_name
    ]
    if len(ids) > 1:
        raise PoolConflict(
            f"{len(ids)} user pools are named {pool_name!r}: {', '.join(ids)}. Nothing was "
            "changed: delete or rename all but one, or provision a pool of another name."
        )
    if ids:
        pool_id, change = ids[0], Change.UPDATED
        found = _survey(call, pool_id, (client_name, machine_client_name))
        if found.domain is not None and domain_prefix not in (None, found.domain):
            raise PoolConflict(
                f"user pool {pool_id} has the domain {found.domain!r}, and a pool has only one. "
                "Nothing was changed: leave the domain prefix out to keep it, or delete that "
                "domain first."
            )
        call("SetUserPoolMfaConfig", user_pool_mfa_config_request(pool_id))
        update = user_pool_update_request(
            pool_id, deletion_protection=deletion_protection, triggers=triggers
        )
        call("UpdateUserPool", update)
    else:
        pool = call(
            "CreateUserPool",
            user_pool_request(
                pool_name, deletion_protection=deletion_protection, triggers=triggers
            ),
        )["UserPool"]
        pool_id, change, found = pool["Id"], Change.CREATED, _Found()
        call("SetUserPoolMfaConfig", user_pool_mfa_config_request(pool_id))
    return _apply(
        call,
        pool_id,
        found,
        change,
        client_name=client_name,
        machine_client_name=machine_client_name,
        domain_prefix=domain_prefix or unique_domain_prefix(pool_name),
        service_url=service_url,
        triggers=triggers,
    )


def _survey(call: CognitoCall, pool_id: str, client_names: Collection[str]) -> _Found:
    """What the pool holds of the definition, read without changing anything."""
    in_pool = {"UserPoolId": pool_id}
    pool = call("DescribeUserPool", in_pool)["UserPool"]
    resource_server = any(
        server["Identifier"] == RESOURCE_SERVER_IDENTIFIER
        for server in _listed(call, "ListResourceServers", in_pool, "ResourceServers")
    )
    listed = [
        client
        for client in _listed(call, "ListUserPoolClients", in_pool, "UserPoolClients")
        if client["ClientName"] in client_names
    ]
    clients = {}
    for name in client_names:
        client_ids = [client["ClientId"] for client in listed if client["ClientName"] == name]
        if len(client_ids) > 1:
            raise PoolConflict(
                f"user pool {pool_id} has {len(client_ids)} app clients named {name!r}: "
                f"{', '.join(client_ids)}. Nothing was changed: delete or rename all but one."
            )
        if client_ids:
            described = call("DescribeUserPoolClient", {**in_pool, "ClientId": client_ids[0]})[
                "UserPoolClient"
            ]
            if not described.get("ClientSecret"):
                raise PoolConflict(
                    f"app client {client_ids[0]} ({name!r}) of user pool {pool_id} has no "
                    "secret, and Cognito cannot give an existing client one. Nothing was "
                    "changed: delete or rename that client."
                )
            clients[name] = described
    groups = frozenset(
        group["GroupName"] for group in _listed(call, "ListGroups", in_pool, "Groups", size="Limit")
    )
    return _Found(
        pool.get("Domain"), pool.get("LambdaConfig") or {}, resource_server, clients, groups
    )


def _apply(
    call: CognitoCall,
    pool_id: str,
    found: _Found,
    pool_change: Change,
    *,
    client_name: str,
    machine_client_name: str,
    domain_prefix: str | None,
    service_url: str,
    triggers: TriggerFunctions,
) -> ProvisionedPool:
    """The definition's parts on the pool (its settings, `triggers` among them, already set),
    each created or updated as `found` says. The resource server comes before the clients:
    Cognito refuses a client scope that does not exist yet."""
    server = resource_server_request(pool_id)
    if found.resource_server:
        call("UpdateResourceServer", server)
    else:
        call("CreateResourceServer", server)
    domain, domain_change = found.domain, Change.KEPT if found.domain is not None else None
    if domain is None and domain_prefix is not None:
        call("CreateUserPoolDomain", user_pool_domain_request(pool_id, domain_prefix))
        domain, domain_change = domain_prefix, Change.CREATED
    app_client = {
        **user_pool_client_request(pool_id, client_name),
        **app_client_oauth_settings(service_url),
    }
    app, app_change = _apply_client(call, found.clients.get(client_name), app_client)
    machine, machine_change = _apply_client(
        call,
        found.clients.get(machine_client_name),
        machine_client_request(pool_id, machine_client_name),
    )
    groups = []
    for group in group_requests(pool_id):
        if group["GroupName"] in found.groups:
            groups.append((group["GroupName"], Change.KEPT))
        else:
            call("CreateGroup", group)
            groups.append((group["GroupName"], Change.CREATED))
    return ProvisionedPool(
        user_pool_id=pool_id,
        client_id=app["ClientId"],
        client_secret=app["ClientSecret"],
        machine_client_id=machine["ClientId"],
        machine_client_secret=machine["ClientSecret"],
        domain_prefix=domain,
        changes=PoolChanges(
            pool=pool_change,
            resource_server=Change.UPDATED if found.resource_server else Change.CREATED,
            domain=domain_change,
            app_client=app_change,
            machine_client=machine_change,
            groups=tuple(groups),
            triggers_removed=_triggers_removed(found.lambda_config, triggers),
        ),
    )


def _triggers_removed(had: Mapping[str, Any], triggers: TriggerFunctions) -> tuple[str, ...]:
    """The triggers of LambdaConfig `had` that `triggers` does not set."""
    return tuple(sorted(_trigger_names(had) - _trigger_names(triggers.lambda_config())))


def _trigger_names(lambda_config: Mapping[str, Any]) -> set[str]:
    """The triggers a LambdaConfig sets, PreTokenGenerationConfig read as PreTokenGeneration
    (both name the one function)."""
    return {
        "PreTokenGeneration" if name == "PreTokenGenerationConfig" else name
        for name in lambda_config
        if name != NOT_A_TRIGGER
    }


def _apply_client(
    call: CognitoCall, described: Mapping[str, Any] | None, definition: dict[str, Any]
) -> tuple[Mapping[str, Any], Change]:
    """The client created from `definition`, or the `described` one updated to it (its id and
    secret stay)."""
    if described is None:
        return call("CreateUserPoolClient", definition)["UserPoolClient"], Change.CREATED
    call("UpdateUserPoolClient", client_update_request(described["ClientId"], definition))
    return described, Change.UPDATED


def _listed(
    call: CognitoCall,
    operation: str,
    body: dict[str, Any],
    items: str,
    *,
    size: str = "MaxResults",
) -> Iterator[Mapping[str, Any]]:
    """Every item of a List operation, page after page (`size` names its page-size member)."""
    request = {**body, size: LIST_PAGE_SIZE}
    while True:
        page = call(operation, request)
        yield from page.get(items, [])
        if not page.get("NextToken"):
            return
        request = {**request, "NextToken": page["NextToken"]}


def boto3_call(client: CognitoIdentityProviderClient) -> CognitoCall:
    """A boto3 cognito-idp client as a `CognitoCall` (`CreateUserPool` → `create_user_pool`)."""

    def call(operation: str, body: dict[str, Any]) -> Mapping[str, Any]:
        response: Mapping[str, Any] = getattr(client, xform_name(operation))(**body)
        return response

    return call
