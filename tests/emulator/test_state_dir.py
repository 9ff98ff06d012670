"""`--state-dir`: what one emulator saved, the next one on the same directory starts from.

Each test drives a server through boto3, stops it, starts another on the directory and checks
what a user sees, and that every record (pools, users, token families, codes, outbox, keys,
clock) came back exactly: the records re-serialized after the restart equal those before.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.server import EmulatorServer
from cognito_emulator.state import durable
from cognito_emulator.state.codec import dumps
from tests.emulator.challenge_harness import (
    PASSWORD,
    confirmed_user,
    current_code,
    hashed,
    mfa_pool,
    password_sign_in,
    respond,
    with_authenticator,
)

NO_RETRIES = Config(retries={"total_max_attempts": 1, "mode": "standard"})


def _server(state_dir: Path) -> EmulatorServer:
    return EmulatorServer(state_dir=state_dir).start()


def _idp(server: EmulatorServer) -> Any:
    return boto3.client(
        "cognito-idp",
        region_name=server.region,
        endpoint_url=server.endpoint_url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=NO_RETRIES,
    )


def _records(server: EmulatorServer) -> dict[tuple[str, ...], bytes]:
    return {key: dumps(key, record) for key, record in server.backend.state.all_records()}


@pytest.fixture
def restart(tmp_path: Path) -> Iterator[Any]:
    """`restart(server)`: stop it, start another on its directory, check every record came
    back, return the new one. Servers still running at the end are stopped."""
    servers: list[EmulatorServer] = []

    def restart_(server: EmulatorServer) -> EmulatorServer:
        before = _records(server)
        server.stop()
        again = _server(tmp_path / "state")
        servers.append(again)
        assert _records(again) == before
        return again

    first = _server(tmp_path / "state")
    servers.append(first)
    restart_.first = first  # type: ignore[attr-defined]
    yield restart_
    for server in servers:
        server.stop()


def test_users_tokens_codes_and_outbox_survive_a_restart(restart: Any) -> None:
    server: EmulatorServer = restart.first
    pool = server.bootstrap()
    idp = _idp(server)
    for name in ("ada", "bob"):
        idp.sign_up(
            ClientId=pool.client_id,
            SecretHash=hashed(pool, name),
            Username=name,
            Password=PASSWORD,
            UserAttributes=[{"Name": "email", "Value": f"{name}@example.com"}],
        )
    ada_code = server.latest_code(pool.user_pool_id, "ada")
    idp.confirm_sign_up(
        ClientId=pool.client_id, SecretHash=hashed(pool, "ada"), Username="ada",
        ConfirmationCode=ada_code,
    )  # fmt: skip
    idp.admin_add_user_to_group(UserPoolId=pool.user_pool_id, Username="ada", GroupName="admin")
    tokens = password_sign_in(idp, pool, "ada")["AuthenticationResult"]
    signed_out = password_sign_in(idp, pool, "ada")["AuthenticationResult"]
    idp.revoke_token(
        Token=signed_out["RefreshToken"], ClientId=pool.client_id, ClientSecret=pool.client_secret
    )
    outbox = server.outbox()

    server = restart(server)
    idp = _idp(server)

    assert server.outbox() == outbox
    assert idp.get_user(AccessToken=tokens["AccessToken"])["Username"] == "ada"
    groups = idp.admin_list_groups_for_user(UserPoolId=pool.user_pool_id, Username="ada")
    assert [group["GroupName"] for group in groups["Groups"]] == ["admin"]
    refreshed = idp.initiate_auth(
        ClientId=pool.client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={
            "REFRESH_TOKEN": tokens["RefreshToken"],
            "SECRET_HASH": hashed(pool, "ada"),
        },
    )
    assert refreshed["AuthenticationResult"]["AccessToken"]
    with pytest.raises(ClientError) as revoked:
        idp.get_user(AccessToken=signed_out["AccessToken"])
    assert revoked.value.response["Error"]["Code"] == "NotAuthorizedException"
    # bob's sign-up code, sent before the restart, confirms him after it.
    idp.confirm_sign_up(
        ClientId=pool.client_id, SecretHash=hashed(pool, "bob"), Username="bob",
        ConfirmationCode=server.latest_code(pool.user_pool_id, "bob"),
    )  # fmt: skip
    bob = idp.admin_get_user(UserPoolId=pool.user_pool_id, Username="bob")
    assert bob["UserStatus"] == "CONFIRMED"


def test_pool_settings_clients_domain_resource_server_and_keys_survive(restart: Any) -> None:
    server: EmulatorServer = restart.first
    pool = server.bootstrap()
    idp = _idp(server)
    idp.create_group(UserPoolId=pool.user_pool_id, GroupName="editors", Precedence=3)
    idp.create_identity_provider(
        UserPoolId=pool.user_pool_id,
        ProviderName="Corp",
        ProviderType="OIDC",
        ProviderDetails={
            "client_id": "corp",
            "client_secret": "secret",
            "authorize_scopes": "openid",
            "oidc_issuer": "https://idp.example.com",
            "attributes_request_method": "GET",
        },
    )
    server.rotate_keys(pool.user_pool_id)
    described = _described(idp, pool)
    jwks = server.app.jwks(pool.user_pool_id)

    server = restart(server)
    idp = _idp(server)

    assert _described(idp, pool) == described
    assert server.app.jwks(pool.user_pool_id) == jwks
    assert len(jwks["keys"]) == 4  # two current, two retired by the rotation


def _described(idp: Any, pool: PoolConfig) -> dict[str, Any]:
    pool_id = pool.user_pool_id
    clients = idp.list_user_pool_clients(UserPoolId=pool_id, MaxResults=60)["UserPoolClients"]
    mfa = idp.get_user_pool_mfa_config(UserPoolId=pool_id)
    servers = idp.list_resource_servers(UserPoolId=pool_id, MaxResults=50)
    return {
        "pool": idp.describe_user_pool(UserPoolId=pool_id)["UserPool"],
        "mfa": {name: value for name, value in mfa.items() if name != "ResponseMetadata"},
        "clients": [
            idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=client["ClientId"])[
                "UserPoolClient"
            ]
            for client in clients
        ],
        "groups": idp.list_groups(UserPoolId=pool_id)["Groups"],
        "domain": idp.describe_user_pool_domain(Domain=pool.domain)["DomainDescription"],
        "resource_servers": servers["ResourceServers"],
        "identity_providers": idp.list_identity_providers(UserPoolId=pool_id)["Providers"],
    }


def test_mfa_state_and_the_clock_survive(restart: Any) -> None:
    server: EmulatorServer = restart.first
    idp = _idp(server)
    pool = mfa_pool(server, "OPTIONAL")
    confirmed_user(idp, pool, "ada")
    secret = with_authenticator(server, idp, pool, "ada")
    server.advance_clock(3600)

    server = restart(server)
    idp = _idp(server)

    assert server.backend.clock.offset >= 3600
    challenge = password_sign_in(idp, pool, "ada")
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    answer = respond(
        idp, pool, challenge, "ada", SOFTWARE_TOKEN_MFA_CODE=current_code(server, secret)
    )
    assert answer["AuthenticationResult"]["AccessToken"]
    user = idp.admin_get_user(UserPoolId=pool.user_pool_id, Username="ada")
    assert user["PreferredMfaSetting"] == "SOFTWARE_TOKEN_MFA"


def test_deleted_users_groups_and_pools_stay_deleted(restart: Any) -> None:
    server: EmulatorServer = restart.first
    pool = server.bootstrap()
    idp = _idp(server)
    confirmed_user(idp, pool, "ada")
    confirmed_user(idp, pool, "bob")
    idp.create_group(UserPoolId=pool.user_pool_id, GroupName="editors")
    idp.admin_add_user_to_group(UserPoolId=pool.user_pool_id, Username="bob", GroupName="editors")
    idp.delete_group(UserPoolId=pool.user_pool_id, GroupName="editors")
    idp.create_group(UserPoolId=pool.user_pool_id, GroupName="editors")  # new and empty
    idp.admin_delete_user(UserPoolId=pool.user_pool_id, Username="ada")
    other = idp.create_user_pool(PoolName="other")["UserPool"]["Id"]
    idp.admin_create_user(UserPoolId=other, Username="carol", MessageAction="SUPPRESS")
    idp.delete_user_pool(UserPoolId=other)

    server = restart(server)
    idp = _idp(server)

    users = idp.list_users(UserPoolId=pool.user_pool_id)["Users"]
    assert [user["Username"] for user in users] == ["bob"]
    members = idp.list_users_in_group(UserPoolId=pool.user_pool_id, GroupName="editors")
    assert members["Users"] == []
    pools = idp.list_user_pools(MaxResults=60)["UserPools"]
    assert [p["Id"] for p in pools] == [pool.user_pool_id]


def test_reset_empties_the_directory_too(restart: Any) -> None:
    server: EmulatorServer = restart.first
    server.bootstrap()

    server.reset()
    server = restart(server)

    assert server.app.pool_ids() == []
    assert server.outbox() == []


def test_a_call_that_reads_writes_nothing(restart: Any, tmp_path: Path) -> None:
    server: EmulatorServer = restart.first
    pool = server.bootstrap()
    idp = _idp(server)
    confirmed_user(idp, pool, "ada")
    journal = tmp_path / "state" / "journal"
    size = journal.stat().st_size

    idp.admin_get_user(UserPoolId=pool.user_pool_id, Username="ada")
    idp.list_users(UserPoolId=pool.user_pool_id)
    idp.describe_user_pool(UserPoolId=pool.user_pool_id)

    assert journal.stat().st_size == size


def test_a_change_the_disk_refuses_is_an_error_and_is_saved_once_it_accepts(
    restart: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    server: EmulatorServer = restart.first
    pool = server.bootstrap()
    idp = _idp(server)
    write = durable.os.write

    def disk_full(fd: int, data: bytes) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(durable.os, "write", disk_full)
    with pytest.raises(ClientError) as refused:
        confirmed_user(idp, pool, "ada")
    error = refused.value.response["Error"]
    assert error["Code"] == "InternalErrorException"
    assert "could not save this change" in error["Message"]
    assert "No space left on device" in error["Message"]
    monkeypatch.setattr(durable.os, "write", write)
    idp.list_user_pools(MaxResults=1)  # the next call saves what is pending

    server = restart(server)

    assert _idp(server).admin_get_user(UserPoolId=pool.user_pool_id, Username="ada")["Username"]


def test_a_long_journal_is_folded_into_the_snapshot(
    restart: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(durable, "MIN_JOURNAL_BYTES_TO_FOLD", 0)
    server: EmulatorServer = restart.first
    pool = server.bootstrap()
    snapshot = tmp_path / "state" / "snapshot"
    generation = _generation(snapshot)

    idp = _idp(server)
    for number in range(30):  # the journal outgrows twice the snapshot
        confirmed_user(idp, pool, f"user-{number}")

    assert _generation(snapshot) > generation
    server = restart(server)
    assert len(_idp(server).list_users(UserPoolId=pool.user_pool_id)["Users"]) == 30


def _generation(path: Path) -> int:
    generation: int = json.loads(path.read_bytes().split(b"\n", 2)[1])["generation"]
    return generation


def test_changes_to_users_found_by_email_are_saved(restart: Any) -> None:
    """In a pool whose usernames are emails, a user is found by scanning for the address the
    first time after a start (no alias remembered yet): what changes them is saved all the same."""
    server: EmulatorServer = restart.first
    idp = _idp(server)
    pool_id = idp.create_user_pool(
        PoolName="emails", UsernameAttributes=["email"], AutoVerifiedAttributes=["email"]
    )["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="app")["UserPoolClient"][
        "ClientId"
    ]
    idp.create_group(UserPoolId=pool_id, GroupName="editors")
    idp.sign_up(ClientId=client_id, Username="ada@example.com", Password=PASSWORD)
    code = server.outbox()[-1]["code"]
    server = restart(server)
    idp = _idp(server)

    idp.confirm_sign_up(ClientId=client_id, Username="ada@example.com", ConfirmationCode=code)
    server = restart(server)
    idp = _idp(server)
    idp.admin_disable_user(UserPoolId=pool_id, Username="ada@example.com")
    # moto's own operation, finding the user by the address itself:
    idp.admin_add_user_to_group(UserPoolId=pool_id, Username="ada@example.com", GroupName="editors")
    server = restart(server)
    idp = _idp(server)

    user = idp.admin_get_user(UserPoolId=pool_id, Username="ada@example.com")
    assert (user["UserStatus"], user["Enabled"]) == ("CONFIRMED", False)
    groups = idp.admin_list_groups_for_user(UserPoolId=pool_id, Username="ada@example.com")
    assert [group["GroupName"] for group in groups["Groups"]] == ["editors"]
