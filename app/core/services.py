"""The long-lived objects one app instance shares between requests, built once per app.

Each `create_app()` gets its own provider, so two apps in one process (tests, a benchmark) never
share caches, connections or settings.
"""

import threading
from dataclasses import dataclass

from sqlalchemy import Engine

from app.core.cognito import CognitoClient
from app.core.config import Settings, get_settings
from app.core.db import make_engine
from app.core.migrations import require_latest_schema
from app.core.revocation import RevocationChecker
from app.core.tokens import TokenVerifier
from app.core.user_rows import UserRows
from app.core.web_sign_in import WebSignIn


@dataclass(frozen=True)
class Services:
    settings: Settings
    engine: Engine
    cognito: CognitoClient
    verifier: TokenVerifier
    revocation: RevocationChecker
    users: UserRows
    # None without the settings web sign-in needs (app.core.web_sign_in.missing_settings).
    web_sign_in: WebSignIn | None

    @classmethod
    def build(cls, settings: Settings) -> "Services":
        cognito = CognitoClient.from_settings(settings)
        engine = make_engine(settings)
        return cls(
            settings=settings,
            engine=engine,
            cognito=cognito,
            verifier=TokenVerifier.from_settings(settings),
            revocation=RevocationChecker(
                cognito, clock_skew_seconds=settings.REVOCATION_CLOCK_SKEW_SECONDS
            ),
            users=UserRows(engine, max_age_seconds=settings.USER_ROW_MAX_AGE_SECONDS),
            web_sign_in=WebSignIn.from_settings(settings),
        )

    def close(self) -> None:
        if self.web_sign_in is not None:
            self.web_sign_in.close()
        self.verifier.close()
        self.cognito.close()
        self.engine.dispose()


class ServicesProvider:
    """Builds the services on first use, once the database is found at the latest migration: at
    startup through the lifespan, or at the first request if the app is served without lifespan
    events. `settings=None` reads the environment / `.env` then, so importing `app.main` has no
    side effects."""

    def __init__(self, settings: Settings | None) -> None:
        self._settings = settings
        self._services: Services | None = None
        self._lock = threading.Lock()

    @property
    def settings(self) -> Settings:
        """The settings given, else those of the environment / `.env` (read once)."""
        return self._settings or get_settings()

    def get(self) -> Services:
        services = self._services
        if services is not None:
            return services
        with self._lock:
            if self._services is None:
                built = Services.build(self.settings)
                try:
                    require_latest_schema(built.engine)
                except BaseException:
                    built.close()
                    raise
                self._services = built
            return self._services

    def close(self) -> None:
        with self._lock:
            if self._services is not None:
                self._services.close()
                self._services = None
