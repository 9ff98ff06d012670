"""UsernameConfiguration CaseSensitive=False: one user, whatever the capitalization.

AWS API reference, UsernameConfigurationType: with CaseSensitive False "users can sign in using
username, USERNAME, or UserName". AWS developer guide, "User pool case sensitivity": in a
case-insensitive pool "Mixed-case attribute values ... are flattened to lowercase in user pool
text output". Each test runs on a pool of its own, created (and deleted) with CaseSensitive
False; plain moto ignores the setting.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterator
from typing import Any

import jwt
import pytest

from cognito_emulator.pool_definition import user_pool_client_request, user_pool_request
from contract_tests.cognito.accounts import PASSWORD, Accounts, ContractUser
from contract_tests.cognito.errors import cognito_error
from contract_tests.targets import CognitoTarget


@pytest.fixture
def insensitive_target(cognito_target: CognitoTarget) -> Iterator[CognitoTarget]:
    """A pool like the target's, but case insensitive, with an app client with a secret."""
    name = f"contract-case-insensitive-{uuid.uuid4().hex[:8]}"
    client = cognito_target.client
    request: dict[str, Any] = {
        **user_pool_request(name),
        "UsernameConfiguration": {"CaseSensitive": False},
    }
    pool_id = client.create_user_pool(**request)["UserPool"]["Id"]
    try:
        app = client.create_user_pool_client(**user_pool_client_request(pool_id, name))
        yield dataclasses.replace(
            cognito_target,
            user_pool_id=pool_id,
            client_id=app["UserPoolClient"]["ClientId"],
            client_secret=app["UserPoolClient"]["ClientSecret"],
            jwks_url=cognito_target.jwks_url.replace(cognito_target.user_pool_id, pool_id),
        )
    finally:
        client.delete_user_pool(UserPoolId=pool_id)


def mixed_case_account(target: CognitoTarget) -> ContractUser:
    """A confirmed user whose username has capitals (Contract-...)."""
    account = Accounts(target).sign_up(f"Contract-{uuid.uuid4().hex[:12]}")
    target.client.admin_confirm_sign_up(UserPoolId=target.user_pool_id, Username=account.username)
    return account


def test_a_username_in_other_capitals_is_taken(insensitive_target: CognitoTarget) -> None:
    """SignUp of a taken username in other capitals: UsernameExistsException."""
    account = mixed_case_account(insensitive_target)
    other = account.username.upper()
    cognito_error(
        lambda: insensitive_target.client.sign_up(
            ClientId=insensitive_target.client_id,
            SecretHash=insensitive_target.secret_hash(other),
            Username=other,
            Password=PASSWORD,
            UserAttributes=[{"Name": "email", "Value": account.email}],
        ),
        "UsernameExistsException",
    )


def test_the_user_is_found_in_any_capitals_and_named_in_lower_case(
    insensitive_target: CognitoTarget,
) -> None:
    """AdminGetUser in other capitals finds the user; the username comes back in lower case."""
    account = mixed_case_account(insensitive_target)
    user = insensitive_target.client.admin_get_user(
        UserPoolId=insensitive_target.user_pool_id, Username=account.username.upper()
    )
    assert user["Username"] == account.username.lower()


def test_any_capitals_sign_in_and_the_tokens_name_the_lower_case_username(
    insensitive_target: CognitoTarget,
) -> None:
    """Sign-in in other capitals works; the tokens name the username in lower case.

    USER_PASSWORD_AUTH (SECRET_HASH over the username as typed); the access token's username
    and the ID token's cognito:username are the lower-case username."""
    account = mixed_case_account(insensitive_target)
    swapped = dataclasses.replace(account, username=account.username.swapcase())

    tokens = Accounts(insensitive_target).log_in(swapped)

    access = jwt.decode(tokens["AccessToken"], options={"verify_signature": False})
    identity = jwt.decode(tokens["IdToken"], options={"verify_signature": False})
    assert (access["username"], identity["cognito:username"]) == (
        account.username.lower(),
        account.username.lower(),
    )
