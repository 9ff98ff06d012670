"""Deploying a template through the cognito-idp API, as CloudFormation would deploy its stack.

In three steps, so that what can stop a deployment stops it before anything changes:
1. the template is checked (`template_checks`), its parameters given values, its conditions
   evaluated and its resources put in order (`dependencies`);
2. each resource is looked for among what the account holds, by name (`lookups`), reading
   only: a pool by its UserPoolName, a client by its ClientName in the pool, a group by its
   GroupName, a resource server by its Identifier, the pool's domain. A conflict (two pools of
   the name, a client whose secret cannot match, another domain) stops it here;
3. each resource is created, or updated to the template (each type says how, in
   `resource_types`), in order; then the outputs are evaluated.

So deploying twice, or again after a restart that kept the emulator's state, finds everything
the first deployment made and keeps its ids and secrets. The deployer never deletes: a resource
taken out of the template stays where it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cognito_emulator.cloudformation.cognito_calls import CognitoCall
from cognito_emulator.cloudformation.conditions import evaluated_conditions
from cognito_emulator.cloudformation.dependencies import deployment_order
from cognito_emulator.cloudformation.errors import DeployFailed, TemplateError
from cognito_emulator.cloudformation.intrinsics import Evaluator, Pending, StackContext
from cognito_emulator.cloudformation.lookups import Lookups
from cognito_emulator.cloudformation.parameters import parameter_values
from cognito_emulator.cloudformation.resource_types import RESOURCE_TYPES
from cognito_emulator.cloudformation.resource_types.base import Found, ResourceType
from cognito_emulator.cloudformation.stack import DeployedResource, DeployedStack
from cognito_emulator.cloudformation.template import Template
from cognito_emulator.cloudformation.template_checks import check_template


class _Deferred:
    """A resource whose name is only known once a resource before it is deployed."""


DEFERRED = _Deferred()


def deploy(
    template: Template,
    call: CognitoCall,
    *,
    region: str,
    parameters: Mapping[str, str] | None = None,
    stack_name: str | None = None,
    account_id: str | None = None,
) -> DeployedStack:
    """Makes what the template describes exist, as it describes it, through `call`.

    `parameters` are the values given (the rest take their Default); `stack_name` (by default
    the template file's name without its suffix) is AWS::StackName and names what the
    template leaves unnamed; `account_id` is AWS::AccountId, when known. TemplateError or
    PoolConflict: nothing was changed. DeployFailed: Cognito refused an operation."""
    context = StackContext(stack_name or Path(template.source).stem, region, account_id)
    check_template(template, context)
    values = parameter_values(template.parameters, parameters or {})
    truths = evaluated_conditions(template.conditions, values, context)
    deployment = _Deployment(template, call, values, truths, context)
    order = deployment_order(template.resources, deployment.included)
    for logical_id in order:
        deployment.survey(logical_id)
    for logical_id in order:
        deployment.apply(logical_id)
    return deployment.stack()


class _Deployment:
    """One deployment's state: what was found, what was deployed; gives Ref and Fn::GetAtt."""

    def __init__(
        self,
        template: Template,
        call: CognitoCall,
        values: Mapping[str, Any],
        truths: Mapping[str, bool],
        context: StackContext,
    ) -> None:
        self._template = template
        self._call = call
        self._truths = truths
        self._context = context
        self._lookups = Lookups(_calling(call, "looking for what the template names"))
        self._evaluator = Evaluator(values, context, self._condition, self)
        self._found: dict[str, Found | _Deferred | None] = {}
        self._deployed: dict[str, DeployedResource] = {}
        self.included = [
            logical_id
            for logical_id, resource in template.resources.items()
            if resource.condition is None or truths[resource.condition]
        ]

    def survey(self, logical_id: str) -> None:
        """Finds the resource, reading only (its pool not created yet: there is none to find)."""
        resource_type, properties, identity = self._evaluated(logical_id)
        if resource_type.in_pool and isinstance(identity[0], Pending):
            self._found[logical_id] = None
        elif any(isinstance(part, Pending) for part in identity):
            self._found[logical_id] = DEFERRED
        else:
            self._found[logical_id] = resource_type.find(identity, properties, self._lookups)

    def apply(self, logical_id: str) -> None:
        resource_type, properties, identity = self._evaluated(logical_id)
        found = self._found[logical_id]
        if isinstance(found, _Deferred):
            found = resource_type.find(identity, properties, self._lookups)
        call = _calling(self._call, f"resource {logical_id} ({resource_type.name})")
        applied = (
            resource_type.create(identity, properties, call, self._lookups)
            if found is None
            else resource_type.update(found, identity, properties, call)
        )
        self._deployed[logical_id] = DeployedResource(
            logical_id=logical_id,
            type=resource_type.name,
            physical_id=applied.physical_id,
            change=applied.change,
            properties=properties,
            attributes=applied.attributes,
            previous=None if found is None else found.described,
        )

    def stack(self) -> DeployedStack:
        outputs = {
            name: self._evaluator.value(output.value, f"output {name}")
            for name, output in self._template.outputs.items()
            if output.condition is None or self._truths[output.condition]
        }
        return DeployedStack(self._context.stack_name, dict(self._deployed), outputs)

    def _evaluated(self, logical_id: str) -> tuple[ResourceType, dict[str, Any], tuple[Any, ...]]:
        resource = self._template.resources[logical_id]
        resource_type = RESOURCE_TYPES[resource.type]
        where = f"resource {logical_id}"
        properties = resource_type.api_properties(
            self._evaluator.value(dict(resource.properties), where), where
        )
        for name in resource_type.required:
            if name not in properties:
                raise TemplateError(f"{where} ({resource.type}): property {name} is required")
        return (
            resource_type,
            properties,
            resource_type.identity(logical_id, properties, self._context.stack_name),
        )

    # -- what Ref and Fn::GetAtt give (intrinsics.ResourceValues) ---------------------------------

    def ref(self, logical_id: str, where: str) -> Any:
        self._check_included(logical_id, where)
        if logical_id in self._deployed:
            return self._deployed[logical_id].physical_id
        found = self._found.get(logical_id)
        return found.physical_id if isinstance(found, Found) else Pending(logical_id)

    def attribute(self, logical_id: str, attribute: str, where: str) -> Any:
        self._check_included(logical_id, where)
        if logical_id in self._deployed:
            attributes = self._deployed[logical_id].attributes
        else:
            found = self._found.get(logical_id)
            if not isinstance(found, Found):
                return Pending(logical_id)
            attributes = found.attributes
        if attribute not in attributes:
            raise TemplateError(f"{where}: {logical_id} has no {attribute}")
        return attributes[attribute]

    def _check_included(self, logical_id: str, where: str) -> None:
        if logical_id not in self.included:
            condition = self._template.resources[logical_id].condition
            raise TemplateError(
                f"{where}: {logical_id} is left out, its condition {condition} being false"
            )

    def _condition(self, name: str, where: str) -> bool:
        if name not in self._truths:
            raise TemplateError(f"{where}: {name} is not a condition of the template")
        return self._truths[name]


def _calling(call: CognitoCall, doing: str) -> CognitoCall:
    """`call`, with what it was doing named in the error when Cognito refuses."""

    def named(operation: str, body: dict[str, Any]) -> Mapping[str, Any]:
        try:
            return call(operation, body)
        except Exception as error:
            code = getattr(error, "code", None)
            reason = f"{code}: {error}" if isinstance(code, str) else str(error)
            raise DeployFailed(f"{doing}: {operation} failed: {reason}") from error

    return named
