"""What a pool's and an app client's settings allow, read as Cognito reads them.

Password policy, which auth flows a client may use, where codes go (verification and recovery
channels), whether a client hides which users exist, which attributes it may read. Each answer
comes from the settings the pool or client was created with, under the API's own names.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from cognito_emulator.codes import Medium
from cognito_emulator.exceptions import InvalidParameterException, InvalidPasswordException
from cognito_emulator.moto_adapter import AppClient, Pool, User
from cognito_emulator.srp import DEFAULT_AUTH_SESSION_MINUTES

USER_AUTH_FLOWS = frozenset(
    {
        "USER_SRP_AUTH",
        "REFRESH_TOKEN_AUTH",
        "REFRESH_TOKEN",
        "CUSTOM_AUTH",
        "USER_PASSWORD_AUTH",
        "USER_AUTH",
    }
)
ADMIN_AUTH_FLOWS = frozenset(
    {
        "ADMIN_NO_SRP_AUTH",
        "ADMIN_USER_PASSWORD_AUTH",
        "REFRESH_TOKEN_AUTH",
        "REFRESH_TOKEN",
        "USER_SRP_AUTH",
        "CUSTOM_AUTH",
        "USER_AUTH",
    }
)
ALL_AUTH_FLOWS = (
    "USER_SRP_AUTH",
    "REFRESH_TOKEN_AUTH",
    "REFRESH_TOKEN",
    "CUSTOM_AUTH",
    "ADMIN_NO_SRP_AUTH",
    "USER_PASSWORD_AUTH",
    "ADMIN_USER_PASSWORD_AUTH",
    "USER_AUTH",
)
REFRESH_FLOWS = frozenset({"REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"})
ADMIN_PASSWORD_FLOWS = frozenset({"ADMIN_NO_SRP_AUTH", "ADMIN_USER_PASSWORD_AUTH"})
# Which ExplicitAuthFlows values (current ALLOW_* name first, then the legacy name) enable a flow.
FLOW_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "USER_PASSWORD_AUTH": ("ALLOW_USER_PASSWORD_AUTH", "USER_PASSWORD_AUTH"),
    "ADMIN_USER_PASSWORD_AUTH": ("ALLOW_ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"),
    "ADMIN_NO_SRP_AUTH": ("ALLOW_ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"),
    "REFRESH_TOKEN_AUTH": ("ALLOW_REFRESH_TOKEN_AUTH",),
    "REFRESH_TOKEN": ("ALLOW_REFRESH_TOKEN_AUTH",),
    "USER_SRP_AUTH": ("ALLOW_USER_SRP_AUTH",),
    "CUSTOM_AUTH": ("ALLOW_CUSTOM_AUTH", "CUSTOM_AUTH_FLOW_ONLY"),
    # Choice-based sign-in has no legacy name. CreateUserPoolClient takes ALLOW_USER_AUTH as it
    # takes every value of botocore's ExplicitAuthFlowsType (validation.py; moto stores it).
    "USER_AUTH": ("ALLOW_USER_AUTH",),
}
# A client created without ExplicitAuthFlows gets these, as in Cognito.
DEFAULT_EXPLICIT_AUTH_FLOWS = (
    "ALLOW_REFRESH_TOKEN_AUTH",
    "ALLOW_USER_SRP_AUTH",
    "ALLOW_CUSTOM_AUTH",
)
PASSWORD_SYMBOLS = frozenset("^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ")
LEGACY_RECOVERY = ("verified_phone_number", "verified_email")
_RECOVERY_ATTRIBUTES: dict[str, tuple[str, Medium]] = {
    "verified_email": ("email", "EMAIL"),
    "verified_phone_number": ("phone_number", "SMS"),
}
NO_RECOVERY_CHANNEL = (
    "Cannot reset password for the user as there is no registered/verified email or phone_number"
)


class Channel(NamedTuple):
    """Where a code goes: the address, how, and the attribute the address is in."""

    destination: str
    medium: Medium
    attribute: str


def is_true(value: str | None) -> bool:
    """A boolean attribute's value as Cognito reads it: "true" in any case."""
    return value is not None and value.lower() == "true"


def sign_up_allowed(pool: Pool) -> bool:
    """False when only administrators may create users (AllowAdminCreateUserOnly)."""
    settings = pool.settings.get("AdminCreateUserConfig") or {}
    return not settings.get("AllowAdminCreateUserOnly")


def check_password(pool: Pool, password: str) -> None:
    """The pool's PasswordPolicy with Cognito's messages (unset requirements are off)."""
    policy = (pool.settings.get("Policies") or {}).get("PasswordPolicy") or {}
    checks = (
        (len(password) >= int(policy.get("MinimumLength", 8)), "Password not long enough"),
        (
            not policy.get("RequireLowercase") or any(c.islower() for c in password),
            "Password must have lowercase characters",
        ),
        (
            not policy.get("RequireUppercase") or any(c.isupper() for c in password),
            "Password must have uppercase characters",
        ),
        (
            not policy.get("RequireNumbers") or any(c.isdigit() for c in password),
            "Password must have numeric characters",
        ),
        (
            not policy.get("RequireSymbols") or any(c in PASSWORD_SYMBOLS for c in password),
            "Password must have symbol characters",
        ),
    )
    for passed, problem in checks:
        if not passed:
            raise InvalidPasswordException(f"Password did not conform with policy: {problem}")


def check_auth_flow(client: AppClient, flow: str, operation_flows: frozenset[str]) -> None:
    """Refuse a flow the operation does not take or the client's ExplicitAuthFlows do not allow."""
    if flow not in ALL_AUTH_FLOWS:
        raise InvalidParameterException(
            f"1 validation error detected: Value '{flow}' at 'authFlow' failed to satisfy "
            f"constraint: Member must satisfy enum value set: [{', '.join(ALL_AUTH_FLOWS)}]"
        )
    if flow not in operation_flows:
        raise InvalidParameterException("Initiate Auth method not supported.")
    configured = client.settings.get("ExplicitAuthFlows") or DEFAULT_EXPLICIT_AUTH_FLOWS
    legacy = not any(value.startswith("ALLOW_") for value in configured)
    if legacy and (flow in REFRESH_FLOWS or flow == "USER_SRP_AUTH"):
        return  # legacy flow names always allow refresh and SRP
    if any(permission in configured for permission in FLOW_PERMISSIONS.get(flow, ())):
        return
    if flow in ADMIN_PASSWORD_FLOWS:
        raise InvalidParameterException("Auth flow not enabled for this client")
    raise InvalidParameterException(f"{flow} flow not enabled for this client")


def prevents_user_existence_errors(client: AppClient) -> bool:
    """PreventUserExistenceErrors defaults to LEGACY for clients created through the API."""
    return client.settings.get("PreventUserExistenceErrors") == "ENABLED"


def token_revocation_enabled(client: AppClient) -> bool:
    return client.settings.get("EnableTokenRevocation") is not False


def readable_attributes(client: AppClient, attributes: Mapping[str, str]) -> dict[str, str]:
    """The attributes the client may read: its ReadAttributes, else all but developer-only."""
    readable = client.settings.get("ReadAttributes")
    if readable:
        allowed = set(readable)
        return {name: value for name, value in attributes.items() if name in allowed}
    return {name: value for name, value in attributes.items() if not name.startswith("dev:")}


def auth_session_minutes(client: AppClient) -> float:
    """How long a challenge may wait for its answer (AuthSessionValidity, default 3 minutes)."""
    return float(client.settings.get("AuthSessionValidity") or DEFAULT_AUTH_SESSION_MINUTES)


def auto_verified_attributes(pool: Pool) -> list[str]:
    """The attributes (email, phone_number) the pool sends a code to verify."""
    return list(pool.settings.get("AutoVerifiedAttributes") or [])


def verification_channel(pool: Pool, user: User) -> Channel | None:
    """Where a sign-up code goes: an auto-verified attribute the user has (email first)."""
    auto_verified = auto_verified_attributes(pool)
    email = user.attribute("email")
    if "email" in auto_verified and email:
        return Channel(email, "EMAIL", "email")
    phone = user.attribute("phone_number")
    if "phone_number" in auto_verified and phone:
        return Channel(phone, "SMS", "phone_number")
    return None


def recovery_mechanisms(pool: Pool) -> list[str]:
    """AccountRecoverySetting's mechanisms by priority ("admin_only" first means no self-service);
    a pool without one uses Cognito's legacy order, phone first."""
    setting = pool.settings.get("AccountRecoverySetting") or {}
    mechanisms = setting.get("RecoveryMechanisms") or []
    if not mechanisms:
        return list(LEGACY_RECOVERY)
    ordered = sorted(mechanisms, key=lambda mechanism: mechanism.get("Priority", 0))
    return [str(mechanism.get("Name")) for mechanism in ordered]


def recovery_channel(pool: Pool, user: User) -> Channel:
    """Where a password-reset code goes: the first recovery mechanism whose attribute the user
    has and has verified. InvalidParameterException when there is none."""
    for mechanism in recovery_mechanisms(pool):
        if mechanism not in _RECOVERY_ATTRIBUTES:
            continue
        attribute, medium = _RECOVERY_ATTRIBUTES[mechanism]
        destination = user.attribute(attribute)
        if destination and is_true(user.attribute(f"{attribute}_verified")):
            return Channel(destination, medium, attribute)
    raise InvalidParameterException(NO_RECOVERY_CHANNEL)
