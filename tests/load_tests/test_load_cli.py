"""`python -m load_tests` options and the Locust command they produce (Locust is not imported)."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from load_tests.__main__ import build_parser, options_from
from load_tests.provisioning import ServicePool
from load_tests.run import (
    MACHINE_SECRET_VARIABLE,
    MachineClient,
    SetupError,
    Target,
    locust_command,
    locust_environment,
    parse_run_time,
)

MACHINE_SECRET = "s3cr3t-of-the-machine-client"
TARGET = Target(
    service_url="http://127.0.0.1:8123",
    cognito=ServicePool("us-east-1", "us-east-1_abc", "http://127.0.0.1:9229"),
    emulator_url="http://127.0.0.1:9229",
    database_url="sqlite:///x.db",
    fresh_pool=True,
    domain_url="http://127.0.0.1:9229/domains/kit",
    machine_client=MachineClient("m4ch1n3", MACHINE_SECRET, "cognito-kit/users.read"),
)
WITHOUT_DOMAIN = dataclasses.replace(TARGET, domain_url=None, machine_client=None)


def command_for(*argv: str, target: Target = TARGET) -> list[str]:
    options = options_from(build_parser().parse_args(list(argv)))
    return locust_command(options, target, Path("out"), Path("out/accounts.json"), "r1")


def value_after(command: list[str], flag: str) -> str:
    return command[command.index(flag) + 1]


def test_the_default_run_is_headless_bounded_and_reports_to_the_out_folder() -> None:
    command = command_for("--out", "out")
    assert command[:3] == [sys.executable, "-m", "locust"]
    assert "--headless" in command and value_after(command, "--run-time") == "60s"
    assert value_after(command, "--users") == "20"
    assert value_after(command, "--csv") == str(Path("out/stats"))
    assert value_after(command, "--html") == str(Path("out/report.html"))
    assert value_after(command, "--host") == TARGET.service_url
    assert value_after(command, "--emulator-url") == TARGET.emulator_url
    assert "--processes" not in command


def test_smoke_is_small_bounded_and_uses_several_locust_processes() -> None:
    command = command_for("--smoke")
    assert value_after(command, "--run-time") == "15s"
    assert value_after(command, "--users") == "8"  # the classes' weights: one of each at least
    assert value_after(command, "--processes") == "2"
    assert value_after(command, "--master-bind-host") == "127.0.0.1"
    assert value_after(command, "--master-bind-port") == value_after(command, "--master-port")


def test_web_mode_serves_the_ui_on_loopback_without_a_run_time() -> None:
    command = command_for("--web")
    assert "--headless" not in command and "--run-time" not in command
    assert value_after(command, "--web-host") == "127.0.0.1"
    assert value_after(command, "--web-port") == "8089"


def test_user_classes_and_tags_reach_locust() -> None:
    command = command_for(
        "--tag", "reads", "--tag", "login", "--fixed-code", "123456", "ReturningUser", "ReadsOnly"
    )
    assert command[-2:] == ["ReturningUser", "ReadsOnly"]
    tags_at = command.index("--tags")
    assert command[tags_at + 1 : tags_at + 4] == ["reads", "login", "--fixed-code"]


def test_p95_options_override_the_defaults_per_route() -> None:
    options = options_from(build_parser().parse_args(["--p95", "GET /users/me=25"]))
    assert options.p95_bounds_ms["GET /users/me"] == 25
    assert options.p95_bounds_ms["POST /users/login"] > 0


@pytest.mark.parametrize(
    ("text", "seconds"), [("90", 90), ("60s", 60), ("1m30s", 90), ("1h", 3600)]
)
def test_run_times_read_like_locusts(text: str, seconds: int) -> None:
    assert parse_run_time(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "5d"])
def test_unreadable_run_times_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_run_time(text)


def test_an_unreadable_run_time_is_an_option_error() -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--run-time", "soon"])


def test_the_runner_never_imports_locust() -> None:
    """Locust monkey-patches with gevent on import; only its own subprocess may import it."""
    probe = (
        "import sys, load_tests.__main__; print('locust' in sys.modules, 'gevent' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "False"]


def test_provisioning_alone_needs_a_deployed_service() -> None:
    with pytest.raises(SystemExit, match="--target-url"):
        options_from(build_parser().parse_args(["--provision-only"]))


def test_the_machine_client_reaches_locust_with_its_secret_only_in_the_environment() -> None:
    command = command_for()
    assert value_after(command, "--cognito-domain") == TARGET.domain_url
    assert value_after(command, "--machine-client-id") == "m4ch1n3"
    assert value_after(command, "--machine-scope") == "cognito-kit/users.read"
    assert not any(MACHINE_SECRET in part for part in command)
    assert locust_environment(TARGET)[MACHINE_SECRET_VARIABLE] == MACHINE_SECRET
    assert MACHINE_SECRET not in repr(TARGET)


def test_every_class_runs_by_default_when_the_pool_has_a_domain_and_a_machine_client() -> None:
    command = command_for()
    assert command[-1] == "--only-summary"  # no class names: Locust runs them all, weighted


def test_without_a_domain_the_default_run_leaves_out_web_sign_in_and_machines(
    capsys: pytest.CaptureFixture[str],
) -> None:
    command = command_for(target=WITHOUT_DOMAIN)
    assert "--cognito-domain" not in command and "--machine-client-id" not in command
    assert command[-3:] == ["NewUserJourney", "ReturningUser", "ReadsOnly"]
    printed = capsys.readouterr().out
    assert "MachineClient left out: it needs the pool's domain (AWS_COGNITO_DOMAIN)" in printed
    assert "WebSignIn left out: the pool has no domain (AWS_COGNITO_DOMAIN)" in printed
    assert MACHINE_SECRET_VARIABLE not in locust_environment(WITHOUT_DOMAIN)


def test_naming_a_class_the_target_cannot_run_is_a_setup_error() -> None:
    with pytest.raises(SetupError, match="WebSignIn cannot run here: the pool has no domain"):
        command_for("ReadsOnly", "WebSignIn", target=WITHOUT_DOMAIN)
