"""ConfirmSignUp and ResendConfirmationCode: what /users/verify and /verify/resend rely on."""

from __future__ import annotations

from typing import Any

from contract_tests.cognito.accounts import Accounts, ContractUser
from contract_tests.cognito.errors import cognito_error
from contract_tests.targets import CognitoTarget

SIGN_UP_CODE_PURPOSES = ("sign_up", "resend")
SIGN_UP_CODE_LIFETIME_SECONDS = 24 * 3600


def confirm(
    target: CognitoTarget, account: ContractUser, code: str, *, secret_hash: bool = True
) -> Any:
    if not secret_hash:
        return target.client.confirm_sign_up(
            ClientId=target.client_id, Username=account.username, ConfirmationCode=code
        )
    return target.client.confirm_sign_up(
        ClientId=target.client_id,
        Username=account.username,
        ConfirmationCode=code,
        SecretHash=target.secret_hash(account.username),
    )


def a_wrong_code(target: CognitoTarget, account: ContractUser) -> str:
    """A code that is not the one delivered (known exactly where an outbox exists)."""
    if target.outbox is None:
        return "000000"
    right = target.read_code(account.username, SIGN_UP_CODE_PURPOSES)
    return f"{(int(right) + 1) % 1_000_000:06d}"


def user_status(target: CognitoTarget, account: ContractUser) -> str:
    return target.client.admin_get_user(UserPoolId=target.user_pool_id, Username=account.username)[
        "UserStatus"
    ]


def test_the_delivered_code_confirms_the_user(
    cognito_target: CognitoTarget, accounts: Accounts
) -> None:
    """ConfirmSignUp with the delivered code confirms the user (status CONFIRMED)."""
    account = accounts.sign_up()
    code = cognito_target.read_code(account.username, SIGN_UP_CODE_PURPOSES)
    confirm(cognito_target, account, code)
    assert user_status(cognito_target, account) == "CONFIRMED"


def test_a_wrong_code_is_refused(cognito_target: CognitoTarget, accounts: Accounts) -> None:
    """ConfirmSignUp with a wrong code: CodeMismatchException; the user stays UNCONFIRMED."""
    account = accounts.sign_up()
    cognito_error(
        lambda: confirm(cognito_target, account, a_wrong_code(cognito_target, account)),
        "CodeMismatchException",
    )
    assert user_status(cognito_target, account) == "UNCONFIRMED"


def test_a_code_expires_after_24_hours(cognito_target: CognitoTarget, accounts: Accounts) -> None:
    """ConfirmSignUp with a sign-up code older than 24 h: ExpiredCodeException."""
    account = accounts.sign_up()
    code = cognito_target.read_code(account.username, SIGN_UP_CODE_PURPOSES)
    cognito_target.advance_clock(SIGN_UP_CODE_LIFETIME_SECONDS + 60)
    cognito_error(lambda: confirm(cognito_target, account, code), "ExpiredCodeException")


def test_a_code_is_still_valid_just_before_24_hours(
    cognito_target: CognitoTarget, accounts: Accounts
) -> None:
    """ConfirmSignUp with a sign-up code 23 h 59 min old still confirms."""
    account = accounts.sign_up()
    code = cognito_target.read_code(account.username, SIGN_UP_CODE_PURPOSES)
    cognito_target.advance_clock(SIGN_UP_CODE_LIFETIME_SECONDS - 60)
    confirm(cognito_target, account, code)
    assert user_status(cognito_target, account) == "CONFIRMED"


def test_confirm_without_secret_hash_is_refused(
    cognito_target: CognitoTarget, accounts: Accounts
) -> None:
    """ConfirmSignUp without SECRET_HASH: NotAuthorizedException, even with the right code."""
    account = accounts.sign_up()
    code = (
        cognito_target.read_code(account.username, SIGN_UP_CODE_PURPOSES)
        if cognito_target.outbox is not None
        else "000000"
    )
    cognito_error(
        lambda: confirm(cognito_target, account, code, secret_hash=False),
        "NotAuthorizedException",
    )
    assert user_status(cognito_target, account) == "UNCONFIRMED"


def test_confirming_an_unknown_user_is_a_client_error(cognito_target: CognitoTarget) -> None:
    """ConfirmSignUp for an unknown user: a 4xx code the service maps to 400 (no 5xx)."""
    nobody = ContractUser(Accounts.new_username(), "", "", "")
    cognito_error(
        lambda: confirm(cognito_target, nobody, "123456"),
        "UserNotFoundException",
        "CodeMismatchException",
        "ExpiredCodeException",
    )


def test_resend_delivers_a_new_code_that_confirms(
    cognito_target: CognitoTarget, accounts: Accounts
) -> None:
    """ResendConfirmationCode delivers a code by email that confirms the user."""
    account = accounts.sign_up()
    response = cognito_target.client.resend_confirmation_code(
        ClientId=cognito_target.client_id,
        Username=account.username,
        SecretHash=cognito_target.secret_hash(account.username),
    )
    assert response["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    code = cognito_target.read_code(account.username, ("resend",))
    confirm(cognito_target, account, code)
    assert user_status(cognito_target, account) == "CONFIRMED"


def test_resend_without_secret_hash_is_refused(
    cognito_target: CognitoTarget, accounts: Accounts
) -> None:
    """ResendConfirmationCode without SECRET_HASH: NotAuthorizedException."""
    account = accounts.sign_up()
    cognito_error(
        lambda: cognito_target.client.resend_confirmation_code(
            ClientId=cognito_target.client_id, Username=account.username
        ),
        "NotAuthorizedException",
    )
