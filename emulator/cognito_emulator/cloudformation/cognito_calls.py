"""How the deployer reaches Cognito: one cognito-idp operation at a time, by its API name.

The emulator passes its own dispatch (`EmulatorApp.dispatch`); anything else — AWS, another
emulator — a boto3 client wrapped by `boto3_call`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from botocore import xform_name

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

CognitoCall = Callable[[str, dict[str, Any]], Mapping[str, Any]]
"""One cognito-idp operation by its API name (`CreateUserPool`) with its request body."""


def boto3_call(client: CognitoIdentityProviderClient) -> CognitoCall:
    """A boto3 cognito-idp client as a `CognitoCall` (`CreateUserPool` → `create_user_pool`)."""

    def call(operation: str, body: dict[str, Any]) -> Mapping[str, Any]:
        response: Mapping[str, Any] = getattr(client, xform_name(operation))(**body)
        return response

    return call
