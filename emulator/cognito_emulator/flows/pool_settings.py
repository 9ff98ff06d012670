"""CreateUserPool and UpdateUserPool: the pool's triggers, MFA and sign-in policy checked first.

moto stores the rest of a pool's settings. Checked here, before moto creates or changes anything:
- LambdaConfig: ARNs well formed and PreTokenGeneration named consistently
  (`triggers.lambda_config`).
- MfaConfiguration: ON or OPTIONAL needs a method. At creation the only one a request can name is
  SMS, and Cognito answers InvalidParameterException "SMS configuration and Auto verification for
  phone_number are required when MFA is required/optional" without it (quoted in aws/aws-cdk#12075
  and aws-cloudformation/cloudformation-coverage-roadmap#2221; TOTP and email MFA come later by
  SetUserPoolMfaConfig). An update keeps the methods SetUserPoolMfaConfig set; as "if you don't
  provide a value for an attribute, Amazon Cognito sets it to its default value" (UpdateUserPool,
  API reference), an update without MfaConfiguration turns MFA OFF, and OFF forgets the methods.
  moto reads MfaConfiguration at creation only, so the pool's MFA is stored here after either.
- Policies.SignInPolicy.AllowedFirstAuthFactors (USER_AUTH's first factors): PASSWORD must be
  among them ("This must be true", aws-cdk-lib AllowedFirstAuthFactors.password), SOFTWARE_TOKEN
  must not ("SOFTWARE_TOKEN is not currently supported as a first auth factor",
  SignInPolicyType, API reference), SMS_OTP needs the pool's SmsConfiguration to send with (our
  rule: Cognito sends every SMS through that SNS role). EMAIL_OTP is accepted without an Amazon
  SES configuration (our choice: no record says Cognito asks for one), WEB_AUTHN is stored (a
  USER_AUTH sign-in answers that the emulator has no passkeys). The wordings are ours.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cognito_emulator.exceptions import InvalidParameterException
from cognito_emulator.flows.mfa_settings import checked_mfa_configuration
from cognito_emulator.moto_adapter import MotoAdapter, Pool
from cognito_emulator.triggers import lambda_config
from cognito_emulator.validation import required

SMS_MFA_NEEDS_SMS = (
    "SMS configuration and Auto verification for phone_number are required when MFA is "
    "required/optional"
)
FIRST_AUTH_FACTORS = ("PASSWORD", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN", "SOFTWARE_TOKEN")
PASSWORD_FACTOR_REQUIRED = "AllowedFirstAuthFactors must include PASSWORD."
SOFTWARE_TOKEN_NOT_A_FIRST_FACTOR = (
    "SOFTWARE_TOKEN is not supported as a first authentication factor in AllowedFirstAuthFactors."
)
SMS_OTP_NEEDS_SMS = "SMS_OTP in AllowedFirstAuthFactors requires the user pool's SmsConfiguration."


@dataclass(frozen=True, slots=True)
class PoolSettingsFlows:
    moto: MotoAdapter

    def create_user_pool(self, body: dict[str, Any]) -> dict[str, Any]:
        request = _checked(body)
        mfa_configuration = checked_mfa_configuration(body.get("MfaConfiguration", "OFF"))
        sms = _sms_mfa_of(body)
        if mfa_configuration != "OFF" and sms is None:
            raise InvalidParameterException(SMS_MFA_NEEDS_SMS)
        answer = self.moto.call("CreateUserPool", request)
        pool = self.moto.pool(answer["UserPool"]["Id"])
        _store_mfa(pool, mfa_configuration, sms)
        return answer

    def update_user_pool(self, body: dict[str, Any]) -> dict[str, Any]:
        pool = self.moto.pool(required(body, "UserPoolId"))
        request = _checked(body)
        mfa_configuration = checked_mfa_configuration(body.get("MfaConfiguration", "OFF"))
        sms = _sms_mfa_of(body) or pool.sms_mfa_configuration
        has_method = (
            sms is not None
            or pool.software_token_mfa_enabled
            or pool.email_mfa_configuration is not None
        )
        if mfa_configuration != "OFF" and not has_method:
            raise InvalidParameterException(SMS_MFA_NEEDS_SMS)
        answer = self.moto.call("UpdateUserPool", request)
        _store_mfa(pool, mfa_configuration, sms)
        return answer


def _checked(body: dict[str, Any]) -> dict[str, Any]:
    """The request for moto once its LambdaConfig and sign-in policy pass."""
    policies = body.get("Policies") or {}
    factors = (policies.get("SignInPolicy") or {}).get("AllowedFirstAuthFactors")
    if factors is not None:
        _check_first_auth_factors(factors, body)
    if "LambdaConfig" not in body:
        return body
    return {**body, "LambdaConfig": lambda_config.normalized(body["LambdaConfig"])}


def _check_first_auth_factors(factors: list[str], body: Mapping[str, Any]) -> None:
    unknown = [factor for factor in factors if factor not in FIRST_AUTH_FACTORS]
    if unknown:
        raise InvalidParameterException(
            f"1 validation error detected: Value '[{', '.join(factors)}]' at "
            "'policies.signInPolicy.allowedFirstAuthFactors' failed to satisfy constraint: "
            "Member must satisfy constraint: [Member must satisfy enum value set: "
            f"[{', '.join(FIRST_AUTH_FACTORS)}]]"
        )
    if "SOFTWARE_TOKEN" in factors:
        raise InvalidParameterException(SOFTWARE_TOKEN_NOT_A_FIRST_FACTOR)
    if "PASSWORD" not in factors:
        raise InvalidParameterException(PASSWORD_FACTOR_REQUIRED)
    if "SMS_OTP" in factors and not body.get("SmsConfiguration"):
        raise InvalidParameterException(SMS_OTP_NEEDS_SMS)


def _sms_mfa_of(body: Mapping[str, Any]) -> dict[str, Any] | None:
    """SMS MFA as CreateUserPool and UpdateUserPool set it up: the pool's SmsConfiguration (and
    SmsAuthenticationMessage), when phone numbers are verified automatically."""
    sms_configuration = body.get("SmsConfiguration")
    if not sms_configuration or "phone_number" not in (body.get("AutoVerifiedAttributes") or []):
        return None
    sms: dict[str, Any] = {"SmsConfiguration": sms_configuration}
    if body.get("SmsAuthenticationMessage"):
        sms["SmsAuthenticationMessage"] = body["SmsAuthenticationMessage"]
    return sms


def _store_mfa(pool: Pool, mfa_configuration: str, sms: dict[str, Any] | None) -> None:
    if mfa_configuration == "OFF":
        pool.set_mfa_configuration("OFF", sms=None, software_token_enabled=False, email=None)
        return
    pool.set_mfa_configuration(
        mfa_configuration,
        sms=sms,
        software_token_enabled=pool.software_token_mfa_enabled,
        email=pool.email_mfa_configuration,
    )
