"""A template's text as data: JSON, or YAML with CloudFormation's short-form function tags.

`!Ref X` reads as `{"Ref": "X"}`, `!Condition X` as `{"Condition": "X"}`, every other short
form `!Name ...` as `{"Fn::Name": ...}` and `!GetAtt Resource.Attribute` as
`{"Fn::GetAtt": ["Resource", "Attribute"]}` (split at the first dot: attribute names may hold
dots), as CloudFormation reads them ("Template format" and "Intrinsic function reference",
CloudFormation user guide). Functions the deployer does not evaluate are read all the same, so
that the deployer can name them rather than fail on an unknown tag.

Unlike PyYAML's defaults, a date-like scalar stays a string (`AWSTemplateFormatVersion:
2010-09-09`), and a key given twice in one mapping is an error, as cfn-lint reports it (E0000),
instead of the later value silently winning.
"""

from __future__ import annotations

import json
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from cognito_emulator.cloudformation.errors import TemplateError

# Short forms of CloudFormation's intrinsic functions (the full name is "Fn::" + the tag).
FUNCTION_TAGS = (
    "And",
    "Base64",
    "Cidr",
    "Equals",
    "FindInMap",
    "GetAZs",
    "GetAtt",
    "If",
    "ImportValue",
    "Join",
    "Length",
    "Not",
    "Or",
    "Select",
    "Split",
    "Sub",
    "ToJsonString",
    "Transform",
)
TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


class _TemplateLoader(yaml.SafeLoader):
    """SafeLoader with CloudFormation's tags, dates kept as strings and duplicate keys refused."""

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise ConstructorError(
                    "while reading a mapping",
                    node.start_mark,
                    f"found the key {key!r} twice",
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_TemplateLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != TIMESTAMP_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _node_value(loader: _TemplateLoader, node: Node) -> Any:
    if isinstance(node, ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, SequenceNode):
        return loader.construct_sequence(node, deep=True)
    assert isinstance(node, MappingNode)
    return loader.construct_mapping(node, deep=True)


def _function(name: str) -> Any:
    def construct(loader: _TemplateLoader, node: Node) -> dict[str, Any]:
        value = _node_value(loader, node)
        if name == "Fn::GetAtt" and isinstance(value, str):
            resource, _, attribute = value.partition(".")
            value = [resource, attribute]
        return {name: value}

    return construct


_TemplateLoader.add_constructor("!Ref", _function("Ref"))
_TemplateLoader.add_constructor("!Condition", _function("Condition"))
for _tag in FUNCTION_TAGS:
    _TemplateLoader.add_constructor(f"!{_tag}", _function(f"Fn::{_tag}"))


def template_body(text: str, source: str) -> Any:
    """The data of a template's text, JSON (when it starts with "{") or YAML; `source` names it
    in the error when the text is neither."""
    if text.lstrip().startswith("{"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise TemplateError(f"{source}: not valid JSON: {error}") from None
    try:
        return yaml.load(text, Loader=_TemplateLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as error:
        raise TemplateError(f"{source}: not valid YAML: {error}") from None
