"""One pool definition: the emulator's bootstrap, `nox -s provision`, the contract targets
and the benchmark servers create the same pool, so their settings cannot drift apart again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

from app.provision import provision
from benchmarks.servers import bootstrap_with_boto3
from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.pool_definition import ADMIN_GROUP, ADMIN_GROUP_DESCRIPTION
from cognito_emulator.server import EmulatorServer
from contract_tests.targets import provision_pool

# What Cognito assigns or the caller names; everything else must come from the definition.
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
}

PoolCreator = Callable[[EmulatorServer, CognitoIdentityProviderClient], str]


def defined_settings(client: CognitoIdentityProviderClient, pool_id: str) -> dict[str, Any]:
    """The pool, its app client and its groups as Cognito describes them, minus `ASSIGNED`."""
    pool = client.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    [listed_client] = client.list_user_pool_clients(UserPoolId=pool_id)["UserPoolClients"]
    app_client = client.describe_user_pool_client(
        UserPoolId=pool_id, ClientId=listed_client["ClientId"]
    )["UserPoolClient"]
    groups = client.list_groups(UserPoolId=pool_id)["Groups"]

    def defined(described: Any) -> dict[str, Any]:
        return {key: value for key, value in described.items() if key not in ASSIGNED}

    return {
        "pool": defined(pool),
        "client": defined(app_client),
        "groups": [defined(group) for group in groups],
    }


def by_provisioning(server: EmulatorServer, client: CognitoIdentityProviderClient) -> str:
    settings = provision(
        client, pool_name="provisioned", client_name="app", deletion_protection=False
    )
    return settings["AWS_COGNITO_USER_POOL_ID"]


def by_the_contract_targets(server: EmulatorServer, client: CognitoIdentityProviderClient) -> str:
    pool_id, _, _ = provision_pool(client, "contract")
    return pool_id


def by_the_benchmark_servers(server: EmulatorServer, client: CognitoIdentityProviderClient) -> str:
    return bootstrap_with_boto3(server.endpoint_url).user_pool_id


@pytest.mark.parametrize(
    "create", [by_provisioning, by_the_contract_targets, by_the_benchmark_servers]
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


def test_the_bootstrapped_pool_has_the_settings_provisioning_used_to_set_alone(
    cognito_pool: PoolConfig, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    """Case-insensitive usernames, the client's read and write attributes and the admin group
    were once only in `nox -s provision`; they are in the one definition now."""
    settings = defined_settings(cognito_idp_client, cognito_pool.user_pool_id)

    assert settings["pool"]["UsernameConfiguration"] == {"CaseSensitive": False}
    assert settings["pool"]["DeletionProtection"] == "INACTIVE"
    assert settings["client"]["ReadAttributes"] == ["email", "email_verified"]
    assert settings["client"]["WriteAttributes"] == ["email"]
    assert settings["groups"] == [
        {"GroupName": ADMIN_GROUP, "Description": ADMIN_GROUP_DESCRIPTION}
    ]
