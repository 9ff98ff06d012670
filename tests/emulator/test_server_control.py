"""The control API under /_emulator/ and the in-process methods that share its code."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime

import httpx
import pytest
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.pytest_plugin import CognitoUser, secret_hash
from cognito_emulator.server import EmulatorServer


def test_health_lists_pools(emulator_http: httpx.Client, cognito_pool: PoolConfig) -> None:
    response = emulator_http.get("/_emulator/health")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {
        "status": "ok",
        "pool_ids": [cognito_pool.user_pool_id],
        "quotas": False,
    }


def sign_up(client: CognitoIdentityProviderClient, pool: PoolConfig, username: str) -> None:
    client.sign_up(
        ClientId=pool.client_id,
        SecretHash=secret_hash(username, pool.client_id, pool.client_secret),
        Username=username,
        Password="Passw0rd!",
        UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}],
    )


def test_outbox_filters_by_pool_and_username(
    emulator_http: httpx.Client,
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
) -> None:
    other_pool = cognito_emulator.bootstrap(pool_name="other")
    sign_up(cognito_idp_client, cognito_pool, "alice")
    sign_up(cognito_idp_client, cognito_pool, "bob")
    sign_up(cognito_idp_client, other_pool, "alice")

    everything = emulator_http.get("/_emulator/outbox").json()["messages"]
    in_pool = emulator_http.get(
        "/_emulator/outbox", params={"pool_id": cognito_pool.user_pool_id}
    ).json()["messages"]
    alice = emulator_http.get(
        "/_emulator/outbox", params={"pool_id": cognito_pool.user_pool_id, "username": "alice"}
    ).json()["messages"]

    assert [m["username"] for m in everything] == ["alice", "bob", "alice"]
    assert [m["username"] for m in in_pool] == ["alice", "bob"]
    [message] = alice
    assert set(message) == {
        "pool_id", "username", "destination", "medium", "purpose", "code", "sent_at", "subject",
        "message",
    }  # fmt: skip
    assert message["purpose"] == "sign_up"
    assert message["subject"] == "Your verification code"
    assert message["message"] == f"Your verification code is {message['code']}. "
    assert message["medium"] == "EMAIL"
    assert message["code"].isdigit() and len(message["code"]) == 6
    assert cognito_emulator.outbox(cognito_pool.user_pool_id, "alice") == alice
    assert cognito_emulator.latest_code(cognito_pool.user_pool_id, "alice") == message["code"]


def test_latest_code_without_a_message_is_a_lookup_error(
    cognito_emulator: EmulatorServer, cognito_pool: PoolConfig
) -> None:
    with pytest.raises(LookupError, match="nobody"):
        cognito_emulator.latest_code(cognito_pool.user_pool_id, "nobody")


def test_clock_moves_both_ways(
    emulator_http: httpx.Client, cognito_emulator: EmulatorServer
) -> None:
    ahead = emulator_http.post("/_emulator/clock", json={"advance_seconds": 3600})
    back = emulator_http.post("/_emulator/clock", json={"advance_seconds": -7200.5})

    assert ahead.status_code == 200
    assert ahead.json()["now"] == pytest.approx(time.time() + 3600, abs=5)
    assert back.json()["now"] == pytest.approx(time.time() - 3600.5, abs=5)
    assert cognito_emulator.advance_clock(0) == pytest.approx(time.time() - 3600.5, abs=5)


def test_advanced_clock_expires_tokens(
    cognito_emulator: EmulatorServer,
    cognito_user: CognitoUser,
    cognito_idp_client: CognitoIdentityProviderClient,
) -> None:
    cognito_idp_client.get_user(AccessToken=cognito_user.access_token)

    cognito_emulator.advance_clock(3601)

    with pytest.raises(cognito_idp_client.exceptions.NotAuthorizedException):
        cognito_idp_client.get_user(AccessToken=cognito_user.access_token)


@pytest.mark.parametrize(
    "body",
    [b"", b"nope", b"[]", b"{}", b'{"advance_seconds": "1h"}', b'{"advance_seconds": true}',
     b'{"advance_seconds": NaN}', b'{"advance_seconds": null}'],
)  # fmt: skip
def test_clock_refuses_bad_input(emulator_http: httpx.Client, body: bytes) -> None:
    response = emulator_http.post("/_emulator/clock", content=body)

    assert response.status_code == 400
    assert "advance_seconds" in response.json()["message"]


CLOCK_RANGE = re.compile(
    r"advance_seconds must keep the emulator clock between 1970-01-01T00:00:00Z and "
    r"9989-01-01T00:00:00Z: from \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ, between -\d+ and \d+ "
    r"seconds; got (.+)"
)


@pytest.mark.parametrize(
    ("body", "got"),
    [
        (b'{"advance_seconds": 1e20}', "1e+20"),
        (b'{"advance_seconds": -1e20}', "-1e+20"),
        (b'{"advance_seconds": ' + b"9" * 400 + b"}", "9" * 400),
        (b'{"advance_seconds": -1e400}', "-inf"),
        (b'{"advance_seconds": NaN}', "nan"),
    ],
    ids=["1e20", "-1e20", "400-digit-int", "-inf", "nan"],
)
def test_clock_refuses_to_leave_the_range_datetimes_and_tokens_hold(
    emulator_http: httpx.Client,
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    body: bytes,
    got: str,
) -> None:
    response = emulator_http.post("/_emulator/clock", content=body)

    assert response.status_code == 400
    assert response.json()["__type"] == "ValidationException"
    match = CLOCK_RANGE.fullmatch(response.json()["message"])
    assert match is not None, response.json()["message"]
    assert match[1] == got
    assert cognito_emulator.advance_clock(0) == pytest.approx(time.time(), abs=5)
    sign_up(cognito_idp_client, cognito_pool, "alice")  # the clock still works


def test_clock_refused_in_process_names_the_range(cognito_emulator: EmulatorServer) -> None:
    with pytest.raises(ValueError, match=CLOCK_RANGE) as raised:
        cognito_emulator.advance_clock(1e20)

    assert str(raised.value).endswith("got 1e+20")


def test_clock_at_its_latest_still_signs_up_and_issues_tokens(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
) -> None:
    latest = datetime(9989, 1, 1, tzinfo=UTC).timestamp()
    cognito_emulator.advance_clock(latest - time.time() - 60)

    sign_up(cognito_idp_client, cognito_pool, "alice")
    [message] = cognito_emulator.outbox(cognito_pool.user_pool_id, "alice")
    assert message["sent_at"].startswith("9988-12-31T23:5")


def test_rotated_key_is_published_beside_the_old_ones(
    emulator_http: httpx.Client, cognito_pool: PoolConfig
) -> None:
    jwks_url = f"/{cognito_pool.user_pool_id}/.well-known/jwks.json"
    before = {key["kid"] for key in emulator_http.get(jwks_url).json()["keys"]}

    response = emulator_http.post(
        "/_emulator/keys/rotate", json={"pool_id": cognito_pool.user_pool_id}
    )

    assert response.status_code == 200
    kid = response.json()["kid"]
    after = {key["kid"] for key in emulator_http.get(jwks_url).json()["keys"]}
    assert kid in after
    assert before < after


def test_rotate_keys_in_process(cognito_emulator: EmulatorServer, cognito_pool: PoolConfig) -> None:
    kid = cognito_emulator.rotate_keys(cognito_pool.user_pool_id)

    assert kid in {
        key["kid"] for key in cognito_emulator.backend.jwks(cognito_pool.user_pool_id)["keys"]
    }


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"{}", 400),
        (b'{"pool_id": 7}', 400),
        (b"oops", 400),
        (b'{"pool_id": "us-east-1_nope"}', 400),
    ],
)
def test_rotate_refuses_bad_input(emulator_http: httpx.Client, body: bytes, status: int) -> None:
    response = emulator_http.post("/_emulator/keys/rotate", content=body)

    assert response.status_code == status
    assert response.json()["message"]


def test_faults_can_be_added_listed_and_cleared(emulator_http: httpx.Client) -> None:
    added = emulator_http.post(
        "/_emulator/faults",
        json={"operation": "InitiateAuth", "error_code": "TooManyRequestsException", "count": 2},
    )
    listed = emulator_http.get("/_emulator/faults").json()["faults"]
    cleared = emulator_http.delete("/_emulator/faults")

    assert added.status_code == 200
    assert added.json()["fault"]["status"] == 400
    assert listed == [added.json()["fault"]]
    assert cleared.json() == {"cleared": 1}
    assert emulator_http.get("/_emulator/faults").json() == {"faults": []}


@pytest.mark.parametrize(
    ("body", "mentions"),
    [
        ({"error_code": "TooManyRequestsException"}, "operation"),
        ({"operation": "Initiate Auth", "error_code": "X"}, "operation"),
        ({"operation": "InitiateAuth", "error_code": "not a code"}, "error_code"),
        ({"operation": "InitiateAuth"}, "error_code"),
        ({"operation": "InitiateAuth", "error_code": "X", "count": 0}, "count"),
        ({"operation": "InitiateAuth", "error_code": "X", "count": 1.5}, "count"),
        ({"operation": "InitiateAuth", "error_code": "X", "probability": 1.5}, "probability"),
        ({"operation": "InitiateAuth", "error_code": "X", "probability": "half"}, "probability"),
        ({"operation": "InitiateAuth", "error_code": "X", "latency_ms": -1}, "latency_ms"),
        ({"operation": "InitiateAuth", "error_code": "X", "latency_ms": 10**9}, "latency_ms"),
        ({"operation": "InitiateAuth", "error_code": "X", "times": 3}, "times"),
    ],
)
def test_faults_refuse_bad_input(
    emulator_http: httpx.Client, body: dict[str, object], mentions: str
) -> None:
    response = emulator_http.post("/_emulator/faults", json=body)

    assert response.status_code == 400
    assert mentions in response.json()["message"]
    assert emulator_http.get("/_emulator/faults").json() == {"faults": []}


@pytest.mark.parametrize(
    ("operation", "closest"),
    [
        ("Signup", "; did you mean SignUp or ConfirmSignUp?"),
        ("initiateauth", "; did you mean InitiateAuth or AdminInitiateAuth?"),
        ("Nothing", ""),
    ],
)
def test_fault_for_an_operation_cognito_lacks_names_the_closest(
    emulator_http: httpx.Client, cognito_emulator: EmulatorServer, operation: str, closest: str
) -> None:
    message = (
        'operation must be a cognito-idp operation such as "InitiateAuth", or "*" for all, '
        f"got {operation!r}{closest}"
    )

    response = emulator_http.post(
        "/_emulator/faults", json={"operation": operation, "error_code": "InternalErrorException"}
    )

    assert response.status_code == 400
    assert response.json() == {"__type": "ValidationException", "message": message}
    with pytest.raises(ValueError) as raised:
        cognito_emulator.add_fault(operation, "InternalErrorException")
    assert str(raised.value) == message
    assert emulator_http.get("/_emulator/faults").json() == {"faults": []}


@pytest.mark.parametrize(
    ("route", "example"),
    [
        ("/_emulator/clock", '{"advance_seconds": 3600}'),
        ("/_emulator/keys/rotate", '{"pool_id": "us-east-1_..."}'),
        (
            "/_emulator/faults",
            '{"operation": "InitiateAuth", "error_code": "TooManyRequestsException", "count": 1}',
        ),
    ],
)
@pytest.mark.parametrize("content", [b"[" * 100_000, b'{"a":' * 100_000], ids=["arrays", "objects"])
def test_deeply_nested_json_is_a_400_naming_the_limit(
    emulator_http: httpx.Client, route: str, example: str, content: bytes
) -> None:
    response = emulator_http.post(route, content=content)

    assert response.status_code == 400
    assert response.json() == {
        "__type": "ValidationException",
        "message": f"the body is JSON nested more than 32 levels deep: send a JSON object, "
        f"e.g. {example}",
    }


def test_add_fault_in_process_refuses_bad_input(cognito_emulator: EmulatorServer) -> None:
    with pytest.raises(ValueError, match="probability"):
        cognito_emulator.add_fault("InitiateAuth", "TooManyRequestsException", probability=2)


def test_reset_wipes_pools_outbox_clock_and_faults(
    emulator_http: httpx.Client,
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
) -> None:
    sign_up(cognito_idp_client, cognito_pool, "alice")
    cognito_emulator.advance_clock(86400)
    cognito_emulator.add_fault("GetUser", "InternalErrorException")

    response = emulator_http.post("/_emulator/reset")

    assert response.status_code == 200
    assert emulator_http.get("/_emulator/health").json()["pool_ids"] == []
    assert emulator_http.get("/_emulator/outbox").json() == {"messages": []}
    assert emulator_http.get("/_emulator/faults").json() == {"faults": []}
    assert cognito_emulator.advance_clock(0) == pytest.approx(time.time(), abs=5)


def test_unknown_control_route_is_404_and_names_the_routes(emulator_http: httpx.Client) -> None:
    response = emulator_http.get("/_emulator/nope")

    assert response.status_code == 404
    assert "/_emulator/health" in response.json()["message"]


def test_wrong_method_is_405(emulator_http: httpx.Client) -> None:
    response = emulator_http.get("/_emulator/reset")

    assert response.status_code == 405
    assert "POST" in response.json()["message"]
