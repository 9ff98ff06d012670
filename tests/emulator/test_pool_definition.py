"""One pool definition, the kit's template: the emulator's bootstrap, `nox -s provision` and the
contract targets deploy the same pool from it, and the benchmark servers its password side, so
their settings cannot drift apart again. And what `pool_definition` derives (domain prefixes)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

from app.provision import provision
from benchmarks.servers import bootstrap_with_boto3
from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.login_page_client import AuthorizationError
from cognito_emulator.pool_definition import ADMIN_GROUP, READ_USERS_SCOPE, domain_prefix_for
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
    """The second run updates: UpdateUserPool resets what it omits, so the whole template
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
    created = bootstrap_with_boto3(cognito_emulator.endpoint_url, pool_name="bench").user_pool_id

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
    were once only in `nox -s provision`; they are in the one template now."""
    settings = defined_settings(cognito_idp_client, cognito_pool.user_pool_id)

    assert settings["pool"]["UsernameConfiguration"] == {"CaseSensitive": False}
    assert settings["pool"]["DeletionProtection"] == "INACTIVE"
    assert settings["clients"]["code"]["ReadAttributes"] == ["email", "email_verified"]
    assert settings["clients"]["code"]["WriteAttributes"] == ["email"]
    assert settings["groups"] == [
        {"GroupName": ADMIN_GROUP, "Description": "May use the /admin routes"}
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
