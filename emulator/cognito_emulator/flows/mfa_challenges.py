"""Which second factor a sign-in asks for, and checking the code the user gives for it.

The decision alone, with no API shapes (flows/sign_in_challenges.py answers the API; the
managed login page can ask the same questions in its own pages):

- The pool's MfaConfiguration "OFF" asks for nothing. "OPTIONAL" asks users who turned a factor
  on ("MFA will be required only for individual users who have an MFA factor activated",
  API_SetUserPoolMfaConfig). "ON" asks everyone: the factors they turned on, else a code by SMS
  to their phone_number when the pool sends SMS MFA ("If you have MFA set to required and only
  support SMS as a factor, most users will need to have a phone number ... You can use
  unverified phone numbers for SMS MFA", user-pool-settings-mfa.md), likewise by email when the
  pool sends email MFA, else MFA_SETUP listing the factors the pool offers ("The MFA types
  activated for the user pool will be listed in the challenge parameters MFAS_CAN_SETUP";
  "To set up SMS or email MFA, collect a phone_number or email attribute for the user",
  API_InitiateAuth).
- The user's preferred factor wins; several and none preferred asks the user to choose
  (SELECT_MFA_TYPE). Our choice for a user of an "ON" pool with neither factor turned on but
  both a phone and an email the pool can reach: SMS, as Cognito did before email MFA existed.
- A factor the user turned on stays usable whatever the pool's settings say since ("If your
  users have set up TOTP, they can use it for MFA even if TOTP is later disabled for the user
  pool", user-pool-settings-mfa.md; our choice to read SMS and email alike, as a UserMigration
  function's enableSMSMFA turns SMS on whatever the pool offers): an SMS or email factor needs
  only the address. The pool's SMS and email MFA settings decide what an "ON" pool sends
  users who turned nothing on, and what MFA_SETUP offers.
- Codes: SMS_MFA and EMAIL_OTP send a 6-digit code (purpose "mfa", CustomMessage source
  CustomMessage_Authentication); SOFTWARE_TOKEN_MFA checks RFC 6238 on the emulator clock and
  accepts each time step once. A wrong code is CodeMismatchException "Invalid code or auth state
  for the user." (the message a real pool gives, amplify-js#3066 and #11069). A successful SMS
  code verifies the phone number ("After users complete the SMS text message MFA verification,
  Amazon Cognito sets the phone_number_verified attribute to true", AWS knowledge center
  cognito-mfa-errors).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from cognito_emulator import totp
from cognito_emulator.clock import Clock
from cognito_emulator.codes import CodeBook, Medium, Purpose
from cognito_emulator.exceptions import CodeMismatchException
from cognito_emulator.flows.code_delivery import CodeSender
from cognito_emulator.moto_adapter import Pool, User

MfaMethod = Literal["SMS_MFA", "SOFTWARE_TOKEN_MFA", "EMAIL_OTP"]
Step = Literal[
    "NEW_PASSWORD_REQUIRED",
    "MFA_SETUP",
    "SELECT_MFA_TYPE",
    "SMS_MFA",
    "SOFTWARE_TOKEN_MFA",
    "EMAIL_OTP",
]
# The order Cognito lists factors in MFAS_CAN_CHOOSE and MFAS_CAN_SETUP.
METHOD_ORDER: tuple[MfaMethod, ...] = ("SMS_MFA", "SOFTWARE_TOKEN_MFA", "EMAIL_OTP")
MFA_CODE_MISMATCH = "Invalid code or auth state for the user."
# What the code of each method answers in ChallengeResponses.
CODE_RESPONSE: dict[MfaMethod, str] = {
    "SMS_MFA": "SMS_MFA_CODE",
    "SOFTWARE_TOKEN_MFA": "SOFTWARE_TOKEN_MFA_CODE",
    "EMAIL_OTP": "EMAIL_OTP_CODE",
}
# Where a code goes: (attribute, medium).
_DELIVERY: dict[MfaMethod, tuple[str, Medium]] = {
    "SMS_MFA": ("phone_number", "SMS"),
    "EMAIL_OTP": ("email", "EMAIL"),
}


@dataclass(frozen=True, slots=True)
class MfaStep:
    """The second factor asked next: one method, or a choice (SELECT_MFA_TYPE with the methods
    in `options`), or set-up (MFA_SETUP with the methods the pool offers in `options`)."""

    challenge: Step
    options: tuple[MfaMethod, ...] = ()


def next_step(pool: Pool, user: User) -> Step | None:
    """What a user who has just proven their password is asked next, None for nothing."""
    if user.status == "FORCE_CHANGE_PASSWORD":
        return "NEW_PASSWORD_REQUIRED"
    step = mfa_step(pool, user)
    return step.challenge if step is not None else None


def mfa_step(pool: Pool, user: User) -> MfaStep | None:
    """The second factor the pool asks of `user` (see the module's docstring), None for none."""
    if pool.mfa_configuration not in ("ON", "OPTIONAL"):
        return None
    enabled = enabled_methods(user)
    if user.preferred_mfa in enabled:
        return MfaStep(user.preferred_mfa)
    if len(enabled) == 1:
        return MfaStep(enabled[0])
    if enabled:
        return MfaStep("SELECT_MFA_TYPE", enabled)
    if pool.mfa_configuration == "OPTIONAL":
        return None
    for method in ("SMS_MFA", "EMAIL_OTP"):
        if can_send(pool, user, method):
            return MfaStep(method)
    return MfaStep("MFA_SETUP", setup_options(pool))


def enabled_methods(user: User) -> tuple[MfaMethod, ...]:
    """The factors the user turned on that can be asked for now, in Cognito's order."""
    turned_on = {
        "SMS_MFA": user.sms_mfa_enabled and bool(user.attribute("phone_number")),
        "SOFTWARE_TOKEN_MFA": user.software_token_mfa_enabled and user.totp_secret is not None,
        "EMAIL_OTP": user.email_mfa_enabled and bool(user.attribute("email")),
    }
    return tuple(method for method in METHOD_ORDER if turned_on[method])


def setup_options(pool: Pool) -> tuple[MfaMethod, ...]:
    """MFAS_CAN_SETUP: the factors the pool offers."""
    offered = {
        "SMS_MFA": pool.sms_mfa_configuration is not None,
        "SOFTWARE_TOKEN_MFA": pool.software_token_mfa_enabled,
        "EMAIL_OTP": pool.email_mfa_configuration is not None,
    }
    return tuple(method for method in METHOD_ORDER if offered[method])


def can_send(pool: Pool, user: User, method: MfaMethod) -> bool:
    """Whether the pool sends `method`'s codes and the user has an address to send them to."""
    if method == "SMS_MFA":
        return pool.sms_mfa_configuration is not None and bool(user.attribute("phone_number"))
    if method == "EMAIL_OTP":
        return pool.email_mfa_configuration is not None and bool(user.attribute("email"))
    return False


@dataclass(frozen=True, slots=True)
class MfaCodes:
    """Sends the codes of SMS_MFA and EMAIL_OTP and checks every second factor's code."""

    sender: CodeSender
    clock: Clock

    def send(
        self,
        pool: Pool,
        user: User,
        method: MfaMethod,
        *,
        client_id: str | None,
        client_metadata: dict[str, str] | None,
    ) -> dict[str, str]:
        """Send `method`'s code; the delivery details (masked Destination, DeliveryMedium)."""
        attribute, medium = _DELIVERY[method]
        destination = user.attribute(attribute) or ""
        return self.sender.send_to(
            pool,
            user,
            "mfa",
            destination,
            medium,
            attribute,
            source="CustomMessage_Authentication",
            client_id=client_id,
            client_metadata=client_metadata,
        )

    def check(self, pool: Pool, user: User, method: MfaMethod, code: str) -> None:
        """Accept the code of `method` once, else CodeMismatchException (ExpiredCodeException
        for a sent code past its validity)."""
        if method == "SOFTWARE_TOKEN_MFA":
            self._check_totp(user, code)
            return
        redeem_sign_in_code(self.sender.codes, pool, user, "mfa", code)
        if method == "SMS_MFA":
            user.set_attributes([{"Name": "phone_number_verified", "Value": "true"}])

    def _check_totp(self, user: User, code: str) -> None:
        secret = user.totp_secret
        step = totp.matching_step(secret, code, self.clock.now()) if secret else None
        last = user.totp_last_step
        if step is None or (last is not None and step <= last):
            raise CodeMismatchException(MFA_CODE_MISMATCH)
        user.totp_last_step = step


def redeem_sign_in_code(
    codes: CodeBook, pool: Pool, user: User, purpose: Purpose, code: str
) -> None:
    """Accept a code sent to sign `user` in (an MFA code, or a passwordless one-time password)
    once; a wrong one is answered with the sign-in's message, not the verification codes'."""
    try:
        codes.redeem(pool.id, user.username, purpose, code)
    except CodeMismatchException:
        raise CodeMismatchException(MFA_CODE_MISMATCH) from None


def turn_on_set_up_method(user: User, method: Literal["SOFTWARE_TOKEN_MFA", "EMAIL_OTP"]) -> None:
    """A method the user set up while signing in (MFA_SETUP: an authenticator app, or an email
    address) is on from then, and preferred when they had no preference."""
    if method == "EMAIL_OTP":
        user.email_mfa_enabled = True
    else:
        user.software_token_mfa_enabled = True
    if user.preferred_mfa is None:
        user.preferred_mfa = method
