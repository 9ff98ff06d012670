"""A template's Parameters: what each declares, and the values a deployment gives them.

As CloudFormation checks them ("Parameters", CloudFormation user guide): a value given for a
parameter the template does not declare, or none for one without a Default, stops the
deployment; a value must be one of AllowedValues, match AllowedPattern (all of it), and keep
within MinLength/MaxLength (String) or MinValue/MaxValue (Number). A Number parameter's value is
a string all the same wherever `Ref` uses it, and a CommaDelimitedList's is the list of the
strings between its commas.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NoReturn

from cognito_emulator.cloudformation.errors import TemplateError

STRING = "String"
NUMBER = "Number"
COMMA_DELIMITED_LIST = "CommaDelimitedList"
SUPPORTED_TYPES = (STRING, NUMBER, COMMA_DELIMITED_LIST)
DECLARATION_KEYS = frozenset(
    {
        "Type",
        "Default",
        "AllowedValues",
        "AllowedPattern",
        "MinLength",
        "MaxLength",
        "MinValue",
        "MaxValue",
        "Description",
        "ConstraintDescription",
        "NoEcho",
    }
)


@dataclass(frozen=True)
class Parameter:
    """One declared parameter."""

    name: str
    type: str
    default: str | None
    allowed_values: tuple[str, ...] | None = None
    allowed_pattern: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    min_value: float | None = None
    max_value: float | None = None
    constraint_description: str | None = None

    def value_of(self, given: str) -> str | list[str]:
        """What `Ref` gives for the value `given`, once it passes the declared constraints."""
        if self.type == NUMBER:
            number = _number(given)
            if number is None:
                self._refuse(given, "is not a number")
            if self.min_value is not None and number < self.min_value:
                self._refuse(given, f"is less than MinValue {_plain(self.min_value)}")
            if self.max_value is not None and number > self.max_value:
                self._refuse(given, f"is more than MaxValue {_plain(self.max_value)}")
        if self.min_length is not None and len(given) < self.min_length:
            self._refuse(given, f"is shorter than MinLength {self.min_length}")
        if self.max_length is not None and len(given) > self.max_length:
            self._refuse(given, f"is longer than MaxLength {self.max_length}")
        if self.allowed_pattern is not None and not re.fullmatch(self.allowed_pattern, given):
            self._refuse(given, f"does not match AllowedPattern {self.allowed_pattern}")
        if self.allowed_values is not None and given not in self.allowed_values:
            self._refuse(given, f"is not one of AllowedValues {', '.join(self.allowed_values)}")
        if self.type == COMMA_DELIMITED_LIST:
            return given.split(",")
        return given

    def _refuse(self, given: str, problem: str) -> NoReturn:
        wanted = f" (wanted: {self.constraint_description})" if self.constraint_description else ""
        raise TemplateError(f"parameter {self.name}: {given!r} {problem}{wanted}")


def declared_parameters(section: Any) -> dict[str, Parameter]:
    """The Parameters section's declarations, by name."""
    if section is None:
        return {}
    if not isinstance(section, dict):
        raise TemplateError("Parameters must be a mapping of parameter names to declarations")
    return {str(name): _declaration(str(name), declared) for name, declared in section.items()}


def _declaration(name: str, declared: Any) -> Parameter:
    if not isinstance(declared, dict) or "Type" not in declared:
        raise TemplateError(f"parameter {name}: a declaration needs a Type")
    unknown = sorted(set(declared) - DECLARATION_KEYS)
    if unknown:
        raise TemplateError(
            f"parameter {name}: {', '.join(unknown)} is not supported "
            f"(supported: {', '.join(sorted(DECLARATION_KEYS))})"
        )
    kind = declared["Type"]
    if kind not in SUPPORTED_TYPES:
        raise TemplateError(
            f"parameter {name}: Type {kind} is not supported (supported: "
            f"{', '.join(SUPPORTED_TYPES)})"
        )
    allowed = declared.get("AllowedValues")
    if allowed is not None and not isinstance(allowed, list):
        raise TemplateError(f"parameter {name}: AllowedValues must be a list")
    default = declared.get("Default")
    parameter = Parameter(
        name=name,
        type=kind,
        default=None if default is None else _text(default),
        allowed_values=None if allowed is None else tuple(_text(value) for value in allowed),
        allowed_pattern=_optional(declared, "AllowedPattern", str, name),
        min_length=_optional(declared, "MinLength", int, name),
        max_length=_optional(declared, "MaxLength", int, name),
        min_value=_optional(declared, "MinValue", float, name),
        max_value=_optional(declared, "MaxValue", float, name),
        constraint_description=_optional(declared, "ConstraintDescription", str, name),
    )
    if parameter.allowed_pattern is not None:
        try:
            re.compile(parameter.allowed_pattern)
        except re.error as error:
            raise TemplateError(f"parameter {name}: AllowedPattern is no regex: {error}") from None
    return parameter


def _optional(declared: dict[str, Any], key: str, kind: type, name: str) -> Any:
    value = declared.get(key)
    if value is None:
        return None
    try:
        return kind(value)
    except (TypeError, ValueError):
        raise TemplateError(f"parameter {name}: {key} must be a {kind.__name__}") from None


def parameter_values(
    declared: Mapping[str, Parameter], given: Mapping[str, str]
) -> dict[str, str | list[str]]:
    """What `Ref` gives for each parameter: the value given, else the Default."""
    unknown = sorted(set(given) - set(declared))
    if unknown:
        raise TemplateError(
            f"parameter {unknown[0]} is not declared by the template (it declares: "
            f"{', '.join(declared) or 'none'})"
        )
    values: dict[str, str | list[str]] = {}
    for name, parameter in declared.items():
        value = given.get(name, parameter.default)
        if value is None:
            raise TemplateError(f"parameter {name} needs a value: the template gives no Default")
        values[name] = parameter.value_of(value)
    return values


def _text(value: Any) -> str:
    """A YAML scalar as the string CloudFormation reads (true → "true", 8 → "8")."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _number(text: str) -> float | None:
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _plain(number: float) -> str:
    return str(int(number)) if number.is_integer() else str(number)
