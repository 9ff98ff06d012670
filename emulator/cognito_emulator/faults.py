"""Injected faults: make chosen operations fail or slow down, to test a client's error handling.

A fault matches one operation (the `X-Amz-Target` suffix, e.g. "InitiateAuth": a name in
botocore's cognito-idp model) or every operation when its operation is "*". When it fires it adds
`latency_ms` of delay (the caller awaits it, so the server keeps serving other requests) and then
answers with `error_code`, with the HTTP status Cognito uses for that code
(`exceptions.status_for`). `count` limits how many times it fires before it is removed;
`probability` (0..1) makes it fire at random. Faults are tried in the order they were added and
the first that fires wins. Control-API and JWKS requests are never faulted.
"""

from __future__ import annotations

import difflib
import math
import random
import re
import threading
from dataclasses import dataclass
from typing import Any

from cognito_emulator.exceptions import status_for
from cognito_emulator.validation import input_shapes

ALL_OPERATIONS = "*"
MAX_LATENCY_MS = 60_000

_ERROR_CODE = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")

_MESSAGE_BY_CODE = {
    "TooManyRequestsException": "Rate exceeded",
    "ThrottlingException": "Rate exceeded",
    "InternalErrorException": "Internal server error.",
    "InternalFailure": "Internal server error.",
    "ServiceUnavailable": "Service unavailable.",
    "ServiceUnavailableException": "Service unavailable.",
}


@dataclass
class Fault:
    operation: str
    error_code: str | None
    status: int
    message: str
    remaining: int | None
    probability: float
    latency_ms: float

    def describe(self) -> dict[str, Any]:
        return {
            "operation": self.operation,
            "error_code": self.error_code,
            "status": self.status,
            "remaining": self.remaining,
            "probability": self.probability,
            "latency_ms": self.latency_ms,
        }


def _number(name: str, value: object, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{name} must be a number, got {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low:g} and {high:g}, got {value!r}")
    return float(value)


def _unknown_operation(operation: object) -> str:
    """Why `operation` names no cognito-idp operation, with the names it is closest to (in any
    capitals: "Signup" is SignUp), since a fault for a name no request carries never fires."""
    message = (
        'operation must be a cognito-idp operation such as "InitiateAuth", or "*" for all, '
        f"got {operation!r}"
    )
    if not isinstance(operation, str):
        return message
    by_lower_name = {name.lower(): name for name in input_shapes()}
    closest = difflib.get_close_matches(operation.lower(), by_lower_name, n=3)
    if not closest:
        return message
    return f"{message}; did you mean {' or '.join(by_lower_name[name] for name in closest)}?"


class FaultInjector:
    """The active faults; safe to change from another thread while the server draws from it."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(
        self,
        operation: object,
        error_code: object,
        *,
        count: object = None,
        probability: object = None,
        latency_ms: object = None,
    ) -> Fault:
        """Validate and add a fault; `error_code` None means latency only. ValueError if invalid."""
        if not isinstance(operation, str) or not (
            operation == ALL_OPERATIONS or operation in input_shapes()
        ):
            raise ValueError(_unknown_operation(operation))
        if error_code is not None and not (
            isinstance(error_code, str) and _ERROR_CODE.match(error_code)
        ):
            raise ValueError(
                'error_code must be an AWS error code such as "TooManyRequestsException", '
                f"got {error_code!r}"
            )
        if count is not None and (
            isinstance(count, bool) or not isinstance(count, int) or count < 1
        ):
            raise ValueError(f"count must be a positive integer, got {count!r}")
        chance = 1.0 if probability is None else _number("probability", probability, 0, 1)
        delay = 0.0 if latency_ms is None else _number("latency_ms", latency_ms, 0, MAX_LATENCY_MS)
        if error_code is None and delay == 0:
            raise ValueError("a fault needs an error_code, a latency_ms, or both")
        fault = Fault(
            operation=operation,
            error_code=error_code,
            status=status_for(error_code) if error_code else 200,
            message=_MESSAGE_BY_CODE.get(error_code, f"Injected fault: {error_code}")
            if error_code
            else "",
            remaining=count,
            probability=chance,
            latency_ms=delay,
        )
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self) -> int:
        with self._lock:
            cleared = len(self._faults)
            self._faults.clear()
        return cleared

    def describe(self) -> list[dict[str, Any]]:
        with self._lock:
            return [fault.describe() for fault in self._faults]

    def draw(self, operation: str) -> Fault | None:
        """The fault that fires for this request, if any; counts it down."""
        if not self._faults:
            return None
        with self._lock:
            for fault in self._faults:
                if fault.operation not in (operation, ALL_OPERATIONS):
                    continue
                if fault.probability < 1 and random.random() >= fault.probability:
                    continue
                if fault.remaining is not None:
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        self._faults.remove(fault)
                return fault
        return None
