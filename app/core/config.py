"""The service's one Settings object, read from the environment or a `.env` file. Two parts of
it stand alone, for code that runs without the rest: DatabaseSettings (migrating the schema, the
PostConfirmation trigger) and ResourceServerSettings (the PreTokenGeneration trigger).

The AWS_* names are the original tutorial's, so existing deployments keep working.
"""

import re
from functools import lru_cache
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

CLIENT_ID = re.compile(r"[\w+]+")


class DatabaseSettings(BaseSettings):
    """The database alone: what migrating needs (app/alembic/env.py), no Cognito settings."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True
    )

    DATABASE_URL: str = "sqlite:///./app.db"
    DATABASE_POOL_SIZE: int = Field(default=10, ge=1)
    # A database that stops answering must not hold request threads: past these bounds a request
    # answers 503 with Retry-After. PostgreSQL's connect_timeout counts whole seconds, at least 2
    # (libpq's rule, which psycopg follows); it alone bounds a server that accepts the connection
    # but never answers its handshake.
    DATABASE_CONNECT_TIMEOUT_SECONDS: int = Field(default=5, ge=2)
    # PostgreSQL: statement_timeout. SQLite: how long a statement waits for another connection's
    # lock before "database is locked".
    DATABASE_STATEMENT_TIMEOUT_SECONDS: float = Field(default=10.0, gt=0)
    # How long a request waits for a pooled connection when all are in use.
    DATABASE_POOL_TIMEOUT_SECONDS: float = Field(default=10.0, gt=0)


class ResourceServerSettings(BaseSettings):
    """This API's resource server alone: what the PreTokenGeneration trigger needs."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True
    )

    # This API's resource server: its scopes IDENTIFIER/users.read and IDENTIFIER/users.write
    # admit callers to the admin routes besides the admin group.
    AWS_COGNITO_RESOURCE_SERVER_ID: str = Field(
        default="cognito-kit", pattern=r"^[\x21\x23-\x5B\x5D-\x7E]+$", max_length=256
    )

    def resource_server_scope(self, name: str) -> str:
        """The full scope of this API's resource server named `name` ("cognito-kit/users.read")."""
        return f"{self.AWS_COGNITO_RESOURCE_SERVER_ID}/{name}"


class Settings(DatabaseSettings, ResourceServerSettings):
    AWS_REGION: str = Field(default="us-east-1", pattern=r"^[a-z]{2}(-[a-z]+)+-\d+$")
    AWS_COGNITO_USER_POOL_ID: str = Field(pattern=r"^[\w-]+_[0-9a-zA-Z]+$", max_length=55)
    AWS_COGNITO_APP_CLIENT_ID: str = Field(pattern=r"^[\w+]+$", max_length=128)
    # A client without a secret is allowed (SECRET_HASH is then omitted). SecretStr keeps the
    # value out of reprs, logs and tracebacks.
    AWS_COGNITO_APP_CLIENT_SECRET: SecretStr | None = None
    # Unset: real AWS. Set (e.g. http://127.0.0.1:9229): the emulator, for Cognito and the JWKS.
    AWS_COGNITO_ENDPOINT_URL: str | None = None
    # Other app clients whose access tokens the service accepts, comma-separated (e.g. a machine
    # client's, or an SPA's public client's); the service's own app client always is. A token
    # from any other client of the pool is refused (401).
    AWS_COGNITO_ACCEPTED_CLIENT_IDS: Annotated[tuple[str, ...], NoDecode] = ()
    # The pool's domain, as a URL (https://PREFIX.auth.REGION.amazoncognito.com, a custom domain,
    # or the emulator's http://127.0.0.1:9229/domains/PREFIX). Unset: no web sign-in (/auth/*
    # answers 404) and Swagger UI offers the password form only.
    AWS_COGNITO_DOMAIN: str | None = Field(default=None, pattern=r"^https?://[^\s/?#]+[^\s?#]*$")
    # Where browsers reach this service: web sign-in returns to {SERVICE_PUBLIC_URL}/auth/callback,
    # Swagger UI to {SERVICE_PUBLIC_URL}/docs/oauth2-redirect, a logout to {SERVICE_PUBLIC_URL}/
    # (the app client's callback and logout URLs must list them; Cognito allows plain http only
    # for localhost).
    SERVICE_PUBLIC_URL: str = Field(
        default="http://localhost:8000", pattern=r"^https?://[^\s/?#]+(/[^\s?#]*[^\s?#/])?$"
    )

    # Cognito calls: a slow identity provider must not hold request threads for long.
    COGNITO_CONNECT_TIMEOUT_SECONDS: float = Field(default=2.0, gt=0)
    COGNITO_READ_TIMEOUT_SECONDS: float = Field(default=5.0, gt=0)
    # Total attempts per call (botocore "standard" retry mode: throttling, 5xx, connection errors).
    COGNITO_MAX_ATTEMPTS: int = Field(default=3, ge=1, le=10)

    JWKS_TIMEOUT_SECONDS: float = Field(default=3.0, gt=0)
    # After a JWKS refetch that still lacks a token's kid, unknown kids are refused without
    # refetching for this long, and after a failed fetch tokens needing one get 503 without
    # refetching: forged kids cannot turn into a refetch storm, even while the JWKS is down.
    JWKS_PENALTY_SECONDS: float = Field(default=10.0, ge=0)
    # /readyz refetches the JWKS at most this often.
    JWKS_READINESS_MAX_AGE_SECONDS: float = Field(default=30.0, ge=0)
    TOKEN_LEEWAY_SECONDS: float = Field(default=5.0, ge=0, le=300)
    VERIFIED_TOKEN_CACHE_SIZE: int = Field(default=10_000, ge=0)
    # Tokens issued this close to a logout (either side) are checked with Cognito itself: token
    # `iat` has whole-second precision and comes from Cognito's clock, not ours.
    REVOCATION_CLOCK_SKEW_SECONDS: float = Field(default=5.0, ge=0, le=300)
    # Each worker reuses a user's row for this long; a logout or a disable answers this much
    # later, so it holds at once everywhere (app/core/user_rows.py). 0: read every time.
    USER_ROW_MAX_AGE_SECONDS: float = Field(default=0.5, ge=0, le=10)
    # The issuer authenticator apps show beside a TOTP secret set up through the service (the
    # otpauth:// URI's label and `issuer`): the name users know the app by.
    TOTP_ISSUER: str = Field(default="cognito-kit", min_length=1, max_length=64, pattern=r"^[^:]+$")
    # Larger request bodies get 413, unread (app/api/body_limit.py). The largest valid request,
    # a challenge answer with every character \u-escaped, is under 50 KiB (app/models.py).
    MAX_REQUEST_BODY_BYTES: int = Field(default=65_536, ge=1024)

    @field_validator("AWS_COGNITO_ACCEPTED_CLIENT_IDS", mode="before")
    @classmethod
    def _split_client_ids(cls, value: object) -> object:
        """A comma-separated list in the environment; a sequence from Python."""
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("AWS_COGNITO_ACCEPTED_CLIENT_IDS")
    @classmethod
    def _client_ids_well_formed(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for client_id in value:
            if not CLIENT_ID.fullmatch(client_id):
                raise ValueError(f"not an app client id: {client_id!r}")
        return value

    @property
    def accepted_client_ids(self) -> frozenset[str]:
        """The app clients whose tokens are accepted: the service's own and the listed ones."""
        return frozenset((self.AWS_COGNITO_APP_CLIENT_ID, *self.AWS_COGNITO_ACCEPTED_CLIENT_IDS))

    @property
    def cognito_issuer(self) -> str:
        return (
            f"https://cognito-idp.{self.AWS_REGION}.amazonaws.com/{self.AWS_COGNITO_USER_POOL_ID}"
        )

    @property
    def jwks_url(self) -> str:
        """The emulator serves the JWKS beside its API; AWS serves it under the issuer."""
        base = (self.AWS_COGNITO_ENDPOINT_URL or self.cognito_issuer).rstrip("/")
        if self.AWS_COGNITO_ENDPOINT_URL:
            base = f"{base}/{self.AWS_COGNITO_USER_POOL_ID}"
        return f"{base}/.well-known/jwks.json"


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
