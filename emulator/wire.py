"""The AWS JSON 1.1 wire format spoken by boto3's cognito-idp client.

Requests are `POST /` with `X-Amz-Target: AWSCognitoIdentityProviderService.<Operation>` and a
JSON object body; errors go back as `{"__type": code, "message": msg}` with the code repeated in
`x-amzn-ErrorType`, which is what botocore reads to raise the right `ClientError`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from typing import Any

TARGET_PREFIX = "AWSCognitoIdentityProviderService."
CONTENT_TYPE = b"application/x-amz-json-1.1"

Headers = list[tuple[bytes, bytes]]


class WireError(Exception):
    """A request that cannot be understood at all, answered before it reaches the backend."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


def operation_from_headers(headers: Iterable[tuple[bytes, bytes]]) -> str:
    """The operation named by `X-Amz-Target` (ASGI headers are lower-cased bytes)."""
    for name, value in headers:
        if name == b"x-amz-target":
            target = value.decode("latin-1")
            service, _, operation = target.partition(".")
            if service + "." != TARGET_PREFIX or not operation:
                raise WireError(
                    "UnknownOperationException",
                    f"Unknown target {target!r}: expected {TARGET_PREFIX}<Operation>",
                )
            return operation
    raise WireError(
        "UnknownOperationException", f"Missing X-Amz-Target header ({TARGET_PREFIX}<Operation>)"
    )


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


def encode(payload: Any) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode()


def new_request_id() -> str:
    return str(uuid.uuid4())


def response_headers(body: bytes, request_id: str, content_type: bytes = CONTENT_TYPE) -> Headers:
    return [
        (b"content-type", content_type),
        (b"content-length", str(len(body)).encode()),
        (b"x-amzn-requestid", request_id.encode()),
    ]


def error_body(code: str, message: str) -> bytes:
    return encode({"__type": code, "message": message})


def error_headers(body: bytes, request_id: str, code: str) -> Headers:
    headers = response_headers(body, request_id)
    headers.append((b"x-amzn-errortype", code.encode()))
    return headers
