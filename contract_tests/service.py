"""The service under test: a fresh app, its own SQLite file and its own pool on the shared emulator.

Configured only through ``Settings``, exactly as in production with ``AWS_COGNITO_ENDPOINT_URL``
pointing at the emulator. Each caller names its service, so the schema-driven run and the
lifecycle state machine never see each other's users.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI
from sqlalchemy import Engine

from app.core.config import Settings
from app.core.migrations import migrate
from app.main import create_app
from contract_tests.shared_emulator import shared_emulator
from contract_tests.targets import local_client

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

    from cognito_emulator import EmulatorServer, PoolConfig


@dataclass(frozen=True)
class ServiceUnderTest:
    app: FastAPI
    settings: Settings
    pool: PoolConfig
    emulator: EmulatorServer
    admin: CognitoIdentityProviderClient

    @property
    def engine(self) -> Engine:
        """The app's own engine (built on first use, like at the first request)."""
        engine: Engine = self.app.state.services.get().engine
        return engine

    def now(self) -> float:
        """The emulator's clock, which TOTP codes are checked against."""
        return self.emulator.advance_clock(0)

    def latest_code(self, username: str, purposes: tuple[str, ...]) -> str | None:
        """The newest code the emulator delivered to ``username`` for one of ``purposes``."""
        codes = [
            message["code"]
            for message in self.emulator.outbox(self.pool.user_pool_id, username)
            if message["purpose"] in purposes
        ]
        return str(codes[-1]) if codes else None


@functools.cache
def service_under_test(name: str) -> ServiceUnderTest:
    emulator = shared_emulator()
    pool = emulator.bootstrap(pool_name=name, client_name=f"{name}-client")
    database_dir = Path(tempfile.mkdtemp(prefix=f"{name}-db-"))
    atexit.register(shutil.rmtree, database_dir, True)
    # The pool's settings as the emulator's env file has them: the domain (web sign-in), the
    # machine client among the accepted ones, the service URL its callbacks are under.
    values: dict[str, Any] = {
        **pool.as_env(),
        "DATABASE_URL": f"sqlite:///{database_dir / 'app.db'}",
        # Rows cached briefly, as deployed, but a logout waits 10 ms instead of half a second.
        "USER_ROW_MAX_AGE_SECONDS": 0.01,
    }
    migrate(values["DATABASE_URL"])
    settings = Settings(_env_file=None, **values)
    return ServiceUnderTest(
        app=create_app(settings),
        settings=settings,
        pool=pool,
        emulator=emulator,
        admin=local_client(pool.endpoint_url, pool.region),
    )
