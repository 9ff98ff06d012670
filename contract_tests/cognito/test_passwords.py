"""ForgotPassword, ConfirmForgotPassword, ChangePassword: what /users/password/* rely on."""

from __future__ import annotations

from typing import Any

from contract_tests.cognito.accounts import OTHER_PASSWORD, Accounts, ContractUser
from contract_tests.cognito.errors import cognito_error
from contract_tests.targets import CognitoTarget

FORGOT_PASSWORD_PURPOSES = ("forgot_password",)
FORGOT_PASSWORD_CODE_SECONDS = 3600


def forgot_password(target: CognitoTarget, username: str) -> Any:
    return target.client.forgot_password(
        ClientId=target.client_id, Username=username, SecretHash=target.secret_hash(username)
    )


def confirm_forgot_password(
    target: CognitoTarget, account: ContractUser, code: str, password: str = OTHER_PASSWORD
) -> Any:
    return target.client.confirm_forgot_password(
        ClientId=target.client_id,
        Username=account.username,
        SecretHash=target.secret_hash(account.username),
        ConfirmationCode=code,
        Password=password,
    )


def test_forgot_password_code_sets_a_new_password(
    cognito_target: CognitoTarget, accounts: Accounts
) -> None:
    """The delivered forgot-password code sets a new password; the old one stops working."""
    account = accounts.confirmed()
    response = forgot_password(cognito_target, account.username)
    assert response["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    code = cognito_target.read_code(account.username, FORGOT_PASSWORD_PURPOSES)
    confirm_forgot_password(cognito_target, account, code)
    assert accounts.log_in(account, OTHER_PASSWORD)["AccessToken"]
    cognito_error(lambda: accounts.log_in(account), "NotAuthorizedException")


def test_forgot_password_with_a_wrong_code_is_refused(
    cognito_target: CognitoTarget, accounts: Accounts
) -> None:
    """ConfirmForgotPassword with a wrong code: CodeMismatchException; the password stays."""
    account = accounts.confirmed()
    forgot_password(cognito_target, account.username)
    wrong = "000000"
    if cognito_target.outbox is not None:
        right = cognito_target.read_code(account.username, FORGOT_PASSWORD_PURPOSES)
        wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    cognito_error(
        lambda: confirm_forgot_password(cognito_target, account, wrong), "CodeMismatchException"
    )
    assert accounts.log_in(account)["AccessToken"]


def test_forgot_password_code_expires_after_an_hour(
    cognito_target: CognitoTarget, accounts: Accounts
) -> None:
    """ConfirmForgotPassword with a code older than 1 h: ExpiredCodeException."""
    account = accounts.confirmed()
    forgot_password(cognito_target, account.username)
    code = cognito_target.read_code(account.username, FORGOT_PASSWORD_PURPOSES)
    cognito_target.advance_clock(FORGOT_PASSWORD_CODE_SECONDS + 60)
    cognito_error(
        lambda: confirm_forgot_password(cognito_target, account, code), "ExpiredCodeException"
    )


def test_forgot_password_of_an_unknown_user_does_not_reveal_it(
    cognito_target: CognitoTarget,
) -> None:
    """ForgotPassword for an unknown user answers like for a real one (no user enumeration)."""
    response = forgot_password(cognito_target, Accounts.new_username())
    assert response["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"


def test_change_password_needs_the_current_password(
    cognito_target: CognitoTarget, accounts: Accounts
) -> None:
    """ChangePassword with a wrong current password: NotAuthorizedException; right one works."""
    account = accounts.confirmed()
    access_token = accounts.log_in(account)["AccessToken"]
    cognito_error(
        lambda: cognito_target.client.change_password(
            PreviousPassword=OTHER_PASSWORD,
            ProposedPassword=OTHER_PASSWORD,
            AccessToken=access_token,
        ),
        "NotAuthorizedException",
    )
    cognito_target.client.change_password(
        PreviousPassword=account.password, ProposedPassword=OTHER_PASSWORD, AccessToken=access_token
    )
    assert accounts.log_in(account, OTHER_PASSWORD)["AccessToken"]


def test_change_password_to_a_weak_one_is_refused(
    cognito_target: CognitoTarget, accounts: Accounts
) -> None:
    """ChangePassword to a password outside the policy: InvalidPasswordException."""
    account = accounts.confirmed()
    access_token = accounts.log_in(account)["AccessToken"]
    cognito_error(
        lambda: cognito_target.client.change_password(
            PreviousPassword=account.password,
            ProposedPassword="alllowercase",
            AccessToken=access_token,
        ),
        "InvalidPasswordException",
    )
