"""NEW_PASSWORD_REQUIRED: what the service's route for admin-created users relies on.

AdminCreateUser with a temporary password leaves the user "in the FORCE_CHANGE_PASSWORD state
until they sign in and set their password" (API reference, AdminCreateUser); signing in answers
the challenge NEW_PASSWORD_REQUIRED, "for users who are required to change their passwords after
successful first login. Respond to this challenge with NEW_PASSWORD and any required attributes
that Amazon Cognito returned in the requiredAttributes parameter" (InitiateAuth, ChallengeName).
The new password "must conform to the password policy" like any other.
"""

from __future__ import annotations

import json
from typing import Any

from contract_tests.cognito.accounts import OTHER_PASSWORD, Accounts, ContractUser
from contract_tests.cognito.errors import cognito_error
from contract_tests.targets import CognitoTarget

NEW_PASSWORD_REQUIRED = "NEW_PASSWORD_REQUIRED"
# Cognito's words for a spent Session, as real pools answer it (reapit/foundations#9684,
# "Invalid session for the user, session can only be used once.").
SESSION_USED = "Invalid session for the user, session can only be used once."


def set_new_password(
    accounts: Accounts, account: ContractUser, challenge: dict[str, Any], new_password: str
) -> dict[str, Any]:
    return accounts.answer(account, challenge, {"NEW_PASSWORD": new_password})


def test_an_admin_created_user_must_set_a_new_password(
    cognito_target: CognitoTarget, accounts: Accounts
) -> None:
    """The temporary password answers NEW_PASSWORD_REQUIRED with a Session, not tokens."""
    account = accounts.admin_created()
    challenge = accounts.sign_in(account)
    assert challenge.get("ChallengeName") == NEW_PASSWORD_REQUIRED, challenge.get("ChallengeName")
    assert "AuthenticationResult" not in challenge
    assert isinstance(challenge.get("Session"), str) and challenge["Session"]
    parameters = challenge["ChallengeParameters"]
    # The pool requires email, which AdminCreateUser set: nothing more is asked for.
    required = parameters.get("requiredAttributes")
    assert required is not None and json.loads(required) == [], f"requiredAttributes {required!r}"
    assert parameters["USER_ID_FOR_SRP"] == account.username


def test_a_weak_new_password_is_refused(cognito_target: CognitoTarget, accounts: Accounts) -> None:
    """NEW_PASSWORD_REQUIRED answered with a password outside the policy: InvalidPassword."""
    account = accounts.admin_created()
    challenge = accounts.sign_in(account)
    cognito_error(
        lambda: set_new_password(accounts, account, challenge, "alllowercase"),
        "InvalidPasswordException",
    )


def test_the_new_password_signs_the_user_in(
    cognito_target: CognitoTarget, accounts: Accounts
) -> None:
    """The new password answers tokens; the user is CONFIRMED, the temporary password spent."""
    account = accounts.admin_created()
    result = set_new_password(accounts, account, accounts.sign_in(account), OTHER_PASSWORD)
    tokens = result["AuthenticationResult"]
    assert cognito_target.client.get_user(AccessToken=tokens["AccessToken"])["Username"] == (
        account.username
    )
    status = cognito_target.client.admin_get_user(
        UserPoolId=cognito_target.user_pool_id, Username=account.username
    )["UserStatus"]
    assert status == "CONFIRMED"
    assert accounts.log_in(account, OTHER_PASSWORD)["AccessToken"]
    cognito_error(lambda: accounts.log_in(account), "NotAuthorizedException")


def test_a_challenge_session_is_single_use(
    cognito_target: CognitoTarget, accounts: Accounts
) -> None:
    """A Session answered once is refused the second time: NotAuthorizedException."""
    account = accounts.admin_created()
    challenge = accounts.sign_in(account)
    set_new_password(accounts, account, challenge, OTHER_PASSWORD)
    message = cognito_error(
        lambda: set_new_password(accounts, account, challenge, "Third-Password-10"),
        "NotAuthorizedException",
    )
    assert message == SESSION_USED
