"""Reading a template: YAML with CloudFormation's short-form tags, or JSON, into its parts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cognito_emulator.cloudformation import TemplateError, parse_template, read_template
from cognito_emulator.cloudformation.template_text import template_body

SHORT_FORMS = """\
AWSTemplateFormatVersion: 2010-09-09
Resources:
  Pool:
    Type: AWS::Cognito::UserPool
    Properties:
      UserPoolName: !Ref Name
      A: !GetAtt Other.ProviderURL
      B: !GetAtt [Other, Arn]
      C: !Sub "${AWS::Region}-${Name}"
      D: !If [IsProd, !Join ["-", [a, b]], !Ref AWS::NoValue]
      E: !Select [0, !Split [",", "x,y"]]
      F: !Base64 text
Conditions:
  IsProd: !And [!Equals [!Ref Stage, prod], !Not [!Condition Other]]
"""


def test_short_forms_read_as_the_functions_they_stand_for() -> None:
    body = template_body(SHORT_FORMS, "t.yaml")

    assert body["AWSTemplateFormatVersion"] == "2010-09-09"
    assert body["Resources"]["Pool"]["Properties"] == {
        "UserPoolName": {"Ref": "Name"},
        "A": {"Fn::GetAtt": ["Other", "ProviderURL"]},
        "B": {"Fn::GetAtt": ["Other", "Arn"]},
        "C": {"Fn::Sub": "${AWS::Region}-${Name}"},
        "D": {"Fn::If": ["IsProd", {"Fn::Join": ["-", ["a", "b"]]}, {"Ref": "AWS::NoValue"}]},
        "E": {"Fn::Select": [0, {"Fn::Split": [",", "x,y"]}]},
        "F": {"Fn::Base64": "text"},
    }
    assert body["Conditions"] == {
        "IsProd": {
            "Fn::And": [
                {"Fn::Equals": [{"Ref": "Stage"}, "prod"]},
                {"Fn::Not": [{"Condition": "Other"}]},
            ]
        }
    }


def test_an_attribute_name_with_a_dot_is_split_at_the_first_dot_only() -> None:
    body = template_body("Value: !GetAtt Database.Endpoint.Address\n", "t.yaml")

    assert body == {"Value": {"Fn::GetAtt": ["Database", "Endpoint.Address"]}}


def test_json_reads_into_the_same_data() -> None:
    body = {"Resources": {"Pool": {"Type": "AWS::Cognito::UserPool"}}}

    assert template_body(json.dumps(body, indent=2), "t.json") == body


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Resources:\n  A: 1\n  A: 2\n", "t.yaml: not valid YAML: while reading a mapping"),
        ("Resources: [\n", "t.yaml: not valid YAML: while parsing a flow node"),
        ("Value: !Unknown x\n", "t.yaml: not valid YAML: could not determine a constructor"),
        ('{"Resources": ', "t.yaml: not valid JSON: Expecting value"),
    ],
    ids=["a key twice", "broken YAML", "an unknown tag", "broken JSON"],
)
def test_text_that_is_no_template_is_named_as_such(text: str, message: str) -> None:
    with pytest.raises(TemplateError) as refused:
        template_body(text, "t.yaml")

    assert str(refused.value).startswith(message)


def test_a_key_given_twice_is_named_with_its_line() -> None:
    with pytest.raises(TemplateError) as refused:
        template_body("Resources:\n  A: 1\n  A: 2\n", "t.yaml")

    assert "found the key 'A' twice" in str(refused.value)
    assert "line 3, column 3" in str(refused.value)


def test_a_template_file_is_read_with_its_path_as_the_source(tmp_path: Path) -> None:
    path = tmp_path / "pool.yaml"
    path.write_text("Resources:\n  Pool:\n    Type: AWS::Cognito::UserPool\n")

    template = read_template(path)

    assert template.source == str(path)
    assert list(template.resources) == ["Pool"]
    assert template.resources["Pool"].type == "AWS::Cognito::UserPool"
    assert template.resources["Pool"].properties == {}


def test_a_missing_file_is_a_template_error(tmp_path: Path) -> None:
    with pytest.raises(TemplateError) as refused:
        read_template(tmp_path / "absent.yaml")

    assert str(refused.value).startswith(f"cannot read the template {tmp_path / 'absent.yaml'}: ")


POOL = "  Pool:\n    Type: AWS::Cognito::UserPool\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "Transform: AWS::Serverless-2016-10-31\nResources:\n" + POOL,
            "t.yaml: the section Transform is not supported by the deployer (supported: "
            "AWSTemplateFormatVersion, Description, Metadata, Parameters, Conditions, "
            "Resources, Outputs)",
        ),
        (
            "Mappings: {}\nResources:\n" + POOL,
            "t.yaml: the section Mappings is not supported by the deployer (supported: "
            "AWSTemplateFormatVersion, Description, Metadata, Parameters, Conditions, "
            "Resources, Outputs)",
        ),
        ("Resources: {}\n", "t.yaml: Resources must declare at least one resource"),
        ("- a\n", "t.yaml: a template is a mapping of sections (Resources, ...)"),
        (
            "Resources:\n  my-pool:\n    Type: X\n",
            "resource 'my-pool': a logical ID is letters and digits only",
        ),
        ("Resources:\n  Pool:\n    Properties: {}\n", "resource Pool: a resource needs a Type"),
        (
            "Resources:\n" + POOL + "    CreationPolicy: {}\n",
            "resource Pool: the resource attribute CreationPolicy is not supported by the "
            "deployer (supported: Type, Properties, Condition, DependsOn, Metadata, "
            "DeletionPolicy, UpdateReplacePolicy)",
        ),
        (
            "Resources:\n" + POOL + "    DependsOn: Client\n",
            "resource Pool: DependsOn names Client, which is not a resource of the template",
        ),
        (
            "Resources:\n" + POOL + "    Condition: IsProd\n",
            "resource Pool: Condition 'IsProd' is not a condition of the template",
        ),
        (
            "Resources:\n" + POOL + "Outputs:\n  Id:\n    Value: !Ref Pool\n    Export:\n"
            "      Name: pool-id\n",
            "output Id: Export is not supported by the deployer (supported: Value, "
            "Description, Condition)",
        ),
        (
            "Resources:\n" + POOL + "Outputs:\n  Id:\n    Description: x\n",
            "output Id: an output needs a Value",
        ),
    ],
)
def test_a_template_the_deployer_cannot_read_is_refused_naming_the_part(
    text: str, message: str
) -> None:
    with pytest.raises(TemplateError) as refused:
        parse_template(text, "t.yaml")

    assert str(refused.value) == message
