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


def parse_body(body: bytes) -> dict[str, Any]:
    """The request parameters; an empty body means no parameters, as for AWS."""
    if not body:
        return {}
    try:
        params = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise WireError(
            "SerializationException", f"Request body is not valid JSON: {error}"
        ) from None
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
