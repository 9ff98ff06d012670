"""One pool definition: the emulator's bootstrap, `nox -s provision` and the contract targets
create the same pool, and the benchmark servers its password side, so their settings cannot
drift apart again."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import botocore.session
import pytest
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

from app.provision import provision
from benchmarks.servers import bootstrap_with_boto3
from cognito_emulator import pool_definition
from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.login_page_client import AuthorizationError
from cognito_emulator.pool_definition import (
    ADMIN_GROUP,
    ADMIN_GROUP_DESCRIPTION,
    READ_USERS_SCOPE,
    WRITE_USERS_SCOPE,
    Change,
    CognitoCall,
    PoolChanges,
    PoolConflict,
    ProvisionedPool,
    app_client_oauth_settings,
    boto3_call,
    client_update_request,
    create_pool,
    domain_prefix_for,
    ensure_pool,
    machine_client_request,
    resource_server_request,
    user_pool_client_request,
    user_pool_mfa_config_request,
    user_pool_request,
    user_pool_update_request,
)
from cognito_emulator.pytest_plugin import CognitoLoginPage, CognitoUser
from cognito_emulator.server import EmulatorServer
from contract_tests.targets import provision_pool

# What Cognito assigns or the caller names (a domain prefix is unique to its pool); everything
# else must come from the definition.
ASSIGNED = {
    "Id",
    "Name",
    "Arn",
    "UserPoolId",
    "ClientId",
    "ClientName",
    "ClientSecret",
    "CreationDate",
    "LastModifiedDate",
    "Domain",
}

OAUTH_MEMBERS = (
    "AllowedOAuthFlowsUserPoolClient",
    "AllowedOAuthScopes",
    "CallbackURLs",
    "LogoutURLs",
    "SupportedIdentityProviders",
)

PoolCreator = Callable[[EmulatorServer, CognitoIdentityProviderClient], str]


def defined_settings(client: CognitoIdentityProviderClient, pool_id: str) -> dict[str, Any]:
    """The pool, its resource servers, app clients (by OAuth flow) and groups as Cognito
    describes them, minus `ASSIGNED`."""
    pool = client.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    servers = client.list_resource_servers(UserPoolId=pool_id, MaxResults=50)["ResourceServers"]
    listed_clients = client.list_user_pool_clients(UserPoolId=pool_id)["UserPoolClients"]
    app_clients = [
        client.describe_user_pool_client(UserPoolId=pool_id, ClientId=listed["ClientId"])[
            "UserPoolClient"
        ]
        for listed in listed_clients
    ]
    groups = client.list_groups(UserPoolId=pool_id)["Groups"]

    def defined(described: Any) -> dict[str, Any]:
        return {key: value for key, value in described.items() if key not in ASSIGNED}

    return {
        "pool": defined(pool),
        "resource_servers": [defined(server) for server in servers],
        "clients": {
            " ".join(app_client.get("AllowedOAuthFlows", [])): defined(app_client)
            for app_client in app_clients
        },
        "groups": [defined(group) for group in groups],
    }


def by_provisioning(server: EmulatorServer, client: CognitoIdentityProviderClient) -> str:
    settings, _ = provision(
        client, pool_name="provisioned", client_name="app", deletion_protection=False
    )
    return settings["AWS_COGNITO_USER_POOL_ID"]


def by_provisioning_twice(server: EmulatorServer, client: CognitoIdentityProviderClient) -> str:
    """The second run updates: UpdateUserPool resets what it omits, so the whole definition
    must be in it, and the pool's create-only settings must survive it."""
    by_provisioning(server, client)
    return by_provisioning(server, client)


def by_the_contract_targets(server: EmulatorServer, client: CognitoIdentityProviderClient) -> str:
    pool_id, _, _ = provision_pool(client, "contract")
    return pool_id


@pytest.mark.parametrize(
    "create", [by_provisioning, by_provisioning_twice, by_the_contract_targets]
)
def test_every_creator_makes_the_pool_the_emulator_bootstraps(
    create: PoolCreator,
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
) -> None:
    created = create(cognito_emulator, cognito_idp_client)

    assert defined_settings(cognito_idp_client, created) == defined_settings(
        cognito_idp_client, cognito_pool.user_pool_id
    )


def test_the_benchmark_servers_make_the_password_side_of_that_pool(
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
) -> None:
    """moto_server and cognito-local get the pool, its app client without OAuth settings and
    its groups: cognito-local has no resource servers, and only the emulator's OAuth side is
    measured; nor MFA (cognito-local has no SetUserPoolMfaConfig), which no benchmark uses."""
    created = bootstrap_with_boto3(cognito_emulator.endpoint_url).user_pool_id

    benchmark = defined_settings(cognito_idp_client, created)
    bootstrapped = defined_settings(cognito_idp_client, cognito_pool.user_pool_id)
    password_client = {
        key: value
        for key, value in bootstrapped["clients"]["code"].items()
        if key not in {*OAUTH_MEMBERS, "AllowedOAuthFlows"}
    }
    assert benchmark == {
        "pool": {**bootstrapped["pool"], "MfaConfiguration": "OFF"},
        "resource_servers": [],
        "clients": {"": {**password_client, "AllowedOAuthFlowsUserPoolClient": False}},
        "groups": bootstrapped["groups"],
    }


def test_the_bootstrapped_pool_has_the_settings_provisioning_used_to_set_alone(
    cognito_pool: PoolConfig, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    """Case-insensitive usernames, the client's read and write attributes and the admin group
    were once only in `nox -s provision`; they are in the one definition now."""
    settings = defined_settings(cognito_idp_client, cognito_pool.user_pool_id)

    assert settings["pool"]["UsernameConfiguration"] == {"CaseSensitive": False}
    assert settings["pool"]["DeletionProtection"] == "INACTIVE"
    assert settings["clients"]["code"]["ReadAttributes"] == ["email", "email_verified"]
    assert settings["clients"]["code"]["WriteAttributes"] == ["email"]
    assert settings["groups"] == [
        {"GroupName": ADMIN_GROUP, "Description": ADMIN_GROUP_DESCRIPTION}
    ]


def test_the_bootstrapped_pool_has_the_oauth_side_the_service_uses(
    cognito_pool: PoolConfig, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    """Issue 12: a resource server, a domain, the app client's authorization code grant back to
    the service and Swagger UI, and a machine client for client credentials. Issue 13: the app
    client has a person's scopes only; the API's are the machine client's."""
    settings = defined_settings(cognito_idp_client, cognito_pool.user_pool_id)
    pool = cognito_idp_client.describe_user_pool(UserPoolId=cognito_pool.user_pool_id)

    assert settings["resource_servers"] == [
        {
            "Identifier": "cognito-kit",
            "Scopes": [
                {"ScopeName": "users.read", "ScopeDescription": "Read users"},
                {"ScopeName": "users.write", "ScopeDescription": "Change users"},
            ],
        }
    ]
    assert (
        cognito_idp_client.describe_resource_server(
            UserPoolId=cognito_pool.user_pool_id, Identifier="cognito-kit"
        )["ResourceServer"]["Name"]
        == "cognito-kit API"
    )
    assert pool["UserPool"]["Domain"] == cognito_pool.domain == "kit"
    web = settings["clients"]["code"]
    assert {key: web[key] for key in OAUTH_MEMBERS} == {
        "AllowedOAuthFlowsUserPoolClient": True,
        "AllowedOAuthScopes": [
            "openid",
            "email",
            "profile",
            "aws.cognito.signin.user.admin",
        ],
        "CallbackURLs": [
            "http://localhost:8000/auth/callback",
            "http://localhost:8000/docs/oauth2-redirect",
        ],
        "LogoutURLs": ["http://localhost:8000/"],
        "SupportedIdentityProviders": ["COGNITO"],
    }
    machine = settings["clients"]["client_credentials"]
    assert machine["AllowedOAuthFlowsUserPoolClient"] is True
    assert machine["AllowedOAuthScopes"] == ["cognito-kit/users.read", "cognito-kit/users.write"]
    assert machine["ExplicitAuthFlows"] == ["ALLOW_REFRESH_TOKEN_AUTH"]
    assert (
        cognito_pool.machine_client_secret
        == cognito_idp_client.describe_user_pool_client(
            UserPoolId=cognito_pool.user_pool_id, ClientId=cognito_pool.machine_client_id or ""
        )["UserPoolClient"]["ClientSecret"]
    )


@pytest.mark.parametrize(
    ("pool_name", "prefix"),
    [
        ("cognito-kit", "kit"),
        ("Orders API", "orders-api"),
        ("my_aws_amazon_pool", "my-pool"),
        ("cognito", "kit"),
        ("x" * 80, "x" * 50),
    ],
)
def test_domain_prefixes_derived_from_pool_names_are_ones_cognito_accepts(
    pool_name: str, prefix: str
) -> None:
    """Lower-case letters, digits and inner hyphens, none of the reserved words aws, amazon and
    cognito, and room left in the 63 characters for a suffix."""
    assert domain_prefix_for(pool_name) == prefix


# -- the app client's scopes and the service's URL ----------------------------------------------


def test_a_person_signing_in_through_the_app_client_cannot_ask_for_the_apis_scopes(
    cognito_login_page: CognitoLoginPage, cognito_user: CognitoUser
) -> None:
    """Had the app client the resource-server scopes, anyone who can sign up could ask for
    cognito-kit/users.read and pass the admin routes' scope check."""
    with pytest.raises(AuthorizationError) as denied:
        cognito_login_page.authorize(
            cognito_user.username, cognito_user.password, scopes=["openid", READ_USERS_SCOPE]
        )

    assert denied.value.error == "invalid_scope"


def test_the_bootstrap_registers_the_callbacks_of_the_service_url_it_is_given(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    pool = cognito_emulator.bootstrap(service_url="http://localhost:8123")

    client = cognito_idp_client.describe_user_pool_client(
        UserPoolId=pool.user_pool_id, ClientId=pool.client_id
    )["UserPoolClient"]
    assert client["CallbackURLs"] == [
        "http://localhost:8123/auth/callback",
        "http://localhost:8123/docs/oauth2-redirect",
    ]
    assert client["LogoutURLs"] == ["http://localhost:8123/"]
    assert pool.login_url == (
        f"{pool.domain_url}/login?client_id={pool.client_id}&response_type=code"
        "&scope=openid+email&redirect_uri=http%3A%2F%2Flocalhost%3A8123%2Fdocs%2Foauth2-redirect"
    )
    assert pool.as_env()["SERVICE_PUBLIC_URL"] == "http://localhost:8123"


# -- ensure_pool: the pool of a name brought to the definition -----------------------------------


class RecordedCalls:
    """A CognitoCall that notes each operation it passes on."""

    def __init__(self, call: CognitoCall) -> None:
        self._call = call
        self.operations: list[str] = []

    def __call__(self, operation: str, body: dict[str, Any]) -> Mapping[str, Any]:
        self.operations.append(operation)
        return self._call(operation, body)


def test_a_pool_provisioned_before_the_machine_client_existed_is_brought_to_the_definition(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    """An older `nox -s provision` gave the app client the API's scopes and made no machine
    client; someone raised the password length since. Running it again keeps the pool, the app
    client and its secret, and sets everything else as a new pool would have it."""
    call = boto3_call(cognito_idp_client)
    pool_id = call("CreateUserPool", user_pool_request())["UserPool"]["Id"]
    call("CreateResourceServer", resource_server_request(pool_id))
    old_app = call(
        "CreateUserPoolClient",
        {
            **user_pool_client_request(pool_id),
            **app_client_oauth_settings(),
            "AllowedOAuthScopes": ["openid", READ_USERS_SCOPE, WRITE_USERS_SCOPE],
        },
    )["UserPoolClient"]
    drifted = user_pool_update_request(pool_id, deletion_protection=False)
    drifted["Policies"]["PasswordPolicy"]["MinimumLength"] = 12
    call("SetUserPoolMfaConfig", user_pool_mfa_config_request(pool_id))
    call("UpdateUserPool", drifted)

    ensured = ensure_pool(call, deletion_protection=False, service_url="https://api.example.com")

    assert (ensured.user_pool_id, ensured.client_id, ensured.client_secret) == (
        pool_id,
        old_app["ClientId"],
        old_app["ClientSecret"],
    )
    assert ensured.changes == PoolChanges(
        pool=Change.UPDATED,
        resource_server=Change.UPDATED,
        domain=Change.CREATED,
        app_client=Change.UPDATED,
        machine_client=Change.CREATED,
        groups=(("admin", Change.CREATED),),
    )
    fresh = cognito_emulator.bootstrap(pool_name="fresh", service_url="https://api.example.com")
    assert defined_settings(cognito_idp_client, pool_id) == defined_settings(
        cognito_idp_client, fresh.user_pool_id
    )


def test_a_second_run_updates_every_part_and_keeps_the_domain_and_the_group(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    call = boto3_call(cognito_idp_client)
    first = ensure_pool(call, deletion_protection=False, domain_prefix="team-login")

    again = ensure_pool(call, deletion_protection=False, domain_prefix="team-login")

    assert first.changes == PoolChanges(
        pool=Change.CREATED,
        resource_server=Change.CREATED,
        domain=Change.CREATED,
        app_client=Change.CREATED,
        machine_client=Change.CREATED,
        groups=(("admin", Change.CREATED),),
    )
    assert again == ProvisionedPool(
        user_pool_id=first.user_pool_id,
        client_id=first.client_id,
        client_secret=first.client_secret,
        machine_client_id=first.machine_client_id,
        machine_client_secret=first.machine_client_secret,
        domain_prefix="team-login",
        changes=PoolChanges(
            pool=Change.UPDATED,
            resource_server=Change.UPDATED,
            domain=Change.KEPT,
            app_client=Change.UPDATED,
            machine_client=Change.UPDATED,
            groups=(("admin", Change.KEPT),),
        ),
    )


def test_two_pools_of_the_name_are_refused_before_anything_changes(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    call = boto3_call(cognito_idp_client)
    first = create_pool(call, pool_name="twin")
    second = create_pool(call, pool_name="twin")
    recorded = RecordedCalls(call)

    with pytest.raises(PoolConflict) as conflict:
        ensure_pool(recorded, pool_name="twin", deletion_protection=False)

    assert str(conflict.value) == (
        f"2 user pools are named 'twin': {first.user_pool_id}, {second.user_pool_id}. Nothing "
        "was changed: delete or rename all but one, or provision a pool of another name."
    )
    assert recorded.operations == ["ListUserPools"]


def test_two_clients_of_a_defined_name_are_refused_before_anything_changes(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    call = boto3_call(cognito_idp_client)
    pool = ensure_pool(call, deletion_protection=False)
    twin = call("CreateUserPoolClient", machine_client_request(pool.user_pool_id))
    recorded = RecordedCalls(call)

    with pytest.raises(PoolConflict) as conflict:
        ensure_pool(recorded, deletion_protection=False)

    assert str(conflict.value) == (
        f"user pool {pool.user_pool_id} has 2 app clients named 'cognito-kit-machine': "
        f"{pool.machine_client_id}, {twin['UserPoolClient']['ClientId']}. Nothing was changed: "
        "delete or rename all but one."
    )
    # The app client, listed first, was described before the machine client's twin was seen.
    assert recorded.operations == [
        *READS_BEFORE_THE_CLIENTS_ARE_DESCRIBED,
        "DescribeUserPoolClient",
    ]


READS_BEFORE_THE_CLIENTS_ARE_DESCRIBED = [
    "ListUserPools",
    "DescribeUserPool",
    "ListResourceServers",
    "ListUserPoolClients",
]


def test_a_defined_client_without_a_secret_is_refused_before_anything_changes(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    """Cognito makes a secret only when it creates a client (UpdateUserPoolClient has no
    GenerateSecret), and the service signs in as a confidential client."""
    call = boto3_call(cognito_idp_client)
    pool_id = call("CreateUserPool", user_pool_request())["UserPool"]["Id"]
    public = {**user_pool_client_request(pool_id), "GenerateSecret": False}
    client_id = call("CreateUserPoolClient", public)["UserPoolClient"]["ClientId"]
    recorded = RecordedCalls(call)

    with pytest.raises(PoolConflict) as conflict:
        ensure_pool(recorded, deletion_protection=False)

    assert str(conflict.value) == (
        f"app client {client_id} ('cognito-kit-app') of user pool {pool_id} has no secret, and "
        "Cognito cannot give an existing client one. Nothing was changed: delete or rename "
        "that client."
    )
    assert recorded.operations == [
        *READS_BEFORE_THE_CLIENTS_ARE_DESCRIBED,
        "DescribeUserPoolClient",
    ]


def test_a_domain_prefix_other_than_the_pools_domain_is_refused_before_anything_changes(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    """A pool has one prefix domain: a new one would mean deleting the one users sign in on."""
    call = boto3_call(cognito_idp_client)
    pool = ensure_pool(call, deletion_protection=False, domain_prefix="team-login")
    recorded = RecordedCalls(call)

    with pytest.raises(PoolConflict) as conflict:
        ensure_pool(recorded, deletion_protection=False, domain_prefix="other-login")

    assert str(conflict.value) == (
        f"user pool {pool.user_pool_id} has the domain 'team-login', and a pool has only one. "
        "Nothing was changed: leave the domain prefix out to keep it, or delete that domain "
        "first."
    )
    assert recorded.operations == [
        *READS_BEFORE_THE_CLIENTS_ARE_DESCRIBED,
        "DescribeUserPoolClient",
        "DescribeUserPoolClient",
        "ListGroups",
    ]


def test_what_is_found_is_found_on_any_page_of_the_listings(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """ListUserPools, ListResourceServers, ListUserPoolClients and ListGroups answer in pages;
    with one item a page, every part of the pool is on a page after the first."""
    call = boto3_call(cognito_idp_client)
    create_pool(call, pool_name="before")
    pool_id = call("CreateUserPool", user_pool_request("target"))["UserPool"]["Id"]
    call("CreateResourceServer", {"UserPoolId": pool_id, "Identifier": "aaa", "Name": "first"})
    call("CreateUserPoolClient", {"UserPoolId": pool_id, "ClientName": "first"})
    call("CreateGroup", {"UserPoolId": pool_id, "GroupName": "aaa"})
    first = ensure_pool(call, pool_name="target", deletion_protection=False)
    create_pool(call, pool_name="after")
    monkeypatch.setattr(pool_definition, "LIST_PAGE_SIZE", 1)
    recorded = RecordedCalls(call)

    again = ensure_pool(recorded, pool_name="target", deletion_protection=False)

    assert (again.user_pool_id, again.client_id, again.machine_client_id) == (
        first.user_pool_id,
        first.client_id,
        first.machine_client_id,
    )
    assert again.changes == PoolChanges(
        pool=Change.UPDATED,
        resource_server=Change.UPDATED,
        domain=Change.KEPT,
        app_client=Change.UPDATED,
        machine_client=Change.UPDATED,
        groups=(("admin", Change.KEPT),),
    )
    assert recorded.operations.count("ListUserPools") >= 3
    assert recorded.operations.count("ListUserPoolClients") >= 3


# -- updates carry the whole definition ---------------------------------------------------------


def accepted_by(operation: str) -> set[str]:
    """The request members of a cognito-idp operation, from botocore's service model."""
    model = botocore.session.get_session().get_service_model("cognito-idp")
    return set(model.operation_model(operation).input_shape.members)


def test_an_update_of_the_pool_sends_every_setting_of_the_definition() -> None:
    """ "If you don't provide a value for an attribute, Amazon Cognito sets it to its default
    value" (UpdateUserPool, API reference): every setting the definition has and the operation
    takes is sent, and MfaConfiguration, which the definition sets by SetUserPoolMfaConfig and
    an update would otherwise turn OFF; only the name the pool was found by is not."""
    definition = user_pool_request(deletion_protection=True)

    update = user_pool_update_request("us-east-1_abc", deletion_protection=True)

    assert set(update) == (set(definition) & accepted_by("UpdateUserPool")) - {"PoolName"} | {
        "UserPoolId",
        "MfaConfiguration",
    }
    assert update["MfaConfiguration"] == "OPTIONAL"
    assert set(definition) - accepted_by("UpdateUserPool") == {"Schema", "UsernameConfiguration"}
    assert update["DeletionProtection"] == "ACTIVE"


@pytest.mark.parametrize(
    "definition",
    [
        {**user_pool_client_request("us-east-1_abc"), **app_client_oauth_settings()},
        machine_client_request("us-east-1_abc"),
    ],
    ids=["app client", "machine client"],
)
def test_an_update_of_a_client_sends_every_setting_of_the_definition(
    definition: dict[str, Any],
) -> None:
    """UpdateUserPoolClient too resets what it omits (API reference); the emulator, like moto,
    merges instead, so this is checked on the request."""
    update = client_update_request("client-1", definition)

    assert set(definition) - accepted_by("UpdateUserPoolClient") == {"GenerateSecret"}
    assert update == {
        **{key: value for key, value in definition.items() if key != "GenerateSecret"},
        "ClientId": "client-1",
    }
