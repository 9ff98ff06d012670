"""`triggers.functions`: in-process handlers run as Lambda's Python runtime runs them.

The context a handler gets has the attributes of Lambda's Python context object
(python-context.md: function_name, function_version, invoked_function_arn, memory_limit_in_mb,
aws_request_id, log_group_name, log_stream_name, identity, client_context and
get_remaining_time_in_millis); what goes wrong is sorted into FunctionFailed (the function raised:
Cognito's UserLambdaValidationException) and FunctionUnavailable (it could not answer:
UnexpectedLambdaException).
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.pool_definition import ADMIN_GROUP
from cognito_emulator.pytest_plugin import CognitoLambdas, secret_hash
from cognito_emulator.server import EmulatorServer
from cognito_emulator.triggers.functions import (
    NOT_FOUND,
    TIMED_OUT,
    UNRECOGNIZABLE,
    FunctionFailed,
    FunctionUnavailable,
    LambdaContext,
    LambdaFunctions,
    function_name,
    load_handler,
)

ARN = "arn:aws:lambda:us-east-1:123456789012:function:my-trigger"


@pytest.fixture
def functions() -> Iterator[LambdaFunctions]:
    functions = LambdaFunctions(region="us-east-1")
    yield functions
    functions.close()


def echo(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return event


def test_the_context_has_the_attributes_of_lambdas_python_context(
    functions: LambdaFunctions,
) -> None:
    seen: list[LambdaContext] = []

    def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        seen.append(context)
        return event

    functions.register("my-trigger", handler)
    functions.invoke(ARN, {"n": 1})
    functions.invoke(ARN, {"n": 2})

    first, second = seen
    assert (first.function_name, first.function_version) == ("my-trigger", "$LATEST")
    assert first.invoked_function_arn == ARN
    assert first.memory_limit_in_mb == "128"
    assert first.log_group_name == "/aws/lambda/my-trigger"
    assert re.fullmatch(r"\d{4}/\d{2}/\d{2}/\[\$LATEST\][0-9a-f]{32}", first.log_stream_name), (
        first.log_stream_name
    )
    assert (first.identity, first.client_context) == (None, None)
    assert str(uuid.UUID(first.aws_request_id)) == first.aws_request_id
    assert first.aws_request_id != second.aws_request_id  # one per invocation


def test_remaining_time_counts_down_from_the_timeout_and_stops_at_zero() -> None:
    context = LambdaContext("fn", ARN, timeout_seconds=0.2)

    at_start = context.get_remaining_time_in_millis()
    time.sleep(0.05)
    later = context.get_remaining_time_in_millis()
    time.sleep(0.2)

    assert 150 < at_start <= 200
    assert 0 < later <= at_start - 50
    assert context.get_remaining_time_in_millis() == 0


def test_a_handler_gets_a_copy_of_the_event_and_its_answer_comes_back_as_json(
    functions: LambdaFunctions,
) -> None:
    def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        event["response"]["autoConfirmUser"] = True
        event["request"]["userAttributes"]["email"] = "changed@example.com"
        return event

    functions.register("my-trigger", handler)
    event = {"request": {"userAttributes": {"email": "a@example.com"}}, "response": {}}

    answer = functions.invoke(ARN, event)

    assert answer == {
        "request": {"userAttributes": {"email": "changed@example.com"}},
        "response": {"autoConfirmUser": True},
    }
    assert event == {"request": {"userAttributes": {"email": "a@example.com"}}, "response": {}}


def test_an_answer_that_is_not_json_is_unrecognizable(functions: LambdaFunctions) -> None:
    functions.register("my-trigger", lambda event, context: {"response": {1, 2}})

    assert functions.invoke(ARN, {}) is UNRECOGNIZABLE


def test_a_handler_that_raises_fails_with_its_message(functions: LambdaFunctions) -> None:
    def handler(event: dict[str, Any], context: LambdaContext) -> None:
        raise ValueError("Domain not allowed.")

    functions.register("my-trigger", handler)

    with pytest.raises(FunctionFailed) as failed:
        functions.invoke(ARN, {})

    assert failed.value.message == "Domain not allowed."


def sleep_then(seconds: float, answer: Any) -> Any:
    def handler(event: dict[str, Any], context: LambdaContext) -> Any:
        time.sleep(seconds)
        if isinstance(answer, Exception):
            raise answer
        return answer

    return handler


@pytest.mark.parametrize(
    "answer", [{"response": {}}, ValueError("too late to matter")], ids=["answers", "raises"]
)
def test_a_handler_that_answers_past_the_timeout_timed_out_whatever_it_answered(
    answer: Any,
) -> None:
    """Cognito stopped waiting at the timeout, so neither a late answer nor a late error counts;
    the handler runs to its end (no Python code can be stopped midway) and the timeout is
    reported then."""
    functions = LambdaFunctions(region="us-east-1", timeout_seconds=0.05)
    functions.register("slow", sleep_then(0.1, answer))

    with pytest.raises(FunctionUnavailable) as unavailable:
        functions.invoke("arn:aws:lambda:us-east-1:123456789012:function:slow", {})

    assert unavailable.value.reason == TIMED_OUT == "Socket timeout while invoking Lambda function"
    assert str(unavailable.value) == "function slow did not answer within 0.05 s"


def test_a_handler_that_answers_in_time_is_not_timed_out() -> None:
    functions = LambdaFunctions(region="us-east-1", timeout_seconds=0.5)
    functions.register("my-trigger", sleep_then(0.05, {"response": {}}))

    assert functions.invoke(ARN, {}) == {"response": {}}


def test_a_function_nobody_registered_is_not_found_without_an_endpoint(
    functions: LambdaFunctions,
) -> None:
    with pytest.raises(FunctionUnavailable) as unavailable:
        functions.invoke(ARN, {})

    assert unavailable.value.reason == NOT_FOUND == "ResourceNotFoundException"
    assert str(unavailable.value) == (
        "no function my-trigger: register a handler for it "
        "(--lambda my-trigger=module:function) or give --lambda-endpoint"
    )


def test_an_arn_that_names_no_lambda_function_is_not_found(functions: LambdaFunctions) -> None:
    functions.register("my-trigger", echo)
    topic = "arn:aws:sns:us-east-1:123456789012:my-trigger"

    with pytest.raises(FunctionUnavailable) as unavailable:
        functions.invoke(topic, {})

    assert unavailable.value.reason == NOT_FOUND
    assert str(unavailable.value) == f"{topic} is not a Lambda function ARN"


@pytest.mark.parametrize(
    ("arn", "name"),
    [
        (ARN, "my-trigger"),
        ("arn:aws:lambda:eu-west-1:123456789012:function:fn_2:prod", "fn_2"),
        ("arn:aws:lambda:us-east-1:123456789012:function:fn:$LATEST", "fn"),
        ("arn:aws-cn:lambda:cn-north-1:123456789012:function:fn", "fn"),
        ("arn:aws:lambda:us-east-1:12345:function:fn", None),  # account is 12 digits
        ("arn:aws:lambda:us-east-1:123456789012:layer:fn", None),
        ("my-trigger", None),
    ],
)
def test_function_name_is_the_name_part_of_a_lambda_function_arn(
    arn: str, name: str | None
) -> None:
    assert function_name(arn) == name


def test_a_registered_name_can_be_replaced_and_unregistered(functions: LambdaFunctions) -> None:
    functions.register("my-trigger", lambda event, context: {"first": True})
    functions.register("my-trigger", lambda event, context: {"second": True})
    functions.register("another", echo)

    assert functions.invoke(ARN, {}) == {"second": True}
    assert functions.registered() == ["another", "my-trigger"]

    functions.unregister("my-trigger")

    assert functions.registered() == ["another"]
    with pytest.raises(FunctionUnavailable):
        functions.invoke(ARN, {})


@pytest.mark.parametrize("name", ["", "has space", "a:b", "x" * 65])
def test_a_name_lambda_could_not_have_is_refused(functions: LambdaFunctions, name: str) -> None:
    with pytest.raises(ValueError) as refused:
        functions.register(name, echo)

    assert str(refused.value) == (
        f"{name!r} is not a Lambda function name (1-64 letters, digits, - and _)"
    )


@pytest.fixture
def handler_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """An importable module of the kind `--lambda NAME=module:function` names."""
    name = f"user_triggers_{uuid.uuid4().hex}"
    (tmp_path / f"{name}.py").write_text(
        "NOT_A_FUNCTION = 'text'\n"
        "def pre_sign_up(event, context):\n"
        "    event['response']['autoConfirmUser'] = True\n"
        "    return event\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    return name


def test_a_module_function_reference_is_imported_and_run(
    functions: LambdaFunctions, handler_module: str
) -> None:
    functions.register("my-trigger", f"{handler_module}:pre_sign_up")

    assert functions.invoke(ARN, {"response": {}}) == {"response": {"autoConfirmUser": True}}


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        ("no_colon", "'no_colon' is not module:function (e.g. app.triggers:handler)"),
        ("mod:", "'mod:' is not module:function (e.g. app.triggers:handler)"),
        ("mod:a.b", "'mod:a.b' is not module:function (e.g. app.triggers:handler)"),
        (
            "no_such_module_here:handler",
            "cannot import 'no_such_module_here': ModuleNotFoundError: "
            "No module named 'no_such_module_here'",
        ),
        ("json:no_such_function", "module 'json' has no function 'no_such_function'"),
    ],
)
def test_a_reference_that_names_no_function_is_a_clear_error(reference: str, message: str) -> None:
    with pytest.raises(ValueError) as refused:
        load_handler(reference)

    assert str(refused.value) == message


def test_an_attribute_that_is_not_callable_is_not_a_handler(handler_module: str) -> None:
    with pytest.raises(ValueError) as refused:
        load_handler(f"{handler_module}:NOT_A_FUNCTION")

    assert str(refused.value) == f"module {handler_module!r} has no function 'NOT_A_FUNCTION'"


@pytest.mark.parametrize(
    ("source", "error"),
    [
        (
            "import no_such_dependency_here\n",
            "ModuleNotFoundError: No module named 'no_such_dependency_here'",
        ),
        (
            "raise RuntimeError('DATABASE_URL is not set')\n",
            "RuntimeError: DATABASE_URL is not set",
        ),
        ("def handler(event, context)\n", "SyntaxError: expected ':' ({name}.py, line 1)"),
    ],
)
def test_a_module_that_fails_while_importing_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str, error: str
) -> None:
    """Whatever the module's own code does wrong is the message, not a traceback."""
    name = f"broken_triggers_{uuid.uuid4().hex}"
    (tmp_path / f"{name}.py").write_text(source)
    monkeypatch.syspath_prepend(str(tmp_path))

    with pytest.raises(ValueError) as refused:
        load_handler(f"{name}:handler")

    assert str(refused.value) == f"cannot import {name!r}: {error.format(name=name)}"


def test_an_in_process_handler_may_call_the_emulator_back_while_its_trigger_runs(
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_lambdas: CognitoLambdas,
) -> None:
    """A PostConfirmation handler adding the user to a group over HTTP, while ConfirmSignUp
    waits for it: the handler runs with the backend's lock let go, so this neither deadlocks
    nor times out."""

    def add_to_group(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        cognito_idp_client.admin_add_user_to_group(
            UserPoolId=event["userPoolId"], Username=event["userName"], GroupName=ADMIN_GROUP
        )
        return event

    cognito_lambdas.register("add-to-group", add_to_group)
    cognito_lambdas.set_triggers(cognito_pool.user_pool_id, PostConfirmation="add-to-group")
    hashed = secret_hash("gina", cognito_pool.client_id, cognito_pool.client_secret)
    cognito_idp_client.sign_up(
        ClientId=cognito_pool.client_id,
        SecretHash=hashed,
        Username="gina",
        Password="Passw0rd!",
        UserAttributes=[{"Name": "email", "Value": "gina@example.com"}],
    )

    began = time.monotonic()
    cognito_idp_client.confirm_sign_up(
        ClientId=cognito_pool.client_id,
        SecretHash=hashed,
        Username="gina",
        ConfirmationCode=cognito_emulator.latest_code(cognito_pool.user_pool_id, "gina"),
    )

    assert time.monotonic() - began < 1.0
    groups = cognito_idp_client.admin_list_groups_for_user(
        UserPoolId=cognito_pool.user_pool_id, Username="gina"
    )
    assert [group["GroupName"] for group in groups["Groups"]] == [ADMIN_GROUP]
