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

import jwt
import pytest

from cognito_emulator.cloudformation import boto3_call
from cognito_emulator.cloudformation.kit_template import (
    APP_CLIENT,
    USER_POOL,
    deploy_kit_template,
    kit_parameters,
)
from contract_tests.cognito.accounts import PASSWORD, Accounts, ContractUser
from contract_tests.cognito.errors import cognito_error
from contract_tests.targets import CognitoTarget


@pytest.fixture
def insensitive_target(cognito_target: CognitoTarget) -> Iterator[CognitoTarget]:
    """The kit's pool (case insensitive, as its template has it) deployed anew on the target,
    without a domain, with its app client and secret."""
    name = f"contract-case-insensitive-{uuid.uuid4().hex[:8]}"
    client = cognito_target.client
    stack = deploy_kit_template(
        boto3_call(client),
        region=cognito_target.region,
        parameters=kit_parameters(pool_name=name, client_name=name, deletion_protection=False),
    )
    pool_id = stack.resources[USER_POOL].physical_id
    app = stack.resources[APP_CLIENT]
    try:
        yield dataclasses.replace(
            cognito_target,
            user_pool_id=pool_id,
            client_id=app.physical_id,
            client_secret=app.attributes["ClientSecret"],
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
