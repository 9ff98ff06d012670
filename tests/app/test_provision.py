"""`nox -s provision` against the emulator: the pool, client and group it creates, the
`.env` it writes, and a service started from that `.env`."""

import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

import app.provision
from app.api.routes.admin import ADMIN_GROUP
from app.core.config import Settings
from app.main import create_app
from app.provision import main, update_env_file
from cognito_emulator.server import EmulatorServer


def read_env(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)


def provision(server: EmulatorServer, env_file: Path, *options: str) -> int:
    """`nox -s provision` against the emulator, writing `env_file`: its exit code."""
    return main(["--endpoint-url", server.endpoint_url, *options, "--env-file", str(env_file)])


@pytest.fixture
def provisioned(
    cognito_emulator: EmulatorServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> dict[str, str]:
    env_file = tmp_path / ".env"
    env_file.write_text("DATABASE_URL=sqlite:///kept.db\nAWS_COGNITO_USER_POOL_ID=stale\n")

    code = provision(
        cognito_emulator,
        env_file,
        "--region",
        cognito_emulator.region,
        "--pool-name",
        "provisioned",
    )

    assert code == 0
    output = capsys.readouterr().out
    values = read_env(env_file)
    assert values["AWS_COGNITO_APP_CLIENT_SECRET"] not in output
    assert values["AWS_COGNITO_MACHINE_CLIENT_SECRET"] not in output
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    return values


def test_provisioning_writes_the_settings_and_keeps_other_lines(
    provisioned: dict[str, str], cognito_emulator: EmulatorServer
) -> None:
    assert provisioned["DATABASE_URL"] == "sqlite:///kept.db"
    assert provisioned["AWS_COGNITO_USER_POOL_ID"] != "stale"
    assert provisioned["AWS_COGNITO_ENDPOINT_URL"] == cognito_emulator.endpoint_url
    assert provisioned["AWS_REGION"] == cognito_emulator.region
    assert provisioned["AWS_COGNITO_APP_CLIENT_SECRET"]


def test_the_domain_prefix_is_derived_from_the_pool_name_and_made_unique(
    provisioned: dict[str, str],
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
) -> None:
    """A prefix is unique among all of AWS's customers in a region, so the default one gets a
    random suffix; the pool's domain is served by the emulator under /domains/."""
    domain_url = provisioned["AWS_COGNITO_DOMAIN"]
    prefix = domain_url.removeprefix(f"{cognito_emulator.endpoint_url}/domains/")
    pool_id = provisioned["AWS_COGNITO_USER_POOL_ID"]

    assert re.fullmatch(r"provisioned-[0-9a-f]{8}", prefix)
    assert cognito_idp_client.describe_user_pool(UserPoolId=pool_id)["UserPool"]["Domain"] == prefix
    machine = cognito_idp_client.describe_user_pool_client(
        UserPoolId=pool_id, ClientId=provisioned["AWS_COGNITO_MACHINE_CLIENT_ID"]
    )["UserPoolClient"]
    assert machine["ClientSecret"] == provisioned["AWS_COGNITO_MACHINE_CLIENT_SECRET"]
    assert machine["AllowedOAuthFlows"] == ["client_credentials"]


def test_a_chosen_domain_prefix_is_used(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    env_file = tmp_path / ".env"
    endpoint = cognito_emulator.endpoint_url

    code = provision(cognito_emulator, env_file, "--domain-prefix", "team-login")

    assert code == 0
    assert read_env(env_file)["AWS_COGNITO_DOMAIN"] == f"{endpoint}/domains/team-login"
    assert f"Domain {endpoint}/domains/team-login" in capsys.readouterr().out
    assert (
        cognito_idp_client.describe_user_pool_domain(Domain="team-login")["DomainDescription"][
            "Status"
        ]
        == "ACTIVE"
    )


@pytest.mark.parametrize(
    ("prefix", "problem"),
    [
        ("cognito-kit", "Cognito refuses prefixes containing 'cognito'"),
        ("my-aws-login", "Cognito refuses prefixes containing 'aws'"),
        (
            "Team_Login",
            "use 1 to 63 lower-case letters, digits and hyphens, not starting or ending with '-'",
        ),
    ],
)
def test_a_domain_prefix_cognito_would_refuse_stops_before_anything_is_created(
    prefix: str,
    problem: str,
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Checked first: Cognito would refuse it only after the pool exists."""
    env_file = tmp_path / ".env"

    with pytest.raises(SystemExit) as exited:
        provision(cognito_emulator, env_file, "--domain-prefix", prefix)

    assert exited.value.code == 2
    assert f"argument --domain-prefix: {prefix!r}: {problem}" in capsys.readouterr().err
    assert cognito_idp_client.list_user_pools(MaxResults=60)["UserPools"] == []
    assert not env_file.exists()


def test_the_pool_and_client_have_what_the_service_needs(
    provisioned: dict[str, str], cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    pool_id = provisioned["AWS_COGNITO_USER_POOL_ID"]
    pool = cognito_idp_client.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    app_client = cognito_idp_client.describe_user_pool_client(
        UserPoolId=pool_id, ClientId=provisioned["AWS_COGNITO_APP_CLIENT_ID"]
    )["UserPoolClient"]
    groups = cognito_idp_client.list_groups(UserPoolId=pool_id)["Groups"]

    assert pool["Name"] == "provisioned"
    assert pool["AutoVerifiedAttributes"] == ["email"]
    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is False
    assert pool["Policies"]["PasswordPolicy"]["MinimumLength"] == 8
    assert app_client["ClientSecret"] == provisioned["AWS_COGNITO_APP_CLIENT_SECRET"]
    assert {"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"} <= set(
        app_client["ExplicitAuthFlows"]
    )
    assert app_client["PreventUserExistenceErrors"] == "ENABLED"
    assert [group["GroupName"] for group in groups] == [ADMIN_GROUP]
    assert pool["DeletionProtection"] == "INACTIVE"


def test_the_service_runs_from_the_provisioned_env_file(
    provisioned: dict[str, str], cognito_emulator: EmulatorServer, tmp_path: Path
) -> None:
    env_file = tmp_path / ".env"
    settings = Settings(_env_file=env_file, DATABASE_URL=f"sqlite:///{tmp_path / 'app.db'}")
    pool_id = provisioned["AWS_COGNITO_USER_POOL_ID"]
    body = {"username": "alice", "email": "alice@example.com", "password": "Correct-Horse-9"}

    with TestClient(create_app(settings)) as client:
        assert client.post("/users/signup", json=body).status_code == 201
        code = cognito_emulator.latest_code(pool_id, "alice")
        verify = {"username": "alice", "confirmation_code": code}
        assert client.post("/users/verify", json=verify).status_code == 200
        login = client.post(
            "/users/login", data={"username": "alice", "password": body["password"]}
        )
        token = login.json()["access_token"]
        me = client.get("/users/me", headers={"Authorization": f"Bearer {token}"})

    assert me.status_code == 200
    assert me.json()["username"] == "alice"


def test_provisioning_for_aws_drops_a_leftover_emulator_endpoint_and_protects_the_pool(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("AWS_COGNITO_ENDPOINT_URL=http://127.0.0.1:9229\nOTHER=1\n")
    # "Real AWS" here is the emulator reached through boto3's own endpoint setting, so the
    # command runs its AWS branch (no --endpoint-url) without leaving 127.0.0.1.
    monkeypatch.setenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", cognito_emulator.endpoint_url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")

    assert main(["--region", cognito_emulator.region, "--env-file", str(env_file)]) == 0

    values = read_env(env_file)
    assert "AWS_COGNITO_ENDPOINT_URL" not in values
    assert values["OTHER"] == "1"
    assert re.fullmatch(
        rf"https://kit-[0-9a-f]{{8}}\.auth\.{cognito_emulator.region}\.amazoncognito\.com",
        values["AWS_COGNITO_DOMAIN"],
    )
    pool = cognito_idp_client.describe_user_pool(UserPoolId=values["AWS_COGNITO_USER_POOL_ID"])
    assert pool["UserPool"]["DeletionProtection"] == "ACTIVE"


def test_provisioning_failure_is_reported_not_raised(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env_file = tmp_path / ".env"

    code = main(["--endpoint-url", "http://127.0.0.1:9", "--env-file", str(env_file)])

    assert code == 1
    assert "provision:" in capsys.readouterr().err
    assert not env_file.exists()


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    previous = os.umask(0)
    yield
    os.umask(previous)


def test_a_readable_env_file_is_owner_only_before_the_secret_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """python-dotenv gives each rewritten file the old file's mode: the file must be owner-only
    before the first key goes in, not only once they all are."""
    env_file = tmp_path / ".env"
    env_file.write_text("OTHER=1\n")
    env_file.chmod(0o644)
    modes_while_writing = []
    write = app.provision.set_key

    def watched_write(path: Path, key: str, value: str, **options: Any) -> object:
        result = write(path, key, value, **options)
        modes_while_writing.append(stat.S_IMODE(env_file.stat().st_mode))
        return result

    monkeypatch.setattr(app.provision, "set_key", watched_write)

    update_env_file(
        env_file, {"AWS_COGNITO_APP_CLIENT_ID": "id", "AWS_COGNITO_APP_CLIENT_SECRET": "s"}
    )

    assert modes_while_writing == [0o600, 0o600]
    assert env_file.read_text() == (
        "OTHER=1\nAWS_COGNITO_APP_CLIENT_ID=id\nAWS_COGNITO_APP_CLIENT_SECRET=s\n"
    )


def test_a_new_env_file_is_owner_only_whatever_the_umask(
    tmp_path: Path, permissive_umask: None, caplog: pytest.LogCaptureFixture
) -> None:
    """Also: removing a key the file does not hold is quietly nothing (no dotenv warning)."""
    env_file = tmp_path / ".env"

    update_env_file(
        env_file, {"AWS_COGNITO_APP_CLIENT_SECRET": "s"}, remove=["AWS_COGNITO_ENDPOINT_URL"]
    )

    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    assert env_file.read_text() == "AWS_COGNITO_APP_CLIENT_SECRET=s\n"
    assert caplog.records == []
