"""Triggers reached through `--lambda-endpoint`: the Lambda Invoke API, as `sam local
start-lambda` serves it (here `LambdaInvokeApi`, running the same Python handlers).

The issue's promise: the same function gives the same event and the same result whether it runs
in the emulator's process or behind the endpoint, and the endpoint's failures are Cognito's
errors (UserLambdaValidationException for a function that raised, UnexpectedLambdaException for
one missing, unreachable or past its time, InvalidLambdaResponseException for an answer that is
not JSON), with no user left behind by a failed PreSignUp.
"""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.pool_definition import ADMIN_GROUP
from cognito_emulator.pytest_plugin import idp_client, secret_hash
from cognito_emulator.server import EmulatorServer
from cognito_emulator.triggers.functions import LambdaFunctions
from devstack.ports import free_port
from tests.emulator.lambda_invoke_api import Invocation, LambdaInvokeApi
from tests.emulator.trigger_harness import error_of

PASSWORD = "Passw0rd!"
# Short, so that the timeout test is quick; every other function answers in milliseconds.
TIMEOUT_SECONDS = 1.0


@pytest.fixture(scope="module")
def invoke_api() -> Iterator[LambdaInvokeApi]:
    api = LambdaInvokeApi()
    api.start()
    yield api
    api.stop()


@pytest.fixture
def lambda_api(invoke_api: LambdaInvokeApi) -> Iterator[LambdaInvokeApi]:
    """The Invoke API with no functions and no invocations yet."""
    invoke_api.unregister_all()
    yield invoke_api
    invoke_api.unregister_all()


@pytest.fixture(scope="module")
def _endpoint_emulator(invoke_api: LambdaInvokeApi) -> Iterator[EmulatorServer]:
    server = EmulatorServer(
        lambda_endpoint=invoke_api.endpoint_url, lambda_timeout_seconds=TIMEOUT_SECONDS
    ).start()
    yield server
    server.stop()


@pytest.fixture
def emulator(_endpoint_emulator: EmulatorServer) -> Iterator[EmulatorServer]:
    """An emulator whose functions not registered in-process are behind `invoke_api`."""
    _endpoint_emulator.reset()
    yield _endpoint_emulator
    for name in _endpoint_emulator.backend.lambdas.registered():
        _endpoint_emulator.unregister_lambda(name)


@pytest.fixture
def pool(emulator: EmulatorServer) -> PoolConfig:
    return emulator.bootstrap()


@pytest.fixture(scope="module")
def idp(_endpoint_emulator: EmulatorServer) -> CognitoIdentityProviderClient:
    return idp_client(_endpoint_emulator.endpoint_url, _endpoint_emulator.region)


def sign_up(
    idp: CognitoIdentityProviderClient, pool: PoolConfig, username: str, **extra: Any
) -> dict[str, Any]:
    return dict(
        idp.sign_up(
            ClientId=pool.client_id,
            SecretHash=secret_hash(username, pool.client_id, pool.client_secret),
            Username=username,
            Password=PASSWORD,
            UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}],
            **extra,
        )
    )


def user_status(idp: CognitoIdentityProviderClient, pool: PoolConfig, username: str) -> str:
    return idp.admin_get_user(UserPoolId=pool.user_pool_id, Username=username)["UserStatus"]


class AutoConfirm:
    """A PreSignUp handler that confirms every user, keeping each event as it arrived."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def __call__(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        self.events.append(copy.deepcopy(event))
        event["response"]["autoConfirmUser"] = True
        return event


# -- the same function, in-process and behind the endpoint ----------------------------------------


def test_pre_sign_up_through_the_endpoint_gets_the_in_process_event_and_confirms_alike(
    emulator: EmulatorServer,
    pool: PoolConfig,
    idp: CognitoIdentityProviderClient,
    lambda_api: LambdaInvokeApi,
) -> None:
    """One pool, one ARN: first the in-process handler answers it, then, unregistered, the
    endpoint does. The same user signs up both times (deleted in between), so nothing differs."""
    handler = AutoConfirm()
    emulator.register_lambda("gate", handler)
    lambda_api.register("gate", handler)
    emulator.set_triggers(pool.user_pool_id, PreSignUp="gate")
    extra: Any = {
        "ValidationData": [{"Name": "invite", "Value": "abc"}],
        "ClientMetadata": {"campaign": "spring"},
    }

    in_process = sign_up(idp, pool, "bob", **extra)
    in_process_status = user_status(idp, pool, "bob")
    idp.admin_delete_user(UserPoolId=pool.user_pool_id, Username="bob")
    assert lambda_api.invocations == []
    emulator.unregister_lambda("gate")
    through_endpoint = sign_up(idp, pool, "bob", **extra)

    in_process_event, endpoint_event = handler.events
    assert endpoint_event == in_process_event
    assert endpoint_event["triggerSource"] == "PreSignUp_SignUp"
    assert endpoint_event["request"]["clientMetadata"] == {"campaign": "spring"}
    (invocation,) = lambda_api.invocations
    assert invocation.name == "gate"
    assert json.loads(invocation.payload) == endpoint_event
    assert in_process["UserConfirmed"] is through_endpoint["UserConfirmed"] is True
    assert in_process_status == user_status(idp, pool, "bob") == "CONFIRMED"


def test_post_confirmation_through_the_endpoint_gets_the_in_process_event_but_its_users_sub(
    emulator: EmulatorServer,
    pool: PoolConfig,
    idp: CognitoIdentityProviderClient,
    lambda_api: LambdaInvokeApi,
) -> None:
    """The one field that differs is userAttributes.sub: each sign-up makes a new user, and a
    new user gets a new sub."""
    events: list[dict[str, Any]] = []

    def welcome(event: dict[str, Any], context: Any) -> dict[str, Any]:
        events.append(copy.deepcopy(event))
        return event

    emulator.register_lambda("welcome", welcome)
    lambda_api.register("welcome", welcome)
    emulator.set_triggers(pool.user_pool_id, PostConfirmation="welcome")

    def sign_up_and_confirm() -> str:
        sub = sign_up(idp, pool, "carol")["UserSub"]
        idp.confirm_sign_up(
            ClientId=pool.client_id,
            SecretHash=secret_hash("carol", pool.client_id, pool.client_secret),
            Username="carol",
            ConfirmationCode=emulator.latest_code(pool.user_pool_id, "carol"),
            ClientMetadata={"source": "web"},
        )
        return str(sub)

    first_sub = sign_up_and_confirm()
    idp.admin_delete_user(UserPoolId=pool.user_pool_id, Username="carol")
    emulator.unregister_lambda("welcome")
    second_sub = sign_up_and_confirm()

    in_process_event, endpoint_event = events
    assert in_process_event["request"]["userAttributes"]["sub"] == first_sub
    assert endpoint_event["request"]["userAttributes"]["sub"] == second_sub
    endpoint_event["request"]["userAttributes"]["sub"] = first_sub
    assert endpoint_event == in_process_event
    assert [invocation.name for invocation in lambda_api.invocations] == ["welcome"]


def test_a_function_behind_the_endpoint_may_call_the_emulator_back(
    emulator: EmulatorServer,
    pool: PoolConfig,
    idp: CognitoIdentityProviderClient,
    lambda_api: LambdaInvokeApi,
) -> None:
    """The PostConfirmation handler adds the user to a group over HTTP while ConfirmSignUp
    waits for it: the emulator serves the call rather than deadlock (and time out)."""

    def add_to_group(event: dict[str, Any], context: Any) -> dict[str, Any]:
        idp.admin_add_user_to_group(
            UserPoolId=event["userPoolId"], Username=event["userName"], GroupName=ADMIN_GROUP
        )
        return event

    lambda_api.register("add-to-group", add_to_group)
    emulator.set_triggers(pool.user_pool_id, PostConfirmation="add-to-group")
    sign_up(idp, pool, "dave")

    idp.confirm_sign_up(
        ClientId=pool.client_id,
        SecretHash=secret_hash("dave", pool.client_id, pool.client_secret),
        Username="dave",
        ConfirmationCode=emulator.latest_code(pool.user_pool_id, "dave"),
    )

    groups = idp.admin_list_groups_for_user(UserPoolId=pool.user_pool_id, Username="dave")
    assert [group["GroupName"] for group in groups["Groups"]] == [ADMIN_GROUP]


# -- the endpoint's failures as Cognito's errors --------------------------------------------------


def refuse(event: dict[str, Any], context: Any) -> None:
    raise ValueError("Domain not allowed")


def not_json(event: dict[str, Any], context: Any) -> bytes:
    return b"<html>Bad gateway</html>"


@pytest.mark.parametrize(
    ("register", "code", "message"),
    [
        pytest.param(
            lambda api: api.register("gate", refuse),
            "UserLambdaValidationException",
            "PreSignUp failed with error Domain not allowed.",
            id="raised",
        ),
        pytest.param(
            lambda api: None,
            "UnexpectedLambdaException",
            "PreSignUp invocation failed due to error ResourceNotFoundException.",
            id="unknown-function",
        ),
        pytest.param(
            lambda api: api.register("gate", AutoConfirm(), delay_seconds=4 * TIMEOUT_SECONDS),
            "UnexpectedLambdaException",
            "PreSignUp invocation failed due to error Socket timeout while invoking Lambda "
            "function.",
            id="past-the-timeout",
        ),
        pytest.param(
            lambda api: api.register("gate", not_json),
            "InvalidLambdaResponseException",
            "Unrecognizable lambda output",
            id="not-json",
        ),
    ],
)
def test_a_pre_sign_up_failing_behind_the_endpoint_is_cognitos_error_and_creates_no_user(
    emulator: EmulatorServer,
    pool: PoolConfig,
    idp: CognitoIdentityProviderClient,
    lambda_api: LambdaInvokeApi,
    register: Any,
    code: str,
    message: str,
) -> None:
    register(lambda_api)
    emulator.set_triggers(pool.user_pool_id, PreSignUp="gate")

    began = time.monotonic()
    assert error_of(sign_up, idp, pool, "erin") == (code, message)
    took = time.monotonic() - began

    assert [invocation.name for invocation in lambda_api.invocations] == ["gate"]
    assert took < 2 * TIMEOUT_SECONDS
    assert error_of(idp.admin_get_user, UserPoolId=pool.user_pool_id, Username="erin") == (
        "UserNotFoundException",
        "User does not exist.",
    )


def test_an_endpoint_nobody_listens_on_is_an_unexpected_lambda_exception() -> None:
    with EmulatorServer(lambda_endpoint=f"http://127.0.0.1:{free_port()}") as server:
        server.start()
        pool = server.bootstrap()
        server.set_triggers(pool.user_pool_id, PreSignUp="gate")
        idp = idp_client(server.endpoint_url, server.region)

        assert error_of(sign_up, idp, pool, "frank") == (
            "UnexpectedLambdaException",
            "PreSignUp invocation failed due to error EndpointConnectionError.",
        )
        assert error_of(idp.admin_get_user, UserPoolId=pool.user_pool_id, Username="frank")[0] == (
            "UserNotFoundException"
        )


# -- the test Invoke API answers as Lambda does ---------------------------------------------------


@pytest.fixture
def lambda_client(lambda_api: LambdaInvokeApi) -> Any:
    return boto3.client(
        "lambda",
        region_name="us-east-1",
        endpoint_url=lambda_api.endpoint_url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"total_max_attempts": 1, "mode": "standard"}),
    )


def test_a_function_that_raises_answers_200_with_the_python_runtimes_error_document(
    lambda_api: LambdaInvokeApi, lambda_client: Any
) -> None:
    lambda_api.register("gate", refuse)

    result = lambda_client.invoke(FunctionName="gate", Payload=b'{"n": 1}')
    document = json.loads(result["Payload"].read())

    assert (result["StatusCode"], result["FunctionError"]) == (200, "Unhandled")
    assert (document["errorMessage"], document["errorType"]) == (
        "Domain not allowed",
        "ValueError",
    )
    assert document["stackTrace"][-1].endswith(
        'in refuse\n    raise ValueError("Domain not allowed")\n'
    )
    assert lambda_api.invocations == [Invocation("gate", b'{"n": 1}')]


def test_an_unknown_function_is_lambdas_resource_not_found(
    lambda_api: LambdaInvokeApi, lambda_client: Any
) -> None:
    with pytest.raises(lambda_client.exceptions.ResourceNotFoundException) as missing:
        lambda_client.invoke(FunctionName="missing", Payload=b"{}")

    assert missing.value.response["Error"] == {
        "Code": "ResourceNotFoundException",
        "Message": "Function not found: arn:aws:lambda:us-east-1:000000000000:function:missing",
    }
    assert missing.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_closing_the_functions_lets_the_next_invocation_connect_anew(
    lambda_api: LambdaInvokeApi,
) -> None:
    functions = LambdaFunctions(region="us-east-1", endpoint_url=lambda_api.endpoint_url)
    lambda_api.register("echo", lambda event, context: event)

    first = functions.invoke(lambda_api.arn("echo"), {"n": 1})
    functions.close()
    second = functions.invoke(lambda_api.arn("echo"), {"n": 2})
    functions.close()

    assert (first, second) == ({"n": 1}, {"n": 2})
