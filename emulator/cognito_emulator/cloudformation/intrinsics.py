"""CloudFormation's intrinsic functions, evaluated ("Intrinsic function reference", CloudFormation
user guide): Ref, Fn::GetAtt, Fn::Sub (a string, or [string, variables]), Fn::If, Fn::Equals,
Fn::Not, Fn::And, Fn::Or, Fn::Join, Fn::Select and Fn::Split, with the pseudo parameters
AWS::Region, AWS::AccountId, AWS::StackName, AWS::Partition, AWS::URLSuffix and AWS::NoValue
(which removes the property, or the list item, it stands for).

A function is a mapping of exactly one key, `Ref` or `Fn::Name`. A value not known yet — a
resource's id or attribute before the resource is deployed — is `Pending`; a function given a
pending value gives one too, so a deployment can look at what the template names before it
creates anything.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from cognito_emulator.cloudformation.errors import TemplateError

REF = "Ref"
GET_ATT = "Fn::GetAtt"
SUB = "Fn::Sub"
IF = "Fn::If"
CONDITION = "Condition"
CONDITION_FUNCTIONS = ("Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or")
VALUE_FUNCTIONS = (REF, GET_ATT, SUB, IF, "Fn::Join", "Fn::Select", "Fn::Split")
SUPPORTED_FUNCTIONS = (*VALUE_FUNCTIONS, *CONDITION_FUNCTIONS)
NO_VALUE_NAME = "AWS::NoValue"
PSEUDO_PARAMETERS = (
    "AWS::Region",
    "AWS::AccountId",
    "AWS::StackName",
    "AWS::Partition",
    "AWS::URLSuffix",
    NO_VALUE_NAME,
)
SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")


class _NoValue:
    def __repr__(self) -> str:
        return NO_VALUE_NAME


NO_VALUE = _NoValue()
"""What `Ref AWS::NoValue` gives: the property or list item it stands for is left out."""


@dataclass(frozen=True)
class Pending:
    """A value only known once `logical_id` is deployed."""

    logical_id: str


@dataclass(frozen=True)
class StackContext:
    """What the pseudo parameters give."""

    stack_name: str
    region: str
    account_id: str | None
    """None where it is not known (through the cognito-idp API alone, the account is not)."""

    def pseudo_parameters(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            "AWS::Region": self.region,
            "AWS::StackName": self.stack_name,
            "AWS::Partition": "aws-cn" if self.region.startswith("cn-") else "aws",
            "AWS::URLSuffix": "amazonaws.com.cn"
            if self.region.startswith("cn-")
            else "amazonaws.com",
            NO_VALUE_NAME: NO_VALUE,
        }
        if self.account_id is not None:
            values["AWS::AccountId"] = self.account_id
        return values


class ResourceValues(Protocol):
    """What Ref and Fn::GetAtt give for the template's resources."""

    def ref(self, logical_id: str, where: str) -> Any: ...  # pragma: no cover

    def attribute(self, logical_id: str, attribute: str, where: str) -> Any: ...  # pragma: no cover


def function_call(node: Any) -> tuple[str, Any] | None:
    """(name, argument) if `node` is a function: a mapping of one key, Ref or Fn::*."""
    if isinstance(node, dict) and len(node) == 1:
        ((name, argument),) = node.items()
        if name == REF or (isinstance(name, str) and name.startswith("Fn::")):
            return name, argument
    return None


def calls(node: Any) -> Iterator[tuple[str, Any]]:
    """Every function call in `node`, at any depth, the untaken branches of Fn::If included."""
    call = function_call(node)
    if call is not None:
        yield call
        yield from calls(call[1])
    elif isinstance(node, dict):
        for value in node.values():
            yield from calls(value)
    elif isinstance(node, list):
        for item in node:
            yield from calls(item)


def sub_parts(argument: Any, where: str) -> tuple[str, dict[str, Any]]:
    """The string of a Fn::Sub and its own variables."""
    if isinstance(argument, str):
        return argument, {}
    if (
        isinstance(argument, list)
        and len(argument) == 2
        and isinstance(argument[0], str)
        and isinstance(argument[1], dict)
    ):
        return argument[0], argument[1]
    raise TemplateError(f"{where}: Fn::Sub takes a string, or [string, {{name: value}}]")


def sub_names(text: str) -> list[str]:
    """The ${names} a Fn::Sub string refers to (`${!Literal}` is none)."""
    return [name for name in SUB_VARIABLE.findall(text) if not name.startswith("!")]


def get_att_parts(argument: Any, where: str) -> tuple[str, str]:
    if (
        isinstance(argument, list)
        and len(argument) == 2
        and all(isinstance(part, str) for part in argument)
    ):
        return argument[0], argument[1]
    raise TemplateError(f"{where}: Fn::GetAtt takes [resource, attribute] or resource.attribute")


class Evaluator:
    """Evaluates functions with the template's parameter values, pseudo parameters, conditions
    and (when deploying) resources."""

    def __init__(
        self,
        parameters: Mapping[str, Any],
        context: StackContext,
        condition: Callable[[str, str], bool],
        resources: ResourceValues | None = None,
    ) -> None:
        self._names = {**context.pseudo_parameters(), **parameters}
        self._condition = condition
        self._resources = resources

    def value(self, node: Any, where: str) -> Any:
        """`node` with every function evaluated; NO_VALUE members and items removed (NO_VALUE
        itself if `node` is AWS::NoValue)."""
        call = function_call(node)
        if call is not None:
            return self._call(call[0], call[1], where)
        if isinstance(node, dict):
            evaluated = {key: self.value(item, f"{where}.{key}") for key, item in node.items()}
            return {key: item for key, item in evaluated.items() if item is not NO_VALUE}
        if isinstance(node, list):
            items = [self.value(item, f"{where}[{index}]") for index, item in enumerate(node)]
            return [item for item in items if item is not NO_VALUE]
        return node

    def truth(self, node: Any, where: str) -> bool:
        """A condition: Fn::Equals, Fn::Not, Fn::And, Fn::Or, or {Condition: name}."""
        if isinstance(node, dict) and set(node) == {CONDITION}:
            name = node[CONDITION]
            if not isinstance(name, str):
                raise TemplateError(f"{where}: Condition takes a condition's name")
            return self._condition(name, where)
        call = function_call(node)
        if call is None or call[0] not in CONDITION_FUNCTIONS:
            raise TemplateError(
                f"{where}: a condition is Fn::Equals, Fn::Not, Fn::And, Fn::Or or "
                "{Condition: name}"
            )
        name, argument = call
        if name == "Fn::Equals":
            if not isinstance(argument, list) or len(argument) != 2:
                raise TemplateError(f"{where}: Fn::Equals takes [value, value]")
            first, second = (self.value(item, where) for item in argument)
            return _comparable(first) == _comparable(second)
        if name == "Fn::Not":
            if not isinstance(argument, list) or len(argument) != 1:
                raise TemplateError(f"{where}: Fn::Not takes [condition]")
            return not self.truth(argument[0], where)
        if not isinstance(argument, list) or not 2 <= len(argument) <= 10:
            raise TemplateError(f"{where}: {name} takes 2 to 10 conditions")
        truths = (self.truth(item, where) for item in argument)
        return all(truths) if name == "Fn::And" else any(truths)

    def _call(self, name: str, argument: Any, where: str) -> Any:
        if name in CONDITION_FUNCTIONS:
            return self.truth({name: argument}, where)
        if name == REF:
            if not isinstance(argument, str):
                raise TemplateError(f"{where}: Ref takes a name")
            return self._ref(argument, where)
        if name == GET_ATT:
            resource, attribute = get_att_parts(argument, where)
            return self._attribute(resource, attribute, where)
        if name == SUB:
            return self._sub(argument, where)
        if name == IF:
            if (
                not isinstance(argument, list)
                or len(argument) != 3
                or not isinstance(argument[0], str)
            ):
                raise TemplateError(f"{where}: Fn::If takes [condition name, if true, if false]")
            chosen = argument[1] if self._condition(argument[0], where) else argument[2]
            return self.value(chosen, where)
        if name == "Fn::Join":
            return self._join(argument, where)
        if name == "Fn::Select":
            return self._select(argument, where)
        if name == "Fn::Split":
            return self._split(argument, where)
        raise TemplateError(
            f"{where}: {name} is not supported by the deployer "
            f"(supported: {', '.join(SUPPORTED_FUNCTIONS)})"
        )

    def _ref(self, name: str, where: str) -> Any:
        if name in self._names:
            return self._names[name]
        if self._resources is None:
            raise TemplateError(f"{where}: Ref {name}: only parameters may be referred to here")
        return self._resources.ref(name, where)

    def _attribute(self, resource: str, attribute: str, where: str) -> Any:
        if self._resources is None:
            raise TemplateError(f"{where}: Fn::GetAtt {resource}.{attribute}: not here")
        return self._resources.attribute(resource, attribute, where)

    def _sub(self, argument: Any, where: str) -> Any:
        text, variables = sub_parts(argument, where)
        values = {name: self.value(value, where) for name, value in variables.items()}
        pieces: list[str] = []
        position = 0
        for found in SUB_VARIABLE.finditer(text):
            pieces.append(text[position : found.start()])
            position = found.end()
            name = found.group(1)
            if name.startswith("!"):
                pieces.append("${" + name[1:] + "}")
                continue
            if name in values:
                value = values[name]
            elif "." in name and name not in self._names:
                resource, _, attribute = name.partition(".")
                value = self._attribute(resource, attribute, where)
            else:
                value = self._ref(name, where)
            if isinstance(value, Pending):
                return value
            if not isinstance(value, str | int | float) or isinstance(value, bool):
                raise TemplateError(f"{where}: Fn::Sub ${{{name}}} is not a string")
            pieces.append(str(value))
        pieces.append(text[position:])
        return "".join(pieces)

    def _join(self, argument: Any, where: str) -> Any:
        if not isinstance(argument, list) or len(argument) != 2 or not isinstance(argument[0], str):
            raise TemplateError(f"{where}: Fn::Join takes [delimiter, [values]]")
        values = self.value(argument[1], where)
        if isinstance(values, Pending):
            return values
        if not isinstance(values, list):
            raise TemplateError(f"{where}: Fn::Join takes a list of values to join")
        pending = next((value for value in values if isinstance(value, Pending)), None)
        if pending is not None:
            return pending
        if not all(isinstance(value, str | int | float) for value in values):
            raise TemplateError(f"{where}: Fn::Join joins strings only")
        return argument[0].join(str(value) for value in values)

    def _select(self, argument: Any, where: str) -> Any:
        if not isinstance(argument, list) or len(argument) != 2:
            raise TemplateError(f"{where}: Fn::Select takes [index, [values]]")
        index, values = (self.value(item, where) for item in argument)
        if isinstance(values, Pending):
            return values
        try:
            position = int(index)
        except (TypeError, ValueError):
            raise TemplateError(f"{where}: Fn::Select's index {index!r} is no number") from None
        if not isinstance(values, list) or not 0 <= position < len(values):
            raise TemplateError(f"{where}: Fn::Select's index {position} is outside the list")
        return values[position]

    def _split(self, argument: Any, where: str) -> Any:
        if not isinstance(argument, list) or len(argument) != 2 or not isinstance(argument[0], str):
            raise TemplateError(f"{where}: Fn::Split takes [delimiter, string]")
        text = self.value(argument[1], where)
        if isinstance(text, Pending):
            return text
        if not isinstance(text, str) or not argument[0]:
            raise TemplateError(f"{where}: Fn::Split splits a string at a non-empty delimiter")
        return text.split(argument[0])


def _comparable(value: Any) -> Any:
    """Values as Fn::Equals compares them: as the strings CloudFormation sees (8 and "8")."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        return [_comparable(item) for item in value]
    return value
