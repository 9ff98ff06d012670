"""A property's value as the cognito-idp API takes it, checked against botocore's model.

Below the top level, the properties of the AWS::Cognito::* types have the API's member names
(Policies.PasswordPolicy.MinimumLength, TokenValidityUnits.AccessToken, ...: compare the
definitions of the resource schemas cfn-lint ships, cfnlint/data/schemas/resources/*.json, with
the request shapes of botocore's cognito-idp model), so a nested value is checked against the
member's shape: a key the shape lacks is an error naming the property's path and the members it
has. CloudFormation takes "true" for true and "8" for 8 (and `Ref` to a Number parameter gives a
string), so scalars become the JSON type the member wants.
"""

from __future__ import annotations

import re
from typing import Any

from botocore.model import ListShape, MapShape, Shape, StructureShape

from cognito_emulator.cloudformation.errors import TemplateError
from cognito_emulator.cloudformation.intrinsics import Pending
from cognito_emulator.validation import input_shapes

INTEGER = re.compile(r"[+-]?[0-9]+")


def member_shape(operation: str, member: str) -> Shape:
    """The shape of one request member of a cognito-idp operation."""
    shape = input_shapes()[operation]
    assert shape is not None and member in shape.members, f"{operation} has no {member}"
    return shape.members[member]


def api_value(shape: Shape, value: Any, where: str) -> Any:
    """`value` in `shape`'s JSON type, every key checked; Pending values pass as they are."""
    if isinstance(value, Pending):
        return value
    if isinstance(shape, StructureShape):
        if not isinstance(value, dict):
            raise TemplateError(f"{where}: expected a mapping ({shape.name})")
        converted = {}
        for key, item in value.items():
            member = shape.members.get(key)
            if member is None:
                raise TemplateError(
                    f"{where}.{key} is not supported: {shape.name} has {', '.join(shape.members)}"
                )
            converted[key] = api_value(member, item, f"{where}.{key}")
        return converted
    if isinstance(shape, ListShape):
        if not isinstance(value, list):
            raise TemplateError(f"{where}: expected a list")
        return [
            api_value(shape.member, item, f"{where}[{index}]") for index, item in enumerate(value)
        ]
    if isinstance(shape, MapShape):
        if not isinstance(value, dict):
            raise TemplateError(f"{where}: expected a mapping")
        return {
            str(key): api_value(shape.value, item, f"{where}.{key}") for key, item in value.items()
        }
    return _scalar(shape.type_name, value, where)


def _scalar(kind: str, value: Any, where: str) -> Any:
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise TemplateError(f"{where}: expected true or false, got {value!r}")
    if kind in ("integer", "long"):
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and INTEGER.fullmatch(value):
            return int(value)
        raise TemplateError(f"{where}: expected an integer, got {value!r}")
    if kind == "string":
        if isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float):
            return str(value)
        raise TemplateError(f"{where}: expected a string, got {type(value).__name__}")
    return value
