"""The service running on the emulator, as one unit: used by `nox -s dev` and the load tests.

`Stack` is loaded on first use, so `devstack.ports` can be imported without the emulator.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from devstack.stack import Stack

__all__ = ["Stack"]


def __getattr__(name: str) -> Any:
    if name == "Stack":
        from devstack.stack import Stack

        return Stack
    raise AttributeError(f"module 'devstack' has no attribute {name!r}")
