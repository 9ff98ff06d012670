"""`cognito-emulator --lambda NAME=module:function` and `--lambda-endpoint URL`.

A user's handler module, in the directory they run the emulator from, runs unchanged; what is
mistyped is a usage error (exit 2) saying what is wrong, never a traceback.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from cognito_emulator.cli import main
from cognito_emulator.pytest_plugin import secret_hash
from tests.emulator.lambda_invoke_api import LambdaInvokeApi

USAGE = (
    "must be NAME=module:function, NAME a Lambda function name (letters, digits, - and _; "
    "e.g. pre-sign-up=app.triggers:pre_sign_up), got"
)


@pytest.fixture
def kept_sys_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """main() puts the working directory on sys.path for --lambda modules: undo it after."""
    monkeypatch.setattr(sys, "path", list(sys.path))


@pytest.mark.parametrize(
    "value",
    [
        "gate",
        "gate=",
        "=app.triggers:handler",
        "gate=app.triggers",
        "gate=app.triggers:",
        "gate=app.triggers:handler:extra",
        "my gate=app.triggers:handler",
        "gate:prod=app.triggers:handler",
    ],
)
def test_a_lambda_that_is_not_name_equals_module_function_is_a_usage_error(
    value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--lambda", value])

    assert exited.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"cognito-emulator: error: argument --lambda: {USAGE} {value!r}"
    )


def test_the_same_function_name_twice_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--lambda", "gate=app.triggers:one", "--lambda", "gate=app.triggers:other"])

    assert exited.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "cognito-emulator: error: --lambda gate=... is given more than once"
    )


@pytest.mark.parametrize("value", ["127.0.0.1:3001", "ftp://127.0.0.1:3001", "http://"])
def test_a_lambda_endpoint_that_is_not_an_http_url_is_a_usage_error(
    value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--lambda-endpoint", value])

    assert exited.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"cognito-emulator: error: argument --lambda-endpoint: must be an http(s) URL, got "
        f"{value!r}"
    )


@pytest.mark.usefixtures("kept_sys_path")
@pytest.mark.parametrize(
    ("module_source", "reference", "reason"),
    [
        (None, "{module}:handler", "cannot import {module!r}: ModuleNotFoundError: No module "
         "named {module!r}"),
        ("def other(event, context):\n    return event\n", "{module}:handler",
         "module {module!r} has no function 'handler'"),
        ("raise RuntimeError('DATABASE_URL is not set')\n", "{module}:handler",
         "cannot import {module!r}: RuntimeError: DATABASE_URL is not set"),
    ],
)  # fmt: skip
def test_a_handler_that_cannot_be_loaded_stops_the_start_with_a_clear_error(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    module_source: str | None,
    reference: str,
    reason: str,
) -> None:
    module = f"user_triggers_{uuid.uuid4().hex}"
    if module_source is not None:
        (tmp_path / f"{module}.py").write_text(module_source)
    monkeypatch.chdir(tmp_path)
    argv = ["--port", "0", "--log-level", "error", "--lambda"]

    status = main([*argv, f"gate={reference.format(module=module)}"])

    assert status == 2
    assert capsys.readouterr().err == (
        f"cognito-emulator: error: cannot start: {reason.format(module=module)}\n"
    )


# -- a real run --------------------------------------------------------------------------------


@pytest.fixture
def invoke_api() -> Iterator[LambdaInvokeApi]:
    api = LambdaInvokeApi()
    api.start()
    yield api
    api.stop()


def console_script() -> Path:
    script = Path(sys.executable).with_name("cognito-emulator")
    if not script.exists():
        pytest.skip(f"the cognito-emulator console script is not installed beside {sys.executable}")
    return script


def read_until_ready(process: subprocess.Popen[str]) -> list[str]:
    assert process.stdout is not None
    lines = []
    for line in process.stdout:
        lines.append(line.rstrip("\n"))
        if line.startswith("Press Ctrl-C"):
            return lines
    assert process.stderr is not None
    raise AssertionError(
        f"the emulator exited before it was ready: {lines} {process.stderr.read()}"
    )


def test_a_handler_module_in_the_working_directory_runs_and_other_functions_use_the_endpoint(
    tmp_path: Path, invoke_api: LambdaInvokeApi
) -> None:
    """As a user runs it: the console script (which, unlike `python -m`, does not put the working
    directory on sys.path by itself) from the project's directory, naming the project's module."""
    module = f"user_triggers_{uuid.uuid4().hex}"
    (tmp_path / f"{module}.py").write_text(
        "def pre_sign_up(event, context):\n"
        "    event['response']['autoConfirmUser'] = True\n"
        "    return event\n"
    )
    post_confirmation_events: list[dict[str, object]] = []

    def welcome(event: dict[str, object], context: object) -> dict[str, object]:
        post_confirmation_events.append(event)
        return event

    welcome_arn = invoke_api.register("welcome", welcome)
    process = subprocess.Popen(
        [
            str(console_script()),
            "--port", "0", "--log-level", "warning",
            "--lambda", f"gate={module}:pre_sign_up",
            "--lambda-endpoint", invoke_api.endpoint_url,
        ],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        output = read_until_ready(process)
        settings = dict(line.strip().split("=", 1) for line in output if line.startswith("  AWS_"))
        assert f"  Lambda gate: {module}:pre_sign_up (in-process)" in output
        assert f"  Other Lambda functions:   Invoke API at {invoke_api.endpoint_url}" in output
        idp = boto3.client(
            "cognito-idp",
            region_name=settings["AWS_REGION"],
            endpoint_url=settings["AWS_COGNITO_ENDPOINT_URL"],
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        pool_id = settings["AWS_COGNITO_USER_POOL_ID"]
        client_id = settings["AWS_COGNITO_APP_CLIENT_ID"]
        gate_arn = welcome_arn.replace(":function:welcome", ":function:gate")
        idp.update_user_pool(
            UserPoolId=pool_id,
            LambdaConfig={"PreSignUp": gate_arn, "PostConfirmation": welcome_arn},
        )

        signed_up = idp.sign_up(
            ClientId=client_id,
            SecretHash=secret_hash("ivy", client_id, settings["AWS_COGNITO_APP_CLIENT_SECRET"]),
            Username="ivy",
            Password="Passw0rd!",
            UserAttributes=[{"Name": "email", "Value": "ivy@example.com"}],
        )

        assert signed_up["UserConfirmed"] is True
        user = idp.admin_get_user(UserPoolId=pool_id, Username="ivy")
        assert user["UserStatus"] == "CONFIRMED"
        assert [invocation.name for invocation in invoke_api.invocations] == ["welcome"]
        ((trigger_source, user_name),) = [
            (event["triggerSource"], event["userName"]) for event in post_confirmation_events
        ]
        assert (trigger_source, user_name) == ("PostConfirmation_ConfirmSignUp", "ivy")
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=15)
    assert process.returncode == 0
    assert "Traceback" not in stderr
