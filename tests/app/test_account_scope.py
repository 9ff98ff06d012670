"""Routes acting on the user's own Cognito account (MFA set-up and settings) need the access
token's scope `aws.cognito.signin.user.admin`, without which Cognito refuses the token for
those operations ("Access Token does not have required scopes"): the service says so itself, as
a 403 insufficient_scope naming the scope, not a 401 that reads as a bad token."""

import asyncio

import pytest
from fastapi import HTTPException

from app.api.deps import ACCOUNT_SCOPE, get_account_owner
from app.core.auth import Authenticated
from app.models import User


def caller(scope: object) -> Authenticated:
    claims = {"sub": "s-1", "username": "alice"} | ({} if scope is None else {"scope": scope})
    return Authenticated(user=User(sub="s-1", username="alice"), claims=claims, token="t")


@pytest.mark.parametrize("scope", [None, "openid email", "", ["aws.cognito.signin.user.admin"]])
def test_a_token_without_the_account_scope_is_refused_naming_it(scope: object) -> None:
    with pytest.raises(HTTPException) as refused:
        asyncio.run(get_account_owner(caller(scope)))

    assert refused.value.status_code == 403
    assert refused.value.detail == "Requires scope aws.cognito.signin.user.admin"
    assert refused.value.headers == {
        "WWW-Authenticate": 'Bearer error="insufficient_scope", '
        'scope="aws.cognito.signin.user.admin"'
    }


def test_a_token_with_the_account_scope_is_admitted() -> None:
    owner = caller(f"openid {ACCOUNT_SCOPE}")

    assert asyncio.run(get_account_owner(owner)) is owner
