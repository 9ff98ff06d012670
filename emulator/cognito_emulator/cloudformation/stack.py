"""What a deployment did: each resource's id, attributes and change, and the outputs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Change(StrEnum):
    """What deploying did to one resource."""

    CREATED = "created"
    UPDATED = "updated"
    KEPT = "kept"
    """Found as the template has it: nothing was sent."""


@dataclass(frozen=True)
class DeployedResource:
    logical_id: str
    type: str
    physical_id: str
    """What `Ref` gives: a pool's or client's id, a group's name, a domain, an identifier."""
    change: Change
    properties: Mapping[str, Any]
    """The template's properties, functions evaluated, as the API takes them."""
    attributes: Mapping[str, Any]
    """What `Fn::GetAtt` gives (a client's ClientSecret, a pool's ProviderURL, ...)."""
    previous: Mapping[str, Any] | None = None
    """How Cognito described the resource before this deployment changed it; None if created."""


@dataclass(frozen=True)
class DeployedStack:
    stack_name: str
    resources: Mapping[str, DeployedResource]
    """By logical id, in the order they were deployed (the template's left-out ones absent)."""
    outputs: Mapping[str, Any]

    def of_type(self, type_name: str) -> list[DeployedResource]:
        return [resource for resource in self.resources.values() if resource.type == type_name]
