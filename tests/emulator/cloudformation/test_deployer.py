"""Deploying templates to the emulator through its dispatch: the kit's template makes exactly the
kit's pool; deploying again finds everything by name and keeps ids and secrets; what would make
the deployment ambiguous or impossible stops it before anything is written."""

from __future__ import annotations

from typing import Any

import botocore.session
import pytest

from cognito_emulator.cloudformation import (
    Change,
    CognitoCall,
    DeployedStack,
    DeployFailed,
    PoolConflict,
    TemplateError,
    deploy,
    lookups,
    parse_template,
)
from cognito_emulator.cloudformation.kit_template import (
    APP_CLIENT,
    MACHINE_CLIENT,
    USER_POOL,
    deploy_kit_template,
    kit_parameters,
)
from cognito_emulator.server import EmulatorServer
from tests.emulator.cloudformation.recording import RecordedCalls

# What Cognito assigns: everything else must come from the template.
ASSIGNED = {
    "Id",
    "Arn",
    "UserPoolId",
    "ClientId",
    "ClientSecret",
    "CreationDate",
    "LastModifiedDate",
    "CloudFrontDistribution",
    "Version",
}


def kit(call: CognitoCall, **parameters: Any) -> DeployedStack:
    """The kit's template deployed through `call`, deletion protection off."""
    return deploy_kit_template(
        call,
        region="us-east-1",
        parameters=kit_parameters(deletion_protection=False, **parameters),
        account_id="000000000000",
    )


def assigned_left_out(described: Any) -> Any:
    if isinstance(described, dict):
        return {
            key: assigned_left_out(value) for key, value in described.items() if key not in ASSIGNED
        }
    if isinstance(described, list):
        return [assigned_left_out(item) for item in described]
    return described


def described(call: CognitoCall, pool_id: str) -> dict[str, Any]:
    """Everything Cognito says of the pool and what it holds, by name, minus `ASSIGNED`."""
    in_pool = {"UserPoolId": pool_id}
    pool = call("DescribeUserPool", in_pool)["UserPool"]
    clients = call("ListUserPoolClients", {**in_pool, "MaxResults": 60})["UserPoolClients"]
    return assigned_left_out(
        {
            "pool": pool,
            "mfa": call("GetUserPoolMfaConfig", in_pool),
            "resource_servers": call("ListResourceServers", {**in_pool, "MaxResults": 50})[
                "ResourceServers"
            ],
            "clients": {
                client["ClientName"]: call(
                    "DescribeUserPoolClient", {**in_pool, "ClientId": client["ClientId"]}
                )["UserPoolClient"]
                for client in clients
            },
            "groups": call("ListGroups", in_pool)["Groups"],
            "domain": call("DescribeUserPoolDomain", {"Domain": pool["Domain"]})[
                "DomainDescription"
            ]
            if pool.get("Domain")
            else None,
        }
    )


KIT_POOL = {
    "pool": {
        "Name": "cognito-kit",
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
        "DeletionProtection": "INACTIVE",
        "LambdaConfig": {},
        "SchemaAttributes": [
            {
                "Name": "email",
                "AttributeDataType": "String",
                "DeveloperOnlyAttribute": False,
                "Mutable": True,
                "Required": True,
                "StringAttributeConstraints": {"MinLength": "0", "MaxLength": "2048"},
            }
        ],
        "AutoVerifiedAttributes": ["email"],
        "VerificationMessageTemplate": {"DefaultEmailOption": "CONFIRM_WITH_CODE"},
        "MfaConfiguration": "OPTIONAL",
        "EstimatedNumberOfUsers": 0,
        "EmailConfiguration": {"EmailSendingAccount": "COGNITO_DEFAULT"},
        "Domain": "kit",
        "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": False},
        "UsernameConfiguration": {"CaseSensitive": False},
        "AccountRecoverySetting": {
            "RecoveryMechanisms": [{"Priority": 1, "Name": "verified_email"}]
        },
    },
    "mfa": {"MfaConfiguration": "OPTIONAL", "SoftwareTokenMfaConfiguration": {"Enabled": True}},
    "resource_servers": [
        {
            "Identifier": "cognito-kit",
            "Name": "cognito-kit API",
            "Scopes": [
                {"ScopeName": "users.read", "ScopeDescription": "Read users"},
                {"ScopeName": "users.write", "ScopeDescription": "Change users"},
            ],
        }
    ],
    "clients": {
        "cognito-kit-app": {
            "ClientName": "cognito-kit-app",
            "RefreshTokenValidity": 30,
            "AccessTokenValidity": 60,
            "IdTokenValidity": 60,
            "TokenValidityUnits": {
                "AccessToken": "minutes",
                "IdToken": "minutes",
                "RefreshToken": "days",
            },
            "ReadAttributes": ["email", "email_verified"],
            "WriteAttributes": ["email"],
            "ExplicitAuthFlows": [
                "ALLOW_USER_PASSWORD_AUTH",
                "ALLOW_ADMIN_USER_PASSWORD_AUTH",
                "ALLOW_REFRESH_TOKEN_AUTH",
                "ALLOW_USER_SRP_AUTH",
            ],
            "SupportedIdentityProviders": ["COGNITO"],
            "CallbackURLs": [
                "https://api.example.com/auth/callback",
                "https://api.example.com/docs/oauth2-redirect",
            ],
            "LogoutURLs": ["https://api.example.com/"],
            "AllowedOAuthFlows": ["code"],
            "AllowedOAuthScopes": ["openid", "email", "profile", "aws.cognito.signin.user.admin"],
            "AllowedOAuthFlowsUserPoolClient": True,
            "PreventUserExistenceErrors": "ENABLED",
            "EnableTokenRevocation": True,
            "EnablePropagateAdditionalUserContextData": False,
            "AuthSessionValidity": 3,
            "RefreshTokenRotation": {"Feature": "DISABLED", "RetryGracePeriodSeconds": 0},
        },
        "cognito-kit-machine": {
            "ClientName": "cognito-kit-machine",
            "RefreshTokenValidity": 30,
            "AccessTokenValidity": 60,
            "TokenValidityUnits": {"AccessToken": "minutes"},
            "ExplicitAuthFlows": ["ALLOW_REFRESH_TOKEN_AUTH"],
            "AllowedOAuthFlows": ["client_credentials"],
            "AllowedOAuthScopes": ["cognito-kit/users.read", "cognito-kit/users.write"],
            "AllowedOAuthFlowsUserPoolClient": True,
            "PreventUserExistenceErrors": "ENABLED",
            "EnableTokenRevocation": True,
            "EnablePropagateAdditionalUserContextData": False,
            "AuthSessionValidity": 3,
            "RefreshTokenRotation": {"Feature": "DISABLED", "RetryGracePeriodSeconds": 0},
        },
    },
    "groups": [{"GroupName": "admin", "Description": "May use the /admin routes"}],
    "domain": {
        "AWSAccountId": "000000000000",
        "Domain": "kit",
        "Status": "ACTIVE",
        "ManagedLoginVersion": 1,
    },
}


def test_the_kit_template_deploys_exactly_the_kit_pool(cognito_emulator: EmulatorServer) -> None:
    """The pool as cognito-kit.yaml describes it, and the defaults Cognito adds."""
    call = cognito_emulator.app.dispatch

    stack = kit(call, domain_prefix="kit", service_url="https://api.example.com")

    pool_id = stack.resources[USER_POOL].physical_id
    assert described(call, pool_id) == KIT_POOL
    assert [(r.logical_id, r.change) for r in stack.resources.values()] == [
        ("UserPool", Change.CREATED),
        ("ResourceServer", Change.CREATED),
        ("Domain", Change.CREATED),
        ("AppClient", Change.CREATED),
        ("MachineClient", Change.CREATED),
        ("AdminGroup", Change.CREATED),
    ]
    app, machine = stack.resources[APP_CLIENT], stack.resources[MACHINE_CLIENT]
    assert stack.outputs == {
        "UserPoolId": pool_id,
        "UserPoolProviderUrl": f"https://cognito-idp.us-east-1.amazonaws.com/{pool_id}",
        "AppClientId": app.physical_id,
        "AppClientSecret": call(
            "DescribeUserPoolClient", {"UserPoolId": pool_id, "ClientId": app.physical_id}
        )["UserPoolClient"]["ClientSecret"],
        "MachineClientId": machine.physical_id,
        "MachineClientSecret": machine.attributes["ClientSecret"],
        "DomainUrl": "https://kit.auth.us-east-1.amazoncognito.com",
    }


def test_a_second_deployment_finds_everything_and_keeps_ids_and_secrets(
    cognito_emulator: EmulatorServer,
) -> None:
    """Nothing is created; the pool and clients are set to the template again (an update
    resets what it omits, so it is always sent whole), the rest is found as it should be."""
    call = cognito_emulator.app.dispatch
    first = kit(call, domain_prefix="kit", service_url="https://api.example.com")
    before = described(call, first.resources[USER_POOL].physical_id)
    recorded = RecordedCalls(call)

    again = kit(recorded, domain_prefix="kit", service_url="https://api.example.com")

    assert recorded.writes == [
        "SetUserPoolMfaConfig",
        "UpdateUserPool",
        "UpdateUserPoolClient",
        "UpdateUserPoolClient",
    ]
    assert [(r.physical_id, r.attributes) for r in again.resources.values()] == [
        (r.physical_id, r.attributes) for r in first.resources.values()
    ]
    assert again.outputs == first.outputs
    assert [r.change for r in again.resources.values()] == [
        Change.UPDATED,
        Change.KEPT,
        Change.KEPT,
        Change.UPDATED,
        Change.UPDATED,
        Change.KEPT,
    ]
    assert described(call, again.resources[USER_POOL].physical_id) == before
    assert [pool["Id"] for pool in call("ListUserPools", {"MaxResults": 60})["UserPools"]] == [
        first.resources[USER_POOL].physical_id
    ]


def test_a_pool_made_before_the_template_is_brought_to_it(
    cognito_emulator: EmulatorServer,
) -> None:
    """An older provisioning gave the app client the API's scopes and made no machine client;
    someone raised the password length and renamed the group's purpose since. Deploying keeps
    the pool, the app client and its secret, and sets everything else as a new pool has it."""
    call = cognito_emulator.app.dispatch
    pool_id = call(
        "CreateUserPool",
        {
            "PoolName": "cognito-kit",
            "Policies": {"PasswordPolicy": {"MinimumLength": 12}},
            "UsernameConfiguration": {"CaseSensitive": False},
            "Schema": [
                {"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True}
            ],
        },
    )["UserPool"]["Id"]
    call(
        "CreateResourceServer",
        {
            "UserPoolId": pool_id,
            "Identifier": "cognito-kit",
            "Name": "old",
            "Scopes": [{"ScopeName": "users.read", "ScopeDescription": "Read users"}],
        },
    )
    old_app = call(
        "CreateUserPoolClient",
        {
            "UserPoolId": pool_id,
            "ClientName": "cognito-kit-app",
            "GenerateSecret": True,
            "AllowedOAuthFlowsUserPoolClient": True,
            "AllowedOAuthFlows": ["code"],
            "AllowedOAuthScopes": ["openid", "cognito-kit/users.read"],
            "CallbackURLs": ["https://api.example.com/auth/callback"],
        },
    )["UserPoolClient"]
    call("CreateGroup", {"UserPoolId": pool_id, "GroupName": "admin", "Description": "Admins"})

    brought = kit(call, domain_prefix="kit", service_url="https://api.example.com")

    app = brought.resources[APP_CLIENT]
    assert (brought.resources[USER_POOL].physical_id, app.physical_id) == (
        pool_id,
        old_app["ClientId"],
    )
    assert app.attributes["ClientSecret"] == old_app["ClientSecret"]
    assert [r.change for r in brought.resources.values()] == [
        Change.UPDATED,
        Change.UPDATED,
        Change.CREATED,
        Change.UPDATED,
        Change.CREATED,
        Change.UPDATED,
    ]
    assert described(call, pool_id) == KIT_POOL


def test_two_pools_of_the_name_are_refused_before_anything_changes(
    cognito_emulator: EmulatorServer,
) -> None:
    call = cognito_emulator.app.dispatch
    first = call("CreateUserPool", {"PoolName": "twin"})["UserPool"]["Id"]
    second = call("CreateUserPool", {"PoolName": "twin"})["UserPool"]["Id"]
    recorded = RecordedCalls(call)

    with pytest.raises(PoolConflict) as conflict:
        kit(recorded, pool_name="twin")

    assert str(conflict.value) == (
        f"2 user pools are named 'twin': {first}, {second}. Nothing was changed: delete or "
        "rename all but one, or deploy a pool of another name."
    )
    assert recorded.operations == ["ListUserPools"]


READS_BEFORE_THE_CLIENTS = [
    "ListUserPools",
    "DescribeUserPool",
    "ListResourceServers",
    "DescribeUserPoolDomain",
    "ListUserPoolClients",
]


def test_two_clients_of_a_templates_name_are_refused_before_anything_changes(
    cognito_emulator: EmulatorServer,
) -> None:
    call = cognito_emulator.app.dispatch
    stack = kit(call, domain_prefix="kit")
    pool_id = stack.resources[USER_POOL].physical_id
    twin = call(
        "CreateUserPoolClient",
        {"UserPoolId": pool_id, "ClientName": "cognito-kit-machine", "GenerateSecret": True},
    )["UserPoolClient"]["ClientId"]
    recorded = RecordedCalls(call)

    with pytest.raises(PoolConflict) as conflict:
        kit(recorded, domain_prefix="kit")

    assert str(conflict.value) == (
        f"user pool {pool_id} has 2 app clients named 'cognito-kit-machine': "
        f"{stack.resources[MACHINE_CLIENT].physical_id}, {twin}. Nothing was changed: delete or "
        "rename all but one."
    )
    # The app client, before the machine client in the template, was found first.
    assert recorded.operations == [*READS_BEFORE_THE_CLIENTS, "DescribeUserPoolClient"]


@pytest.mark.parametrize(
    ("generate_secret", "message"),
    [
        (
            False,
            "has no secret, and Cognito cannot give an existing client one. Nothing was "
            "changed: delete or rename that client.",
        ),
        (
            True,
            "has a secret, and the template's has none (GenerateSecret), which Cognito cannot "
            "remove. Nothing was changed: delete or rename that client.",
        ),
    ],
    ids=["template's with a secret, found without", "template's without, found with"],
)
def test_a_client_whose_secret_cannot_match_the_templates_is_refused(
    generate_secret: bool, message: str, cognito_emulator: EmulatorServer
) -> None:
    """Cognito makes a secret only when it creates a client (UpdateUserPoolClient has no
    GenerateSecret) and never removes one."""
    call = cognito_emulator.app.dispatch
    text = f"""\
Resources:
  Pool:
    Type: AWS::Cognito::UserPool
    Properties: {{UserPoolName: orders}}
  Client:
    Type: AWS::Cognito::UserPoolClient
    Properties:
      UserPoolId: !Ref Pool
      ClientName: web
      GenerateSecret: {str(not generate_secret).lower()}
"""
    pool_id = call("CreateUserPool", {"PoolName": "orders"})["UserPool"]["Id"]
    client_id = call(
        "CreateUserPoolClient",
        {"UserPoolId": pool_id, "ClientName": "web", "GenerateSecret": generate_secret},
    )["UserPoolClient"]["ClientId"]
    recorded = RecordedCalls(call)

    with pytest.raises(PoolConflict) as conflict:
        deploy(parse_template(text, "orders.yaml"), recorded, region="us-east-1")

    assert str(conflict.value) == f"app client {client_id} ('web') of user pool {pool_id} {message}"
    assert recorded.writes == []


def test_a_domain_other_than_the_pools_is_refused_before_anything_changes(
    cognito_emulator: EmulatorServer,
) -> None:
    """A pool has one prefix domain: another would mean deleting the one users sign in on."""
    call = cognito_emulator.app.dispatch
    pool_id = kit(call, domain_prefix="team-login").resources[USER_POOL].physical_id
    recorded = RecordedCalls(call)

    with pytest.raises(PoolConflict) as conflict:
        kit(recorded, domain_prefix="other-login")

    assert str(conflict.value) == (
        f"user pool {pool_id} has the domain 'team-login', and a pool has only one. Nothing was "
        "changed: deploy with the domain 'team-login', or delete it first."
    )
    assert recorded.operations == ["ListUserPools", "DescribeUserPool", "ListResourceServers"]


def test_a_domain_another_pool_holds_is_refused_before_anything_changes(
    cognito_emulator: EmulatorServer,
) -> None:
    call = cognito_emulator.app.dispatch
    holder = kit(call, pool_name="holder", domain_prefix="login").resources[USER_POOL]
    pool_id = call("CreateUserPool", {"PoolName": "cognito-kit"})["UserPool"]["Id"]
    recorded = RecordedCalls(call)

    with pytest.raises(PoolConflict) as conflict:
        kit(recorded, domain_prefix="login")

    assert str(conflict.value) == (
        f"the domain 'login' belongs to user pool {holder.physical_id}. Nothing was changed: "
        "choose another domain."
    )
    assert recorded.writes == []
    assert "Domain" not in call("DescribeUserPool", {"UserPoolId": pool_id})["UserPool"]


def test_what_is_found_is_found_on_any_page_of_the_listings(
    cognito_emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ListUserPools, ListResourceServers, ListUserPoolClients and ListGroups answer in pages;
    with one item a page, every part of the pool is on a page after the first."""
    call = cognito_emulator.app.dispatch
    kit(call, pool_name="before")
    pool_id = call("CreateUserPool", {"PoolName": "target"})["UserPool"]["Id"]
    call("CreateResourceServer", {"UserPoolId": pool_id, "Identifier": "aaa", "Name": "first"})
    call("CreateUserPoolClient", {"UserPoolId": pool_id, "ClientName": "first"})
    call("CreateGroup", {"UserPoolId": pool_id, "GroupName": "aaa"})
    first = kit(call, pool_name="target", domain_prefix="target")
    kit(call, pool_name="after")
    monkeypatch.setattr(lookups, "LIST_PAGE_SIZE", 1)
    recorded = RecordedCalls(call)

    again = kit(recorded, pool_name="target", domain_prefix="target")

    assert [r.physical_id for r in again.resources.values()] == [
        r.physical_id for r in first.resources.values()
    ]
    assert not any(operation.startswith("Create") for operation in recorded.operations)
    for listing in ("ListUserPools", "ListResourceServers", "ListUserPoolClients", "ListGroups"):
        assert recorded.operations.count(listing) >= 2, listing


# -- updates carry the whole template ---------------------------------------------------------


def accepted_by(operation: str) -> set[str]:
    """The request members of a cognito-idp operation, from botocore's service model."""
    model = botocore.session.get_session().get_service_model("cognito-idp")
    return set(model.operation_model(operation).input_shape.members)


def test_an_update_sends_every_setting_the_create_did_that_the_update_takes(
    cognito_emulator: EmulatorServer,
) -> None:
    """ "If you don't provide a value for an attribute, Amazon Cognito sets it to its default
    value" (UpdateUserPool, API reference); UpdateUserPoolClient too resets what it omits. So
    an update sends all a creation did, but for what only creation takes (the pool's name, by
    which it is found, its schema and username settings; a client's secret), and
    MfaConfiguration, which SetUserPoolMfaConfig set at creation."""
    creation = RecordedCalls(cognito_emulator.app.dispatch)
    kit(creation)
    update = RecordedCalls(cognito_emulator.app.dispatch)
    kit(update)

    created_pool, updated_pool = (
        creation.body_of("CreateUserPool"),
        update.body_of("UpdateUserPool"),
    )
    assert set(updated_pool) == (set(created_pool) & accepted_by("UpdateUserPool")) - {
        "PoolName"
    } | {"UserPoolId", "MfaConfiguration"}
    assert set(created_pool) - accepted_by("UpdateUserPool") == {"Schema", "UsernameConfiguration"}
    assert updated_pool["MfaConfiguration"] == "OPTIONAL"
    assert update.body_of("SetUserPoolMfaConfig") == creation.body_of("SetUserPoolMfaConfig")
    created_clients = [body for op, body in creation.requests if op == "CreateUserPoolClient"]
    updated_clients = [body for op, body in update.requests if op == "UpdateUserPoolClient"]
    for created, updated in zip(created_clients, updated_clients, strict=True):
        assert set(created) - accepted_by("UpdateUserPoolClient") == {"GenerateSecret"}
        assert {key: value for key, value in updated.items() if key != "ClientId"} == {
            key: value for key, value in created.items() if key != "GenerateSecret"
        }


# -- any template -------------------------------------------------------------------------------

ORDERS = """\
Parameters:
  Stage: {Type: String, AllowedValues: [dev, prod]}
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
Resources:
  Pool:
    Type: AWS::Cognito::UserPool
    Properties:
      UserPoolTags: {Stage: !Ref Stage, Stack: !Ref AWS::StackName}
  Web:
    Type: AWS::Cognito::UserPoolClient
    Properties:
      UserPoolId: !Ref Pool
      ExplicitAuthFlows: [ALLOW_USER_SRP_AUTH, ALLOW_REFRESH_TOKEN_AUTH]
  Auditors:
    Type: AWS::Cognito::UserPoolGroup
    Condition: IsProd
    Properties: {UserPoolId: !Ref Pool, Precedence: "5"}
Outputs:
  Issuer:
    Value: !GetAtt Pool.ProviderURL
  Group:
    Condition: IsProd
    Value: !Ref Auditors
"""


def test_what_a_template_leaves_unnamed_is_named_after_the_stack_and_found_by_that_name(
    cognito_emulator: EmulatorServer,
) -> None:
    call = cognito_emulator.app.dispatch
    template = parse_template(ORDERS, "/somewhere/orders.yaml")

    first = deploy(template, call, region="us-east-1", parameters={"Stage": "dev"})
    again = deploy(template, call, region="us-east-1", parameters={"Stage": "prod"})

    pool_id = first.resources["Pool"].physical_id
    pool = call("DescribeUserPool", {"UserPoolId": pool_id})["UserPool"]
    assert pool["Name"] == "orders-Pool"
    assert pool["UserPoolTags"] == {"Stage": "prod", "Stack": "orders"}
    assert again.resources["Web"].physical_id == first.resources["Web"].physical_id
    web = call(
        "DescribeUserPoolClient",
        {"UserPoolId": pool_id, "ClientId": first.resources["Web"].physical_id},
    )["UserPoolClient"]
    assert (web["ClientName"], "ClientSecret" in web) == ("orders-Web", False)
    assert list(first.resources) == ["Pool", "Web"]
    assert first.outputs == {"Issuer": f"https://cognito-idp.us-east-1.amazonaws.com/{pool_id}"}
    assert again.outputs == {**first.outputs, "Group": "orders-Auditors"}
    groups = call("ListGroups", {"UserPoolId": pool_id})["Groups"]
    assert [(g["GroupName"], g["Precedence"]) for g in groups] == [("orders-Auditors", 5)]


def test_cognito_refusing_an_operation_names_the_resource_and_a_new_deployment_resumes(
    cognito_emulator: EmulatorServer,
) -> None:
    call = cognito_emulator.app.dispatch
    text = """\
Resources:
  Pool:
    Type: AWS::Cognito::UserPool
    Properties: {UserPoolName: orders}
  Api:
    Type: AWS::Cognito::UserPoolResourceServer
    Condition: WithApi
    Properties:
      UserPoolId: !Ref Pool
      Identifier: orders
      Name: Orders
      Scopes: [{ScopeName: read, ScopeDescription: Read}]
  Service:
    Type: AWS::Cognito::UserPoolClient
    Properties:
      UserPoolId: !Ref Pool
      GenerateSecret: true
      AllowedOAuthFlowsUserPoolClient: true
      AllowedOAuthFlows: [client_credentials]
      AllowedOAuthScopes: [orders/read]
Parameters:
  Api: {Type: String, Default: "no"}
Conditions:
  WithApi: !Equals [!Ref Api, "yes"]
"""
    template = parse_template(text, "orders.yaml")

    with pytest.raises(DeployFailed) as failed:
        deploy(template, call, region="us-east-1")
    fixed = deploy(template, call, region="us-east-1", parameters={"Api": "yes"})

    assert str(failed.value) == (
        "resource Service (AWS::Cognito::UserPoolClient): CreateUserPoolClient failed: "
        "ScopeDoesNotExistException: Invalid scope requested: orders/read"
    )
    assert [(r.logical_id, r.change) for r in fixed.resources.values()] == [
        ("Pool", Change.UPDATED),
        ("Api", Change.CREATED),
        ("Service", Change.CREATED),
    ]


def test_the_secret_of_a_client_without_one_is_named_as_missing(
    cognito_emulator: EmulatorServer,
) -> None:
    text = """\
Resources:
  Pool: {Type: AWS::Cognito::UserPool}
  Web:
    Type: AWS::Cognito::UserPoolClient
    Properties: {UserPoolId: !Ref Pool}
Outputs:
  Secret: {Value: !GetAtt Web.ClientSecret}
"""
    with pytest.raises(TemplateError) as refused:
        deploy(
            parse_template(text, "public.yaml"), cognito_emulator.app.dispatch, region="us-east-1"
        )

    assert str(refused.value) == "output Secret: Web has no ClientSecret"
