"""AWS Lambda's Invoke API on 127.0.0.1, serving Python handlers: what `--lambda-endpoint` talks to.

`POST /2015-03-31/functions/{name}/invocations` answers as Lambda (and `sam local start-lambda`)
does for a synchronous (RequestResponse) invocation:

- the handler's answer, serialized to JSON, with status 200;
- a handler that raised: still 200, with `X-Amz-Function-Error: Unhandled` and the Python
  runtime's error document {"errorMessage", "errorType", "stackTrace"} as the payload
  ("AWS Lambda function errors in Python", python-exceptions.md; the header and 200 status:
  API_Invoke.md, "FunctionError ... If present, indicates that an error occurred during function
  execution");
- a function nobody registered: 404 with `x-amzn-ErrorType: ResourceNotFoundException` and
  {"Type": "User", "Message": "Function not found: arn:..."} (Lambda's answer as quoted in
  aarondfrancis/sidecar#23; the header is where botocore's rest-json parser reads the code).

A handler that returns `bytes` has them sent unchanged, as a custom runtime may answer anything,
so a test can make a function answer something that is not JSON. `delay_seconds` makes a function
answer late (no later than the server's stop), for timeouts.
"""

from __future__ import annotations

import json
import re
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from pytest_httpserver.httpserver import HTTPServerBase
from werkzeug import Request, Response

from cognito_emulator.moto_adapter import EMULATOR_ACCOUNT_ID
from cognito_emulator.triggers.functions import LambdaContext

InvokeHandler = Callable[[Any, LambdaContext], Any]
INVOCATIONS_PATH = re.compile(r"/2015-03-31/functions/(?P<name>[^/]+)/invocations")
TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True)
class Invocation:
    """One request the API received: the function's name and the payload, as sent."""

    name: str
    payload: bytes


@dataclass(frozen=True)
class _Function:
    handler: InvokeHandler
    delay_seconds: float


class LambdaInvokeApi(HTTPServerBase):
    """The Invoke API for the functions registered here; `endpoint_url` once started."""

    def __init__(self, region: str = "us-east-1") -> None:
        super().__init__("127.0.0.1", 0, threaded=True)
        self.region = region
        self.invocations: list[Invocation] = []
        self._functions: dict[str, _Function] = {}
        self._stopping = threading.Event()

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def register(self, name: str, handler: InvokeHandler, *, delay_seconds: float = 0.0) -> str:
        """Serve `handler(event, context)` as function NAME; returns the function's ARN."""
        self._functions[name] = _Function(handler, delay_seconds)
        return self.arn(name)

    def unregister_all(self) -> None:
        self._functions.clear()
        self.invocations.clear()

    def arn(self, name: str) -> str:
        return f"arn:aws:lambda:{self.region}:{EMULATOR_ACCOUNT_ID}:function:{name}"

    def stop(self) -> None:
        self._stopping.set()  # late answers go out now rather than hold the stop up
        super().stop()

    def dispatch(self, request: Request) -> Response:
        found = INVOCATIONS_PATH.fullmatch(request.path)
        if request.method != "POST" or found is None:
            return _error(404, "UnknownOperationException", f"No route for {request.path}")
        name = unquote(found["name"])
        self.invocations.append(Invocation(name, request.get_data()))
        function = self._functions.get(name)
        if function is None:
            return _error(404, "ResourceNotFoundException", f"Function not found: {self.arn(name)}")
        if function.delay_seconds:
            self._stopping.wait(function.delay_seconds)
        context = LambdaContext(name, self.arn(name), TIMEOUT_SECONDS)
        try:
            answer = function.handler(json.loads(request.get_data() or b"null"), context)
        except Exception as error:
            document = {
                "errorMessage": str(error),
                "errorType": type(error).__name__,
                "stackTrace": traceback.format_list(traceback.extract_tb(error.__traceback__)),
            }
            return _answer(json.dumps(document).encode(), {"X-Amz-Function-Error": "Unhandled"})
        body = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
        return _answer(body, {})


def _answer(body: bytes, headers: dict[str, str]) -> Response:
    return Response(
        body,
        200,
        {**headers, "X-Amz-Executed-Version": "$LATEST"},
        content_type="application/json",
    )


def _error(status: int, code: str, message: str) -> Response:
    body = json.dumps({"Type": "User", "Message": message})
    return Response(body, status, {"x-amzn-ErrorType": code}, content_type="application/json")
