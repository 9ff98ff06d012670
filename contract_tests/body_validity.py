r"""Whether a generated request body really is what schemathesis generated it as.

``positive_data_acceptance`` assumes a body is valid and ``negative_data_rejection`` that it is
not. schemathesis sometimes gets that label wrong:

- it translates ``\p{L}``-style classes into approximate ranges (its ``\p{M}`` includes
  unassigned code points such as U+20F6, its ``\p{S}`` misses most symbols), so a "positive"
  username may break the schema's own pattern and a "negative" one may match it;
- a form body travels as ``key=value`` pairs: a list becomes the key repeated (the server keeps
  the last one), null cannot be sent at all, and ``key=`` is how a form says "no value" (FastAPI
  reads it as absent).

For such a case the two data-acceptance checks have a false premise and are skipped; every other
check still runs. The verdict comes from a JSON Schema validator (ECMA-262 patterns, as OpenAPI
specifies) applied to the body as the server receives it.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl, urlencode

import jsonschema_rs
from schemathesis import Case, CheckFunction
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"


class BodyValidity:
    """Judges request bodies against the request-body schemas of one OpenAPI document."""

    def __init__(self, openapi: dict[str, Any]) -> None:
        self._openapi = openapi

    @functools.cache  # noqa: B019 (one instance per schema, alive for the whole run)
    def validator(self, path: str, method: str, media_type: str) -> jsonschema_rs.Validator | None:
        operation = self._openapi["paths"].get(path, {}).get(method, {})
        content = operation.get("requestBody", {}).get("content", {})
        body_schema = content.get(media_type, {}).get("schema")
        if body_schema is None:
            return None
        return jsonschema_rs.validator_for(
            {**body_schema, "components": self._openapi["components"]}
        )

    def checks_with_a_false_premise(self, case: Case) -> list[CheckFunction]:
        operation = case.operation
        validator = self.validator(operation.path, operation.method.lower(), case.media_type or "")
        if validator is None or case.meta is None or not isinstance(case.body, dict | list | str):
            return []
        body = case.meta.components.get(ParameterLocation.BODY)
        generated_valid = body is None or not body.mode.is_negative
        received = as_received(case.body, case.media_type)
        if validator.is_valid(received) == generated_valid:
            return []
        return [positive_data_acceptance, negative_data_rejection]


def as_received(body: object, media_type: str | None) -> object:
    """The body as the server gets it: form bodies go through form encoding and come back as
    strings, last value of a repeated key winning, empty values absent."""
    if media_type != FORM_MEDIA_TYPE or not isinstance(body, dict):
        return body
    received: dict[str, str] = {}
    for name, value in parse_qsl(urlencode(form_pairs(body)), keep_blank_values=True):
        received[name] = value
    return {name: value for name, value in received.items() if value != ""}


def form_pairs(body: dict[str, Any]) -> list[tuple[str, str]]:
    """What a requests-based client sends for ``data=body``: iterables are repeated keys (a dict
    gives its keys), None is left out, everything else is its ``str``."""
    pairs: list[tuple[str, str]] = []
    for name, value in body.items():
        values: Iterable[Any] = value if isinstance(value, list | tuple | dict | set) else [value]
        pairs.extend((str(name), str(item)) for item in values if item is not None)
    return pairs
