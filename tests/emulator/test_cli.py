"""`python -m cognito_emulator`: startup output, --env-file, flags, clean stop and clear errors."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import boto3
import httpx
import pytest

from cognito_emulator import server as server_module
from cognito_emulator.cli import main
from cognito_emulator.pytest_plugin import secret_hash
from cognito_emulator.server import EmulatorServer


def read_until_ready(process: subprocess.Popen[str]) -> list[str]:
    assert process.stdout is not None
    lines = []
    for line in process.stdout:
        lines.append(line.rstrip("\n"))
        if line.startswith("Press Ctrl-C"):
            return lines
    raise AssertionError(f"emulator exited before it was ready: {lines}")


def start_emulator(*args: str) -> tuple[subprocess.Popen[str], list[str]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "cognito_emulator", "--port", "0", "--log-level", "warning", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    return process, read_until_ready(process)


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait(10)


def test_cli_serves_bootstraps_writes_env_file_and_stops_on_ctrl_c(
    tmp_path: Path, processes: list[subprocess.Popen[str]]
) -> None:
    env_file = tmp_path / "cognito.env"
    process, output = start_emulator("--env-file", str(env_file), "--fixed-code", "123456")
    processes.append(process)
    settings = dict(line.split("=", 1) for line in env_file.read_text().splitlines())

    assert list(settings) == [
        "AWS_REGION",
        "AWS_COGNITO_USER_POOL_ID",
        "AWS_COGNITO_APP_CLIENT_ID",
        "AWS_COGNITO_APP_CLIENT_SECRET",
        "AWS_COGNITO_ENDPOINT_URL",
        "AWS_COGNITO_DOMAIN",
        "AWS_COGNITO_MACHINE_CLIENT_ID",
        "AWS_COGNITO_MACHINE_CLIENT_SECRET",
        "AWS_COGNITO_ACCEPTED_CLIENT_IDS",
        "SERVICE_PUBLIC_URL",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
    ]
    assert (settings["AWS_ACCESS_KEY_ID"], settings["AWS_SECRET_ACCESS_KEY"]) == ("testing",) * 2
    url = settings["AWS_COGNITO_ENDPOINT_URL"]
    assert settings["AWS_COGNITO_DOMAIN"] == f"{url}/domains/kit"
    assert settings["AWS_COGNITO_ACCEPTED_CLIENT_IDS"] == settings["AWS_COGNITO_MACHINE_CLIENT_ID"]
    assert settings["SERVICE_PUBLIC_URL"] == "http://localhost:8000"
    assert f"  Domain (OAuth 2.0):       {url}/domains/kit" in output
    assert (
        f"  Login page (browser):     {url}/domains/kit/login?"
        f"client_id={settings['AWS_COGNITO_APP_CLIENT_ID']}&response_type=code&scope=openid+email"
        "&redirect_uri=http%3A%2F%2Flocalhost%3A8000%2Fdocs%2Foauth2-redirect"
    ) in output
    assert output[0].startswith(f"Cognito emulator on {url} (region us-east-1")
    assert f"  Console (browser):        {url}/_emulator/" in output
    assert any(line.strip() == f"AWS_COGNITO_USER_POOL_ID={settings['AWS_COGNITO_USER_POOL_ID']}"
               for line in output)  # fmt: skip
    assert any(f"{url}/{settings['AWS_COGNITO_USER_POOL_ID']}/.well-known/jwks.json" in line
               for line in output)  # fmt: skip

    client = boto3.client(
        "cognito-idp",
        region_name=settings["AWS_REGION"],
        endpoint_url=url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client_id, secret = (
        settings["AWS_COGNITO_APP_CLIENT_ID"],
        settings["AWS_COGNITO_APP_CLIENT_SECRET"],
    )
    client.sign_up(
        ClientId=client_id,
        SecretHash=secret_hash("alice", client_id, secret),
        Username="alice",
        Password="Passw0rd!",
        UserAttributes=[{"Name": "email", "Value": "alice@example.com"}],
    )
    client.confirm_sign_up(
        ClientId=client_id,
        SecretHash=secret_hash("alice", client_id, secret),
        Username="alice",
        ConfirmationCode="123456",  # --fixed-code
    )

    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=15)
    assert process.returncode == 0
    assert "stopped" in stdout
    assert "Traceback" not in stderr


def test_port_taken_is_a_clear_error_with_exit_code_2(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        assert main(["--port", str(port)]) == 2

    assert f"127.0.0.1:{port}: address already in use" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--no-bootstrap", "--env-file", "x.env"], "--env-file"),
        (["--fixed-code", "12ab"], "6 digits"),
        (["--quotas", "strict"], "invalid choice"),
        (["--port", "http"], "invalid int"),
    ],
)
def test_bad_arguments_exit_2_with_a_message(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(argv)

    assert exited.value.code == 2
    assert message in capsys.readouterr().err


def test_unwritable_env_file_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing_dir = tmp_path / "missing" / "cognito.env"

    assert main(["--port", "0", "--env-file", str(missing_dir), "--log-level", "error"]) == 2
    assert "cannot write --env-file" in capsys.readouterr().err


def test_no_bootstrap_starts_empty_and_sigterm_stops_cleanly(
    processes: list[subprocess.Popen[str]],
) -> None:
    process, output = start_emulator("--no-bootstrap")
    processes.append(process)
    url = output[0].split()[3]

    assert httpx.get(f"{url}/_emulator/health").json()["pool_ids"] == []
    assert not any("AWS_COGNITO_USER_POOL_ID" in line for line in output)

    process.send_signal(signal.SIGTERM)
    stdout, stderr = process.communicate(timeout=15)
    assert process.returncode == 0
    assert "stopped" in stdout
    assert "Traceback" not in stderr


class UnboundServer(EmulatorServer):
    """The real server, except that it opens no socket: `bind` pretends the OS bound the host as
    given, and serving returns as soon as it is ready (nothing listens on 0.0.0.0 in a test)."""

    @property
    def bound_host(self) -> str:
        return self.host

    @property
    def port(self) -> int:
        return 9229

    def bind(self) -> None:
        pass

    def serve_forever(self, on_ready: Callable[[], None] | None = None) -> None:
        if on_ready is not None:
            on_ready()


@pytest.fixture
def unbound_server(monkeypatch: pytest.MonkeyPatch) -> None:
    """`main` serves an `UnboundServer` and leaves this process's signal handlers alone."""
    monkeypatch.setattr(server_module, "EmulatorServer", UnboundServer)
    monkeypatch.setattr(signal, "signal", lambda signum, handler: None)


NETWORK_WARNING = (
    "cognito-emulator: warning: --host {host} makes the emulator reachable from other machines. "
    "Nothing it serves asks for credentials: anyone who can reach it can read confirmation codes "
    "(/_emulator/outbox), move the clock, inject faults, wipe every pool (/_emulator/reset), and "
    "call the cognito-idp API with any AWS keys. Use the default --host 127.0.0.1 unless other "
    "machines must reach it, and then only on a network you trust.\n"
)


@pytest.mark.parametrize(
    ("host", "local_url"),
    [("0.0.0.0", "http://127.0.0.1:9229"), ("::", "http://[::1]:9229")],
)
def test_all_interfaces_warns_and_says_which_url_to_use_here(
    unbound_server: None, capsys: pytest.CaptureFixture[str], host: str, local_url: str
) -> None:
    assert main(["--host", host, "--no-bootstrap"]) == 0

    out, err = capsys.readouterr()
    assert err == NETWORK_WARNING.format(host=host)
    assert out.splitlines()[:3] == [
        f"Cognito emulator on {local_url} (region us-east-1, quotas off)",
        f"  Listening on all interfaces ({host} port 9229): use {local_url} from this machine, "
        "this machine's address from others",
        f"  API (boto3 endpoint_url): {local_url}",
    ]


def test_one_network_address_warns_and_is_the_url(
    unbound_server: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--host", "192.0.2.10", "--no-bootstrap"]) == 0

    out, err = capsys.readouterr()
    assert err == NETWORK_WARNING.format(host="192.0.2.10")
    assert out.splitlines()[:2] == [
        "Cognito emulator on http://192.0.2.10:9229 (region us-east-1, quotas off)",
        "  API (boto3 endpoint_url): http://192.0.2.10:9229",
    ]


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1"])
def test_loopback_is_quiet(
    unbound_server: None, capsys: pytest.CaptureFixture[str], host: str
) -> None:
    assert main(["--host", host, "--no-bootstrap"]) == 0

    out, err = capsys.readouterr()
    assert err == ""
    assert "Listening on all interfaces" not in out


def test_localhost_is_resolved_to_loopback_and_quiet(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def serve_once(self: EmulatorServer, on_ready: Callable[[], None] | None = None) -> None:
        self.stop()  # bound for real (on loopback), then closed instead of served

    monkeypatch.setattr(EmulatorServer, "serve_forever", serve_once)
    monkeypatch.setattr(signal, "signal", lambda signum, handler: None)

    assert main(["--host", "localhost", "--port", "0", "--no-bootstrap"]) == 0

    out, err = capsys.readouterr()
    assert err == ""
    assert out.startswith("Cognito emulator on http://localhost:")
