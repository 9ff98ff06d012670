"""The emulator's state: isolated from other moto users, reset on demand, bounded in memory."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from cognito_emulator import token_ledger
from cognito_emulator.backend import EmulatorBackend
from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.exceptions import CognitoError, UnknownOperationException
from cognito_emulator.pytest_plugin import CognitoUser
from cognito_emulator.secret_hash import compute_secret_hash
from cognito_emulator.server import EmulatorServer


def test_a_users_own_moto_mock_neither_sees_nor_resets_the_emulator(
    cognito_pool: PoolConfig, cognito_idp_client: Any
) -> None:
    with mock_aws():
        mocked = boto3.client("cognito-idp", region_name=cognito_pool.region)
        assert mocked.list_user_pools(MaxResults=60)["UserPools"] == []
        mocked.create_user_pool(PoolName="users-own")

    pools = cognito_idp_client.list_user_pools(MaxResults=60)["UserPools"]
    assert [pool["Id"] for pool in pools] == [cognito_pool.user_pool_id]


def test_pool_ids_are_shaped_like_cognitos(cognito_idp_client: Any) -> None:
    """Plain moto's pool ids end in 32 hex digits; Cognito's in 9 letters and digits."""
    ids = [
        cognito_idp_client.create_user_pool(PoolName=f"shape-{n}")["UserPool"]["Id"]
        for n in range(20)
    ]

    assert len(set(ids)) == len(ids)
    for pool_id in ids:
        assert re.fullmatch(r"us-east-1_[0-9A-Za-z]{9}", pool_id), pool_id


def test_reset_wipes_pools_users_tokens_outbox_and_clock(
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    cognito_user: CognitoUser,
    cognito_idp_client: Any,
) -> None:
    cognito_emulator.advance_clock(7200)
    assert cognito_emulator.outbox()

    cognito_emulator.reset()

    assert cognito_idp_client.list_user_pools(MaxResults=60)["UserPools"] == []
    assert cognito_emulator.outbox() == []
    assert cognito_emulator.backend.clock.offset == 0
    with pytest.raises(ClientError) as error:
        cognito_idp_client.get_user(AccessToken=cognito_user.access_token)
    assert error.value.response["Error"]["Code"] == "NotAuthorizedException"


def test_moto_errors_reach_boto3_with_their_cognito_codes(
    cognito_pool: PoolConfig, cognito_idp_client: Any
) -> None:
    cognito_idp_client.create_group(UserPoolId=cognito_pool.user_pool_id, GroupName="ops")

    with pytest.raises(cognito_idp_client.exceptions.GroupExistsException):
        cognito_idp_client.create_group(UserPoolId=cognito_pool.user_pool_id, GroupName="ops")
    with pytest.raises(cognito_idp_client.exceptions.UserNotFoundException):
        cognito_idp_client.admin_get_user(UserPoolId=cognito_pool.user_pool_id, Username="ghost")


@pytest.mark.parametrize("operation", ["NoSuchOperation", "Dispatch", "SetupClass", "get_user"])
def test_unknown_operations_are_a_client_error_not_a_crash(operation: str) -> None:
    with pytest.raises(UnknownOperationException) as error:
        EmulatorBackend().dispatch(operation, {})
    assert error.value.status == 400


@pytest.mark.parametrize(
    ("target", "body", "code"),
    [
        ("InitiateAuth", {"ClientId": "x"}, "InvalidParameterException"),
        ("CreateUserPool", {}, "InvalidParameterException"),
        ("NoSuchOperation", {}, "UnknownOperationException"),
    ],
)
def test_malformed_requests_from_any_client_get_a_400_never_a_500(
    target: str, body: dict[str, Any], code: str, cognito_emulator: EmulatorServer
) -> None:
    """boto3 validates requests before sending; other clients may not, and moto would answer
    a missing member with a KeyError (HTTP 500)."""
    request = urllib.request.Request(
        cognito_emulator.endpoint_url,
        data=json.dumps(body).encode(),
        headers={
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": f"AWSCognitoIdentityProviderService.{target}",
        },
    )
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(request, timeout=5)

    assert error.value.code == 400
    assert json.load(error.value)["__type"] == code


def _backend_with_user() -> tuple[EmulatorBackend, dict[str, Any]]:
    backend = EmulatorBackend()
    pool_id = backend.dispatch("CreateUserPool", {"PoolName": "load"})["UserPool"]["Id"]
    client = backend.dispatch(
        "CreateUserPoolClient",
        {
            "UserPoolId": pool_id,
            "ClientName": "app",
            "GenerateSecret": True,
            "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        },
    )["UserPoolClient"]
    backend.dispatch(
        "AdminCreateUser", {"UserPoolId": pool_id, "Username": "load", "MessageAction": "SUPPRESS"}
    )
    backend.dispatch(
        "AdminSetUserPassword",
        {"UserPoolId": pool_id, "Username": "load", "Password": "Passw0rd!", "Permanent": True},
    )
    login = {
        "ClientId": client["ClientId"],
        "AuthFlow": "USER_PASSWORD_AUTH",
        "AuthParameters": {
            "USERNAME": "load",
            "PASSWORD": "Passw0rd!",
            "SECRET_HASH": compute_secret_hash(client["ClientId"], client["ClientSecret"], "load"),
        },
    }
    return backend, login


def test_issued_token_bookkeeping_is_capped_and_fails_closed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Memory stays flat over any number of logins: past the cap the oldest sign-in is
    forgotten, and its tokens are then refused (never accepted)."""
    monkeypatch.setattr(token_ledger, "MAX_TOKEN_FAMILIES", 50)
    backend, login = _backend_with_user()
    first = backend.dispatch("InitiateAuth", login)["AuthenticationResult"]

    for _ in range(300):
        backend.dispatch("InitiateAuth", login)

    stats = backend.stats()
    assert stats["token_families"] == 50
    assert stats["moto_stored_tokens"] == 0
    assert stats["moto_sessions"] == 0
    with pytest.raises(CognitoError) as error:
        backend.dispatch("GetUser", {"AccessToken": first["AccessToken"]})
    assert error.value.message == "Access Token has been revoked"


def test_expired_sign_ins_are_pruned() -> None:
    backend, login = _backend_with_user()
    for _ in range(20):
        backend.dispatch("InitiateAuth", login)
    assert backend.stats()["token_families"] == 20

    backend.clock.advance(31 * 86400)
    backend.dispatch("InitiateAuth", login)

    assert backend.stats()["token_families"] == 1
