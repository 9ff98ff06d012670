"""`nox -s provision` with the service's deployed trigger functions: the pool calls them (pre token
generation with V2_0 events), a run without them leaves the pool with none and says which it
removed, and a value that is no Lambda function ARN stops it before anything is created."""

from pathlib import Path

import pytest
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

from app.provision import main
from cognito_emulator.server import EmulatorServer

POST_CONFIRMATION_ARN = (
    "arn:aws:lambda:us-east-1:123456789012:function:cognito-kit-post-confirmation"
)
PRE_TOKEN_GENERATION_ARN = (
    "arn:aws:lambda:us-east-1:123456789012:function:cognito-kit-pre-token-generation"
)


def provision(server: EmulatorServer, env_file: Path, *options: str) -> int:
    return main(["--endpoint-url", server.endpoint_url, "--env-file", str(env_file), *options])


def lambda_config(client: CognitoIdentityProviderClient) -> dict[str, object]:
    (pool,) = client.list_user_pools(MaxResults=60)["UserPools"]
    described = client.describe_user_pool(UserPoolId=pool["Id"])["UserPool"]
    return dict(described.get("LambdaConfig", {}))


def test_the_pool_calls_the_functions_named_and_says_so(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = provision(
        cognito_emulator,
        tmp_path / ".env",
        "--post-confirmation-arn",
        POST_CONFIRMATION_ARN,
        "--pre-token-generation-arn",
        PRE_TOKEN_GENERATION_ARN,
    )

    assert code == 0
    assert lambda_config(cognito_idp_client) == {
        "PostConfirmation": POST_CONFIRMATION_ARN,
        "PreTokenGeneration": PRE_TOKEN_GENERATION_ARN,
        "PreTokenGenerationConfig": {
            "LambdaArn": PRE_TOKEN_GENERATION_ARN,
            "LambdaVersion": "V2_0",
        },
    }
    output = capsys.readouterr().out.splitlines()
    assert output[-3:] == [
        f"Trigger PostConfirmation calls {POST_CONFIRMATION_ARN}",
        f"Trigger PreTokenGeneration (V2_0) calls {PRE_TOKEN_GENERATION_ARN}",
        f"Settings written to {tmp_path / '.env'}",
    ]


def test_no_triggers_unless_asked(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert provision(cognito_emulator, tmp_path / ".env") == 0

    assert lambda_config(cognito_idp_client) == {}
    assert capsys.readouterr().out.splitlines()[-2:] == [
        "Sign-out returns to http://localhost:8000/",
        f"Settings written to {tmp_path / '.env'}",
    ]


def test_a_run_without_a_trigger_removes_it_and_says_so(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The pool is made to match the definition, triggers included, so a trigger left out is
    removed; the summary names it, so a forgotten flag does not pass unnoticed."""
    env_file = tmp_path / ".env"
    both = (
        "--post-confirmation-arn",
        POST_CONFIRMATION_ARN,
        "--pre-token-generation-arn",
        PRE_TOKEN_GENERATION_ARN,
    )
    assert provision(cognito_emulator, env_file, *both) == 0
    capsys.readouterr()

    assert (
        provision(cognito_emulator, env_file, "--post-confirmation-arn", POST_CONFIRMATION_ARN) == 0
    )

    assert lambda_config(cognito_idp_client) == {"PostConfirmation": POST_CONFIRMATION_ARN}
    assert capsys.readouterr().out.splitlines()[-3:] == [
        f"Trigger PostConfirmation calls {POST_CONFIRMATION_ARN}",
        "Removed triggers PreTokenGeneration (not asked for this time)",
        f"Settings written to {env_file}",
    ]


@pytest.mark.parametrize(
    "value",
    [
        "cognito-kit-post-confirmation",
        "arn:aws:s3:::bucket",
        "arn:aws:lambda:us-east-1:123456789012:layer:deps",
    ],
)
def test_a_value_that_is_no_function_arn_stops_it_before_anything_is_created(
    value: str,
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        provision(cognito_emulator, tmp_path / ".env", "--post-confirmation-arn", value)

    assert exited.value.code == 2
    assert (
        f"argument --post-confirmation-arn: {value!r}: not a Lambda function ARN "
        "(arn:aws:lambda:REGION:ACCOUNT:function:NAME, as `aws lambda get-function` shows it)"
    ) in capsys.readouterr().err
    assert cognito_idp_client.list_user_pools(MaxResults=60)["UserPools"] == []


def test_the_removed_triggers_are_named_once_each_and_a_kms_key_is_none(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A pool provisioned by hand with custom senders: their KMS key is no trigger, and
    PreTokenGeneration counts once however LambdaConfig spells it."""
    arn = "arn:aws:lambda:us-east-1:123456789012:function:{}".format
    cognito_idp_client.create_user_pool(
        PoolName="cognito-kit",
        LambdaConfig={
            "CustomMessage": arn("messages"),
            "CustomEmailSender": {"LambdaArn": arn("mailer"), "LambdaVersion": "V1_0"},
            "KMSKeyID": "arn:aws:kms:us-east-1:123456789012:key/example",
            "PreTokenGenerationConfig": {"LambdaArn": arn("claims"), "LambdaVersion": "V2_0"},
        },
    )

    code = provision(
        cognito_emulator, tmp_path / ".env", "--pre-token-generation-arn", arn("claims")
    )

    assert code == 0
    assert capsys.readouterr().out.splitlines()[-3:] == [
        f"Trigger PreTokenGeneration (V2_0) calls {arn('claims')}",
        "Removed triggers CustomEmailSender, CustomMessage (not asked for this time)",
        f"Settings written to {tmp_path / '.env'}",
    ]
    assert lambda_config(cognito_idp_client) == {
        "PreTokenGeneration": arn("claims"),
        "PreTokenGenerationConfig": {"LambdaArn": arn("claims"), "LambdaVersion": "V2_0"},
    }
