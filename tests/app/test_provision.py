"""`nox -s provision` against the emulator: the pool, clients and group it deploys from the
kit's template, the `.env` it writes, a service started from that `.env`, and a second run that
updates the same pool rather than making another."""

import os
import re
import stat
from collections.abc import Iterator, Mapping
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
from cognito_emulator.cloudformation import CognitoCall
from cognito_emulator.pool_definition import READ_USERS_SCOPE
from cognito_emulator.server import EmulatorServer


def read_env(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)


def provision(server: EmulatorServer, env_file: Path, *options: str) -> int:
    """`nox -s provision` against the emulator, writing `env_file`: its exit code."""
    return main(["--endpoint-url", server.endpoint_url, *options, "--env-file", str(env_file)])


@pytest.fixture
def env_file(tmp_path: Path) -> Path:
    env_file = tmp_path / ".env"
    env_file.write_text("DATABASE_URL=sqlite:///kept.db\nAWS_COGNITO_USER_POOL_ID=stale\n")
    return env_file


@pytest.fixture
def first_run(
    cognito_emulator: EmulatorServer, env_file: Path, capsys: pytest.CaptureFixture[str]
) -> list[str]:
    """What the first run printed."""
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
    return output.splitlines()


@pytest.fixture
def provisioned(first_run: list[str], env_file: Path) -> dict[str, str]:
    """The settings the first run wrote."""
    return read_env(env_file)


def expected_env_text(values: Mapping[str, str], endpoint_url: str, service_url: str) -> str:
    """The whole `.env` after a run over the fixture's file: its lines first, in their places."""
    return (
        "DATABASE_URL=sqlite:///kept.db\n"
        f"AWS_COGNITO_USER_POOL_ID={values['AWS_COGNITO_USER_POOL_ID']}\n"
        "AWS_REGION=us-east-1\n"
        f"AWS_COGNITO_APP_CLIENT_ID={values['AWS_COGNITO_APP_CLIENT_ID']}\n"
        f"AWS_COGNITO_APP_CLIENT_SECRET={values['AWS_COGNITO_APP_CLIENT_SECRET']}\n"
        f"AWS_COGNITO_MACHINE_CLIENT_ID={values['AWS_COGNITO_MACHINE_CLIENT_ID']}\n"
        f"AWS_COGNITO_MACHINE_CLIENT_SECRET={values['AWS_COGNITO_MACHINE_CLIENT_SECRET']}\n"
        f"AWS_COGNITO_ACCEPTED_CLIENT_IDS={values['AWS_COGNITO_MACHINE_CLIENT_ID']}\n"
        f"AWS_COGNITO_DOMAIN={values['AWS_COGNITO_DOMAIN']}\n"
        f"SERVICE_PUBLIC_URL={service_url}\n"
        f"AWS_COGNITO_ENDPOINT_URL={endpoint_url}\n"
    )


def test_a_first_run_creates_everything_and_says_so(
    first_run: list[str],
    provisioned: dict[str, str],
    env_file: Path,
    cognito_emulator: EmulatorServer,
) -> None:
    assert first_run == [
        f"Created user pool {provisioned['AWS_COGNITO_USER_POOL_ID']} in us-east-1",
        "Created resource server cognito-kit",
        f"Created domain {provisioned['AWS_COGNITO_DOMAIN']}",
        f"Created app client {provisioned['AWS_COGNITO_APP_CLIENT_ID']} (secret written, not "
        "shown)",
        f"Created machine client {provisioned['AWS_COGNITO_MACHINE_CLIENT_ID']} (secret written, "
        "not shown)",
        "Created group admin",
        "Sign-in returns to http://localhost:8000/auth/callback or "
        "http://localhost:8000/docs/oauth2-redirect",
        "Sign-out returns to http://localhost:8000/",
        f"Settings written to {env_file}",
    ]
    assert env_file.read_text() == expected_env_text(
        provisioned, cognito_emulator.endpoint_url, "http://localhost:8000"
    )


def test_running_it_again_updates_the_same_pool_and_clients(
    provisioned: dict[str, str],
    env_file: Path,
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Same pool, clients, secrets and domain; the callback URLs follow --service-url. The
    pool and its clients are set to the template again; what is as the template has it is
    kept."""
    code = provision(
        cognito_emulator,
        env_file,
        "--pool-name",
        "provisioned",
        "--service-url",
        "http://localhost:8080/",
    )

    assert code == 0
    pool_id = provisioned["AWS_COGNITO_USER_POOL_ID"]
    assert capsys.readouterr().out.splitlines() == [
        f"Updated user pool {pool_id} in us-east-1",
        "Kept resource server cognito-kit",
        f"Kept domain {provisioned['AWS_COGNITO_DOMAIN']}",
        f"Updated app client {provisioned['AWS_COGNITO_APP_CLIENT_ID']} (secret written, not "
        "shown)",
        f"Updated machine client {provisioned['AWS_COGNITO_MACHINE_CLIENT_ID']} (secret written, "
        "not shown)",
        "Kept group admin",
        "Sign-in returns to http://localhost:8080/auth/callback or "
        "http://localhost:8080/docs/oauth2-redirect",
        "Sign-out returns to http://localhost:8080/",
        f"Settings written to {env_file}",
    ]
    assert env_file.read_text() == expected_env_text(
        provisioned, cognito_emulator.endpoint_url, "http://localhost:8080"
    )
    pools = cognito_idp_client.list_user_pools(MaxResults=60)["UserPools"]
    assert [pool["Id"] for pool in pools] == [pool_id]
    clients = cognito_idp_client.list_user_pool_clients(UserPoolId=pool_id)["UserPoolClients"]
    assert sorted(client["ClientId"] for client in clients) == sorted(
        [provisioned["AWS_COGNITO_APP_CLIENT_ID"], provisioned["AWS_COGNITO_MACHINE_CLIENT_ID"]]
    )
    app_client = cognito_idp_client.describe_user_pool_client(
        UserPoolId=pool_id, ClientId=provisioned["AWS_COGNITO_APP_CLIENT_ID"]
    )["UserPoolClient"]
    assert app_client["CallbackURLs"] == [
        "http://localhost:8080/auth/callback",
        "http://localhost:8080/docs/oauth2-redirect",
    ]
    assert app_client["LogoutURLs"] == ["http://localhost:8080/"]


def test_two_pools_of_the_name_stop_it_before_anything_changes(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    env_file: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    first = cognito_idp_client.create_user_pool(PoolName="cognito-kit")["UserPool"]["Id"]
    second = cognito_idp_client.create_user_pool(PoolName="cognito-kit")["UserPool"]["Id"]
    before = env_file.read_text()

    code = provision(cognito_emulator, env_file)

    assert code == 1
    assert capsys.readouterr().err == (
        f"provision: 2 user pools are named 'cognito-kit': {first}, {second}. Nothing was "
        "changed: delete or rename all but one, or deploy a pool of another name.\n"
    )
    assert env_file.read_text() == before
    pools = cognito_idp_client.list_user_pools(MaxResults=60)["UserPools"]
    assert sorted(pool["Id"] for pool in pools) == sorted([first, second])
    for pool_id in (first, second):
        assert (
            cognito_idp_client.list_user_pool_clients(UserPoolId=pool_id)["UserPoolClients"] == []
        )
        assert "Domain" not in cognito_idp_client.describe_user_pool(UserPoolId=pool_id)["UserPool"]


def test_the_aws_identity_needs_the_actions_the_module_lists(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The IAM list in the module's docstring is every operation a first run and a second one
    send, the second after someone changed the resource server and the group, and nothing
    else."""
    sent: set[str] = set()
    wrap = app.provision.boto3_call

    def recording(client: Any) -> CognitoCall:
        call = wrap(client)

        def recorded(operation: str, body: dict[str, Any]) -> Mapping[str, Any]:
            sent.add(operation)
            return call(operation, body)

        return recorded

    monkeypatch.setattr(app.provision, "boto3_call", recording)
    env_file = tmp_path / ".env"

    assert provision(cognito_emulator, env_file) == 0
    pool_id = read_env(env_file)["AWS_COGNITO_USER_POOL_ID"]
    cognito_idp_client.update_resource_server(
        UserPoolId=pool_id, Identifier="cognito-kit", Name="renamed"
    )
    cognito_idp_client.update_group(UserPoolId=pool_id, GroupName="admin", Description="x")
    assert provision(cognito_emulator, env_file) == 0

    assert app.provision.__doc__ is not None
    needs = re.search(r"the identity needs (cognito-idp:.*?)\. With", app.provision.__doc__, re.S)
    assert needs is not None
    assert set(re.findall(r"[A-Z][A-Za-z]+", needs.group(1))) == sent


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://api.example.com", "Cognito allows plain http only to localhost: use https"),
        ("ftp://localhost", "use an http(s) URL without query, fragment or trailing slash"),
        ("localhost:8000", "use an http(s) URL without query, fragment or trailing slash"),
        (
            "http://localhost:8000/?a=1",
            "use an http(s) URL without query, fragment or trailing slash",
        ),
        (
            "https://app.example.com/#top",
            "use an http(s) URL without query, fragment or trailing slash",
        ),
        ("https://app example.com", "use an http(s) URL without query, fragment or trailing slash"),
        ("http://[::1", "use an http(s) URL without query, fragment or trailing slash"),
    ],
)
def test_a_service_url_cognito_or_the_service_would_refuse_stops_before_anything_is_created(
    url: str,
    problem: str,
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    env_file = tmp_path / ".env"

    with pytest.raises(SystemExit) as exited:
        provision(cognito_emulator, env_file, "--service-url", url)

    assert exited.value.code == 2
    assert f"argument --service-url: {url!r}: {problem}" in capsys.readouterr().err
    assert cognito_idp_client.list_user_pools(MaxResults=60)["UserPools"] == []
    assert not env_file.exists()


@pytest.mark.parametrize(
    ("url", "written"),
    [
        ("https://api.example.com/", "https://api.example.com"),
        ("https://example.com/kit", "https://example.com/kit"),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("http://[::1]:8000", "http://[::1]:8000"),
    ],
)
def test_a_service_url_provisioning_takes_is_one_the_service_takes(
    url: str, written: str, cognito_emulator: EmulatorServer, tmp_path: Path
) -> None:
    env_file = tmp_path / ".env"

    assert provision(cognito_emulator, env_file, "--service-url", url) == 0

    configured = Settings(_env_file=env_file).SERVICE_PUBLIC_URL
    assert (read_env(env_file)["SERVICE_PUBLIC_URL"], configured) == (written, written)


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
    assert f"Created domain {endpoint}/domains/team-login" in capsys.readouterr().out
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
    provisioned: dict[str, str], cognito_emulator: EmulatorServer, env_file: Path, tmp_path: Path
) -> None:
    """A person signs up and in; the machine client's token is accepted (it is in
    AWS_COGNITO_ACCEPTED_CLIENT_IDS) for the users.read scope it holds."""
    settings = Settings(_env_file=env_file, DATABASE_URL=f"sqlite:///{tmp_path / 'app.db'}")
    machine_token = cognito_emulator.client_credentials_token(
        user_pool_id=provisioned["AWS_COGNITO_USER_POOL_ID"],
        client_id=provisioned["AWS_COGNITO_MACHINE_CLIENT_ID"],
        scopes=[READ_USERS_SCOPE],
    ).access_token
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
        listed = client.get("/admin/users", headers={"Authorization": f"Bearer {machine_token}"})

    assert me.status_code == 200
    assert me.json()["username"] == "alice"
    assert listed.status_code == 200, listed.text
    assert [user["username"] for user in listed.json()["data"]] == ["alice"]


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
