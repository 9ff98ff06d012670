"""AWS::Cognito::UserPoolDomain → CreateUserPoolDomain and UpdateUserPoolDomain.

Its properties are CreateUserPoolDomain's members (cfn-lint's resource schema,
cfnlint/data/schemas/resources/8e9c614fe19bdda7.json in cfn-lint 1.51). A pool has one prefix
domain and one custom domain (with CustomDomainConfig): the one it has is kept, and updated when
the template's ManagedLoginVersion or certificate differ; another one than the template's is a
conflict (replacing it would move where users sign in), and so is a domain another pool holds,
since domains are unique. Ref: the domain; attribute CloudFrontDistribution.
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
from cognito_emulator.cloudformation.resource_types.base import Applied, Found, ResourceType
from cognito_emulator.cloudformation.stack import Change

PROPERTIES = ("CustomDomainConfig", "Domain", "ManagedLoginVersion", "UserPoolId")
UPDATABLE = ("CustomDomainConfig", "ManagedLoginVersion")


class UserPoolDomain(ResourceType):
    name = "AWS::Cognito::UserPoolDomain"
    required = ("UserPoolId", "Domain")
    attributes = ("CloudFrontDistribution",)

    def property_shapes(self) -> Mapping[str, Shape | None]:
        return _property_shapes()

    def identity(
        self, logical_id: str, properties: Mapping[str, Any], stack_name: str
    ) -> tuple[Any, ...]:
        return (properties["UserPoolId"], properties["Domain"])

    def find(
        self, identity: tuple[Any, ...], properties: Mapping[str, Any], lookups: Lookups
    ) -> Found | None:
        pool_id, domain = identity
        held = lookups.pool(pool_id).get(
            "CustomDomain" if "CustomDomainConfig" in properties else "Domain"
        )
        if held == domain:
            described = lookups.domain(domain)
            return Found(domain, described, _attributes(described.get("CloudFrontDistribution")))
        if held:
            raise PoolConflict(
                f"user pool {pool_id} has the domain {held!r}, and a pool has only one. Nothing "
                f"was changed: deploy with the domain {held!r}, or delete it first."
            )
        owner = lookups.domain(domain).get("UserPoolId")
        if owner:
            raise PoolConflict(
                f"the domain {domain!r} belongs to user pool {owner}. Nothing was changed: "
                "choose another domain."
            )
        return None

    def create(
        self,
        identity: tuple[Any, ...],
        properties: Mapping[str, Any],
        call: CognitoCall,
        lookups: Lookups,
    ) -> Applied:
        call("CreateUserPoolDomain", dict(properties))
        # Described, as a found domain is: CreateUserPoolDomain names no CloudFront
        # distribution for a prefix domain, DescribeUserPoolDomain does.
        described = call("DescribeUserPoolDomain", {"Domain": identity[1]})["DomainDescription"]
        return Applied(
            identity[1], Change.CREATED, _attributes(described.get("CloudFrontDistribution"))
        )

    def update(
        self,
        found: Found,
        identity: tuple[Any, ...],
        properties: Mapping[str, Any],
        call: CognitoCall,
    ) -> Applied:
        if all(
            found.described.get(name) == properties[name]
            for name in UPDATABLE
            if name in properties
        ):
            return Applied(found.physical_id, Change.KEPT, found.attributes)
        call("UpdateUserPoolDomain", dict(properties))
        return Applied(found.physical_id, Change.UPDATED, found.attributes)


@functools.cache
def _property_shapes() -> dict[str, Shape | None]:
    return {name: member_shape("CreateUserPoolDomain", name) for name in PROPERTIES}


def _attributes(cloudfront: str | None) -> dict[str, Any]:
    return {"CloudFrontDistribution": cloudfront} if cloudfront else {}
