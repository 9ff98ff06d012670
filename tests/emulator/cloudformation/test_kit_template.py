"""The kit's template is the pool's one definition: the names Python code uses agree with it,
its parameters refuse what Cognito would, and its triggers are there only when asked."""

from __future__ import annotations

import re

import pytest
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

from cognito_emulator import pool_definition
from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.cloudformation import TemplateError, deploy
from cognito_emulator.cloudformation.kit_template import (
    ADMIN_GROUP_RESOURCE,
    APP_CLIENT,
    MACHINE_CLIENT,
    RESOURCE_SERVER,
    USER_POOL,
    TriggerFunctions,
    kit_template,
)
from cognito_emulator.server import EmulatorServer


def test_the_names_python_code_uses_are_the_templates() -> None:
    template = kit_template()
    parameters = template.parameters
    resources = {name: resource.properties for name, resource in template.resources.items()}
    server = resources[RESOURCE_SERVER]
    app_callbacks = [url["Fn::Sub"] for url in resources[APP_CLIENT]["CallbackURLs"]]

    assert parameters["PoolName"].default == pool_definition.DEFAULT_POOL_NAME
    assert parameters["AppClientName"].default == pool_definition.DEFAULT_CLIENT_NAME
    assert parameters["MachineClientName"].default == pool_definition.DEFAULT_MACHINE_CLIENT_NAME
    assert parameters["ServiceUrl"].default == pool_definition.DEFAULT_SERVICE_URL
    assert resources[ADMIN_GROUP_RESOURCE]["GroupName"] == pool_definition.ADMIN_GROUP
    assert server["Identifier"] == pool_definition.RESOURCE_SERVER_IDENTIFIER
    assert [f"{server['Identifier']}/{scope['ScopeName']}" for scope in server["Scopes"]] == [
        pool_definition.READ_USERS_SCOPE,
        pool_definition.WRITE_USERS_SCOPE,
    ]
    assert resources[MACHINE_CLIENT]["AllowedOAuthScopes"] == [
        pool_definition.READ_USERS_SCOPE,
        pool_definition.WRITE_USERS_SCOPE,
    ]
    assert app_callbacks == [
        "${ServiceUrl}" + pool_definition.AUTH_CALLBACK_PATH,
        "${ServiceUrl}" + pool_definition.SWAGGER_REDIRECT_PATH,
    ]
    pre_token = resources[USER_POOL]["LambdaConfig"]["PreTokenGenerationConfig"]["Fn::If"][1]
    assert pre_token["LambdaVersion"] == pool_definition.PRE_TOKEN_GENERATION_VERSION


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost:8000",
        "http://127.0.0.1:8000",
        "http://[::1]:8000",
        "https://api.example.com",
        "https://example.com/kit",
        "https://example.com:8443/a/b",
        "http://api.example.com",
        "ftp://localhost",
        "localhost:8000",
        "http://localhost:8000/?a=1",
        "https://app.example.com/#top",
        "https://app example.com",
        "https://api.example.com/",
        "http://[::1",
    ],
)
def test_the_service_url_parameter_takes_what_provisioning_takes(url: str) -> None:
    """ServiceUrl's AllowedPattern and `service_url_problem` say the same, so a deployment
    with `aws cloudformation deploy` is refused where provisioning would be."""
    pattern = kit_template().parameters["ServiceUrl"].allowed_pattern
    assert pattern is not None

    assert bool(re.fullmatch(pattern, url)) == (pool_definition.service_url_problem(url) is None)


@pytest.mark.parametrize(
    "prefix",
    [
        "kit",
        "team-login",
        "a",
        "x" * 63,
        "x" * 64,
        "-kit",
        "kit-",
        "Kit",
        "my-aws-login",
        "cognito-kit",
        "amazon1",
        "kit_2",
    ],
)
def test_the_domain_prefix_parameter_takes_what_cognito_takes(prefix: str) -> None:
    pattern = kit_template().parameters["DomainPrefix"].allowed_pattern
    assert pattern is not None

    assert bool(re.fullmatch(pattern, prefix)) == (
        pool_definition.domain_prefix_problem(prefix) is None
    )


def test_a_domain_prefix_cognito_would_refuse_stops_the_deployment_before_it_starts(
    cognito_emulator: EmulatorServer,
) -> None:
    with pytest.raises(TemplateError) as refused:
        deploy(
            kit_template(),
            cognito_emulator.app.dispatch,
            region="us-east-1",
            parameters={"DomainPrefix": "cognito-kit", "DeletionProtection": "INACTIVE"},
        )

    assert str(refused.value).startswith("parameter DomainPrefix: 'cognito-kit' does not match")
    assert str(refused.value).endswith(
        "(wanted: 1 to 63 lower-case letters, digits and hyphens, not starting or ending with a "
        'hyphen and without "aws", "amazon" or "cognito" (Cognito refuses those))'
    )
    assert cognito_emulator.app.pool_ids() == []


# -- triggers, only when asked --------------------------------------------------------------------


def lambda_config(client: CognitoIdentityProviderClient, pool_id: str) -> dict[str, object]:
    return dict(client.describe_user_pool(UserPoolId=pool_id)["UserPool"].get("LambdaConfig", {}))


def test_the_plugins_pool_calls_no_trigger(
    cognito_pool: PoolConfig, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    assert lambda_config(cognito_idp_client, cognito_pool.user_pool_id) == {}


def test_the_bootstrap_names_the_functions_by_their_arns_in_this_emulator(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    pool = cognito_emulator.bootstrap(
        trigger_functions=TriggerFunctions(
            post_confirmation="confirmed", pre_token_generation="claims"
        )
    )

    claims = "arn:aws:lambda:us-east-1:000000000000:function:claims"
    assert lambda_config(cognito_idp_client, pool.user_pool_id) == {
        "PostConfirmation": "arn:aws:lambda:us-east-1:000000000000:function:confirmed",
        "PreTokenGeneration": claims,
        "PreTokenGenerationConfig": {"LambdaArn": claims, "LambdaVersion": "V2_0"},
    }


def test_bootstrapping_again_without_a_trigger_removes_it(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    """The template says which triggers the pool has: a deployment without one removes it."""
    first = cognito_emulator.bootstrap(
        trigger_functions=TriggerFunctions(post_confirmation="confirmed", pre_token_generation="c")
    )

    again = cognito_emulator.bootstrap(
        trigger_functions=TriggerFunctions(post_confirmation="confirmed")
    )

    assert again.user_pool_id == first.user_pool_id
    assert lambda_config(cognito_idp_client, again.user_pool_id) == {
        "PostConfirmation": "arn:aws:lambda:us-east-1:000000000000:function:confirmed"
    }
