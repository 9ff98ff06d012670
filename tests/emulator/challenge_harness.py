"""Pools, users and calls shared by the sign-in challenge tests (NEW_PASSWORD_REQUIRED, MFA)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from cognito_emulator import totp
from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.pytest_plugin import secret_hash
from cognito_emulator.server import EmulatorServer
from tests.emulator.kit_pools import kit_pool

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
    from mypy_boto3_cognito_idp.type_defs import AttributeTypeTypeDef

PASSWORD = "Passw0rd!-mfa"
PHONE = "+15555550100"
SMS_MFA = {
    "SmsAuthenticationMessage": "Your MFA code is {####}",
    "SmsConfiguration": {"SnsCallerArn": "arn:aws:iam::123456789012:role/cognito-sms"},
}
EMAIL_MFA = {
    "EmailAuthenticationMessage": "Your sign-in code is {####}",
    "EmailAuthenticationSubject": "Sign-in code",
}
# Email MFA needs the pool to send email with SES (mfa_settings.py).
SES_EMAIL = {
    "EmailSendingAccount": "DEVELOPER",
    "SourceArn": "arn:aws:ses:us-east-1:123456789012:identity/example.com",
    "From": "no-reply@example.com",
}


def mfa_pool(
    emulator: EmulatorServer,
    mfa_configuration: Literal["OFF", "ON", "OPTIONAL"],
    *,
    sms: bool = True,
    software_token: bool = True,
    email: bool = True,
    **settings: Any,
) -> PoolConfig:
    """A pool (the kit's template, email required) with the MFA methods asked for, and the
    kit's app client, which has a secret and allows password, admin password and SRP sign-in.
    `settings` are more of the pool's properties."""
    methods: dict[str, Any] = {}
    enabled = []
    if sms:
        methods.update(SMS_MFA)
        enabled.append("SMS_MFA")
    if software_token:
        enabled.append("SOFTWARE_TOKEN_MFA")
    if email:
        methods.update(EMAIL_MFA)
        enabled.append("EMAIL_OTP")
    return kit_pool(
        emulator,
        "mfa",
        {
            "EmailConfiguration": SES_EMAIL,
            "MfaConfiguration": mfa_configuration,
            "EnabledMfas": enabled,
            **methods,
            **settings,
        },
    )


def confirmed_user(
    idp: CognitoIdentityProviderClient,
    pool: PoolConfig,
    username: str,
    *,
    phone: str | None = None,
    email: str | None = None,
) -> None:
    """A CONFIRMED user with PASSWORD, an email (username@example.com unless given) and the
    phone number given."""
    attributes: list[AttributeTypeTypeDef] = [
        {"Name": "email", "Value": email or f"{username}@example.com"}
    ]
    if phone is not None:
        attributes.append({"Name": "phone_number", "Value": phone})
    idp.admin_create_user(
        UserPoolId=pool.user_pool_id,
        Username=username,
        UserAttributes=attributes,
        MessageAction="SUPPRESS",
    )
    idp.admin_set_user_password(
        UserPoolId=pool.user_pool_id, Username=username, Password=PASSWORD, Permanent=True
    )


def hashed(pool: PoolConfig, username: str) -> str:
    return secret_hash(username, pool.client_id, pool.client_secret)


def password_sign_in(
    idp: CognitoIdentityProviderClient, pool: PoolConfig, username: str, password: str = PASSWORD
) -> Any:
    """InitiateAuth USER_PASSWORD_AUTH: the challenge or the tokens."""
    return idp.initiate_auth(
        ClientId=pool.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={
            "USERNAME": username,
            "PASSWORD": password,
            "SECRET_HASH": hashed(pool, username),
        },
    )


def respond(
    idp: CognitoIdentityProviderClient,
    pool: PoolConfig,
    challenge: Any,
    username: str,
    **responses: str,
) -> Any:
    """RespondToAuthChallenge to `challenge` in its Session, as `username` (with their
    SECRET_HASH)."""
    return idp.respond_to_auth_challenge(
        ClientId=pool.client_id,
        ChallengeName=challenge["ChallengeName"],
        Session=challenge["Session"],
        ChallengeResponses={
            "USERNAME": username,
            "SECRET_HASH": hashed(pool, username),
            **responses,
        },
    )


def latest_mfa_code(emulator: EmulatorServer, pool: PoolConfig, username: str) -> str:
    message = emulator.outbox(pool_id=pool.user_pool_id, username=username)[-1]
    assert message["purpose"] == "mfa"
    code: str = message["code"]
    return code


def with_authenticator(
    emulator: EmulatorServer, idp: CognitoIdentityProviderClient, pool: PoolConfig, username: str
) -> str:
    """Set up an authenticator app for a user who can sign in without MFA and make it their
    preferred MFA; returns its secret."""
    access_token = password_sign_in(idp, pool, username)["AuthenticationResult"]["AccessToken"]
    secret = idp.associate_software_token(AccessToken=access_token)["SecretCode"]
    idp.verify_software_token(AccessToken=access_token, UserCode=current_code(emulator, secret))
    idp.set_user_mfa_preference(
        AccessToken=access_token,
        SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True},
    )
    emulator.advance_clock(totp.STEP_SECONDS)  # the next code is a new one
    return secret


def current_code(emulator: EmulatorServer, secret: str) -> str:
    """The authenticator's code at the emulator's time."""
    now = emulator.advance_clock(0)
    return totp.code_at(secret, int(now // totp.STEP_SECONDS))
