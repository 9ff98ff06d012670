"""MFA settings: a user's authenticator app (TOTP), their MFA preferences, the pool's MFA.

AssociateSoftwareToken, VerifySoftwareToken, SetUserMFAPreference, AdminSetUserMFAPreference,
SetUserPoolMfaConfig and GetUserPoolMfaConfig. moto gives every user the same TOTP secret and
checks codes on the wall clock; here each association gets a new random secret and codes are
RFC 6238 on the emulator clock (`totp`), each accepted once.

Cognito's rules, from the Developer Guide's "TOTP software token MFA" page unless a line says
otherwise:
- TOTP set-up in a pool whose SoftwareTokenMfaConfiguration is off:
  SoftwareTokenMFANotFoundException "Software Token MFA has not been enabled by the userPool".
- "To replace your user's software token, associate and verify a new software token": a new
  association waits (`User.pending_totp_secret`) and the verified secret stays in force until
  VerifySoftwareToken accepts a code of the new one, so starting a set-up neither turns TOTP off
  nor locks the user out (and, as amplify-flutter#4509 observed, a code of the authenticator in
  force still verifies when nothing is pending).
- A wrong code: EnableSoftwareTokenMFAException "Code mismatch and fail enable Software Token MFA"
  (the answer quoted in aws-samples/aws-amplify-auth-starters#15). VerifySoftwareToken marks the
  token verified ("Marks the user's software token MFA status as verified", API reference); it
  does not turn TOTP MFA on: SetUserMFAPreference does, or the MFA_SETUP answer of a sign-in.
- SetUserMFAPreference refuses a method the user cannot receive codes by with
  InvalidParameterException "User does not have delivery config set to turn on SOFTWARE_TOKEN_MFA"
  (aws/aws-sdk-js-v3#4645; "... SMS_MFA" without a phone number, as floci's integration tests
  record it), and a pending authenticator with "User has not verified software token mfa"
  (the message amazon-cognito-identity-js and Amplify match on). "You can't turn off TOTP MFA for
  any of your users when MFA is required in your user pool; you can only set the type that your
  user prefers" (SoftwareTokenMfaSettingsType, SMSMfaSettingsType): in an ON pool a request to
  turn a method off leaves it on.
- SetUserPoolMfaConfig replaces the pool's MFA configuration: what a request leaves out is off
  (aws/aws-sdk-js#4186). OFF with a method: "Invalid MFA configuration given, can't turn off MFA
  and configure an MFA together."; ON or OPTIONAL without one: "Invalid MFA Configuration given.
  SMS MFA, Email MFA, or Software Token MFA must be enabled." (both recorded against real pools
  in go-to-k/cdkd#1923 and #1920). Email MFA needs the pool to send email with Amazon SES
  (EmailConfiguration EmailSendingAccount DEVELOPER; Developer Guide "Email MFA", cdkd#1923).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from cognito_emulator import totp
from cognito_emulator.clock import Clock
from cognito_emulator.exceptions import (
    EnableSoftwareTokenMFAException,
    InvalidParameterException,
    SoftwareTokenMFANotFoundException,
)
from cognito_emulator.flows.access_token import signed_in_user
from cognito_emulator.moto_adapter import MotoAdapter, Pool, User
from cognito_emulator.tokens import TokenIssuer
from cognito_emulator.usernames import UserDirectory
from cognito_emulator.validation import required

Handler = Callable[[dict[str, Any]], dict[str, Any]]

SOFTWARE_TOKEN_NOT_ENABLED = "Software Token MFA has not been enabled by the userPool"
CODE_MISMATCH = "Code mismatch and fail enable Software Token MFA"
TOTP_NOT_VERIFIED = "User has not verified software token mfa"
# Our wording for VerifySoftwareToken before any AssociateSoftwareToken (Cognito's is unrecorded);
# the same words amazon-cognito-identity-js knows from SetUserMFAPreference.
TOTP_NOT_SET_UP = "User has not set up software token mfa"
MFA_OFF_WITH_A_METHOD = (
    "Invalid MFA configuration given, can't turn off MFA and configure an MFA together."
)
NO_MFA_METHOD = (
    "Invalid MFA Configuration given. SMS MFA, Email MFA, or Software Token MFA must be enabled."
)
# Our wordings (Cognito's are unrecorded) for rules the Developer Guide states.
EMAIL_MFA_NEEDS_SES = (
    "Email MFA requires the user pool to send email with Amazon SES: set EmailConfiguration "
    "EmailSendingAccount to DEVELOPER."
)
SMS_NEEDS_CONFIGURATION = (
    "SMS MFA requires an SmsConfiguration (in SmsMfaConfiguration or the user pool's)."
)
ONE_PREFERRED_METHOD = "Only one MFA method can be set as preferred."
PASSKEY_MFA_UNSUPPORTED = "Passkey (WebAuthn) MFA is not supported by the Cognito emulator."
ACCESS_TOKEN_OR_SESSION = "Provide either an AccessToken or a Session, not both."
MFA_CONFIGURATIONS = ("OFF", "ON", "OPTIONAL")
# SetUserMFAPreference's members and the methods they name (UserMFASettingList's names).
_METHOD_SETTINGS = (
    ("SMSMfaSettings", "SMS_MFA"),
    ("SoftwareTokenMfaSettings", "SOFTWARE_TOKEN_MFA"),
    ("EmailMfaSettings", "EMAIL_OTP"),
)


class MfaSetupSessions(Protocol):
    """MFA_SETUP's Session during a sign-in, as AssociateSoftwareToken and VerifySoftwareToken
    take it (`flows.sign_in_challenges.SignInChallenges` provides it)."""

    def user_of_setup_session(self, session_id: str | None) -> tuple[Pool, User]:
        """The pool and user of a pending MFA_SETUP Session, not spent."""
        ...

    def renew_setup_session(self, session_id: str | None) -> str:
        """Spend the Session and give the next one (both operations answer with a new one)."""
        ...


@dataclass(frozen=True, slots=True)
class MfaSettingsFlows:
    moto: MotoAdapter
    users: UserDirectory
    tokens: TokenIssuer
    clock: Clock
    setup_sessions: MfaSetupSessions

    def handlers(self) -> dict[str, Handler]:
        return {
            "AssociateSoftwareToken": self.associate_software_token,
            "VerifySoftwareToken": self.verify_software_token,
            "SetUserMFAPreference": self.set_user_mfa_preference,
            "AdminSetUserMFAPreference": self.admin_set_user_mfa_preference,
            "SetUserPoolMfaConfig": self.set_user_pool_mfa_config,
            "GetUserPoolMfaConfig": self.get_user_pool_mfa_config,
        }

    def associate_software_token(self, body: dict[str, Any]) -> dict[str, Any]:
        pool, user, session = self._caller(body)
        _require_software_token_mfa(pool)
        secret = totp.new_secret()
        user.pending_totp_secret = secret
        if session is None:
            return {"SecretCode": secret}
        return {"SecretCode": secret, "Session": self.setup_sessions.renew_setup_session(session)}

    def verify_software_token(self, body: dict[str, Any]) -> dict[str, Any]:
        pool, user, session = self._caller(body)
        _require_software_token_mfa(pool)
        code = required(body, "UserCode")
        pending = user.pending_totp_secret
        secret = pending if pending is not None else user.totp_secret
        if secret is None:
            raise InvalidParameterException(TOTP_NOT_SET_UP)
        accept_authenticator(user, secret, code, self.clock.now(), new_secret=pending is not None)
        if session is None:
            return {"Status": "SUCCESS"}
        return {"Status": "SUCCESS", "Session": self.setup_sessions.renew_setup_session(session)}

    def set_user_mfa_preference(self, body: dict[str, Any]) -> dict[str, Any]:
        pool, user = self._signed_in(required(body, "AccessToken"))
        _set_preference(pool, user, body)
        return {}

    def admin_set_user_mfa_preference(self, body: dict[str, Any]) -> dict[str, Any]:
        pool = self.moto.pool(required(body, "UserPoolId"))
        user = self.users.existing(pool, required(body, "Username"))
        _set_preference(pool, user, body)
        return {}

    def set_user_pool_mfa_config(self, body: dict[str, Any]) -> dict[str, Any]:
        pool = self.moto.pool(required(body, "UserPoolId"))
        if body.get("WebAuthnConfiguration") is not None:
            raise InvalidParameterException(
                "WebAuthnConfiguration: passkeys (WebAuthn) are not supported by the Cognito "
                "emulator."
            )
        mfa_configuration = checked_mfa_configuration(
            body.get("MfaConfiguration", pool.mfa_configuration)
        )
        sms = body.get("SmsMfaConfiguration")
        software_token = bool((body.get("SoftwareTokenMfaConfiguration") or {}).get("Enabled"))
        email = body.get("EmailMfaConfiguration")
        check_mfa_methods(pool.settings, mfa_configuration, sms, software_token, email)
        pool.set_mfa_configuration(
            mfa_configuration, sms=sms, software_token_enabled=software_token, email=email
        )
        return mfa_configuration_of(pool)

    def get_user_pool_mfa_config(self, body: dict[str, Any]) -> dict[str, Any]:
        return mfa_configuration_of(self.moto.pool(required(body, "UserPoolId")))

    def _caller(self, body: dict[str, Any]) -> tuple[Pool, User, str | None]:
        """The user an AccessToken or an MFA_SETUP Session names, and the Session if one."""
        access_token = body.get("AccessToken")
        session = body.get("Session")
        if (access_token is None) == (session is None):
            raise InvalidParameterException(ACCESS_TOKEN_OR_SESSION)
        if session is not None:
            pool, user = self.setup_sessions.user_of_setup_session(session)
            return pool, user, session
        pool, user = self._signed_in(required(body, "AccessToken"))
        return pool, user, None

    def _signed_in(self, access_token: str) -> tuple[Pool, User]:
        _, pool, user = signed_in_user(self.moto, self.tokens, access_token)
        return pool, user


def accept_authenticator(
    user: User, secret: str, code: str, now: float, *, new_secret: bool
) -> None:
    """VerifySoftwareToken's rule (also the login page's MFA_SETUP): a code of `secret` for the
    current time step, or one either side, makes `secret` the user's verified authenticator,
    that step spent. A new secret has no accepted code yet; the one in force refuses a code
    seen before."""
    step = totp.matching_step(secret, code, now)
    last_step = user.totp_last_step
    if step is None or (not new_secret and last_step is not None and step <= last_step):
        raise EnableSoftwareTokenMFAException(CODE_MISMATCH)
    user.totp_secret = secret
    user.pending_totp_secret = None
    user.totp_verified = True
    user.totp_last_step = step


def checked_mfa_configuration(value: object) -> str:
    """MfaConfiguration, refused as AWS's validation refuses a value outside the enum."""
    if value not in MFA_CONFIGURATIONS:
        raise InvalidParameterException(
            f"1 validation error detected: Value '{value}' at 'mfaConfiguration' failed to "
            "satisfy constraint: Member must satisfy enum value set: [OFF, ON, OPTIONAL]"
        )
    return str(value)


def check_mfa_methods(
    pool_settings: Mapping[str, Any],
    mfa_configuration: str,
    sms: dict[str, Any] | None,
    software_token: bool,
    email: dict[str, Any] | None,
) -> None:
    """The pool's MFA methods agree with MfaConfiguration and the pool can deliver them."""
    configured = sms is not None or software_token or email is not None
    if mfa_configuration == "OFF":
        if configured:
            raise InvalidParameterException(MFA_OFF_WITH_A_METHOD)
        return
    if not configured:
        raise InvalidParameterException(NO_MFA_METHOD)
    if sms is not None and not (
        sms.get("SmsConfiguration") or pool_settings.get("SmsConfiguration")
    ):
        raise InvalidParameterException(SMS_NEEDS_CONFIGURATION)
    if email is not None and not sends_email_with_ses(pool_settings):
        raise InvalidParameterException(EMAIL_MFA_NEEDS_SES)


def sends_email_with_ses(pool_settings: Mapping[str, Any]) -> bool:
    """Whether the pool's EmailConfiguration sends through the developer's Amazon SES."""
    email_configuration = pool_settings.get("EmailConfiguration") or {}
    return email_configuration.get("EmailSendingAccount") == "DEVELOPER"


def mfa_configuration_of(pool: Pool) -> dict[str, Any]:
    """GetUserPoolMfaConfig's answer (and SetUserPoolMfaConfig's): the methods that are set."""
    answer: dict[str, Any] = {
        "MfaConfiguration": pool.mfa_configuration,
        "SoftwareTokenMfaConfiguration": {"Enabled": pool.software_token_mfa_enabled},
    }
    if pool.sms_mfa_configuration is not None:
        answer["SmsMfaConfiguration"] = pool.sms_mfa_configuration
    if pool.email_mfa_configuration is not None:
        answer["EmailMfaConfiguration"] = pool.email_mfa_configuration
    return answer


def _require_software_token_mfa(pool: Pool) -> None:
    if not pool.software_token_mfa_enabled:
        raise SoftwareTokenMFANotFoundException(SOFTWARE_TOKEN_NOT_ENABLED)


def _set_preference(pool: Pool, user: User, body: dict[str, Any]) -> None:
    """Apply SetUserMFAPreference's settings, all checked before any is applied.

    A method's Enabled left out keeps it as it is, except that PreferredMfa true turns it on
    (our choice: a preferred method is an enabled one). PreferredMfa true on one method makes it
    the preference (the others lose it); false on the preferred one, or turning it off, clears it.
    """
    passkey = body.get("WebAuthnMfaSettings") or {}
    if passkey.get("Enabled"):
        raise InvalidParameterException(PASSKEY_MFA_UNSUPPORTED)
    requested = {
        method: settings for member, method in _METHOD_SETTINGS if (settings := body.get(member))
    }
    preferred = [method for method, settings in requested.items() if settings.get("PreferredMfa")]
    if len(preferred) > 1:
        raise InvalidParameterException(ONE_PREFERRED_METHOD)
    enabled = set(user.mfa_settings)
    for method, settings in requested.items():
        wanted = settings.get("Enabled", bool(settings.get("PreferredMfa")) or method in enabled)
        if wanted and method not in enabled:
            _check_can_turn_on(pool, user, method)
            enabled.add(method)
        elif not wanted and pool.mfa_configuration != "ON":
            enabled.discard(method)
    preference = user.preferred_mfa
    if preferred:
        preference = preferred[0]
    elif preference in requested and requested[preference].get("PreferredMfa") is False:
        preference = None
    user.sms_mfa_enabled = "SMS_MFA" in enabled
    user.software_token_mfa_enabled = "SOFTWARE_TOKEN_MFA" in enabled
    user.email_mfa_enabled = "EMAIL_OTP" in enabled
    user.preferred_mfa = preference if preference in enabled else None


def _check_can_turn_on(pool: Pool, user: User, method: str) -> None:
    """The pool offers `method` and the user can receive its codes."""
    if method == "SMS_MFA":
        deliverable = pool.sms_mfa_configuration is not None and bool(
            user.attribute("phone_number")
        )
    elif method == "EMAIL_OTP":
        deliverable = pool.email_mfa_configuration is not None and bool(user.attribute("email"))
    else:
        if user.pending_totp_secret is not None and not user.totp_verified:
            raise InvalidParameterException(TOTP_NOT_VERIFIED)
        deliverable = pool.software_token_mfa_enabled and user.totp_verified
    if not deliverable:
        raise InvalidParameterException(
            f"User does not have delivery config set to turn on {method}"
        )
