"""The bootstrap deploys a template and describes its pool: the kit's by default, giving the
settings the service reads; again, in the same emulator or after a restart on its state
directory, the very same pool, clients and secrets; a user's template, its first pool and app
client."""

from __future__ import annotations

from pathlib import Path

import pytest
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.cloudformation import TemplateError, parse_template
from cognito_emulator.server import EmulatorServer


def test_the_kit_template_gives_the_settings_the_service_reads(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    pool = cognito_emulator.bootstrap()

    (listed,) = cognito_idp_client.list_user_pools(MaxResults=60)["UserPools"]
    clients = {
        client["ClientName"]: cognito_idp_client.describe_user_pool_client(
            UserPoolId=listed["Id"], ClientId=client["ClientId"]
        )["UserPoolClient"]
        for client in cognito_idp_client.list_user_pool_clients(UserPoolId=listed["Id"])[
            "UserPoolClients"
        ]
    }
    app, machine = clients["cognito-kit-app"], clients["cognito-kit-machine"]
    url = cognito_emulator.endpoint_url
    assert list(pool.as_env().items()) == [
        *{
            "AWS_REGION": "us-east-1",
            "AWS_COGNITO_USER_POOL_ID": listed["Id"],
            "AWS_COGNITO_APP_CLIENT_ID": app["ClientId"],
            "AWS_COGNITO_APP_CLIENT_SECRET": app["ClientSecret"],
            "AWS_COGNITO_ENDPOINT_URL": url,
            "AWS_COGNITO_DOMAIN": f"{url}/domains/kit",
            "AWS_COGNITO_MACHINE_CLIENT_ID": machine["ClientId"],
            "AWS_COGNITO_MACHINE_CLIENT_SECRET": machine["ClientSecret"],
            "AWS_COGNITO_ACCEPTED_CLIENT_IDS": machine["ClientId"],
            "SERVICE_PUBLIC_URL": "http://localhost:8000",
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
        }.items()
    ]


def test_bootstrapping_again_reuses_the_pool_its_clients_and_their_secrets(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    first = cognito_emulator.bootstrap()

    assert cognito_emulator.bootstrap() == first
    assert len(cognito_idp_client.list_user_pools(MaxResults=60)["UserPools"]) == 1


def test_a_restart_on_the_same_state_directory_bootstraps_the_same_settings(
    tmp_path: Path,
) -> None:
    """`--state-dir`: the env file comes out the same, so a service started on it before the
    restart keeps working (the endpoint is the same when the port is)."""
    first_server = EmulatorServer(state_dir=tmp_path / "state").start()
    try:
        first = first_server.bootstrap()
    finally:
        first_server.stop()
    second_server = EmulatorServer(state_dir=tmp_path / "state").start()
    try:
        second = second_server.bootstrap()
    finally:
        second_server.stop()

    moved = {
        "AWS_COGNITO_ENDPOINT_URL": second.endpoint_url,
        "AWS_COGNITO_DOMAIN": f"{second.endpoint_url}/domains/kit",
    }
    assert second.as_env() == {**first.as_env(), **moved}


USERS_TEMPLATE = """\
Resources:
  Pool:
    Type: AWS::Cognito::UserPool
    Properties: {UserPoolName: orders}
  Service:
    Type: AWS::Cognito::UserPoolClient
    Properties:
      UserPoolId: !Ref Pool
      ClientName: service
      GenerateSecret: true
      AllowedOAuthFlowsUserPoolClient: true
      AllowedOAuthFlows: [client_credentials]
      AllowedOAuthScopes: [orders/read]
    DependsOn: Api
  Spa:
    Type: AWS::Cognito::UserPoolClient
    Properties:
      UserPoolId: !Ref Pool
      ClientName: spa
      AllowedOAuthFlowsUserPoolClient: true
      AllowedOAuthFlows: [code]
      AllowedOAuthScopes: [openid]
      CallbackURLs: [http://localhost:3000/callback, http://localhost:3000/other]
  Api:
    Type: AWS::Cognito::UserPoolResourceServer
    Properties:
      UserPoolId: !Ref Pool
      Identifier: orders
      Name: Orders
      Scopes: [{ScopeName: read, ScopeDescription: Read orders}]
  Login:
    Type: AWS::Cognito::UserPoolDomain
    Properties: {UserPoolId: !Ref Pool, Domain: orders-login}
"""


def test_a_users_template_gives_its_first_pools_app_and_machine_clients(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    """The app client is the first without the client credentials grant, here a public one (no
    secret to write); the login page returns to its first callback URL; there is no service
    URL to write, the kit's service being none of the template's."""
    pool = cognito_emulator.bootstrap(template=parse_template(USERS_TEMPLATE, "orders.yaml"))

    clients = {
        client["ClientName"]: client["ClientId"]
        for client in cognito_idp_client.list_user_pool_clients(UserPoolId=pool.user_pool_id)[
            "UserPoolClients"
        ]
    }
    machine_secret = cognito_idp_client.describe_user_pool_client(
        UserPoolId=pool.user_pool_id, ClientId=clients["service"]
    )["UserPoolClient"]["ClientSecret"]
    url = cognito_emulator.endpoint_url
    assert pool == PoolConfig(
        region="us-east-1",
        user_pool_id=pool.user_pool_id,
        client_id=clients["spa"],
        client_secret="",
        endpoint_url=url,
        domain="orders-login",
        machine_client_id=clients["service"],
        machine_client_secret=machine_secret,
        service_url=None,
        callback_url="http://localhost:3000/callback",
    )
    assert list(pool.as_env()) == [
        "AWS_REGION",
        "AWS_COGNITO_USER_POOL_ID",
        "AWS_COGNITO_APP_CLIENT_ID",
        "AWS_COGNITO_ENDPOINT_URL",
        "AWS_COGNITO_DOMAIN",
        "AWS_COGNITO_MACHINE_CLIENT_ID",
        "AWS_COGNITO_MACHINE_CLIENT_SECRET",
        "AWS_COGNITO_ACCEPTED_CLIENT_IDS",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
    ]
    assert pool.login_url == (
        f"{url}/domains/orders-login/login?client_id={clients['spa']}&response_type=code"
        "&scope=openid+email&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fcallback"
    )


def test_a_template_read_from_a_path_is_deployed_with_its_parameters(
    cognito_emulator: EmulatorServer, tmp_path: Path
) -> None:
    path = tmp_path / "named.yaml"
    path.write_text(
        "Parameters:\n  Name: {Type: String}\n"
        + USERS_TEMPLATE.replace("UserPoolName: orders", "UserPoolName: !Ref Name")
    )

    pool = cognito_emulator.bootstrap(template=path, template_parameters={"Name": "shop"})

    described = cognito_emulator.app.dispatch("DescribeUserPool", {"UserPoolId": pool.user_pool_id})
    assert described["UserPool"]["Name"] == "shop"


def test_a_template_without_a_pool_has_no_settings_to_give(
    cognito_emulator: EmulatorServer,
) -> None:
    template = parse_template(
        "Resources:\n  Admins:\n    Type: AWS::Cognito::UserPoolGroup\n"
        "    Properties: {UserPoolId: us-east-1_abc}\n"
        "    Condition: Never\n"
        "Conditions:\n  Never: !Equals [a, b]\n",
        "groups.yaml",
    )

    with pytest.raises(TemplateError) as refused:
        cognito_emulator.bootstrap(template=template)

    assert str(refused.value) == (
        "the template deploys no AWS::Cognito::UserPool: the bootstrap's settings describe a pool"
    )


def test_the_kit_templates_options_do_not_apply_to_another_template(
    cognito_emulator: EmulatorServer,
) -> None:
    with pytest.raises(ValueError) as refused:
        cognito_emulator.bootstrap(
            template=parse_template(USERS_TEMPLATE, "orders.yaml"), pool_name="other"
        )

    assert str(refused.value) == (
        "pool_name, client_name, service_url and trigger_functions are the kit template's: "
        "give another template's values as template_parameters"
    )
    assert cognito_emulator.app.pool_ids() == []
