"""The signed-in user's multi-factor authentication: set up a TOTP authenticator app, verify it,
turn TOTP or email MFA on or off, and read what is on.

Set-up is Cognito's: AssociateSoftwareToken gives a new secret, VerifySoftwareToken confirms it
with a code of the app, and SetUserMFAPreference turns it on (a verified secret is not asked for
until then, unless the pool requires MFA). Every call is made with the user's own access token.
"""

from fastapi import APIRouter, Response

from app.api import links
from app.api.challenges import NOT_STORED, totp_setup
from app.api.deps import AccountOwner, ServicesDep
from app.api.responses import AUTHENTICATED, error_responses
from app.core.cognito import MfaSwitch
from app.models import (
    Message,
    MfaMethodSetting,
    MfaPreferenceUpdate,
    MfaStatus,
    TotpSetup,
    TotpVerification,
)

router = APIRouter(prefix="/users/me/mfa", tags=["MFA"])

ACCOUNT = AUTHENTICATED | {
    403: "User is disabled, a machine's token, or a token without the scope "
    "aws.cognito.signin.user.admin",
}


@router.get("", operation_id=links.READ_MFA, responses=error_responses(ACCOUNT))
def read_mfa(owner: AccountOwner, services: ServicesDep) -> MfaStatus:
    settings = services.cognito.get_mfa_settings(owner.token)
    return MfaStatus(enabled=settings.enabled, preferred=settings.preferred)


@router.put(
    "/preference",
    operation_id=links.SET_MFA_PREFERENCE,
    responses=error_responses(
        ACCOUNT
        | {
            400: "TOTP turned on before its secret was verified, email MFA without a verified "
            "email or not offered by the pool, or MFA turned off where the pool requires it",
        }
    ),
)
def set_mfa_preference(
    body: MfaPreferenceUpdate, owner: AccountOwner, services: ServicesDep
) -> MfaStatus:
    """Turn TOTP (`totp`) and email (`email`) MFA on or off, and choose the preferred one; a
    method left out keeps its setting. Answers the settings as they now are."""
    cognito = services.cognito
    cognito.set_mfa_preference(owner.token, totp=_switch(body.totp), email=_switch(body.email))
    settings = cognito.get_mfa_settings(owner.token)
    return MfaStatus(enabled=settings.enabled, preferred=settings.preferred)


@router.post(
    "/totp",
    operation_id=links.START_TOTP_SETUP,
    responses=error_responses(ACCOUNT),
)
def start_totp_setup(owner: AccountOwner, services: ServicesDep, response: Response) -> TotpSetup:
    """A new TOTP secret for an authenticator app: scan `qr_code` (an SVG data: URI, for an
    `<img src>`) or open `otpauth_uri`, or type `secret`; then confirm it at
    /users/me/mfa/totp/verify, and turn it on at /users/me/mfa/preference. A new set-up
    replaces one not verified yet."""
    association = services.cognito.associate_software_token(owner.token)
    response.headers["Cache-Control"] = NOT_STORED
    return totp_setup(services, owner.user.username, association.secret)


@router.post(
    "/totp/verify",
    operation_id=links.VERIFY_TOTP,
    responses=error_responses(
        ACCOUNT | {400: "Wrong code, or no TOTP set-up started (POST /users/me/mfa/totp)"}
    ),
)
def verify_totp(body: TotpVerification, owner: AccountOwner, services: ServicesDep) -> Message:
    """Confirm the new secret with the code the authenticator app shows now."""
    services.cognito.verify_software_token(owner.token, body.code, body.device_name)
    return Message(
        message="TOTP authenticator verified; turn it on with PUT /users/me/mfa/preference "
        '{"totp": {"enabled": true, "preferred": true}}'
    )


def _switch(setting: MfaMethodSetting | None) -> MfaSwitch | None:
    if setting is None:
        return None
    return MfaSwitch(enabled=setting.enabled, preferred=setting.preferred)
