"""A CloudFormation template read into its parts: parameters, conditions, resources, outputs.

What is read here is the template's form ("Template anatomy", CloudFormation user guide): its
sections, each resource's Type, Properties, Condition and DependsOn, each output's Value and
Condition. Sections the deployer does not evaluate (Mappings, Transform, Rules) and outputs'
Export (an emulator has no other stacks to import it) are refused by name. Whether a resource
type, property or function can be deployed is the deployer's to say (`template_checks`).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cognito_emulator.cloudformation.errors import TemplateError
from cognito_emulator.cloudformation.parameters import Parameter, declared_parameters
from cognito_emulator.cloudformation.template_text import template_body

SECTIONS = (
    "AWSTemplateFormatVersion",
    "Description",
    "Metadata",
    "Parameters",
    "Conditions",
    "Resources",
    "Outputs",
)
RESOURCE_KEYS = (
    "Type",
    "Properties",
    "Condition",
    "DependsOn",
    "Metadata",
    # What CloudFormation does to a resource it deletes or replaces; the deployer never deletes
    # nor replaces, so any policy holds.
    "DeletionPolicy",
    "UpdateReplacePolicy",
)
OUTPUT_KEYS = ("Value", "Description", "Condition")
LOGICAL_ID = re.compile(r"[A-Za-z0-9]+")


@dataclass(frozen=True)
class Resource:
    """One entry of Resources, as written (functions not yet evaluated)."""

    logical_id: str
    type: str
    properties: Mapping[str, Any]
    condition: str | None
    depends_on: tuple[str, ...]


@dataclass(frozen=True)
class Output:
    name: str
    value: Any
    condition: str | None


@dataclass(frozen=True)
class Template:
    """A template's parts, resources and outputs in the order the template gives them."""

    source: str
    """Where it came from (a path), for messages and the default stack name."""
    body: Mapping[str, Any]
    parameters: Mapping[str, Parameter]
    conditions: Mapping[str, Any]
    resources: Mapping[str, Resource]
    outputs: Mapping[str, Output]

    def edited_body(self) -> dict[str, Any]:
        """A copy of the template's data to change and read again with `template_from_body`
        (a variant of a template: fewer resources, other properties)."""
        return copy.deepcopy(dict(self.body))


def read_template(path: Path) -> Template:
    """The template in the file at `path` (YAML or JSON)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise TemplateError(f"cannot read the template {path}: {error}") from None
    return parse_template(text, str(path))


def parse_template(text: str, source: str = "template") -> Template:
    return template_from_body(template_body(text, source), source)


def template_from_body(body: Any, source: str = "template") -> Template:
    """A template from its data (what JSON or YAML reads into)."""
    if not isinstance(body, dict):
        raise TemplateError(f"{source}: a template is a mapping of sections (Resources, ...)")
    unknown = [section for section in body if section not in SECTIONS]
    if unknown:
        raise TemplateError(
            f"{source}: the section {unknown[0]} is not supported by the deployer "
            f"(supported: {', '.join(SECTIONS)})"
        )
    conditions = body.get("Conditions") or {}
    if not isinstance(conditions, dict):
        raise TemplateError(f"{source}: Conditions must be a mapping of names to conditions")
    resources = _resources(body.get("Resources"), conditions, source)
    return Template(
        source=source,
        body=body,
        parameters=declared_parameters(body.get("Parameters")),
        conditions=conditions,
        resources=resources,
        outputs=_outputs(body.get("Outputs"), conditions),
    )


def _resources(section: Any, conditions: Mapping[str, Any], source: str) -> dict[str, Resource]:
    if not isinstance(section, dict) or not section:
        raise TemplateError(f"{source}: Resources must declare at least one resource")
    resources = {}
    for logical_id, declared in section.items():
        name = str(logical_id)
        if not LOGICAL_ID.fullmatch(name):
            raise TemplateError(f"resource {name!r}: a logical ID is letters and digits only")
        resources[name] = _resource(name, declared, conditions)
    for resource in resources.values():
        for needed in resource.depends_on:
            if needed not in resources:
                raise TemplateError(
                    f"resource {resource.logical_id}: DependsOn names {needed}, which is not a "
                    "resource of the template"
                )
    return resources


def _resource(logical_id: str, declared: Any, conditions: Mapping[str, Any]) -> Resource:
    where = f"resource {logical_id}"
    if not isinstance(declared, dict) or not isinstance(declared.get("Type"), str):
        raise TemplateError(f"{where}: a resource needs a Type")
    unknown = [key for key in declared if key not in RESOURCE_KEYS]
    if unknown:
        raise TemplateError(
            f"{where}: the resource attribute {unknown[0]} is not supported by the deployer "
            f"(supported: {', '.join(RESOURCE_KEYS)})"
        )
    properties = declared.get("Properties") or {}
    if not isinstance(properties, dict):
        raise TemplateError(f"{where}: Properties must be a mapping")
    depends_on = declared.get("DependsOn", [])
    if isinstance(depends_on, str):
        depends_on = [depends_on]
    if not isinstance(depends_on, list) or not all(isinstance(name, str) for name in depends_on):
        raise TemplateError(f"{where}: DependsOn must name a resource or list resources")
    return Resource(
        logical_id=logical_id,
        type=declared["Type"],
        properties=properties,
        condition=_condition_name(declared.get("Condition"), conditions, where),
        depends_on=tuple(depends_on),
    )


def _outputs(section: Any, conditions: Mapping[str, Any]) -> dict[str, Output]:
    if section is None:
        return {}
    if not isinstance(section, dict):
        raise TemplateError("Outputs must be a mapping of output names to outputs")
    outputs = {}
    for name, declared in section.items():
        where = f"output {name}"
        if not isinstance(declared, dict) or "Value" not in declared:
            raise TemplateError(f"{where}: an output needs a Value")
        unknown = [key for key in declared if key not in OUTPUT_KEYS]
        if unknown:
            raise TemplateError(
                f"{where}: {unknown[0]} is not supported by the deployer "
                f"(supported: {', '.join(OUTPUT_KEYS)})"
            )
        outputs[str(name)] = Output(
            name=str(name),
            value=declared["Value"],
            condition=_condition_name(declared.get("Condition"), conditions, where),
        )
    return outputs


def _condition_name(name: Any, conditions: Mapping[str, Any], where: str) -> str | None:
    if name is None:
        return None
    if not isinstance(name, str) or name not in conditions:
        raise TemplateError(f"{where}: Condition {name!r} is not a condition of the template")
    return name
