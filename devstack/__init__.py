"""The service running on the emulator, as one unit: used by `nox -s dev` and the load tests."""

from devstack.stack import Stack

__all__ = ["Stack"]
