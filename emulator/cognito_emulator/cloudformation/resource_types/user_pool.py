"""AWS::Cognito::UserPool → CreateUserPool, UpdateUserPool and SetUserPoolMfaConfig.

Most properties are CreateUserPool's members under the same names (the resource schema cfn-lint
ships, cfnlint/data/schemas/resources/3f45f49035ecf454.json for AWS::Cognito::UserPool in
cfn-lint 1.51, against botocore's cognito-idp model). The others:
- UserPoolName is PoolName; a pool is found by it (`lookups`).
- EnabledMfas (SOFTWARE_TOKEN_MFA, SMS_MFA, EMAIL_OTP), EmailAuthenticationMessage and
  EmailAuthenticationSubject are SetUserPoolMfaConfig's, the one operation that names the MFA
  methods; CreateUserPool and UpdateUserPool name only OFF / ON / OPTIONAL. So MFA is set by
  SetUserPoolMfaConfig after the pool is created, and before an update, so that an update asking
  for OPTIONAL finds a method enabled. SMS MFA takes SmsAuthenticationMessage and
  SmsConfiguration, email MFA the two email properties.
- WebAuthnRelyingPartyID, WebAuthnUserVerification and WebAuthnFactorConfiguration are not
  supported: the emulator has no passkeys.

An update sends every property UpdateUserPool takes, because "if you don't provide a value for
an attribute, Amazon Cognito sets it to its default value" (UpdateUserPool, API reference);
what only CreateUserPool takes (Schema, UsernameConfiguration, AliasAttributes,
UsernameAttributes) stays as the pool was created.

Attributes (Fn::GetAtt): Arn, ProviderName (cognito-idp.REGION.amazonaws.com/ID), ProviderURL
(https:// and the provider name: the tokens' issuer), UserPoolId. Ref: the pool's id.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from botocore.model import Shape, StructureShape

from cognito_emulator.cloudformation.api_shapes import member_shape
from cognito_emulator.cloudformation.cognito_calls import CognitoCall
from cognito_emulator.cloudformation.errors import TemplateError
from cognito_emulator.cloudformation.lookups import Lookups
from cognito_emulator.cloudformation.resource_types.base import (
    Applied,
    Found,
    ResourceType,
    default_name,
    without,
)
from cognito_emulator.cloudformation.stack import Change
from cognito_emulator.validation import input_shapes

SAME_AS_THE_API = (
    "AccountRecoverySetting",
    "AdminCreateUserConfig",
    "AliasAttributes",
    "AutoVerifiedAttributes",
    "DeletionProtection",
    "DeviceConfiguration",
    "EmailConfiguration",
    "EmailVerificationMessage",
    "EmailVerificationSubject",
    "LambdaConfig",
    "MfaConfiguration",
    "Policies",
    "Schema",
    "SmsAuthenticationMessage",
    "SmsConfiguration",
    "SmsVerificationMessage",
    "UserAttributeUpdateSettings",
    "UserPoolAddOns",
    "UserPoolTags",
    "UserPoolTier",
    "UsernameAttributes",
    "UsernameConfiguration",
    "VerificationMessageTemplate",
)
ENABLED_MFAS = ("SOFTWARE_TOKEN_MFA", "SMS_MFA", "EMAIL_OTP")
EMAIL_MFA_MEMBERS = {
    "EmailAuthenticationMessage": "Message",
    "EmailAuthenticationSubject": "Subject",
}
MFA_PROPERTIES = ("MfaConfiguration", "EnabledMfas", *EMAIL_MFA_MEMBERS)


class UserPool(ResourceType):
    name = "AWS::Cognito::UserPool"
    attributes = ("Arn", "ProviderName", "ProviderURL", "UserPoolId")
    in_pool = False

    def property_shapes(self) -> Mapping[str, Shape | None]:
        return _property_shapes()

    def special_value(self, name: str, value: Any, where: str) -> Any:
        if not isinstance(value, list) or not all(item in ENABLED_MFAS for item in value):
            raise TemplateError(f"{where}: a list of {', '.join(ENABLED_MFAS)}, got {value!r}")
        return value

    def identity(
        self, logical_id: str, properties: Mapping[str, Any], stack_name: str
    ) -> tuple[Any, ...]:
        return (properties.get("UserPoolName", default_name(stack_name, logical_id)),)

    def find(
        self, identity: tuple[Any, ...], properties: Mapping[str, Any], lookups: Lookups
    ) -> Found | None:
        pool = lookups.pool_named(identity[0])
        return None if pool is None else Found(pool["Id"], pool, _attributes(pool))

    def create(
        self,
        identity: tuple[Any, ...],
        properties: Mapping[str, Any],
        call: CognitoCall,
        lookups: Lookups,
    ) -> Applied:
        request = {
            "PoolName": identity[0],
            **without(properties, "UserPoolName", *MFA_PROPERTIES),
        }
        pool = call("CreateUserPool", request)["UserPool"]
        lookups.created(pool["Id"])
        if _sets_mfa(properties):
            call("SetUserPoolMfaConfig", _mfa_request(pool["Id"], properties))
        return Applied(pool["Id"], Change.CREATED, _attributes(pool))

    def update(
        self,
        found: Found,
        identity: tuple[Any, ...],
        properties: Mapping[str, Any],
        call: CognitoCall,
    ) -> Applied:
        if _sets_mfa(properties):
            call("SetUserPoolMfaConfig", _mfa_request(found.physical_id, properties))
        updatable = _updatable()
        request = {
            "UserPoolId": found.physical_id,
            **{key: value for key, value in properties.items() if key in updatable},
        }
        call("UpdateUserPool", request)
        return Applied(found.physical_id, Change.UPDATED, found.attributes)


@functools.cache
def _property_shapes() -> dict[str, Shape | None]:
    email_mfa = member_shape("SetUserPoolMfaConfig", "EmailMfaConfiguration")
    assert isinstance(email_mfa, StructureShape)
    return {
        **{name: member_shape("CreateUserPool", name) for name in SAME_AS_THE_API},
        "UserPoolName": member_shape("CreateUserPool", "PoolName"),
        "EnabledMfas": None,
        **{name: email_mfa.members[member] for name, member in EMAIL_MFA_MEMBERS.items()},
    }


@functools.cache
def _updatable() -> frozenset[str]:
    """The properties UpdateUserPool takes: the pool's name is what it is found by."""
    update = input_shapes()["UpdateUserPool"]
    assert update is not None
    return frozenset(SAME_AS_THE_API) & frozenset(update.members)


def _sets_mfa(properties: Mapping[str, Any]) -> bool:
    return any(name in properties for name in MFA_PROPERTIES)


def _mfa_request(pool_id: str, properties: Mapping[str, Any]) -> dict[str, Any]:
    """SetUserPoolMfaConfig: MfaConfiguration (OFF unless given) and the EnabledMfas' settings;
    an authenticator app (TOTP) is turned off when not listed."""
    enabled = properties.get("EnabledMfas", [])
    request: dict[str, Any] = {
        "UserPoolId": pool_id,
        "MfaConfiguration": properties.get("MfaConfiguration", "OFF"),
        "SoftwareTokenMfaConfiguration": {"Enabled": "SOFTWARE_TOKEN_MFA" in enabled},
    }
    if "SMS_MFA" in enabled:
        request["SmsMfaConfiguration"] = {
            member: properties[member]
            for member in ("SmsAuthenticationMessage", "SmsConfiguration")
            if member in properties
        }
    if "EMAIL_OTP" in enabled:
        request["EmailMfaConfiguration"] = {
            member: properties[name]
            for name, member in EMAIL_MFA_MEMBERS.items()
            if name in properties
        }
    return request


def _attributes(pool: Mapping[str, Any]) -> dict[str, Any]:
    """Fn::GetAtt's answers for a pool as CreateUserPool or DescribeUserPool describe it."""
    pool_id = pool["Id"]
    region = pool_id.partition("_")[0]
    provider = f"cognito-idp.{region}.amazonaws.com/{pool_id}"
    return {
        "Arn": pool["Arn"],
        "ProviderName": provider,
        "ProviderURL": f"https://{provider}",
        "UserPoolId": pool_id,
    }
