"""The order resources are deployed in: each after those it refers to (Ref, Fn::GetAtt, Fn::Sub)
or names in DependsOn, otherwise in the template's order. Resources that refer to each other in
a circle cannot be deployed ("Circular dependency between resources", as CloudFormation says).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from cognito_emulator.cloudformation.errors import TemplateError
from cognito_emulator.cloudformation.intrinsics import (
    GET_ATT,
    REF,
    SUB,
    calls,
    get_att_parts,
    sub_names,
    sub_parts,
)
from cognito_emulator.cloudformation.template import Resource


def referenced_resources(node: Any, resource_ids: Collection[str], where: str) -> set[str]:
    """The resources `node` refers to through Ref, Fn::GetAtt or Fn::Sub, in any branch."""
    found: set[str] = set()
    for name, argument in calls(node):
        if name == REF and isinstance(argument, str):
            found.add(argument)
        elif name == GET_ATT:
            found.add(get_att_parts(argument, where)[0])
        elif name == SUB:
            text, variables = sub_parts(argument, where)
            found.update(
                variable.partition(".")[0]
                for variable in sub_names(text)
                if variable not in variables
            )
    return found & set(resource_ids)


def deployment_order(resources: Mapping[str, Resource], included: Collection[str]) -> list[str]:
    """The logical ids of the `included` resources, each after the included ones it needs."""
    needs = {
        logical_id: (
            referenced_resources(
                resources[logical_id].properties, resources, f"resource {logical_id}"
            )
            | set(resources[logical_id].depends_on)
        )
        & set(included)
        for logical_id in resources
        if logical_id in included
    }
    order: list[str] = []
    waiting = list(needs)
    while waiting:
        ready = next(
            (logical_id for logical_id in waiting if needs[logical_id] <= set(order)), None
        )
        if ready is None:
            raise TemplateError(
                f"circular dependency between resources: {' -> '.join(_circle(needs, waiting))}"
            )
        order.append(ready)
        waiting.remove(ready)
    return order


def _circle(needs: Mapping[str, set[str]], waiting: list[str]) -> list[str]:
    """A path around one circle among the resources still `waiting` (each needs one of them)."""
    path = [waiting[0]]
    while True:
        step = min((needed for needed in needs[path[-1]] if needed in waiting), key=waiting.index)
        if step in path:
            return [*path[path.index(step) :], step]
        path.append(step)
