"""AWS::Cognito::UserPoolResourceServer → CreateResourceServer and UpdateResourceServer.

Its properties are CreateResourceServer's members (cfn-lint's resource schema,
cfnlint/data/schemas/resources/89ba39a21f9326df.json in cfn-lint 1.51). A resource server is
found by its Identifier within its pool; one whose Name and Scopes are the template's is kept,
another updated. Ref: the identifier; it has no attributes.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from botocore.model import Shape

from cognito_emulator.cloudformation.api_shapes import member_shape
from cognito_emulator.cloudformation.cognito_calls import CognitoCall
from cognito_emulator.cloudformation.lookups import Lookups
from cognito_emulator.cloudformation.resource_types.base import Applied, Found, ResourceType
from cognito_emulator.cloudformation.stack import Change

PROPERTIES = ("Identifier", "Name", "Scopes", "UserPoolId")


class UserPoolResourceServer(ResourceType):
    name = "AWS::Cognito::UserPoolResourceServer"
    required = ("UserPoolId", "Identifier", "Name")

    def property_shapes(self) -> Mapping[str, Shape | None]:
        return _property_shapes()

    def identity(
        self, logical_id: str, properties: Mapping[str, Any], stack_name: str
    ) -> tuple[Any, ...]:
        return (properties["UserPoolId"], properties["Identifier"])

    def find(
        self, identity: tuple[Any, ...], properties: Mapping[str, Any], lookups: Lookups
    ) -> Found | None:
        server = lookups.resource_server(*identity)
        return None if server is None else Found(server["Identifier"], server, {})

    def create(
        self,
        identity: tuple[Any, ...],
        properties: Mapping[str, Any],
        call: CognitoCall,
        lookups: Lookups,
    ) -> Applied:
        call("CreateResourceServer", dict(properties))
        return Applied(identity[1], Change.CREATED, {})

    def update(
        self,
        found: Found,
        identity: tuple[Any, ...],
        properties: Mapping[str, Any],
        call: CognitoCall,
    ) -> Applied:
        described = found.described
        if described.get("Name") == properties["Name"] and (
            described.get("Scopes") or []
        ) == properties.get("Scopes", []):
            return Applied(found.physical_id, Change.KEPT, {})
        call("UpdateResourceServer", dict(properties))
        return Applied(found.physical_id, Change.UPDATED, {})


@functools.cache
def _property_shapes() -> dict[str, Shape | None]:
    return {name: member_shape("CreateResourceServer", name) for name in PROPERTIES}
