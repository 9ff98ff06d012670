"""Where a Lambda ARN's code runs: an in-process Python handler, or the Lambda Invoke API.

A function is named by the last part of its ARN (`arn:aws:lambda:{region}:{account}:function:
NAME`). A NAME registered here (`--lambda NAME=module:function`, `EmulatorServer.register_lambda`,
the pytest plugin) runs in the emulator's process: `handler(event, context)` with a context like
Lambda's. Any other NAME is invoked through the Lambda Invoke API at the endpoint given
(`--lambda-endpoint`: `sam local start-lambda`, LocalStack), with boto3's lambda client, so
functions in any language run. Either way the event goes out as JSON and the answer comes back as
JSON, so a handler sees the same event and the emulator the same answer on both paths.

What can go wrong is sorted as Cognito sorts it: the function raised (`FunctionFailed`: Cognito's
UserLambdaValidationException), or could not be run — missing, unreachable, past its 5 s
(`FunctionUnavailable`: UnexpectedLambdaException). Cognito waits 5 s for a trigger
("Your Lambda function must respond within 5 seconds", cognito-user-pools-working-with-lambda-
triggers.md, "Things to know about Lambda triggers").

An in-process handler runs on the calling thread (the caller has let the backend's lock go): a
hop to a thread of its own would cost a login about a fifth more, twice the 10% issue 14 allows
(`nox -s bench`), and would not stop the handler either, as no Python thread can be stopped
midway. A handler past its time therefore fails with Cognito's timeout once it returns.
"""

from __future__ import annotations

import importlib
import json
import logging
import re
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from typing import Any

logger = logging.getLogger("cognito_emulator.triggers")

TIMEOUT_SECONDS = 5.0
# ARN pattern of LambdaConfig members (API_LambdaConfigType), narrowed to Lambda functions.
FUNCTION_ARN = re.compile(
    r"arn:aws[a-z-]*:lambda:(?P<region>[a-z0-9-]+):(?P<account>[0-9]{12}):function:"
    r"(?P<name>[A-Za-z0-9_-]{1,64})(?::(?P<qualifier>[A-Za-z0-9_$-]{1,128}))?"
)
HANDLER_REFERENCE = re.compile(r"(?P<module>[A-Za-z_][\w.]*):(?P<function>[A-Za-z_]\w*)")
FUNCTION_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")

Handler = Callable[[dict[str, Any], "LambdaContext"], Any]


class FunctionFailed(Exception):
    """The function ran and raised: `message` is its error message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class FunctionUnavailable(Exception):
    """The function could not be run or did not answer in time. `reason` is what Cognito says
    ("Socket timeout while invoking Lambda function", "ResourceNotFoundException"), the
    exception's message what went wrong here, for the log."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


# Cognito's words for a trigger that did not answer in time ("PostAuthentication invocation
# failed due to error Socket timeout while invoking Lambda function.", quoted in
# furaiev/amazon-cognito-identity-dart-2#204).
TIMED_OUT = "Socket timeout while invoking Lambda function"
NOT_FOUND = "ResourceNotFoundException"


def function_name(arn: str) -> str | None:
    """NAME of `arn:aws:lambda:{region}:{account}:function:NAME[:qualifier]`, None otherwise."""
    found = FUNCTION_ARN.fullmatch(arn)
    return found["name"] if found is not None else None


def load_handler(reference: str) -> Handler:
    """The function `module:function` names, imported now (ValueError saying what is wrong)."""
    found = HANDLER_REFERENCE.fullmatch(reference)
    if found is None:
        raise ValueError(f"{reference!r} is not module:function (e.g. app.triggers:handler)")
    try:
        module = importlib.import_module(found["module"])
    except Exception as error:  # the module's own code failed too: a syntax error, a raise
        raise ValueError(
            f"cannot import {found['module']!r}: {type(error).__name__}: {error}"
        ) from error
    handler = getattr(module, found["function"], None)
    if not callable(handler):
        raise ValueError(f"module {found['module']!r} has no function {found['function']!r}")
    return handler


class LambdaContext:
    """What Lambda's Python runtime passes a handler as `context` (the same attribute names)."""

    def __init__(self, name: str, arn: str, timeout_seconds: float) -> None:
        self.function_name = name
        self.function_version = "$LATEST"
        self.invoked_function_arn = arn
        self.memory_limit_in_mb = "128"
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{name}"
        self.log_stream_name = f"{time.strftime('%Y/%m/%d')}/[$LATEST]{uuid.uuid4().hex}"
        self.identity = None
        self.client_context = None
        self._deadline = time.monotonic() + timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


class LambdaFunctions:
    """The emulator's Lambda: in-process handlers by name, else the Invoke API at an endpoint."""

    def __init__(
        self,
        *,
        region: str,
        endpoint_url: str | None = None,
        timeout_seconds: float = TIMEOUT_SECONDS,
    ) -> None:
        self.region = region
        self.endpoint_url = endpoint_url
        self.timeout_seconds = timeout_seconds
        self._handlers: dict[str, Handler] = {}
        self._invoke_api: Any = None
        self._setup_lock = threading.Lock()

    # -- registry -----------------------------------------------------------------------------

    def register(self, name: str, handler: Handler | str) -> None:
        """Run `handler` (a callable, or `module:function`) for the function NAME."""
        if not FUNCTION_NAME.fullmatch(name):
            raise ValueError(
                f"{name!r} is not a Lambda function name (1-64 letters, digits, - and _)"
            )
        self._handlers[name] = load_handler(handler) if isinstance(handler, str) else handler

    def unregister(self, name: str) -> None:
        self._handlers.pop(name, None)

    def registered(self) -> list[str]:
        return sorted(self._handlers)

    def any_can_run(self) -> bool:
        """Whether any function can run at all: one is registered, or an endpoint is given."""
        return bool(self._handlers) or self.endpoint_url is not None

    # -- invocation ---------------------------------------------------------------------------

    def invoke(self, arn: str, event: dict[str, Any]) -> Any:
        """The function's answer to `event`, decoded from JSON; FunctionFailed or
        FunctionUnavailable when it raised or could not answer."""
        name = function_name(arn)
        if name is None:
            raise FunctionUnavailable(NOT_FOUND, f"{arn} is not a Lambda function ARN")
        payload = json.dumps(event)
        handler = self._handlers.get(name)
        if handler is not None:
            return self._invoke_in_process(name, arn, handler, payload)
        if self.endpoint_url is not None:
            return self._invoke_through_api(name, payload)
        raise FunctionUnavailable(
            NOT_FOUND,
            f"no function {name}: register a handler for it (--lambda {name}=module:function) "
            "or give --lambda-endpoint",
        )

    def _invoke_in_process(self, name: str, arn: str, handler: Handler, payload: str) -> Any:
        """The handler's answer; past its time, Cognito's timeout, whatever it answered."""
        context = LambdaContext(name, arn, self.timeout_seconds)
        try:
            answer = _run_handler(handler, payload, context)
        except FunctionFailed:
            if context.get_remaining_time_in_millis() == 0:
                raise self._timed_out(name) from None
            raise
        if context.get_remaining_time_in_millis() == 0:
            raise self._timed_out(name)
        return answer

    def _timed_out(self, name: str) -> FunctionUnavailable:
        return FunctionUnavailable(
            TIMED_OUT, f"function {name} did not answer within {self.timeout_seconds:g} s"
        )

    def _invoke_through_api(self, name: str, payload: str) -> Any:
        import botocore.exceptions

        client = self._lambda_client()
        try:
            result = client.invoke(FunctionName=name, Payload=payload.encode())
            body = result["Payload"].read()
        except client.exceptions.ResourceNotFoundException:
            raise FunctionUnavailable(
                NOT_FOUND, f"function {name} was not found at {self.endpoint_url}"
            ) from None
        except botocore.exceptions.ReadTimeoutError:
            raise self._timed_out(name) from None
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as error:
            code = (
                error.response.get("Error", {}).get("Code")
                if isinstance(error, botocore.exceptions.ClientError)
                else None
            )
            raise FunctionUnavailable(
                code or type(error).__name__,
                f"function {name} could not be invoked at {self.endpoint_url}: {error}",
            ) from None
        answer = _decoded(body)
        if result.get("FunctionError"):
            message = answer.get("errorMessage") if isinstance(answer, dict) else None
            raise FunctionFailed(str(message) if message is not None else body.decode())
        return answer

    def _lambda_client(self) -> Any:
        with self._setup_lock:
            if self._invoke_api is None:
                import boto3
                from botocore.config import Config

                self._invoke_api = boto3.client(
                    "lambda",
                    region_name=self.region,
                    endpoint_url=self.endpoint_url,
                    aws_access_key_id="testing",
                    aws_secret_access_key="testing",
                    config=Config(
                        connect_timeout=self.timeout_seconds,
                        read_timeout=self.timeout_seconds,
                        retries={"total_max_attempts": 1, "mode": "standard"},
                    ),
                )
            return self._invoke_api

    def close(self) -> None:
        """Let go of the Invoke API client's connections (a later call opens new ones)."""
        with self._setup_lock:
            if self._invoke_api is not None:
                self._invoke_api.close()
                self._invoke_api = None


class _Unrecognizable:
    """An answer that is not JSON (the Invoke API's payload, or a handler's return value)."""


UNRECOGNIZABLE = _Unrecognizable()


def _decoded(body: bytes) -> Any:
    try:
        return json.loads(body) if body else None
    except ValueError:
        return UNRECOGNIZABLE


def _run_handler(handler: Handler, payload: str, context: LambdaContext) -> Any:
    """Call the handler as Lambda's Python runtime does: on a fresh copy of the event, its
    answer serialized to JSON; an exception becomes the function's error message."""
    try:
        answer = handler(json.loads(payload), context)
    except Exception as error:
        logger.info(
            "function %s raised %s",
            context.function_name,
            "".join(traceback.format_exception_only(error)).strip(),
        )
        raise FunctionFailed(str(error)) from None
    try:
        return json.loads(json.dumps(answer))
    except (TypeError, ValueError):
        return UNRECOGNIZABLE
