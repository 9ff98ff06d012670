"""Parameters: declared values, defaults and CloudFormation's constraints, each refusal naming
the parameter, the value and the constraint."""

from __future__ import annotations

from typing import Any

import pytest

from cognito_emulator.cloudformation import TemplateError
from cognito_emulator.cloudformation.parameters import declared_parameters, parameter_values

DECLARED = {
    "Stage": {"Type": "String", "Default": "dev", "AllowedValues": ["dev", "prod"]},
    "Prefix": {
        "Type": "String",
        "AllowedPattern": "[a-z]+",
        "MinLength": 2,
        "MaxLength": 5,
        "ConstraintDescription": "2 to 5 lower-case letters",
    },
    "Minutes": {"Type": "Number", "Default": 60, "MinValue": 5, "MaxValue": 1440},
    "Urls": {"Type": "CommaDelimitedList", "Default": "a,b"},
    "Flag": {"Type": "String", "Default": True},
}


def values(**given: str) -> dict[str, Any]:
    return parameter_values(declared_parameters(DECLARED), given)


def test_defaults_fill_what_is_not_given_and_refs_read_as_cloudformation_gives_them() -> None:
    """A Number's value is a string wherever Ref uses it; a CommaDelimitedList's a list."""
    assert values(Prefix="abc") == {
        "Stage": "dev",
        "Prefix": "abc",
        "Minutes": "60",
        "Urls": ["a", "b"],
        "Flag": "true",
    }
    assert values(Prefix="xy", Stage="prod", Minutes="5", Urls="https://x")["Urls"] == ["https://x"]


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({}, "parameter Prefix needs a value: the template gives no Default"),
        (
            {"Prefix": "abc", "Region": "x"},
            "parameter Region is not declared by the template (it declares: Stage, Prefix, "
            "Minutes, Urls, Flag)",
        ),
        (
            {"Prefix": "abc", "Stage": "test"},
            "parameter Stage: 'test' is not one of AllowedValues dev, prod",
        ),
        (
            {"Prefix": "ab1"},
            "parameter Prefix: 'ab1' does not match AllowedPattern [a-z]+ (wanted: 2 to 5 "
            "lower-case letters)",
        ),
        (
            {"Prefix": "a"},
            "parameter Prefix: 'a' is shorter than MinLength 2 (wanted: 2 to 5 lower-case letters)",
        ),
        (
            {"Prefix": "abcdef"},
            "parameter Prefix: 'abcdef' is longer than MaxLength 5 (wanted: 2 to 5 lower-case "
            "letters)",
        ),
        ({"Prefix": "abc", "Minutes": "soon"}, "parameter Minutes: 'soon' is not a number"),
        ({"Prefix": "abc", "Minutes": "4"}, "parameter Minutes: '4' is less than MinValue 5"),
        (
            {"Prefix": "abc", "Minutes": "1441"},
            "parameter Minutes: '1441' is more than MaxValue 1440",
        ),
    ],
)
def test_a_value_the_declaration_refuses_is_named(given: dict[str, str], message: str) -> None:
    with pytest.raises(TemplateError) as refused:
        values(**given)

    assert str(refused.value) == message


def test_allowed_pattern_must_match_the_whole_value() -> None:
    """CloudFormation matches AllowedPattern against the whole value, not a part of it."""
    with pytest.raises(TemplateError):
        values(Prefix="abc-")


@pytest.mark.parametrize(
    ("declared", "message"),
    [
        (
            {"Vpc": {"Type": "AWS::EC2::VPC::Id"}},
            "parameter Vpc: Type AWS::EC2::VPC::Id is not supported (supported: String, Number, "
            "CommaDelimitedList)",
        ),
        (
            {"Name": {"Type": "String", "Secret": True}},
            "parameter Name: Secret is not supported (supported: AllowedPattern, AllowedValues, "
            "ConstraintDescription, Default, Description, MaxLength, MaxValue, MinLength, "
            "MinValue, NoEcho, Type)",
        ),
        ({"Name": {"Default": "x"}}, "parameter Name: a declaration needs a Type"),
        (
            {"Name": {"Type": "String", "MinLength": "few"}},
            "parameter Name: MinLength must be a int",
        ),
        (
            {"Name": {"Type": "String", "AllowedPattern": "("}},
            "parameter Name: AllowedPattern is no regex: missing ), unterminated subpattern at "
            "position 0",
        ),
    ],
)
def test_a_declaration_the_deployer_cannot_honour_is_named(
    declared: dict[str, Any], message: str
) -> None:
    with pytest.raises(TemplateError) as refused:
        declared_parameters(declared)

    assert str(refused.value) == message
