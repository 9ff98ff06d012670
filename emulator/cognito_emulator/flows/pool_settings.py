"""CreateUserPool and UpdateUserPool: the pool's LambdaConfig checked and completed first.

Everything else about a pool's settings is moto's to store; the triggers need their ARNs well
formed and PreTokenGeneration named consistently (`triggers.lambda_config`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cognito_emulator.moto_adapter import MotoAdapter
from cognito_emulator.triggers import lambda_config


@dataclass(frozen=True, slots=True)
class PoolSettingsFlows:
    moto: MotoAdapter

    def create_user_pool(self, body: dict[str, Any]) -> dict[str, Any]:
        return self.moto.call("CreateUserPool", _with_checked_triggers(body))

    def update_user_pool(self, body: dict[str, Any]) -> dict[str, Any]:
        return self.moto.call("UpdateUserPool", _with_checked_triggers(body))


def _with_checked_triggers(body: dict[str, Any]) -> dict[str, Any]:
    if "LambdaConfig" not in body:
        return body
    return {**body, "LambdaConfig": lambda_config.normalized(body["LambdaConfig"])}
