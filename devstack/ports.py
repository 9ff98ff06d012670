"""Free ports on 127.0.0.1 for the processes the kit's tooling starts (service, servers, Locust)."""

from __future__ import annotations

import socket

HOST = "127.0.0.1"


def free_port() -> int:
    """A port nothing listens on right now; the caller's process binds it soon after."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port
