"""A CognitoCall that notes each operation it passes on, for tests of what a deployment sent."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cognito_emulator.cloudformation import CognitoCall

READS = ("List", "Describe")


class RecordedCalls:
    def __init__(self, call: CognitoCall) -> None:
        self._call = call
        self.requests: list[tuple[str, dict[str, Any]]] = []

    def __call__(self, operation: str, body: dict[str, Any]) -> Mapping[str, Any]:
        self.requests.append((operation, body))
        return self._call(operation, body)

    @property
    def operations(self) -> list[str]:
        return [operation for operation, _ in self.requests]

    @property
    def writes(self) -> list[str]:
        return [operation for operation in self.operations if not operation.startswith(READS)]

    def body_of(self, operation: str) -> dict[str, Any]:
        """The request of the one `operation` sent."""
        (body,) = [body for sent, body in self.requests if sent == operation]
        return body
