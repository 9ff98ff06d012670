"""The pytest plugin's fixtures, used directly and from a pytester project."""

from __future__ import annotations

import subprocess
import sys

import jwt
import pytest
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.pytest_plugin import CognitoUser
from cognito_emulator.server import EmulatorServer

pytest_plugins = ["pytester"]


def test_cognito_user_is_confirmed_and_logged_in(
    cognito_user: CognitoUser,
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
) -> None:
    me = cognito_idp_client.get_user(AccessToken=cognito_user.access_token)

    assert me["Username"] == cognito_user.username
    attributes = {a["Name"]: a["Value"] for a in me["UserAttributes"]}
    assert attributes["email"] == cognito_user.email
    assert attributes["sub"] == cognito_user.sub
    claims = jwt.decode(cognito_user.id_token, options={"verify_signature": False})
    assert claims["aud"] == cognito_pool.client_id
    assert claims["email_verified"] is True
    assert cognito_user.refresh_token


def test_cognito_pool_matches_the_running_server(
    cognito_pool: PoolConfig, cognito_emulator: EmulatorServer
) -> None:
    assert cognito_pool.endpoint_url == cognito_emulator.endpoint_url
    assert cognito_pool.as_env() == {
        "AWS_REGION": "us-east-1",
        "AWS_COGNITO_USER_POOL_ID": cognito_pool.user_pool_id,
        "AWS_COGNITO_APP_CLIENT_ID": cognito_pool.client_id,
        "AWS_COGNITO_APP_CLIENT_SECRET": cognito_pool.client_secret,
        "AWS_COGNITO_ENDPOINT_URL": cognito_emulator.endpoint_url,
        "AWS_COGNITO_DOMAIN": f"{cognito_emulator.endpoint_url}/domains/kit",
        "AWS_COGNITO_MACHINE_CLIENT_ID": cognito_pool.machine_client_id,
        "AWS_COGNITO_MACHINE_CLIENT_SECRET": cognito_pool.machine_client_secret,
        "AWS_COGNITO_ACCEPTED_CLIENT_IDS": cognito_pool.machine_client_id,
        "SERVICE_PUBLIC_URL": "http://localhost:8000",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }


def test_bootstrapped_pool_is_configured_like_the_cli_says(
    cognito_pool: PoolConfig, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    pool = cognito_idp_client.describe_user_pool(UserPoolId=cognito_pool.user_pool_id)["UserPool"]
    client = cognito_idp_client.describe_user_pool_client(
        UserPoolId=cognito_pool.user_pool_id, ClientId=cognito_pool.client_id
    )["UserPoolClient"]

    assert pool["Policies"]["PasswordPolicy"]["MinimumLength"] == 8
    assert pool["AutoVerifiedAttributes"] == ["email"]
    assert set(client["ExplicitAuthFlows"]) == {
        "ALLOW_USER_PASSWORD_AUTH",
        "ALLOW_ADMIN_USER_PASSWORD_AUTH",
        "ALLOW_REFRESH_TOKEN_AUTH",
        "ALLOW_USER_SRP_AUTH",
    }
    assert client["ClientSecret"] == cognito_pool.client_secret
    assert client["PreventUserExistenceErrors"] == "ENABLED"


def test_importing_the_plugin_starts_nothing_and_imports_nothing_heavy() -> None:
    probe = (
        "import sys, cognito_emulator.pytest_plugin\n"
        "heavy = {'moto', 'boto3', 'uvicorn', 'cognito_emulator.server'} & set(sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", probe], check=True, timeout=30)


def test_fixtures_in_a_user_project(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        import pytest

        @pytest.fixture(scope="session")
        def cognito_emulator_options():
            return {"fixed_code": "654321"}
        """
    )
    pytester.makepyfile(
        """
        seen = {}

        def test_first(cognito_emulator, cognito_user, cognito_pool):
            seen["pool"] = cognito_pool.user_pool_id
            seen["url"] = cognito_emulator.endpoint_url
            code = cognito_emulator.latest_code(cognito_pool.user_pool_id, cognito_user.username)
            assert code == "654321"

        def test_second_sees_a_reset_emulator_on_the_same_server(cognito_emulator):
            assert cognito_emulator.endpoint_url == seen["url"]
            assert seen["pool"] not in cognito_emulator.backend.pool_ids()
            assert cognito_emulator.outbox() == []

        def test_without_fixtures():
            pass
        """
    )

    result = pytester.runpytest("-p", "no:cacheprovider")

    result.assert_outcomes(passed=3)


def test_each_test_starts_on_a_reset_emulator_whatever_came_before(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import time

        def assert_clean(server):
            assert server.backend.pool_ids() == []
            assert server.outbox() == []
            assert server.app.faults.describe() == []
            assert abs(server.advance_clock(0) - time.time()) < 5

        def test_fails_leaving_a_pool_a_user_a_fault_and_a_moved_clock(
            cognito_emulator, cognito_user
        ):
            cognito_emulator.add_fault("GetUser", "InternalErrorException")
            cognito_emulator.advance_clock(86400)
            raise AssertionError("fails on purpose")

        def test_sees_none_of_it(cognito_emulator):
            assert_clean(cognito_emulator)

        def test_leaves_state_through_the_session_server(make_cognito_emulator):
            make_cognito_emulator.bootstrap()
            make_cognito_emulator.add_fault("*", "ServiceUnavailable")
            make_cognito_emulator.advance_clock(-3600)

        def test_sees_none_of_that_either(cognito_emulator, cognito_idp_client):
            assert_clean(cognito_emulator)
            assert cognito_idp_client.list_user_pools(MaxResults=5)["UserPools"] == []
        """
    )

    result = pytester.runpytest("-p", "no:cacheprovider")

    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(
        ["FAILED *::test_fails_leaving_a_pool_a_user_a_fault_and_a_moved_clock*"]
    )
