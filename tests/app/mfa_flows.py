"""MFA as a client of the service drives it (imported by the MFA and challenge tests): the pool's
MFA settings, TOTP set-up through /users/me/mfa, and authenticator codes on the emulator's clock."""

from typing import Any, Literal

import pyotp
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

from cognito_emulator.totp import STEP_SECONDS
from tests.app.service_harness import Flows, ServiceUser

TOTP_ON = {"totp": {"enabled": True, "preferred": True}}
EMAIL_ON = {"email": {"enabled": True, "preferred": True}}
SES_EMAIL = {
    "EmailSendingAccount": "DEVELOPER",
    "SourceArn": "arn:aws:ses:us-east-1:123456789012:identity/no-reply@example.com",
}


def offer_mfa(
    flows: Flows,
    idp: CognitoIdentityProviderClient,
    configuration: Literal["OPTIONAL", "ON"] = "OPTIONAL",
    *,
    email: bool = False,
) -> None:
    """The pool offers TOTP (as the kit's pool does) and, with `email`, email MFA, OPTIONAL or
    required (ON). Email MFA needs the pool to send email with SES (EmailSendingAccount
    DEVELOPER); UpdateUserPool resets what it is not sent, so the pool's settings are sent back
    with it."""
    pool_id = flows.pool.user_pool_id
    settings: dict[str, Any] = {"SoftwareTokenMfaConfiguration": {"Enabled": True}}
    if email:
        described: Any = idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]
        request = idp.meta.service_model.operation_model("UpdateUserPool").input_shape
        assert request is not None
        updatable = request.members
        kept = {name: described[name] for name in updatable if name in described}
        idp.update_user_pool(**(kept | {"UserPoolId": pool_id, "EmailConfiguration": SES_EMAIL}))
        settings["EmailMfaConfiguration"] = {
            "Message": "Your sign-in code is {####}",
            "Subject": "Your sign-in code",
        }
    idp.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration=configuration, **settings)


def code_at(flows: Flows, secret: str, steps_ahead: int = 0) -> str:
    """The authenticator's code now on the emulator's clock (`steps_ahead` 30-second steps
    later: the emulator takes a step once, and the next one too, as drifting apps need)."""
    now = flows.emulator.advance_clock(0)
    return str(pyotp.TOTP(secret).at(now + steps_ahead * STEP_SECONDS))


def turn_on_totp(flows: Flows, user: ServiceUser) -> str:
    """Set up, verify and turn on TOTP through the service, as the user would; the secret."""
    started = flows.client.post("/users/me/mfa/totp", headers=user.bearer)
    assert started.status_code == 200, started.text
    secret: str = started.json()["secret"]
    verified = flows.client.post(
        "/users/me/mfa/totp/verify", headers=user.bearer, json={"code": code_at(flows, secret)}
    )
    assert verified.status_code == 200, verified.text
    turned_on = flows.client.put("/users/me/mfa/preference", headers=user.bearer, json=TOTP_ON)
    assert turned_on.status_code == 200, turned_on.text
    return secret


def answer(flows: Flows, challenge: dict[str, Any], **fields: Any) -> Any:
    """Answer a challenge the service gave, with its session and username."""
    body = {key: challenge[key] for key in ("challenge", "session", "username")}
    return flows.client.post("/users/login/challenge", json=body | fields)
