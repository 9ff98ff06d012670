"""The JSON the emulator answers with, as Starlette responses.

The cognito-idp API speaks AWS JSON 1.1, as boto3's client expects: requests are `POST /` with
`X-Amz-Target: AWSCognitoIdentityProviderService.<Operation>` and a JSON object body; errors go
back as `{"__type": code, "message": msg}` with the code repeated in `x-amzn-ErrorType`, which is
what botocore reads to raise the right `ClientError`. The emulator's own routes (control API,
well-known documents) answer plain `application/json` in the same error shape. Every answer
carries an `x-amzn-requestid`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import Any

from starlette.datastructures import Headers
from starlette.responses import JSONResponse, Response

TARGET_PREFIX = "AWSCognitoIdentityProviderService."
CONTENT_TYPE = "application/x-amz-json-1.1"
# Deepest JSON nesting read; botocore's model nests cognito-idp requests 4 levels at most.
MAX_JSON_DEPTH = 32
_TOO_DEEP = f"JSON nested more than {MAX_JSON_DEPTH} levels deep"


class WireError(Exception):
    """A request that cannot be understood at all, answered before it reaches the backend."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


def operation(headers: Headers) -> str:
    """The operation named by `X-Amz-Target`."""
    target = headers.get("x-amz-target")
    if target is None:
        raise WireError(
            "UnknownOperationException", f"Missing X-Amz-Target header ({TARGET_PREFIX}<Operation>)"
        )
    service, _, name = target.partition(".")
    if service + "." != TARGET_PREFIX or not name:
        raise WireError(
            "UnknownOperationException",
            f"Unknown target {target!r}: expected {TARGET_PREFIX}<Operation>",
        )
    return name


def read_json(body: bytes) -> Any:
    """A request body's JSON value; ValueError saying why not ("not valid JSON (...)", "JSON
    nested more than 32 levels deep"). The limit stays far below Python's recursion limit, as
    json.loads recurses until RecursionError and moto re-encodes the bodies it is given."""
    try:
        value = json.loads(body)
    except RecursionError:
        raise ValueError(_TOO_DEEP) from None
    except ValueError as error:  # UnicodeDecodeError included
        raise ValueError(f"not valid JSON ({error})") from None
    containers = [(value, 1)] if isinstance(value, dict | list) else []
    while containers:
        container, depth = containers.pop()
        for child in container.values() if isinstance(container, dict) else container:
            if isinstance(child, dict | list):
                if depth == MAX_JSON_DEPTH:
                    raise ValueError(_TOO_DEEP)
                containers.append((child, depth + 1))
    return value


def parse_body(body: bytes) -> dict[str, Any]:
    """The request parameters; an empty body means no parameters, as for AWS."""
    if not body:
        return {}
    try:
        params = read_json(body)
    except ValueError as error:
        raise WireError("SerializationException", f"Request body is {error}") from None
    if not isinstance(params, dict):
        raise WireError("SerializationException", "Request body must be a JSON object")
    return params


def new_request_id() -> str:
    return str(uuid.uuid4())


def api_response(payload: Any, request_id: str) -> Response:
    return Response(
        json.dumps(payload, separators=(",", ":")),
        media_type=CONTENT_TYPE,
        headers={"x-amzn-requestid": request_id},
    )


def api_error(status: int, code: str, message: str, request_id: str) -> Response:
    return Response(
        json.dumps({"__type": code, "message": message}, separators=(",", ":")),
        status_code=status,
        media_type=CONTENT_TYPE,
        headers={"x-amzn-requestid": request_id, "x-amzn-errortype": code},
    )


def json_response(
    payload: Any, status: int = 200, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    """An answer of the emulator's own routes."""
    return JSONResponse(
        payload, status, headers={**(headers or {}), "x-amzn-requestid": new_request_id()}
    )


def json_error(
    status: int, code: str, message: str, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    return json_response({"__type": code, "message": message}, status, headers)
