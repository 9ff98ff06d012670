"""The pool definition's triggers: none unless asked (the plugin's pool among them), the
emulator's bootstrap naming functions by name, and `ensure_pool` saying which triggers a pool
loses when it is brought back to a definition without them."""

from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.pool_definition import (
    TriggerFunctions,
    boto3_call,
    ensure_pool,
    user_pool_request,
)
from cognito_emulator.server import EmulatorServer


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


def test_ensure_pool_names_the_triggers_a_pool_loses(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    """Its KMS key is no trigger, and PreTokenGeneration counts once however it is spelled."""
    call = boto3_call(cognito_idp_client)
    arn = cognito_emulator.lambda_arn
    call(
        "CreateUserPool",
        {
            **user_pool_request(),
            "LambdaConfig": {
                "CustomMessage": arn("messages"),
                "CustomEmailSender": {"LambdaArn": arn("mailer"), "LambdaVersion": "V1_0"},
                "KMSKeyID": "arn:aws:kms:us-east-1:123456789012:key/example",
                "PreTokenGenerationConfig": {"LambdaArn": arn("claims"), "LambdaVersion": "V2_0"},
            },
        },
    )

    ensured = ensure_pool(
        call,
        deletion_protection=False,
        triggers=TriggerFunctions(pre_token_generation=arn("claims")),
    )

    assert ensured.changes.triggers_removed == ("CustomEmailSender", "CustomMessage")
    assert lambda_config(cognito_idp_client, ensured.user_pool_id) == {
        "PreTokenGeneration": arn("claims"),
        "PreTokenGenerationConfig": {"LambdaArn": arn("claims"), "LambdaVersion": "V2_0"},
    }
