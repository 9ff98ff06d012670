"""Request checks AWS makes before an operation runs, with AWS's messages.

boto3 validates requests before sending them; other clients may not, and moto answers a missing
member with a KeyError (an HTTP 500). So the emulator refuses, as AWS's request validation does,
an unknown operation and a missing required member (from botocore's copy of the service model),
and the flows refuse missing parameters inside the maps AuthParameters and ChallengeResponses.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import botocore.session

from cognito_emulator.exceptions import InvalidParameterException, UnknownOperationException


@functools.cache
def required_members() -> dict[str, tuple[str, ...]]:
    """Each cognito-idp operation's required top-level request members, from botocore's model."""
    model = botocore.session.get_session().get_service_model("cognito-idp")
    required: dict[str, tuple[str, ...]] = {}
    for name in model.operation_names:
        shape = model.operation_model(name).input_shape
        required[name] = tuple(shape.required_members) if shape is not None else ()
    return required


def check_request(operation: str, body: dict[str, Any], served: Callable[[str], bool]) -> None:
    """Refuse an operation AWS's model lacks or the emulator does not serve, and a request
    without one of the operation's required members."""
    required = required_members().get(operation)
    if required is None or not served(operation):
        raise UnknownOperationException(
            f"Operation {operation} is not supported by the Cognito emulator."
        )
    for member in required:
        if body.get(member) is None:
            raise InvalidParameterException(
                f"1 validation error detected: Value null at '{_field(member)}' "
                "failed to satisfy constraint: Member must not be null"
            )


def required(body: dict[str, Any], name: str) -> str:
    """A top-level string member that must be present and non-empty."""
    value = body.get(name)
    if not isinstance(value, str) or not value:
        raise InvalidParameterException(
            f"1 validation error detected: Value at '{_field(name)}' failed to "
            "satisfy constraint: Member must not be null"
        )
    return value


def string_map(body: dict[str, Any], name: str) -> dict[str, str]:
    """A map-of-strings member such as AuthParameters or ChallengeResponses (absent: empty)."""
    value = body.get(name) or {}
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise InvalidParameterException(f"{name} must be a map of strings.")
    return value


def required_parameter(parameters: dict[str, str], name: str) -> str:
    """An entry of AuthParameters or ChallengeResponses that the flow needs."""
    value = parameters.get(name)
    if not value:
        raise InvalidParameterException(f"Missing required parameter {name}")
    return value


def _field(member: str) -> str:
    """A member's name as AWS's validation messages spell it (first letter lower case)."""
    return f"{member[:1].lower()}{member[1:]}"
