"""Intrinsic functions and conditions, evaluated with exact results; a value not known yet
(a resource not deployed) is Pending, and so is what is made of it."""

from __future__ import annotations

from typing import Any

import pytest

from cognito_emulator.cloudformation import TemplateError
from cognito_emulator.cloudformation.conditions import evaluated_conditions
from cognito_emulator.cloudformation.intrinsics import Evaluator, Pending, StackContext

CONTEXT = StackContext(stack_name="kit", region="eu-west-1", account_id="123456789012")
PARAMETERS = {"Name": "orders", "Urls": ["https://a", "https://b"], "Count": "3"}


class Resources:
    """Ref and Fn::GetAtt of two resources: one deployed, one not yet."""

    def ref(self, logical_id: str, where: str) -> Any:
        return "us-east-1_abc" if logical_id == "Pool" else Pending(logical_id)

    def attribute(self, logical_id: str, attribute: str, where: str) -> Any:
        if logical_id == "Pool":
            return f"{attribute} of Pool"
        return Pending(logical_id)


def evaluate(node: Any, conditions: dict[str, bool] | None = None) -> Any:
    truths = conditions or {"IsProd": True, "IsDev": False}
    evaluator = Evaluator(PARAMETERS, CONTEXT, lambda name, where: truths[name], Resources())
    return evaluator.value(node, "resource X")


@pytest.mark.parametrize(
    ("node", "value"),
    [
        ({"Ref": "Name"}, "orders"),
        ({"Ref": "Pool"}, "us-east-1_abc"),
        ({"Ref": "AWS::Region"}, "eu-west-1"),
        ({"Ref": "AWS::AccountId"}, "123456789012"),
        ({"Ref": "AWS::StackName"}, "kit"),
        ({"Ref": "AWS::Partition"}, "aws"),
        ({"Ref": "AWS::URLSuffix"}, "amazonaws.com"),
        ({"Fn::GetAtt": ["Pool", "Arn"]}, "Arn of Pool"),
        ({"Fn::Sub": "${Name}.${AWS::Region}/${Pool}"}, "orders.eu-west-1/us-east-1_abc"),
        ({"Fn::Sub": "${Pool.ProviderURL}/x"}, "ProviderURL of Pool/x"),
        ({"Fn::Sub": "${!Literal}-${Name}"}, "${Literal}-orders"),
        ({"Fn::Sub": ["${Host}/cb", {"Host": {"Ref": "Name"}}]}, "orders/cb"),
        ({"Fn::If": ["IsProd", "live", "test"]}, "live"),
        ({"Fn::If": ["IsDev", "test", {"Ref": "Name"}]}, "orders"),
        ({"Fn::Join": [",", {"Ref": "Urls"}]}, "https://a,https://b"),
        ({"Fn::Join": ["", ["a", {"Ref": "Count"}, 7]]}, "a37"),
        ({"Fn::Select": ["1", {"Ref": "Urls"}]}, "https://b"),
        ({"Fn::Split": [".", "a.b.c"]}, ["a", "b", "c"]),
        ({"Fn::Equals": [{"Ref": "Count"}, 3]}, True),
        ({"Fn::Not": [{"Fn::Equals": ["a", "a"]}]}, False),
        ({"Fn::And": [{"Condition": "IsProd"}, {"Fn::Equals": ["a", "a"]}]}, True),
        ({"Fn::Or": [{"Condition": "IsDev"}, {"Fn::Equals": ["a", "b"]}]}, False),
        ({"Fn::GetAtt": ["Client", "ClientSecret"]}, Pending("Client")),
        ({"Fn::Sub": "${Name}-${Client}"}, Pending("Client")),
        ({"Fn::Join": ["-", ["a", {"Ref": "Client"}]]}, Pending("Client")),
    ],
)
def test_a_function_gives_what_cloudformation_gives(node: Any, value: Any) -> None:
    assert evaluate(node) == value


def test_no_value_removes_the_member_or_item_it_stands_for() -> None:
    node = {
        "Kept": "x",
        "Gone": {"Ref": "AWS::NoValue"},
        "Maybe": {"Fn::If": ["IsDev", "dev", {"Ref": "AWS::NoValue"}]},
        "List": ["a", {"Ref": "AWS::NoValue"}, {"Fn::If": ["IsProd", "b", "c"]}],
    }

    assert evaluate(node) == {"Kept": "x", "List": ["a", "b"]}


def test_the_partition_and_url_suffix_follow_the_region() -> None:
    china = StackContext(stack_name="kit", region="cn-north-1", account_id=None)
    evaluator = Evaluator({}, china, lambda name, where: True)

    assert evaluator.value({"Fn::Sub": "${AWS::Partition} ${AWS::URLSuffix}"}, "x") == (
        "aws-cn amazonaws.com.cn"
    )


@pytest.mark.parametrize(
    ("node", "message"),
    [
        (
            {"Fn::Base64": "x"},
            "resource X: Fn::Base64 is not supported by the deployer (supported: Ref, "
            "Fn::GetAtt, Fn::Sub, Fn::If, Fn::Join, Fn::Select, Fn::Split, Fn::Equals, Fn::Not, "
            "Fn::And, Fn::Or)",
        ),
        ({"Fn::Join": ",", "x": 1}, None),
        ({"Fn::Join": [","]}, "resource X: Fn::Join takes [delimiter, [values]]"),
        ({"Fn::Select": [5, ["a"]]}, "resource X: Fn::Select's index 5 is outside the list"),
        ({"Fn::Select": ["first", ["a"]]}, "resource X: Fn::Select's index 'first' is no number"),
        ({"Fn::Sub": 5}, "resource X: Fn::Sub takes a string, or [string, {name: value}]"),
        (
            {"Fn::Sub": "${Urls}"},
            "resource X: Fn::Sub ${Urls} is not a string",
        ),
        (
            {"Fn::If": ["IsProd", "a"]},
            "resource X: Fn::If takes [condition name, if true, if false]",
        ),
        (
            {"Fn::GetAtt": "Pool"},
            "resource X: Fn::GetAtt takes [resource, attribute] or resource.attribute",
        ),
        (
            {"Fn::Not": ["x"]},
            "resource X: a condition is Fn::Equals, Fn::Not, Fn::And, Fn::Or or {Condition: name}",
        ),
    ],
)
def test_a_function_it_cannot_evaluate_is_named(node: Any, message: str | None) -> None:
    if message is None:  # two keys: a mapping of values, not a function
        assert evaluate(node) == node
        return
    with pytest.raises(TemplateError) as refused:
        evaluate(node)

    assert str(refused.value) == message


def test_conditions_are_evaluated_from_parameters_and_each_other() -> None:
    definitions = {
        "IsProd": {"Fn::Equals": [{"Ref": "Stage"}, "prod"]},
        "HasDomain": {"Fn::Not": [{"Fn::Equals": [{"Ref": "Domain"}, ""]}]},
        "Public": {"Fn::And": [{"Condition": "IsProd"}, {"Condition": "HasDomain"}]},
    }

    truths = evaluated_conditions(definitions, {"Stage": "prod", "Domain": ""}, CONTEXT)

    assert truths == {"IsProd": True, "HasDomain": False, "Public": False}


@pytest.mark.parametrize(
    ("definitions", "message"),
    [
        (
            {"A": {"Fn::Not": [{"Condition": "B"}]}, "B": {"Fn::Not": [{"Condition": "A"}]}},
            "conditions refer to each other in a circle: A -> B -> A",
        ),
        (
            {"A": {"Fn::Not": [{"Condition": "Z"}]}},
            "condition A: Z is not a condition of the template",
        ),
        (
            {"A": {"Fn::Equals": [{"Ref": "Pool"}, "x"]}},
            "condition A: Ref Pool: only parameters may be referred to here",
        ),
    ],
)
def test_conditions_that_cannot_be_evaluated_are_named(
    definitions: dict[str, Any], message: str
) -> None:
    with pytest.raises(TemplateError) as refused:
        evaluated_conditions(definitions, {}, CONTEXT)

    assert str(refused.value) == message
