"""AWS::Cognito::UserPoolClient → CreateUserPoolClient and UpdateUserPoolClient.

Every property is CreateUserPoolClient's member of the same name (cfn-lint's resource schema,
cfnlint/data/schemas/resources/fe665a1921d29144.json in cfn-lint 1.51, against botocore's
model). A client is found by its ClientName within its pool. Cognito makes a secret only when it
creates a client (UpdateUserPoolClient has no GenerateSecret) and never removes one, so a found
client whose secret the template cannot have is a conflict, not an update. An update sends every
property but GenerateSecret: it too resets what it omits (UpdateUserPoolClient, API reference).

Attributes: ClientId, ClientSecret (of a client with one), Name. Ref: the client's id.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from botocore.model import Shape

from cognito_emulator.cloudformation.api_shapes import member_shape
from cognito_emulator.cloudformation.cognito_calls import CognitoCall
from cognito_emulator.cloudformation.errors import PoolConflict
from cognito_emulator.cloudformation.lookups import Lookups
from cognito_emulator.cloudformation.resource_types.base import (
    Applied,
    Found,
    ResourceType,
    default_name,
    without,
)
from cognito_emulator.cloudformation.stack import Change

PROPERTIES = (
    "AccessTokenValidity",
    "AllowedOAuthFlows",
    "AllowedOAuthFlowsUserPoolClient",
    "AllowedOAuthScopes",
    "AnalyticsConfiguration",
    "AuthSessionValidity",
    "CallbackURLs",
    "ClientName",
    "DefaultRedirectURI",
    "EnablePropagateAdditionalUserContextData",
    "EnableTokenRevocation",
    "ExplicitAuthFlows",
    "GenerateSecret",
    "IdTokenValidity",
    "LogoutURLs",
    "PreventUserExistenceErrors",
    "ReadAttributes",
    "RefreshTokenRotation",
    "RefreshTokenValidity",
    "SupportedIdentityProviders",
    "TokenValidityUnits",
    "UserPoolId",
    "WriteAttributes",
)


class UserPoolClient(ResourceType):
    name = "AWS::Cognito::UserPoolClient"
    required = ("UserPoolId",)
    attributes = ("ClientId", "ClientSecret", "Name")

    def property_shapes(self) -> Mapping[str, Shape | None]:
        return _property_shapes()

    def identity(
        self, logical_id: str, properties: Mapping[str, Any], stack_name: str
    ) -> tuple[Any, ...]:
        return (
            properties["UserPoolId"],
            properties.get("ClientName", default_name(stack_name, logical_id)),
        )

    def find(
        self, identity: tuple[Any, ...], properties: Mapping[str, Any], lookups: Lookups
    ) -> Found | None:
        pool_id, name = identity
        client = lookups.client_named(pool_id, name)
        if client is None:
            return None
        wants_secret = properties.get("GenerateSecret", False)
        if wants_secret and not client.get("ClientSecret"):
            raise PoolConflict(
                f"app client {client['ClientId']} ({name!r}) of user pool {pool_id} has no "
                "secret, and Cognito cannot give an existing client one. Nothing was changed: "
                "delete or rename that client."
            )
        if client.get("ClientSecret") and not wants_secret:
            raise PoolConflict(
                f"app client {client['ClientId']} ({name!r}) of user pool {pool_id} has a "
                "secret, and the template's has none (GenerateSecret), which Cognito cannot "
                "remove. Nothing was changed: delete or rename that client."
            )
        return Found(client["ClientId"], client, _attributes(client))

    def create(
        self,
        identity: tuple[Any, ...],
        properties: Mapping[str, Any],
        call: CognitoCall,
        lookups: Lookups,
    ) -> Applied:
        request = {**properties, "ClientName": identity[1]}
        client = call("CreateUserPoolClient", request)["UserPoolClient"]
        return Applied(client["ClientId"], Change.CREATED, _attributes(client))

    def update(
        self,
        found: Found,
        identity: tuple[Any, ...],
        properties: Mapping[str, Any],
        call: CognitoCall,
    ) -> Applied:
        request = {
            **without(properties, "GenerateSecret"),
            "ClientName": identity[1],
            "ClientId": found.physical_id,
        }
        call("UpdateUserPoolClient", request)
        return Applied(found.physical_id, Change.UPDATED, found.attributes)


@functools.cache
def _property_shapes() -> dict[str, Shape | None]:
    return {name: member_shape("CreateUserPoolClient", name) for name in PROPERTIES}


def _attributes(client: Mapping[str, Any]) -> dict[str, Any]:
    attributes = {"ClientId": client["ClientId"], "Name": client["ClientName"]}
    if client.get("ClientSecret"):
        attributes["ClientSecret"] = client["ClientSecret"]
    return attributes
