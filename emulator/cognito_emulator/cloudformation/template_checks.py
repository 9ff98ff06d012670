"""What can be told about a template before anything is deployed, so that a template the
deployer cannot deploy in full changes nothing: every resource's type and properties supported
and its required properties there, every function supported, every name a Ref, Fn::Sub or
Fn::GetAtt uses declared, every attribute one the resource type has, every Fn::If's condition
defined. Each error names the resource (or output, or condition) and what is supported.
"""

from __future__ import annotations

from typing import Any

from cognito_emulator.cloudformation.errors import TemplateError
from cognito_emulator.cloudformation.intrinsics import (
    GET_ATT,
    IF,
    PSEUDO_PARAMETERS,
    REF,
    SUB,
    SUPPORTED_FUNCTIONS,
    StackContext,
    calls,
    get_att_parts,
    sub_names,
    sub_parts,
)
from cognito_emulator.cloudformation.resource_types import RESOURCE_TYPES
from cognito_emulator.cloudformation.template import Template


def check_template(template: Template, context: StackContext) -> None:
    for resource in template.resources.values():
        where = f"resource {resource.logical_id}"
        resource_type = RESOURCE_TYPES.get(resource.type)
        if resource_type is None:
            raise TemplateError(
                f"{where}: the type {resource.type} is not supported by the deployer "
                f"(supported: {', '.join(RESOURCE_TYPES)})"
            )
        for name in resource.properties:
            if name not in resource_type.property_shapes():
                raise resource_type.unsupported(name, where)
        for name in resource_type.required:
            if name not in resource.properties:
                raise TemplateError(f"{where} ({resource.type}): property {name} is required")
    names = _Names(template, context)
    for resource in template.resources.values():
        names.check(resource.properties, f"resource {resource.logical_id}")
    for output in template.outputs.values():
        names.check(output.value, f"output {output.name}")
    for name, condition in template.conditions.items():
        names.check(condition, f"condition {name}")


class _Names:
    """Checks the functions a part of the template calls and the names they use."""

    def __init__(self, template: Template, context: StackContext) -> None:
        self._template = template
        self._pseudo = context.pseudo_parameters()

    def check(self, node: Any, where: str) -> None:
        for name, argument in calls(node):
            if name not in SUPPORTED_FUNCTIONS:
                raise TemplateError(
                    f"{where}: {name} is not supported by the deployer "
                    f"(supported: {', '.join(SUPPORTED_FUNCTIONS)})"
                )
            if name == REF:
                if not isinstance(argument, str):
                    raise TemplateError(f"{where}: Ref takes a name")
                self._name(argument, where)
            elif name == GET_ATT:
                self._attribute(*get_att_parts(argument, where), where)
            elif name == SUB:
                text, variables = sub_parts(argument, where)
                for variable in sub_names(text):
                    resource, dot, attribute = variable.partition(".")
                    if variable in variables:
                        continue
                    if dot and resource in self._template.resources:
                        self._attribute(resource, attribute, where)
                    else:
                        self._name(variable, where)
            elif name == IF and (
                not isinstance(argument, list)
                or not argument
                or argument[0] not in self._template.conditions
            ):
                raise TemplateError(f"{where}: Fn::If names no condition of the template")

    def _name(self, name: str, where: str) -> None:
        if name in self._template.parameters or name in self._template.resources:
            return
        if name.startswith("AWS::"):
            if name not in PSEUDO_PARAMETERS:
                raise TemplateError(
                    f"{where}: the pseudo parameter {name} is not supported by the deployer "
                    f"(supported: {', '.join(PSEUDO_PARAMETERS)})"
                )
            if name not in self._pseudo:
                raise TemplateError(
                    f"{where}: {name} is not known here (deploying through the cognito-idp API "
                    "does not learn the account)"
                )
            return
        raise TemplateError(f"{where}: {name} is neither a parameter nor a resource")

    def _attribute(self, resource: str, attribute: str, where: str) -> None:
        declared = self._template.resources.get(resource)
        if declared is None:
            raise TemplateError(f"{where}: Fn::GetAtt {resource}.{attribute}: no such resource")
        attributes = RESOURCE_TYPES[declared.type].attributes
        if attribute not in attributes:
            raise TemplateError(
                f"{where}: Fn::GetAtt {resource}.{attribute}: {declared.type} has "
                f"{', '.join(attributes) if attributes else 'no attributes'}"
            )
