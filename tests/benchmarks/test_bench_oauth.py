"""The OAuth section: its operations against a live emulator, and how figures become rows."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

from benchmarks import oauth_flows
from benchmarks.cognito_servers import PASSWORD, Workload
from benchmarks.loadgen import PreflightError
from benchmarks.servers import ServerProcess, pool_from_env
from benchmarks.stats import Throughput
from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.server import EmulatorServer


def api_workload(
    server: EmulatorServer, pool: PoolConfig, idp: CognitoIdentityProviderClient, password: str
) -> Workload:
    """One confirmed user whose password is `password` (the section signs in with PASSWORD)."""
    idp.admin_create_user(
        UserPoolId=pool.user_pool_id, Username="bench-user-0", MessageAction="SUPPRESS"
    )
    idp.admin_set_user_password(
        UserPoolId=pool.user_pool_id, Username="bench-user-0", Password=password, Permanent=True
    )
    address = urlsplit(server.endpoint_url)
    assert address.hostname is not None and address.port is not None
    return Workload("emulator", address.hostname, address.port, pool, ["bench-user-0"], [""])


def test_each_operation_succeeds_against_the_emulator(
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
) -> None:
    workload = oauth_flows.prepare(
        api_workload(cognito_emulator, cognito_pool, cognito_idp_client, PASSWORD)
    )

    for operation in oauth_flows.OPERATIONS:
        run = oauth_flows.run_operation(workload, operation, concurrency=2, total=4)
        assert (len(run.latencies), run.errors, run.first_error) == (4, 0, None), operation


def test_a_round_trip_the_login_page_refuses_stops_the_section_before_timing(
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
) -> None:
    api = api_workload(cognito_emulator, cognito_pool, cognito_idp_client, "Another-Passw0rd!")

    with pytest.raises(PreflightError) as refused:
        oauth_flows.prepare(api)

    assert str(refused.value).startswith(
        "authorization code round trip on emulator: login POST: HTTP 400: "
    )


def test_the_client_credentials_request_is_basic_auth_with_a_resource_server_scope() -> None:
    pool = PoolConfig("us-east-1", "us-east-1_abc", "app", "s", "http://127.0.0.1:1", domain="kit")
    api = Workload("emulator", "127.0.0.1", 1, pool, ["bob"], ["t"])
    workload = oauth_flows.OAuthWorkload(api, "/domains/kit", "machine", "m-secret")

    request = workload.client_credentials()

    assert (request.method, request.path) == ("POST", "/domains/kit/oauth2/token")
    assert request.body == b"grant_type=client_credentials&scope=cognito-kit%2Fusers.read"
    # Base64("machine:m-secret"), from `printf machine:m-secret | base64`.
    assert request.headers == {
        "Content-Type": "application/x-www-form-urlencoded",
        "Authorization": "Basic bWFjaGluZTptLXNlY3JldA==",
    }


def throughput(per_second: int) -> Throughput:
    return Throughput(operations=per_second, errors=0, seconds=1.0, p50_ms=1.0, p95_ms=2.0)


def oauth_results(cpu_ms: dict[str, float]) -> oauth_flows.OAuthResults:
    return oauth_flows.OAuthResults(
        throughput={
            oauth_flows.INITIATE_AUTH: throughput(1000),
            oauth_flows.CLIENT_CREDENTIALS: throughput(1400),
            oauth_flows.ROUND_TRIP: throughput(400),
        },
        server_cpu_ms=cpu_ms,
    )


def test_client_credentials_are_judged_on_the_emulators_cpu_time_per_token() -> None:
    results = oauth_results(
        {
            oauth_flows.INITIATE_AUTH: 0.9,
            oauth_flows.CLIENT_CREDENTIALS: 0.5,
            oauth_flows.ROUND_TRIP: 3.0,
        }
    )

    judged, client_credentials, round_trip = oauth_flows.rows(results)

    assert judged.benchmark == (
        "client_credentials tokens vs InitiateAuth sign-ins per emulator CPU-second"
    )
    assert judged.kit == "/oauth2/token 2,000/CPU-s (0.50 ms CPU each)"
    assert judged.reference == "InitiateAuth 1,111/CPU-s (0.90 ms CPU each)"
    assert (judged.ratio, judged.met) == (1.8, True)
    assert judged.target is not None
    assert judged.target.describe() == ">= 1.50x"
    assert client_credentials.benchmark == (
        "client_credentials tokens vs InitiateAuth, 8 clients, same emulator"
    )
    assert (client_credentials.ratio, client_credentials.target) == (1.4, None)
    assert (round_trip.ratio, round_trip.target, round_trip.met) == (0.4, None, None)
    assert oauth_flows.to_json(results)["ratio_client_credentials_vs_initiate_auth"] == 1.4
    assert (
        oauth_flows.to_json(results)["ratio_client_credentials_vs_initiate_auth_per_cpu_second"]
        == 1.8
    )
    assert oauth_flows.cpu_note(results) == (
        "OAuth: the emulator's CPU time per operation: InitiateAuth 0.90 ms, client_credentials "
        "0.50 ms, authorization code round trip 3.00 ms (the client_credentials target is judged "
        "on these; throughput ratios are lower where the load generator shares the emulator's "
        "CPUs)"
    )


def test_client_credentials_costing_more_than_two_thirds_of_a_sign_in_miss_the_target() -> None:
    judged = oauth_flows.rows(
        oauth_results(
            {
                oauth_flows.INITIATE_AUTH: 0.9,
                oauth_flows.CLIENT_CREDENTIALS: 0.7,
                oauth_flows.ROUND_TRIP: 3.0,
            }
        )
    )[0]

    assert (judged.ratio, judged.met) == (1.286, False)


def test_the_env_file_gives_the_domain_and_the_machine_client() -> None:
    settings = {
        "AWS_REGION": "us-east-1",
        "AWS_COGNITO_USER_POOL_ID": "us-east-1_abc",
        "AWS_COGNITO_APP_CLIENT_ID": "app",
        "AWS_COGNITO_APP_CLIENT_SECRET": "s",
        "AWS_COGNITO_DOMAIN": "http://127.0.0.1:9229/domains/kit",
        "AWS_COGNITO_MACHINE_CLIENT_ID": "machine",
        "AWS_COGNITO_MACHINE_CLIENT_SECRET": "m-secret",
    }

    pool = pool_from_env(settings, "http://127.0.0.1:9229")

    assert (pool.domain, pool.machine_client_id, pool.machine_client_secret) == (
        "kit",
        "machine",
        "m-secret",
    )
    assert pool.domain_url == "http://127.0.0.1:9229/domains/kit"


def test_a_servers_cpu_time_is_read_from_proc(tmp_path: Path) -> None:
    burn = "import time\nend = time.process_time() + 0.3\nwhile time.process_time() < end: pass\n"
    process = subprocess.Popen([sys.executable, "-c", burn + "time.sleep(30)"])
    server = ServerProcess("burner", 1, process, tmp_path / "burner.log")
    try:
        deadline = time.monotonic() + 20
        while server.cpu_seconds() < 0.3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert 0.3 <= server.cpu_seconds() < 5
    finally:
        server.stop()
