"""The ``cognito_target`` every contract test runs against, chosen by ``--cognito-target``.

``emulator`` (default) and ``aws`` run the contract once. ``moto`` runs it on plain moto_server
and on the emulator side by side, so the divergence report can say, per behaviour, what moto
gets wrong and whether the emulator gets it right.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from contract_tests.cognito.accounts import Accounts
from contract_tests.shared_emulator import shared_emulator
from contract_tests.targets import (
    AppClient,
    CognitoTarget,
    MotoServerProcess,
    aws_target,
    emulator_target,
    moto_target,
)


class TargetRegistry:
    """Starts each target on first use and keeps it for the session."""

    def __init__(self) -> None:
        self._targets: dict[str, CognitoTarget] = {}
        self._moto_server: MotoServerProcess | None = None

    def get(self, name: str) -> CognitoTarget:
        if name not in self._targets:
            self._targets[name] = self._start(name)
        return self._targets[name]

    def _start(self, name: str) -> CognitoTarget:
        if name == "emulator":
            return emulator_target(shared_emulator(), "contract-cognito")
        if name == "moto":
            self._moto_server = MotoServerProcess()
            self._moto_server.start()
            return moto_target(self._moto_server)
        return aws_target()

    def close(self) -> None:
        if self._moto_server is not None:
            self._moto_server.stop()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "cognito_target" in metafunc.fixturenames:
        chosen = metafunc.config.getoption("cognito_target")
        names = ["moto", "emulator"] if chosen == "moto" else [chosen]
        metafunc.parametrize("cognito_target", names, indirect=True)


@pytest.fixture(scope="session")
def cognito_targets() -> Iterator[TargetRegistry]:
    registry = TargetRegistry()
    yield registry
    registry.close()


@pytest.fixture
def cognito_target(
    request: pytest.FixtureRequest, cognito_targets: TargetRegistry
) -> Iterator[CognitoTarget]:
    """The target for this test; a clock moved by the test is moved back afterwards."""
    target = cognito_targets.get(request.param)
    yield target
    target.restore_clock()


@pytest.fixture
def accounts(cognito_target: CognitoTarget) -> Iterator[Accounts]:
    """Creates users for the test and deletes them afterwards."""
    created = Accounts(cognito_target)
    yield created
    created.delete_all()


@pytest.fixture
def client_without_password_flow(cognito_target: CognitoTarget) -> Iterator[str]:
    """A second app client of the pool that allows SRP and refresh only (deleted afterwards)."""
    client_id = cognito_target.client.create_user_pool_client(
        UserPoolId=cognito_target.user_pool_id,
        ClientName="contract-no-password-flow",
        GenerateSecret=False,
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    yield client_id
    cognito_target.client.delete_user_pool_client(
        UserPoolId=cognito_target.user_pool_id, ClientId=client_id
    )


@pytest.fixture
def client_with_five_minute_tokens(cognito_target: CognitoTarget) -> Iterator[AppClient]:
    """A second app client (with a secret) whose access and ID tokens live 5 minutes."""
    created = cognito_target.client.create_user_pool_client(
        UserPoolId=cognito_target.user_pool_id,
        ClientName="contract-five-minute-tokens",
        GenerateSecret=True,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        AccessTokenValidity=5,
        IdTokenValidity=5,
        TokenValidityUnits={"AccessToken": "minutes", "IdToken": "minutes"},
    )["UserPoolClient"]
    yield AppClient(created["ClientId"], created["ClientSecret"])
    cognito_target.client.delete_user_pool_client(
        UserPoolId=cognito_target.user_pool_id, ClientId=created["ClientId"]
    )
