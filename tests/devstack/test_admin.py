"""`nox -s dev -- admin USERNAME`: a user of the running dev stack joins the admin group, through
the pool settings the stack keeps in its env file; every way it cannot is said plainly."""

from pathlib import Path

import pytest

from cognito_emulator import EmulatorServer, PoolConfig
from cognito_emulator.pytest_plugin import CognitoUser, create_confirmed_user, idp_client
from devstack import __main__ as devstack_cli
from devstack.admin import AdminCommandError, make_admin
from devstack.ports import free_port
from devstack.stack import Stack


def groups_of(emulator: EmulatorServer, pool: PoolConfig, username: str) -> list[str]:
    client = idp_client(emulator.endpoint_url, emulator.region)
    listed = client.admin_list_groups_for_user(UserPoolId=pool.user_pool_id, Username=username)
    return [group["GroupName"] for group in listed["Groups"]]


@pytest.fixture
def env_file(tmp_path: Path, cognito_pool: PoolConfig) -> Path:
    path = tmp_path / "devstack-8000.env"
    path.write_text(cognito_pool.env_file_text())
    return path


def test_a_user_joins_the_admin_group_and_is_told_to_sign_in_again(
    env_file: Path,
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    cognito_user: CognitoUser,
) -> None:
    said = make_admin(env_file, cognito_user.username)

    assert said == (
        f"{cognito_user.username} is in the 'admin' group: sign in again (Authorize) for a "
        "token that carries it"
    )
    assert groups_of(cognito_emulator, cognito_pool, cognito_user.username) == ["admin"]


def test_a_user_who_has_not_signed_up_is_named(env_file: Path) -> None:
    with pytest.raises(AdminCommandError) as refused:
        make_admin(env_file, "nobody")

    assert str(refused.value) == (
        "the dev stack's pool has no user 'nobody': sign up (and verify) first"
    )


def test_an_empty_username_is_refused_before_anything_is_sent(env_file: Path) -> None:
    with pytest.raises(AdminCommandError) as refused:
        make_admin(env_file, "")

    assert str(refused.value).startswith("'' cannot be a username: Parameter validation failed:")


def test_without_a_running_stack_it_says_how_to_start_one(tmp_path: Path) -> None:
    missing = tmp_path / "devstack-8000.env"

    with pytest.raises(AdminCommandError) as refused:
        make_admin(missing, "alice")

    assert str(refused.value) == (
        f"no running dev stack wrote {missing}: start one with `nox -s dev` (with "
        "`-- --port N`, pass the same `--port N` here)"
    )


def test_a_stack_whose_emulator_is_gone_is_said_at_once(
    tmp_path: Path, cognito_pool: PoolConfig
) -> None:
    gone = f"http://127.0.0.1:{free_port()}"
    stale = tmp_path / "devstack-8000.env"
    stale.write_text(cognito_pool.env_file_text().replace(cognito_pool.endpoint_url, gone))

    with pytest.raises(AdminCommandError) as refused:
        make_admin(stale, "alice")

    assert str(refused.value).startswith(f"the dev stack's emulator at {gone} did not answer (")
    assert str(refused.value).endswith("): is `nox -s dev` still running?")


def test_the_running_stack_keeps_its_settings_for_the_admin_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    port = free_port()
    monkeypatch.setattr(devstack_cli, "default_log_dir", lambda: tmp_path)
    stack = Stack(
        service_port=port,
        emulator_port=free_port(),
        log_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'app.db'}",  # the sign-up's trigger writes there
    )
    stack.start_emulator()  # the service is not needed to join a group
    try:
        assert stack.pool is not None
        assert stack.env_file == tmp_path / f"devstack-{port}.env"
        assert stack.env_file.stat().st_mode & 0o777 == 0o600  # it holds the client secret
        client = idp_client(stack.emulator_url, stack.pool.region)
        user = create_confirmed_user(stack.emulator, stack.pool, client, username="alice")

        status = devstack_cli.main(["admin", "alice", "--port", str(port)])

        assert (status, capsys.readouterr().out) == (
            0,
            "alice is in the 'admin' group: sign in again (Authorize) for a token that carries "
            "it\n",
        )
        assert groups_of(stack.emulator, stack.pool, user.username) == ["admin"]
    finally:
        stack.stop()
    assert not stack.env_file.exists()  # a stopped stack leaves no settings behind


def test_the_admin_command_fails_with_the_reason_on_stderr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(devstack_cli, "default_log_dir", lambda: tmp_path)

    status = devstack_cli.main(["admin", "alice", "--port", "8123"])

    assert (status, capsys.readouterr().err) == (
        1,
        f"devstack admin: no running dev stack wrote {tmp_path / 'devstack-8123.env'}: start "
        "one with `nox -s dev` (with `-- --port N`, pass the same `--port N` here)\n",
    )
