"""How a contract test says "this call must fail with that Cognito error code"."""

from __future__ import annotations

import functools
from collections.abc import Callable

import botocore.session
import pytest
from botocore.exceptions import ClientError


@functools.cache
def declared_errors(operation_name: str) -> frozenset[str]:
    """The error codes AWS's published API model (shipped with botocore) lists for an operation."""
    model = botocore.session.get_session().get_service_model("cognito-idp")
    return frozenset(shape.name for shape in model.operation_model(operation_name).error_shapes)


def cognito_error(call: Callable[[], object], *codes: str) -> str:
    """Runs ``call``, which must fail with one of ``codes``; returns Cognito's message.

    The failure text names what happened instead (success, another code, a 5xx) in one line,
    since it is also what the moto divergence report prints. An expected code must be one AWS
    documents for the operation: the contract may not invent errors.
    """
    try:
        outcome = call()
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "?")
        message = error.response.get("Error", {}).get("Message", "")
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", "?")
        if code in codes:
            declared = declared_errors(error.operation_name)
            assert code in declared, (
                f"the contract expects {code} from {error.operation_name}, which AWS's API model "
                f"does not list among its errors ({', '.join(sorted(declared))})"
            )
            return message
        pytest.fail(
            f"expected {' or '.join(codes)}, got {code} (HTTP {status}): {message[:60]}",
            pytrace=False,
        )
    answered = (
        sorted(k for k in outcome if k != "ResponseMetadata") if isinstance(outcome, dict) else []
    )
    pytest.fail(
        f"expected {' or '.join(codes)}, the call succeeded (answered {answered or 'nothing'})",
        pytrace=False,
    )
