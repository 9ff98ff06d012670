"""Shared fixtures for the emulator server tests (the emulator fixtures come from the plugin)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from cognito_emulator.server import EmulatorServer
from tests.emulator.console_harness import Console


@pytest.fixture(scope="session")
def _session_http(make_cognito_emulator: EmulatorServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=make_cognito_emulator.endpoint_url, timeout=10) as client:
        yield client


@pytest.fixture
def emulator_http(cognito_emulator: EmulatorServer, _session_http: httpx.Client) -> httpx.Client:
    """Plain HTTP to the emulator, for what boto3 cannot send (bad requests, control API)."""
    return _session_http


@pytest.fixture
def console(cognito_emulator: EmulatorServer) -> Iterator[Console]:
    """A browser on the web console, with its own cookies (`console_harness`)."""
    browser = Console(cognito_emulator)
    yield browser
    browser.close()
