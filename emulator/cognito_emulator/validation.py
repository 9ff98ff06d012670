"""Request checks AWS makes before an operation runs, with AWS's error codes and messages.

boto3 validates requests before sending them; other clients may not, and moto answers a missing
member with a KeyError and a member of the wrong JSON type with a TypeError (HTTP 500s). So every
request is checked here against botocore's copy of the cognito-idp service model, at every depth,
in the order AWS's front end checks it:

- an operation the model lacks, or the emulator does not serve: UnknownOperationException;
- a member of the wrong JSON type: SerializationException, which is Cognito's answer to, for
  example, a number where a string belongs ("class com.amazon.coral.value.json.numbers.
  TruncatingBigNumber can not be converted to an String", pmill/aws-cognito#10), a boolean
  attribute value (amazon-cognito-identity-js#485) or an object where a string belongs ("Start of
  structure or map found where not expected.", aws-amplify/amplify-js#5165). The message here
  names the member and the JSON type to send instead, never the value (it may be a password);
- missing required members: InvalidParameterException "N validation error(s) detected: Value
  null at 'userAttributes.1.member.name' failed to satisfy constraint: Member must not be null",
  with AWS's member paths (lists counted from 1: 'schema.1.member.name' in aws/aws-cdk#14699).

Unknown members are ignored and a null member is absent, as in AWS's JSON protocols: the check
removes null members from the body, so that moto never reads a null where it expects a default.
The flows refuse missing parameters inside the maps AuthParameters and ChallengeResponses.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

import botocore.session
from botocore.model import ListShape, MapShape, Shape, StructureShape

from cognito_emulator.exceptions import (
    CognitoError,
    InvalidParameterException,
    UnknownOperationException,
)

# What each of the model's types is in JSON: the Python types json.loads gives, and how to say it.
_JSON_TYPES: dict[str, tuple[type | tuple[type, ...], str]] = {
    "structure": (dict, "a JSON object"),
    "map": (dict, "a JSON object"),
    "list": (list, "a JSON array"),
    "string": (str, "a string"),
    "blob": (str, "a base64 string"),
    "boolean": (bool, "true or false"),
    "integer": (int, "an integer"),
    "long": (int, "an integer"),
    "float": ((int, float), "a number"),
    "double": ((int, float), "a number"),
    "timestamp": ((int, float), "a number of seconds since the epoch"),
}


@functools.cache
def input_shapes() -> Mapping[str, StructureShape | None]:
    """Each cognito-idp operation's request shape, from botocore's model (None: no members)."""
    model = botocore.session.get_session().get_service_model("cognito-idp")
    return {name: model.operation_model(name).input_shape for name in model.operation_names}


def check_request(operation: str, body: dict[str, Any], served: Callable[[str], bool]) -> None:
    """Refuse an operation AWS's model lacks or the emulator does not serve, a member of the
    wrong JSON type and a missing required member; removes null members from `body`."""
    shapes = input_shapes()
    if operation not in shapes or not served(operation):
        raise UnknownOperationException(
            f"Operation {operation} is not supported by the Cognito emulator."
        )
    shape = shapes[operation]
    if shape is None:
        return
    missing: list[str] = []
    _check_members(shape, body, "", missing)
    if missing:
        count = f"{len(missing)} validation error{'s' if len(missing) > 1 else ''}"
        raise InvalidParameterException(
            f"{count} detected: "
            + "; ".join(
                f"Value null at '{path}' failed to satisfy constraint: Member must not be null"
                for path in missing
            )
        )


def _check_members(
    shape: StructureShape, body: dict[str, Any], prefix: str, missing: list[str]
) -> None:
    members = shape.members
    for name, value in list(body.items()):
        member = members.get(name)
        if value is None:
            del body[name]
        elif member is not None:
            _check_value(member, value, prefix + _field(name), missing)
    missing.extend(
        prefix + _field(name) for name in shape.required_members if body.get(name) is None
    )


def _check_value(shape: Shape, value: object, path: str, missing: list[str]) -> None:
    json_type = _JSON_TYPES.get(shape.type_name)
    if json_type is not None:
        python_types, expected = json_type
        if isinstance(shape, StructureShape):
            expected = f"{expected} ({shape.name})"
        if not isinstance(value, python_types) or (
            isinstance(value, bool) and shape.type_name != "boolean"
        ):
            raise CognitoError(
                f"Expected {expected} at '{path}', got {_json_type_of(value)}",
                code="SerializationException",
            )
    if isinstance(shape, StructureShape) and isinstance(value, dict):
        _check_members(shape, value, f"{path}.", missing)
    elif isinstance(shape, ListShape) and isinstance(value, list):
        for position, item in enumerate(value, 1):
            _check_value(shape.member, item, f"{path}.{position}.member", missing)
    elif isinstance(shape, MapShape) and isinstance(value, dict):
        for key, item in value.items():
            _check_value(shape.value, item, f"{path}.{key}", missing)


def _json_type_of(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


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
