"""InitiateAuth USER_PASSWORD_AUTH: what /users/login relies on."""

from __future__ import annotations

from typing import Any

from contract_tests.cognito.accounts import OTHER_PASSWORD, Accounts
from contract_tests.cognito.errors import cognito_error
from contract_tests.targets import CognitoTarget

ACCESS_TOKEN_SECONDS = 3600


def password_auth(
    target: CognitoTarget,
    username: str,
    password: str,
    *,
    secret_hash: str | None = None,
    client_id: str | None = None,
) -> Any:
    parameters = {"USERNAME": username, "PASSWORD": password}
    if secret_hash is not None:
        parameters["SECRET_HASH"] = secret_hash
    return target.client.initiate_auth(
        ClientId=client_id or target.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters=parameters,
    )


def test_login_returns_three_tokens(cognito_target: CognitoTarget, accounts: Accounts) -> None:
    """USER_PASSWORD_AUTH answers Bearer access, ID and refresh tokens, ExpiresIn 3600."""
    account = accounts.confirmed()
    result = accounts.log_in(account)
    assert result["TokenType"] == "Bearer"
    assert result["ExpiresIn"] == ACCESS_TOKEN_SECONDS
    for name in ("AccessToken", "IdToken", "RefreshToken"):
        assert isinstance(result.get(name), str) and result[name], name


def test_login_with_a_wrong_password_is_refused(
    cognito_target: CognitoTarget, accounts: Accounts
) -> None:
    """USER_PASSWORD_AUTH with a wrong password: NotAuthorizedException."""
    account = accounts.confirmed()
    cognito_error(
        lambda: password_auth(
            cognito_target,
            account.username,
            OTHER_PASSWORD,
            secret_hash=cognito_target.secret_hash(account.username),
        ),
        "NotAuthorizedException",
    )


def test_login_of_an_unknown_user_looks_like_a_wrong_password(
    cognito_target: CognitoTarget,
) -> None:
    """USER_PASSWORD_AUTH for an unknown user: NotAuthorizedException, not UserNotFound.

    The pool's client has PreventUserExistenceErrors=ENABLED, so Cognito does not reveal which
    usernames exist; the service still maps both codes to the same 401.
    """
    username = Accounts.new_username()
    cognito_error(
        lambda: password_auth(
            cognito_target,
            username,
            OTHER_PASSWORD,
            secret_hash=cognito_target.secret_hash(username),
        ),
        "NotAuthorizedException",
    )


def test_login_of_an_unconfirmed_user_is_refused(
    cognito_target: CognitoTarget, accounts: Accounts
) -> None:
    """USER_PASSWORD_AUTH before confirmation: UserNotConfirmedException (the service's 403)."""
    account = accounts.sign_up()
    cognito_error(
        lambda: password_auth(
            cognito_target,
            account.username,
            account.password,
            secret_hash=cognito_target.secret_hash(account.username),
        ),
        "UserNotConfirmedException",
    )


def test_login_without_secret_hash_is_refused(
    cognito_target: CognitoTarget, accounts: Accounts
) -> None:
    """USER_PASSWORD_AUTH without SECRET_HASH: NotAuthorizedException."""
    account = accounts.confirmed()
    cognito_error(
        lambda: password_auth(cognito_target, account.username, account.password),
        "NotAuthorizedException",
    )


def test_login_with_a_wrong_secret_hash_is_refused(
    cognito_target: CognitoTarget, accounts: Accounts
) -> None:
    """USER_PASSWORD_AUTH with another username's SECRET_HASH: NotAuthorizedException."""
    account = accounts.confirmed()
    wrong = cognito_target.secret_hash(account.username.upper())
    cognito_error(
        lambda: password_auth(
            cognito_target, account.username, account.password, secret_hash=wrong
        ),
        "NotAuthorizedException",
    )


def test_login_with_a_flow_the_client_does_not_allow_is_refused(
    cognito_target: CognitoTarget, accounts: Accounts, client_without_password_flow: str
) -> None:
    """USER_PASSWORD_AUTH on a client that does not allow it: InvalidParameterException."""
    account = accounts.confirmed()
    cognito_error(
        lambda: password_auth(
            cognito_target,
            account.username,
            account.password,
            client_id=client_without_password_flow,
        ),
        "InvalidParameterException",
    )


def test_login_of_a_disabled_user_is_refused(
    cognito_target: CognitoTarget, accounts: Accounts
) -> None:
    """USER_PASSWORD_AUTH after AdminDisableUser: NotAuthorizedException."""
    account = accounts.confirmed()
    cognito_target.client.admin_disable_user(
        UserPoolId=cognito_target.user_pool_id, Username=account.username
    )
    cognito_error(lambda: accounts.log_in(account), "NotAuthorizedException")
