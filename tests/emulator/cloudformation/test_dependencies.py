"""The order of deployment: after what a resource refers to or DependsOn names, otherwise the
template's; a circle of references is an error naming it."""

from __future__ import annotations

import pytest

from cognito_emulator.cloudformation import TemplateError, parse_template
from cognito_emulator.cloudformation.dependencies import deployment_order


def order(resources: str, included: list[str] | None = None) -> list[str]:
    template = parse_template("Resources:\n" + resources)
    return deployment_order(template.resources, included or list(template.resources))


def test_each_resource_comes_after_what_it_refers_to_otherwise_in_the_templates_order() -> None:
    resources = """\
  Group:
    Type: T
    Properties: {UserPoolId: !Ref Pool}
  Client:
    Type: T
    DependsOn: [Server]
    Properties: {Name: !Sub "${Pool.ProviderName}-client"}
  Server:
    Type: T
    Properties: {Id: !GetAtt [Pool, Arn]}
  Pool:
    Type: T
  Other:
    Type: T
"""
    assert order(resources) == ["Pool", "Group", "Server", "Client", "Other"]


def test_what_a_condition_leaves_out_is_waited_for_by_nothing() -> None:
    resources = """\
  Client:
    Type: T
    Properties: {Domain: !If [HasDomain, !Ref Domain, !Ref AWS::NoValue]}
  Domain:
    Type: T
"""
    assert order(resources, ["Client"]) == ["Client"]


@pytest.mark.parametrize(
    ("resources", "circle"),
    [
        (
            "  A:\n    Type: T\n    Properties: {X: !Ref B}\n  B:\n    Type: T\n    DependsOn: A\n",
            "A -> B -> A",
        ),
        ("  A:\n    Type: T\n    Properties: {X: !Sub '${A.Arn}'}\n", "A -> A"),
        (
            "  First:\n    Type: T\n"
            "  A:\n    Type: T\n    DependsOn: [First, C]\n"
            "  B:\n    Type: T\n    Properties: {X: !Ref A}\n"
            "  C:\n    Type: T\n    Properties: {X: !GetAtt B.Arn}\n",
            "A -> C -> B -> A",
        ),
    ],
)
def test_resources_that_refer_to_each_other_in_a_circle_are_refused(
    resources: str, circle: str
) -> None:
    with pytest.raises(TemplateError) as refused:
        order(resources)

    assert str(refused.value) == f"circular dependency between resources: {circle}"
