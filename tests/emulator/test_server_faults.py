"""Injected faults, seen through boto3 the way a client under test would see them."""

from __future__ import annotations

import threading
import time

import httpx
import pytest
from botocore.exceptions import ClientError
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.server import EmulatorServer


def describe(client: CognitoIdentityProviderClient, pool: PoolConfig) -> None:
    client.describe_user_pool(UserPoolId=pool.user_pool_id)


def error_of(client: CognitoIdentityProviderClient, pool: PoolConfig) -> tuple[str, int] | None:
    try:
        describe(client, pool)
    except ClientError as error:
        return error.response["Error"]["Code"], error.response["ResponseMetadata"]["HTTPStatusCode"]
    return None


def test_fault_fires_count_times_then_is_gone(
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
) -> None:
    cognito_emulator.add_fault("DescribeUserPool", "TooManyRequestsException", count=2)

    outcomes = [error_of(cognito_idp_client, cognito_pool) for _ in range(3)]

    assert outcomes == [("TooManyRequestsException", 400)] * 2 + [None]


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("InternalErrorException", 500),
        ("ServiceUnavailable", 503),
        ("NotAuthorizedException", 400),
        ("SomethingNewException", 400),
    ],
)
def test_fault_answers_with_the_status_of_its_code(
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
    code: str,
    status: int,
) -> None:
    cognito_emulator.add_fault("DescribeUserPool", code, count=1)

    assert error_of(cognito_idp_client, cognito_pool) == (code, status)


def test_throttling_fault_says_rate_exceeded(
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
) -> None:
    cognito_emulator.add_fault("DescribeUserPool", "TooManyRequestsException")

    with pytest.raises(
        cognito_idp_client.exceptions.TooManyRequestsException, match="Rate exceeded"
    ):
        describe(cognito_idp_client, cognito_pool)


def test_fault_only_hits_its_operation(
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
) -> None:
    cognito_emulator.add_fault("InitiateAuth", "InternalErrorException")

    assert error_of(cognito_idp_client, cognito_pool) is None


def test_star_matches_every_operation_but_not_the_control_api(
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
    emulator_http: httpx.Client,
) -> None:
    cognito_emulator.add_fault("*", "ServiceUnavailable")

    assert error_of(cognito_idp_client, cognito_pool) == ("ServiceUnavailable", 503)
    with pytest.raises(ClientError, match="ServiceUnavailable"):
        cognito_idp_client.list_user_pools(MaxResults=5)
    assert emulator_http.get("/_emulator/health").status_code == 200
    assert (
        emulator_http.get(f"/{cognito_pool.user_pool_id}/.well-known/jwks.json").status_code == 200
    )


def test_probability_zero_never_fires_and_one_always_does(
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
) -> None:
    cognito_emulator.add_fault("DescribeUserPool", "InternalErrorException", probability=0)
    assert [error_of(cognito_idp_client, cognito_pool) for _ in range(20)] == [None] * 20

    cognito_emulator.clear_faults()
    cognito_emulator.add_fault("DescribeUserPool", "InternalErrorException", probability=1)
    outcomes = [error_of(cognito_idp_client, cognito_pool) for _ in range(20)]
    assert outcomes == [("InternalErrorException", 500)] * 20


def test_probability_half_fires_sometimes(
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
) -> None:
    cognito_emulator.add_fault("DescribeUserPool", "InternalErrorException", probability=0.5)

    failures = sum(error_of(cognito_idp_client, cognito_pool) is not None for _ in range(100))

    assert 10 < failures < 90  # P(outside) < 1e-15


def test_latency_delays_the_call_without_blocking_the_server(
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
    emulator_http: httpx.Client,
) -> None:
    cognito_emulator.add_fault("DescribeUserPool", None, latency_ms=500)
    slow_call_took: list[float] = []

    def slow_call() -> None:
        started = time.perf_counter()
        describe(cognito_idp_client, cognito_pool)
        slow_call_took.append(time.perf_counter() - started)

    thread = threading.Thread(target=slow_call)
    thread.start()
    time.sleep(0.05)
    started = time.perf_counter()
    response = emulator_http.get("/_emulator/health")
    other_request_took = time.perf_counter() - started
    thread.join()

    assert response.status_code == 200
    assert other_request_took < 0.35
    assert slow_call_took[0] >= 0.5


def test_latency_then_error(
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
) -> None:
    cognito_emulator.add_fault(
        "DescribeUserPool", "InternalErrorException", latency_ms=150, count=1
    )

    started = time.perf_counter()
    outcome = error_of(cognito_idp_client, cognito_pool)

    assert time.perf_counter() - started >= 0.15
    assert outcome == ("InternalErrorException", 500)
    assert error_of(cognito_idp_client, cognito_pool) is None


def test_faults_are_cleared_between_tests(cognito_emulator: EmulatorServer) -> None:
    assert cognito_emulator.app.faults.describe() == []
