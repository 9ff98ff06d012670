"""Settings: environment and `.env`, the secret kept out of sight, the JWKS location."""

from pathlib import Path

import pytest
from pydantic import ValidationError

from app.core.config import Settings

REQUIRED = {
    "AWS_COGNITO_USER_POOL_ID": "eu-west-1_AbC123",
    "AWS_COGNITO_APP_CLIENT_ID": "client123",
}


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in REQUIRED.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_COGNITO_APP_CLIENT_SECRET", "s3cr3t-value")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("AWS_COGNITO_ENDPOINT_URL", raising=False)

    settings = Settings(_env_file=None)

    assert settings.AWS_COGNITO_USER_POOL_ID == "eu-west-1_AbC123"
    assert settings.DATABASE_URL == "sqlite:///./app.db"
    assert settings.AWS_COGNITO_ENDPOINT_URL is None
    assert settings.jwks_url == (
        "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123/.well-known/jwks.json"
    )
    assert "s3cr3t-value" not in repr(settings)
    assert "s3cr3t-value" not in str(settings.model_dump())


def test_settings_come_from_a_dotenv_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for key in (*REQUIRED, "AWS_COGNITO_ENDPOINT_URL", "AWS_REGION"):
        monkeypatch.delenv(key, raising=False)
    env_file = tmp_path / ".env"
    env_file.write_text(
        "AWS_COGNITO_USER_POOL_ID=us-east-1_x1\n"
        "AWS_COGNITO_APP_CLIENT_ID=abc\n"
        "AWS_COGNITO_ENDPOINT_URL=http://127.0.0.1:9229\n"
    )

    settings = Settings(_env_file=env_file)

    assert settings.jwks_url == "http://127.0.0.1:9229/us-east-1_x1/.well-known/jwks.json"
    assert settings.cognito_issuer == "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_x1"


@pytest.mark.parametrize(
    "overrides",
    [
        {"AWS_COGNITO_USER_POOL_ID": "no-underscore"},
        {"AWS_REGION": "Mars"},
        {"COGNITO_MAX_ATTEMPTS": 0},
        {"JWKS_TIMEOUT_SECONDS": 0},
    ],
)
def test_invalid_settings_are_refused_at_startup(overrides: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        Settings(_env_file=None, **(REQUIRED | overrides))


def test_missing_pool_settings_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in REQUIRED:
        monkeypatch.delenv(key, raising=False)
    with pytest.raises(ValidationError, match="AWS_COGNITO_USER_POOL_ID"):
        Settings(_env_file=None)
