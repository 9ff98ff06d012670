"""AWS::Cognito::UserPoolGroup → CreateGroup and UpdateGroup.

Its properties are CreateGroup's members (cfn-lint's resource schema for the type against
botocore's model). A group is found by its GroupName within its pool; one whose Description,
Precedence and RoleArn are the template's is kept as it is, another is updated with all three
(an update, too, resets what it omits). Ref: the group's name; it has no attributes.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from botocore.model import Shape

from cognito_emulator.cloudformation.api_shapes import member_shape
from cognito_emulator.cloudformation.cognito_calls import CognitoCall
from cognito_emulator.cloudformation.lookups import Lookups
from cognito_emulator.cloudformation.resource_types.base import (
    Applied,
    Found,
    ResourceType,
    default_name,
)
from cognito_emulator.cloudformation.stack import Change

PROPERTIES = ("Description", "GroupName", "Precedence", "RoleArn", "UserPoolId")
SETTINGS = ("Description", "Precedence", "RoleArn")


class UserPoolGroup(ResourceType):
    name = "AWS::Cognito::UserPoolGroup"
    required = ("UserPoolId",)

    def property_shapes(self) -> Mapping[str, Shape | None]:
        return _property_shapes()

    def identity(
        self, logical_id: str, properties: Mapping[str, Any], stack_name: str
    ) -> tuple[Any, ...]:
        return (
            properties["UserPoolId"],
            properties.get("GroupName", default_name(stack_name, logical_id)),
        )

    def find(
        self, identity: tuple[Any, ...], properties: Mapping[str, Any], lookups: Lookups
    ) -> Found | None:
        group = lookups.group_named(*identity)
        return None if group is None else Found(group["GroupName"], group, {})

    def create(
        self,
        identity: tuple[Any, ...],
        properties: Mapping[str, Any],
        call: CognitoCall,
        lookups: Lookups,
    ) -> Applied:
        call("CreateGroup", _request(identity, properties))
        return Applied(identity[1], Change.CREATED, {})

    def update(
        self,
        found: Found,
        identity: tuple[Any, ...],
        properties: Mapping[str, Any],
        call: CognitoCall,
    ) -> Applied:
        if all(found.described.get(name) == properties.get(name) for name in SETTINGS):
            return Applied(found.physical_id, Change.KEPT, {})
        call("UpdateGroup", _request(identity, properties))
        return Applied(found.physical_id, Change.UPDATED, {})


@functools.cache
def _property_shapes() -> dict[str, Shape | None]:
    return {name: member_shape("CreateGroup", name) for name in PROPERTIES}


def _request(identity: tuple[Any, ...], properties: Mapping[str, Any]) -> dict[str, Any]:
    return {**properties, "UserPoolId": identity[0], "GroupName": identity[1]}
