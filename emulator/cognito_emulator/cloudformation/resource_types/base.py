"""What each supported resource type tells the deployer: its properties (each with the API
member shape that checks its value), the attributes Fn::GetAtt may ask for, how to find the
resource by name, and the cognito-idp operations that create or update it."""

from __future__ import annotations

import functools
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from botocore.model import Shape

from cognito_emulator.cloudformation.api_shapes import api_value
from cognito_emulator.cloudformation.cognito_calls import CognitoCall
from cognito_emulator.cloudformation.errors import TemplateError
from cognito_emulator.cloudformation.lookups import Lookups
from cognito_emulator.cloudformation.stack import Change


@dataclass(frozen=True)
class Found:
    """A resource the account already holds."""

    physical_id: str
    described: Mapping[str, Any]
    """How Cognito describes it (Describe* or List* answer)."""
    attributes: Mapping[str, Any]


@dataclass(frozen=True)
class Applied:
    physical_id: str
    change: Change
    attributes: Mapping[str, Any]


class ResourceType(ABC):
    name: ClassVar[str]
    required: ClassVar[tuple[str, ...]] = ()
    attributes: ClassVar[tuple[str, ...]] = ()
    in_pool: ClassVar[bool] = True
    """Its first identity part is the pool's id (UserPoolId)."""

    @abstractmethod
    def property_shapes(self) -> Mapping[str, Shape | None]:
        """Each supported property, with the API shape its value must fit (None: the type
        checks it itself, in `special_value`)."""

    def special_value(self, name: str, value: Any, where: str) -> Any:
        raise AssertionError(f"{self.name}.{name} has no shape and no check")  # pragma: no cover

    @functools.cached_property
    def supported(self) -> tuple[str, ...]:
        return tuple(sorted(self.property_shapes()))

    def api_properties(self, properties: Mapping[str, Any], where: str) -> dict[str, Any]:
        """The evaluated properties as the API takes them, each checked."""
        shapes = self.property_shapes()
        checked = {}
        for name, value in properties.items():
            if name not in shapes:
                raise self.unsupported(name, where)
            shape = shapes[name]
            path = f"{where}: {name}"
            checked[name] = (
                self.special_value(name, value, path)
                if shape is None
                else api_value(shape, value, path)
            )
        return checked

    def unsupported(self, name: str, where: str) -> TemplateError:
        return TemplateError(
            f"{where} ({self.name}): property {name} is not supported by the deployer "
            f"(supported: {', '.join(self.supported)})"
        )

    @abstractmethod
    def identity(
        self, logical_id: str, properties: Mapping[str, Any], stack_name: str
    ) -> tuple[Any, ...]:
        """What the resource is found by: (pool id, name) for what is in a pool."""

    @abstractmethod
    def find(
        self, identity: tuple[Any, ...], properties: Mapping[str, Any], lookups: Lookups
    ) -> Found | None:
        """The resource the account holds under `identity`, read only; PoolConflict when it
        cannot become what `properties` say."""

    @abstractmethod
    def create(
        self,
        identity: tuple[Any, ...],
        properties: Mapping[str, Any],
        call: CognitoCall,
        lookups: Lookups,
    ) -> Applied: ...

    @abstractmethod
    def update(
        self,
        found: Found,
        identity: tuple[Any, ...],
        properties: Mapping[str, Any],
        call: CognitoCall,
    ) -> Applied: ...


def default_name(stack_name: str, logical_id: str) -> str:
    """The name of a pool, client or group whose template gives none: stable, so that deploying
    again finds it (CloudFormation makes up a new one for each stack)."""
    return f"{stack_name}-{logical_id}"


def without(properties: Mapping[str, Any], *names: str) -> dict[str, Any]:
    return {key: value for key, value in properties.items() if key not in names}
