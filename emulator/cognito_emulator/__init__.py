"""A Cognito emulator on moto: honest signing keys, readable codes, a clock, faults and quotas.

`EmulatorServer` and `PoolConfig` are loaded on first use, so importing the package (as the
pytest plugin does in every test run) costs nothing until an emulator is actually wanted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cognito_emulator.bootstrap import PoolConfig
    from cognito_emulator.server import EmulatorServer

__all__ = ["EmulatorServer", "PoolConfig"]


def __getattr__(name: str) -> Any:
    if name == "EmulatorServer":
        from cognito_emulator.server import EmulatorServer

        return EmulatorServer
    if name == "PoolConfig":
        from cognito_emulator.bootstrap import PoolConfig

        return PoolConfig
    raise AttributeError(f"module 'cognito_emulator' has no attribute {name!r}")
