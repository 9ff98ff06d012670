"""SignUp: what the service's /users/signup relies on."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from contract_tests.cognito.accounts import PASSWORD, Accounts
from contract_tests.cognito.errors import cognito_error
from contract_tests.targets import CognitoTarget

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp.type_defs import AttributeTypeTypeDef

WITHOUT = ""


def sign_up(
    target: CognitoTarget,
    username: str,
    *,
    secret_hash: str | None = None,
    password: str = PASSWORD,
) -> Any:
    """SignUp with the right SECRET_HASH unless told otherwise (``WITHOUT`` leaves it out)."""
    email: list[AttributeTypeTypeDef] = [{"Name": "email", "Value": f"{username}@example.com"}]
    if secret_hash == WITHOUT:
        return target.client.sign_up(
            ClientId=target.client_id, Username=username, Password=password, UserAttributes=email
        )
    return target.client.sign_up(
        ClientId=target.client_id,
        SecretHash=secret_hash or target.secret_hash(username),
        Username=username,
        Password=password,
        UserAttributes=email,
    )


def test_sign_up_creates_an_unconfirmed_user(
    cognito_target: CognitoTarget, accounts: Accounts
) -> None:
    """SignUp answers a UUID UserSub; the user is UNCONFIRMED with the given email."""
    account = accounts.sign_up()
    uuid.UUID(account.sub)
    user = cognito_target.client.admin_get_user(
        UserPoolId=cognito_target.user_pool_id, Username=account.username
    )
    assert user["UserStatus"] == "UNCONFIRMED"
    attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert attributes["sub"] == account.sub
    assert attributes["email"] == account.email


def test_sign_up_delivers_the_code_by_email(cognito_target: CognitoTarget) -> None:
    """SignUp reports the code went by EMAIL to the masked email address."""
    username = Accounts.new_username()
    response = sign_up(cognito_target, username)
    try:
        assert response["UserConfirmed"] is False
        delivery = response["CodeDeliveryDetails"]
        assert (delivery["DeliveryMedium"], delivery["AttributeName"]) == ("EMAIL", "email"), (
            f"code delivery says {delivery}"
        )
        assert "***" in delivery["Destination"], delivery
    finally:
        cognito_target.client.admin_delete_user(
            UserPoolId=cognito_target.user_pool_id, Username=username
        )


def test_sign_up_without_secret_hash_is_refused(cognito_target: CognitoTarget) -> None:
    """SignUp without SECRET_HASH on a client with a secret: NotAuthorizedException."""
    username = Accounts.new_username()
    cognito_error(
        lambda: sign_up(cognito_target, username, secret_hash=WITHOUT), "NotAuthorizedException"
    )


def test_sign_up_with_a_wrong_secret_hash_is_refused(cognito_target: CognitoTarget) -> None:
    """SignUp with another username's SECRET_HASH: NotAuthorizedException."""
    username = Accounts.new_username()
    wrong = cognito_target.secret_hash(username + "x")
    cognito_error(
        lambda: sign_up(cognito_target, username, secret_hash=wrong), "NotAuthorizedException"
    )


def test_sign_up_of_an_existing_username_is_refused(
    cognito_target: CognitoTarget, accounts: Accounts
) -> None:
    """SignUp of a taken username: UsernameExistsException (the service's 409)."""
    account = accounts.sign_up()
    cognito_error(lambda: sign_up(cognito_target, account.username), "UsernameExistsException")


def test_sign_up_with_a_weak_password_is_refused(cognito_target: CognitoTarget) -> None:
    """SignUp with a password outside the pool's policy: InvalidPasswordException."""
    username = Accounts.new_username()
    cognito_error(
        lambda: sign_up(cognito_target, username, password="alllowercase"),
        "InvalidPasswordException",
    )
