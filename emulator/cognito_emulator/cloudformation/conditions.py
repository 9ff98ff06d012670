"""A template's Conditions, each true or false for the parameter values given.

A condition may use parameters, pseudo parameters and other conditions ({Condition: name}),
never a resource ("Conditions syntax", CloudFormation user guide); conditions that refer to each
other in a circle are an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cognito_emulator.cloudformation.errors import TemplateError
from cognito_emulator.cloudformation.intrinsics import Evaluator, StackContext


def evaluated_conditions(
    definitions: Mapping[str, Any], parameters: Mapping[str, Any], context: StackContext
) -> dict[str, bool]:
    """Every condition's truth, by name."""
    truths: dict[str, bool] = {}
    evaluating: list[str] = []

    def condition(name: str, where: str) -> bool:
        if name not in definitions:
            raise TemplateError(f"{where}: {name} is not a condition of the template")
        if name in truths:
            return truths[name]
        if name in evaluating:
            circle = " -> ".join([*evaluating[evaluating.index(name) :], name])
            raise TemplateError(f"conditions refer to each other in a circle: {circle}")
        evaluating.append(name)
        truths[name] = evaluator.truth(definitions[name], f"condition {name}")
        evaluating.pop()
        return truths[name]

    evaluator = Evaluator(parameters, context, condition)
    for name in definitions:
        condition(name, "Conditions")
    return truths
