"""Calling a pool's trigger: Cognito's event out, the answer's `response` back, Cognito's errors.

Every trigger's event has the same envelope (cognito-user-pools-working-with-lambda-triggers.md,
"User pool Lambda trigger event"): version, triggerSource, region, userPoolId, userName,
callerContext {awsSdkVersion, clientId}, request, response. The function answers with the event,
its `response` filled in. Failures, as Cognito reports them:

- the function raised: UserLambdaValidationException "{Trigger} failed with error {message}."
  — the message as the function gave it, then a period ("PreSignUp failed with error
  Registration from this domain is not allowed..", aws-amplify/amplify-ui-android#314);
- it answered something that is not an event with a `response` object, or a `response` whose
  fields have the wrong types: InvalidLambdaResponseException "Unrecognizable lambda output"
  (amazon-cognito-identity-js#633);
- it could not be invoked or ran past 5 s: UnexpectedLambdaException "{Trigger} invocation failed
  due to error {reason}." (furaiev/amazon-cognito-identity-dart-2#204).

The function runs with the backend's lock released, so it may call the emulator back.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from cognito_emulator.backend_lock import BackendLock
from cognito_emulator.exceptions import (
    InvalidLambdaResponseException,
    UnexpectedLambdaException,
    UserLambdaValidationException,
)
from cognito_emulator.moto_adapter import Pool, User
from cognito_emulator.triggers.functions import FunctionFailed, FunctionUnavailable, LambdaFunctions
from cognito_emulator.triggers.lambda_config import Trigger, function_arn

logger = logging.getLogger("cognito_emulator.triggers")

UNRECOGNIZABLE_OUTPUT = "Unrecognizable lambda output"
# callerContext.awsSdkVersion when the SDK is not known; clientId for operations without one
# (AdminCreateUser).
UNKNOWN_SDK = "aws-sdk-unknown-unknown"
NO_CLIENT = "CLIENT_ID_NOT_APPLICABLE"


class PoolTriggers:
    """Invokes the functions pools' LambdaConfigs name, with the backend's lock let go."""

    def __init__(self, functions: LambdaFunctions, region: str, lock: BackendLock) -> None:
        self.functions = functions
        self.region = region
        self._lock = lock

    def configured(self, pool: Pool, trigger: Trigger) -> bool:
        """Whether `pool` has a function for `trigger`."""
        return function_arn(pool.settings, trigger) is not None

    def invoke(
        self,
        pool: Pool,
        trigger: Trigger,
        source: str,
        *,
        username: str,
        client_id: str | None,
        request: dict[str, Any],
        response: dict[str, Any] | None = None,
        version: str = "1",
    ) -> dict[str, Any] | None:
        """The `response` object the pool's function for `trigger` answered, None when the pool
        has no such function. Raises Cognito's errors for a function that failed."""
        arn = function_arn(pool.settings, trigger)
        if arn is None:
            return None
        event = {
            "version": version,
            "triggerSource": source,
            "region": self.region,
            "userPoolId": pool.id,
            "userName": username,
            "callerContext": {
                "awsSdkVersion": UNKNOWN_SDK,
                "clientId": client_id if client_id is not None else NO_CLIENT,
            },
            "request": request,
            "response": response if response is not None else {},
        }
        try:
            with self._lock.released():
                answer = self.functions.invoke(arn, event)
        except FunctionFailed as failure:
            raise UserLambdaValidationException(
                f"{trigger} failed with error {failure.message}."
            ) from None
        except FunctionUnavailable as unavailable:
            logger.warning("%s trigger of pool %s: %s", trigger, pool.id, unavailable)
            raise UnexpectedLambdaException(
                f"{trigger} invocation failed due to error {unavailable.reason}."
            ) from None
        answered = answer.get("response") if isinstance(answer, dict) else None
        if answered is None and isinstance(answer, dict) and "response" in answer:
            answered = {}
        if not isinstance(answered, dict):
            raise unrecognizable(trigger, pool.id, "the answer is not the event with a response")
        return answered


def unrecognizable(trigger: Trigger, pool_id: str, why: str) -> InvalidLambdaResponseException:
    """Cognito's error for an answer of the wrong shape; `why` goes to the log."""
    logger.warning("%s trigger of pool %s answered wrongly: %s", trigger, pool_id, why)
    return InvalidLambdaResponseException(UNRECOGNIZABLE_OUTPUT)


def optional_boolean(
    response: Mapping[str, Any], name: str, trigger: Trigger, pool_id: str
) -> bool:
    """A boolean of a trigger's answer (absent or null: false), else Unrecognizable output."""
    value = response.get(name)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise unrecognizable(trigger, pool_id, f"response.{name} is not true or false")
    return value


def optional_string_map(
    response: Mapping[str, Any], name: str, trigger: Trigger, pool_id: str
) -> dict[str, str]:
    """A string-to-string map of a trigger's answer (absent or null: empty)."""
    value = response.get(name)
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise unrecognizable(trigger, pool_id, f"response.{name} is not a map of strings")
    return dict(value)


def optional_string(
    response: Mapping[str, Any], name: str, trigger: Trigger, pool_id: str
) -> str | None:
    value = response.get(name)
    if value is not None and not isinstance(value, str):
        raise unrecognizable(trigger, pool_id, f"response.{name} is not a string")
    return value


def optional_string_list(
    response: Mapping[str, Any], name: str, trigger: Trigger, pool_id: str
) -> list[str]:
    value = response.get(name)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise unrecognizable(trigger, pool_id, f"response.{name} is not a list of strings")
    return list(value)


def user_attributes(user: User) -> dict[str, str]:
    """An existing user's userAttributes as events carry them: sub, the attributes, and
    cognito:user_status."""
    return {"sub": user.sub, **user.attribute_values(), "cognito:user_status": user.status}


def attribute_map(attributes: list[dict[str, str]]) -> dict[str, str]:
    """[{"Name", "Value"}, ...] as the events' userAttributes / validationData map."""
    return {item["Name"]: item.get("Value", "") for item in attributes if "Name" in item}
