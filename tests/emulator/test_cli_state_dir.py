"""`cognito-emulator --state-dir DIR`: killed with SIGKILL right after answering, the next run on
DIR has every acknowledged change and bootstraps the very same pool, client and secret."""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from cognito_emulator.cli import main
from cognito_emulator.pytest_plugin import secret_hash
from tests.emulator.test_cli import start_emulator


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait(10)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _settings(env_file: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in env_file.read_text().splitlines())


def test_acknowledged_changes_survive_kill_9_and_the_bootstrap_is_reused(
    tmp_path: Path, processes: list[subprocess.Popen[str]]
) -> None:
    state_dir, port = tmp_path / "state", str(_free_port())
    first_env, second_env = tmp_path / "first.env", tmp_path / "second.env"
    process, _ = start_emulator(
        "--port", port, "--state-dir", str(state_dir), "--env-file", str(first_env)
    )
    processes.append(process)
    settings = _settings(first_env)
    idp = boto3.client(
        "cognito-idp",
        region_name=settings["AWS_REGION"],
        endpoint_url=settings["AWS_COGNITO_ENDPOINT_URL"],
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client_id, secret = (
        settings["AWS_COGNITO_APP_CLIENT_ID"],
        settings["AWS_COGNITO_APP_CLIENT_SECRET"],
    )
    idp.sign_up(
        ClientId=client_id,
        SecretHash=secret_hash("alice", client_id, secret),
        Username="alice",
        Password="Passw0rd!",
        UserAttributes=[{"Name": "email", "Value": "alice@example.com"}],
    )

    process.kill()  # SIGKILL: no shutdown code runs
    process.wait(10)
    process, _ = start_emulator(
        "--port", port, "--state-dir", str(state_dir), "--env-file", str(second_env)
    )
    processes.append(process)

    assert second_env.read_text() == first_env.read_text()
    user = idp.admin_get_user(UserPoolId=settings["AWS_COGNITO_USER_POOL_ID"], Username="alice")
    assert user["UserStatus"] == "UNCONFIRMED"
    pools = idp.list_user_pools(MaxResults=60)["UserPools"]
    assert [pool["Id"] for pool in pools] == [settings["AWS_COGNITO_USER_POOL_ID"]]


def test_a_state_dir_it_cannot_use_is_a_clear_error_with_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notes.txt").write_text("mine")

    assert main(["--port", "0", "--state-dir", str(tmp_path)]) == 2

    assert capsys.readouterr().err == (
        f"cognito-emulator: error: cannot start: --state-dir {tmp_path} holds other files and "
        "no emulator state: name a new or empty directory\n"
    )
