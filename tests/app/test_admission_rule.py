"""The one rule that admits a caller (`app.core.auth.admit`), on its own: a verified token's user
is admitted unless their session began before their last logout or they are disabled here."""

from datetime import UTC, datetime, timedelta

import pytest

from app.core.auth import Authenticated, UserDisabledError, admit
from app.core.revocation import RevocationChecker, TokenRevokedError
from app.models import User

NOW = datetime(2030, 1, 1, tzinfo=UTC)
CLAIMS = {"sub": "sub-1", "iat": NOW.timestamp(), "auth_time": NOW.timestamp()}


def a_user(**fields: object) -> User:
    return User(sub="sub-1", username="alice", email="alice@example.com", **fields)


def checker() -> RevocationChecker:
    return RevocationChecker(cognito=None)  # type: ignore[arg-type]  # never asked here


def test_a_user_with_no_logout_is_admitted_with_their_token() -> None:
    user = a_user()

    assert admit(checker(), user, CLAIMS, "token") == Authenticated(user, CLAIMS, "token")


def test_a_disabled_user_is_refused() -> None:
    with pytest.raises(UserDisabledError, match=r"^User is disabled$"):
        admit(checker(), a_user(disabled=True), CLAIMS, "token")


def test_a_session_older_than_the_last_logout_is_refused() -> None:
    user = a_user(tokens_valid_after=NOW + timedelta(minutes=1))

    with pytest.raises(TokenRevokedError):
        admit(checker(), user, CLAIMS, "token")
