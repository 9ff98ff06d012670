"""MFA by authenticator app (TOTP): what the service's /users/me/mfa routes and its sign-in
challenge answer rely on.

The kit's pool makes MFA optional, by authenticator app (pool_definition.py). The steps are the
Developer Guide's "TOTP software token MFA": AssociateSoftwareToken returns "a unique generated
shared secret key code for the user account"; VerifySoftwareToken checks a code of it and "marks
the user's software token MFA status as verified" (API reference); SetUserMFAPreference turns
TOTP MFA on (or off: "Use SetUserMFAPreference to disable TOTP MFA for an individual user"). Then
"the TOTP MFA challenge is invoked" at sign-in, answered through RespondToAuthChallenge with
SOFTWARE_TOKEN_MFA_CODE. Codes come from pyotp, as from the user's app, at the target's time.
"""

from __future__ import annotations

from contract_tests.authenticator import MIN_SECRET_BYTES, AuthenticatorApp, secret_bytes
from contract_tests.cognito.accounts import Accounts, ContractUser
from contract_tests.cognito.errors import cognito_error
from contract_tests.targets import CognitoTarget

SOFTWARE_TOKEN_MFA = "SOFTWARE_TOKEN_MFA"


def associate(target: CognitoTarget, access_token: str) -> AuthenticatorApp:
    """AssociateSoftwareToken: the secret the user types into their authenticator app."""
    secret = target.client.associate_software_token(AccessToken=access_token)["SecretCode"]
    assert secret_bytes(secret) >= MIN_SECRET_BYTES, (
        f"SecretCode {secret!r} is not a base32 secret of {MIN_SECRET_BYTES}+ bytes (RFC 4226)"
    )
    return AuthenticatorApp(secret, target.now)


def verified_authenticator(target: CognitoTarget, access_token: str) -> AuthenticatorApp:
    """An authenticator associated and verified with one of its codes (VerifySoftwareToken)."""
    app = associate(target, access_token)
    response = target.client.verify_software_token(
        AccessToken=access_token, UserCode=app.next_code()
    )
    assert response["Status"] == "SUCCESS", response
    return app


def switch_totp(target: CognitoTarget, access_token: str, *, on: bool) -> None:
    """SetUserMFAPreference: TOTP MFA on and preferred, or off."""
    target.client.set_user_mfa_preference(
        AccessToken=access_token,
        SoftwareTokenMfaSettings={"Enabled": on, "PreferredMfa": on},
    )


def user_with_totp(
    target: CognitoTarget, accounts: Accounts
) -> tuple[ContractUser, AuthenticatorApp]:
    """A confirmed user who set up their authenticator app and turned TOTP MFA on."""
    account = accounts.confirmed()
    access_token = accounts.log_in(account)["AccessToken"]
    app = verified_authenticator(target, access_token)
    switch_totp(target, access_token, on=True)
    return account, app


def test_associate_software_token_gives_each_user_a_secret_of_their_own(
    cognito_target: CognitoTarget, accounts: Accounts
) -> None:
    """AssociateSoftwareToken answers a base32 secret of 128+ bits, another for each user."""
    secrets = {
        associate(cognito_target, accounts.log_in(accounts.confirmed())["AccessToken"]).secret
        for _ in range(2)
    }
    assert len(secrets) == 2, f"two users were given the same TOTP secret {secrets}"


def test_verify_software_token_with_a_wrong_code_is_refused(
    cognito_target: CognitoTarget, accounts: Accounts
) -> None:
    """VerifySoftwareToken with a wrong code: EnableSoftwareTokenMFAException.

    The answer real pools give ("Code mismatch and fail enable Software Token MFA",
    aws-samples/aws-amplify-auth-starters#15; amplify-flutter#4532 retries on it).
    """
    access_token = accounts.log_in(accounts.confirmed())["AccessToken"]
    app = associate(cognito_target, access_token)
    cognito_error(
        lambda: cognito_target.client.verify_software_token(
            AccessToken=access_token, UserCode=app.wrong_code()
        ),
        "EnableSoftwareTokenMFAException",
    )


def test_a_totp_user_signs_in_with_a_code(
    cognito_target: CognitoTarget, accounts: Accounts
) -> None:
    """With TOTP MFA on, the password answers SOFTWARE_TOKEN_MFA; a code answers tokens."""
    account, app = user_with_totp(cognito_target, accounts)
    challenge = accounts.sign_in(account)
    assert challenge.get("ChallengeName") == SOFTWARE_TOKEN_MFA, challenge.get("ChallengeName")
    assert "AuthenticationResult" not in challenge
    assert isinstance(challenge.get("Session"), str) and challenge["Session"]
    result = accounts.answer(account, challenge, {"SOFTWARE_TOKEN_MFA_CODE": app.next_code()})
    access_token = result["AuthenticationResult"]["AccessToken"]
    user = cognito_target.client.get_user(AccessToken=access_token)
    assert user["Username"] == account.username
    assert user.get("UserMFASettingList") == [SOFTWARE_TOKEN_MFA]
    assert user.get("PreferredMfaSetting") == SOFTWARE_TOKEN_MFA


def test_a_wrong_totp_code_is_refused(cognito_target: CognitoTarget, accounts: Accounts) -> None:
    """SOFTWARE_TOKEN_MFA answered with a wrong code: CodeMismatchException."""
    account, app = user_with_totp(cognito_target, accounts)
    challenge = accounts.sign_in(account)
    cognito_error(
        lambda: accounts.answer(account, challenge, {"SOFTWARE_TOKEN_MFA_CODE": app.wrong_code()}),
        "CodeMismatchException",
    )


def test_turning_totp_off_signs_in_with_the_password_alone(
    cognito_target: CognitoTarget, accounts: Accounts
) -> None:
    """After SetUserMFAPreference turns TOTP off, the password answers tokens again."""
    account, app = user_with_totp(cognito_target, accounts)
    challenge = accounts.sign_in(account)
    result = accounts.answer(account, challenge, {"SOFTWARE_TOKEN_MFA_CODE": app.next_code()})
    switch_totp(cognito_target, result["AuthenticationResult"]["AccessToken"], on=False)
    assert accounts.log_in(account)["AccessToken"]
