"""`cognito-emulator --template PATH [--template-parameter KEY=VALUE ...]`: the emulator boots
from the user's own CloudFormation template; what it cannot deploy is a clear error, exit 2."""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

import boto3
import pytest

from cognito_emulator.cli import main
from cognito_emulator.pytest_plugin import secret_hash
from tests.emulator.test_cli import processes, start_emulator, unbound_server

__all__ = ["processes", "unbound_server"]  # fixtures used here

ORDERS = """\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Prefix:
    Type: String
Resources:
  Pool:
    Type: AWS::Cognito::UserPool
    Properties:
      UserPoolName: !Sub ${Prefix}-users
      AutoVerifiedAttributes: [email]
  Login:
    Type: AWS::Cognito::UserPoolDomain
    Properties:
      UserPoolId: !Ref Pool
      Domain: !Sub ${Prefix}-login
  Web:
    Type: AWS::Cognito::UserPoolClient
    Properties:
      UserPoolId: !Ref Pool
      ClientName: web
      GenerateSecret: true
      ExplicitAuthFlows: [ALLOW_USER_PASSWORD_AUTH, ALLOW_REFRESH_TOKEN_AUTH]
      AllowedOAuthFlowsUserPoolClient: true
      AllowedOAuthFlows: [code]
      AllowedOAuthScopes: [openid, email]
      CallbackURLs: [https://orders.example.com/callback]
"""


def settings_of(env_file: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in env_file.read_text().splitlines())


def test_a_users_template_boots_and_its_first_pool_and_client_are_the_settings(
    tmp_path: Path, processes: list[subprocess.Popen[str]]
) -> None:
    template, env_file = tmp_path / "orders.yaml", tmp_path / "orders.env"
    template.write_text(ORDERS)

    process, output = start_emulator(
        "--template",
        str(template),
        "--template-parameter",
        "Prefix=orders",
        "--env-file",
        str(env_file),
        "--fixed-code",
        "123456",
    )
    processes.append(process)

    settings = settings_of(env_file)
    url = settings["AWS_COGNITO_ENDPOINT_URL"]
    assert list(settings) == [
        "AWS_REGION",
        "AWS_COGNITO_USER_POOL_ID",
        "AWS_COGNITO_APP_CLIENT_ID",
        "AWS_COGNITO_APP_CLIENT_SECRET",
        "AWS_COGNITO_ENDPOINT_URL",
        "AWS_COGNITO_DOMAIN",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
    ]
    assert settings["AWS_COGNITO_DOMAIN"] == f"{url}/domains/orders-login"
    assert (
        f"  Login page (browser):     {url}/domains/orders-login/login?"
        f"client_id={settings['AWS_COGNITO_APP_CLIENT_ID']}&response_type=code&scope=openid+email"
        "&redirect_uri=https%3A%2F%2Forders.example.com%2Fcallback"
    ) in output
    idp = boto3.client(
        "cognito-idp",
        region_name=settings["AWS_REGION"],
        endpoint_url=url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    pool = idp.describe_user_pool(UserPoolId=settings["AWS_COGNITO_USER_POOL_ID"])["UserPool"]
    assert (pool["Name"], pool["Domain"]) == ("orders-users", "orders-login")
    client_id, secret = (
        settings["AWS_COGNITO_APP_CLIENT_ID"],
        settings["AWS_COGNITO_APP_CLIENT_SECRET"],
    )
    idp.sign_up(
        ClientId=client_id,
        SecretHash=secret_hash("ada", client_id, secret),
        Username="ada",
        Password="Passw0rd!",
        UserAttributes=[{"Name": "email", "Value": "ada@example.com"}],
    )
    idp.confirm_sign_up(
        ClientId=client_id,
        SecretHash=secret_hash("ada", client_id, secret),
        Username="ada",
        ConfirmationCode="123456",
    )

    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=15)
    assert process.returncode == 0
    assert "Traceback" not in stderr


def test_a_kit_template_parameter_changes_the_default_bootstrap(
    unbound_server: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env_file = tmp_path / "kit.env"

    assert (
        main(
            [
                "--template-parameter",
                "ServiceUrl=http://localhost:9000",
                "--env-file",
                str(env_file),
            ]
        )
        == 0
    )

    assert settings_of(env_file)["SERVICE_PUBLIC_URL"] == "http://localhost:9000"
    assert "redirect_uri=http%3A%2F%2Flocalhost%3A9000%2Fdocs%2Foauth2-redirect" in (
        capsys.readouterr().out
    )


UNSUPPORTED = ORDERS + "  Bucket:\n    Type: AWS::S3::Bucket\n"
NO_APP_CLIENT = """\
Resources:
  Pool:
    Type: AWS::Cognito::UserPool
  Api:
    Type: AWS::Cognito::UserPoolResourceServer
    Properties:
      UserPoolId: !Ref Pool
      Identifier: api
      Name: API
      Scopes: [{ScopeName: read, ScopeDescription: Read}]
  Service:
    Type: AWS::Cognito::UserPoolClient
    DependsOn: Api
    Properties:
      UserPoolId: !Ref Pool
      GenerateSecret: true
      AllowedOAuthFlowsUserPoolClient: true
      AllowedOAuthFlows: [client_credentials]
      AllowedOAuthScopes: [api/read]
"""


@pytest.mark.parametrize(
    ("text", "options", "error"),
    [
        (
            UNSUPPORTED,
            ["--template-parameter", "Prefix=orders"],
            "resource Bucket: the type AWS::S3::Bucket is not supported by the deployer "
            "(supported: AWS::Cognito::UserPool, AWS::Cognito::UserPoolClient, "
            "AWS::Cognito::UserPoolGroup, AWS::Cognito::UserPoolDomain, "
            "AWS::Cognito::UserPoolResourceServer)",
        ),
        (ORDERS, [], "parameter Prefix needs a value: the template gives no Default"),
        (
            ORDERS,
            ["--template-parameter", "Prefix=orders", "--template-parameter", "Stage=prod"],
            "parameter Stage is not declared by the template (it declares: Prefix)",
        ),
        (
            NO_APP_CLIENT,
            [],
            "the template deploys no AWS::Cognito::UserPoolClient for the pool Pool other than "
            "for client credentials: the bootstrap's settings describe an app client",
        ),
        ("Resources: [\n", [], "{path}: not valid YAML: while parsing a flow node"),
    ],
    ids=["unsupported type", "missing parameter", "unknown parameter", "no app client", "no YAML"],
)
def test_a_template_it_cannot_deploy_is_a_clear_error_with_exit_code_2(
    text: str,
    options: list[str],
    error: str,
    unbound_server: None,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    template = tmp_path / "orders.yaml"
    template.write_text(text)

    assert main(["--template", str(template), *options]) == 2

    err = capsys.readouterr().err
    assert err.startswith(
        f"cognito-emulator: error: cannot deploy {template}: {error.format(path=template)}"
    )
    assert "Traceback" not in err


def test_a_missing_template_file_is_a_clear_error(
    unbound_server: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "absent.yaml"

    assert main(["--template", str(missing)]) == 2

    assert capsys.readouterr().err == (
        f"cognito-emulator: error: cannot deploy {missing}: cannot read the template {missing}: "
        f"[Errno 2] No such file or directory: '{missing}'\n"
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--template-parameter", "Prefix"], "must be KEY=VALUE, KEY one of the template's"),
        (["--template-parameter", "my-prefix=x"], "must be KEY=VALUE, KEY one of the template's"),
        (
            ["--no-bootstrap", "--template", "orders.yaml"],
            "--template and --template-parameter bootstrap a pool: drop --no-bootstrap",
        ),
        (
            ["--template-parameter", "A=1", "--template-parameter", "A=2"],
            "--template-parameter A=... is given more than once",
        ),
    ],
)
def test_bad_template_arguments_exit_2_with_a_message(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(argv)

    assert exited.value.code == 2
    assert message in capsys.readouterr().err
