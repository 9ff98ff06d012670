"""Pools, users and calls shared by the sign-in challenge tests (NEW_PASSWORD_REQUIRED, MFA)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from cognito_emulator import totp
from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.pool_definition import user_pool_client_request, user_pool_request
from cognito_emulator.pytest_plugin import secret_hash
from cognito_emulator.server import EmulatorServer

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
    from mypy_boto3_cognito_idp.type_defs import AttributeTypeTypeDef

PASSWORD = "Passw0rd!-mfa"
PHONE = "+15555550100"
SMS_MFA = {
    "SmsAuthenticationMessage": "Your MFA code is {####}",
    "SmsConfiguration": {"SnsCallerArn": "arn:aws:iam::123456789012:role/cognito-sms"},
}
EMAIL_MFA = {"Message": "Your sign-in code is {####}", "Subject": "Sign-in code"}
# Email MFA needs the pool to send email with SES (mfa_settings.py).
SES_EMAIL = {
    "EmailSendingAccount": "DEVELOPER",
    "SourceArn": "arn:aws:ses:us-east-1:123456789012:identity/example.com",
    "From": "no-reply@example.com",
}


def mfa_pool(
    emulator: EmulatorServer,
    idp: CognitoIdentityProviderClient,
    mfa_configuration: Literal["OFF", "ON", "OPTIONAL"],
    *,
    sms: bool = True,
    software_token: bool = True,
    email: bool = True,
    **settings: Any,
) -> PoolConfig:
    """A pool (the kit's definition, email required) with the MFA methods asked for, and an app
    client with a secret that allows password, admin password and SRP sign-in."""
    request = {**user_pool_request("mfa"), "EmailConfiguration": SES_EMAIL, **settings}
    pool_id = idp.create_user_pool(**request)["UserPool"]["Id"]
    methods: dict[str, Any] = {}
    if sms:
        methods["SmsMfaConfiguration"] = SMS_MFA
    if software_token:
        methods["SoftwareTokenMfaConfiguration"] = {"Enabled": True}
    if email:
        methods["EmailMfaConfiguration"] = EMAIL_MFA
    idp.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration=mfa_configuration, **methods)
    client = idp.create_user_pool_client(**user_pool_client_request(pool_id, "app"))
    return PoolConfig(
        region=emulator.region,
        user_pool_id=pool_id,
        client_id=client["UserPoolClient"]["ClientId"],
        client_secret=client["UserPoolClient"]["ClientSecret"],
        endpoint_url=emulator.endpoint_url,
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
