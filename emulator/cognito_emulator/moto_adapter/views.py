"""The typed views the rest of the emulator reads and changes moto's state through."""

from __future__ import annotations

import secrets
from collections.abc import Iterator, Mapping
from typing import Any

from moto.cognitoidp.models import (
    CognitoIdpUser,
    CognitoIdpUserPool,
    CognitoIdpUserPoolClient,
    UserStatus,
)

from cognito_emulator.moto_adapter.private_backend import PrivateDomain


class User:
    """A user of a pool, as the emulator's flows read and change it."""

    __slots__ = ("_user",)

    def __init__(self, user: CognitoIdpUser) -> None:
        self._user = user

    @property
    def username(self) -> str:
        return str(self._user.username)

    @property
    def sub(self) -> str:
        return str(self._user.id)

    @property
    def password(self) -> str | None:
        return self._user.password

    @password.setter
    def password(self, password: str) -> None:
        self._user.password = password

    def has_password(self, password: str) -> bool:
        """Whether `password` is the user's, compared in constant time."""
        stored = self._user.password
        return stored is not None and secrets.compare_digest(stored.encode(), password.encode())

    @property
    def status(self) -> str:
        """UNCONFIRMED, CONFIRMED, FORCE_CHANGE_PASSWORD or RESET_REQUIRED."""
        return UserStatus(self._user.status).value

    @status.setter
    def status(self, status: str) -> None:
        self._user.status = UserStatus(status)

    @property
    def enabled(self) -> bool:
        return bool(self._user.enabled)

    @enabled.setter
    def enabled(self, enabled: bool) -> None:
        self._user.enabled = enabled

    @property
    def attributes(self) -> list[dict[str, str]]:
        """[{"Name", "Value"}, ...] in the order GetUser lists them."""
        return [dict(attribute) for attribute in self._user.attributes]

    def attribute(self, name: str) -> str | None:
        return self._user.attribute_lookup.get(name)

    def attribute_values(self) -> dict[str, str]:
        return dict(self._user.attribute_lookup)

    def set_attributes(self, attributes: list[dict[str, str]]) -> None:
        """Set attributes as they are, without moto's checks (for the `*_verified` flags)."""
        self._user.update_attributes(attributes)

    @property
    def group_names(self) -> tuple[str, ...]:
        return tuple(sorted(group.group_name for group in self._user.groups))

    @property
    def mfa_settings(self) -> list[str]:
        """The MFA methods the user has enabled, as GetUser's UserMFASettingList names them."""
        enabled = (
            ("SOFTWARE_TOKEN_MFA", self.software_token_mfa_enabled),
            ("SMS_MFA", self.sms_mfa_enabled),
            ("EMAIL_OTP", self.email_mfa_enabled),
        )
        return [name for name, on in enabled if on]

    # MFA state lives on moto's user, so that moto's AdminGetUser and ListUsers keep reporting
    # SMS and TOTP, and a user's state stays in one object; what moto lacks (email MFA, the TOTP
    # secrets, the replay guard, a temporary password's issue time) is kept in the same object
    # (`extras`).

    @property
    def preferred_mfa(self) -> str | None:
        """One of "SMS_MFA", "SOFTWARE_TOKEN_MFA", "EMAIL_OTP", or None."""
        return self._user.preferred_mfa_setting or None

    @preferred_mfa.setter
    def preferred_mfa(self, method: str | None) -> None:
        self._user.preferred_mfa_setting = method

    @property
    def sms_mfa_enabled(self) -> bool:
        return bool(self._user.sms_mfa_enabled)

    @sms_mfa_enabled.setter
    def sms_mfa_enabled(self, enabled: bool) -> None:
        self._user.sms_mfa_enabled = enabled

    @property
    def software_token_mfa_enabled(self) -> bool:
        return bool(self._user.software_token_mfa_enabled)

    @software_token_mfa_enabled.setter
    def software_token_mfa_enabled(self, enabled: bool) -> None:
        self._user.software_token_mfa_enabled = enabled

    @property
    def email_mfa_enabled(self) -> bool:
        return bool(extras(self._user).get("email_mfa_enabled", False))

    @email_mfa_enabled.setter
    def email_mfa_enabled(self, enabled: bool) -> None:
        extras(self._user)["email_mfa_enabled"] = enabled

    @property
    def totp_secret(self) -> str | None:
        """The secret in force for SOFTWARE_TOKEN_MFA: the one VerifySoftwareToken last
        accepted (a newer association waits in `pending_totp_secret`); None before any."""
        return extras(self._user).get("totp_secret")

    @totp_secret.setter
    def totp_secret(self, secret: str | None) -> None:
        extras(self._user)["totp_secret"] = secret

    @property
    def pending_totp_secret(self) -> str | None:
        """A secret AssociateSoftwareToken gave that VerifySoftwareToken has not accepted yet;
        `totp_secret` stays in force until it is."""
        return extras(self._user).get("pending_totp_secret")

    @pending_totp_secret.setter
    def pending_totp_secret(self, secret: str | None) -> None:
        extras(self._user)["pending_totp_secret"] = secret

    @property
    def totp_verified(self) -> bool:
        """Whether VerifySoftwareToken has accepted a code for `totp_secret`."""
        return bool(self._user.token_verified)

    @totp_verified.setter
    def totp_verified(self, verified: bool) -> None:
        self._user.token_verified = verified

    @property
    def totp_last_step(self) -> int | None:
        """The RFC 6238 time step of the last TOTP code accepted (a code is accepted once)."""
        return extras(self._user).get("totp_last_step")

    @totp_last_step.setter
    def totp_last_step(self, step: int | None) -> None:
        extras(self._user)["totp_last_step"] = step

    @property
    def temporary_password_issued_at(self) -> float | None:
        """When (emulator clock) the user's temporary password was set; None for a permanent one."""
        return extras(self._user).get("temporary_password_issued_at")

    @temporary_password_issued_at.setter
    def temporary_password_issued_at(self, at: float | None) -> None:
        extras(self._user)["temporary_password_issued_at"] = at


class AppClient:
    """An app client of a pool."""

    __slots__ = ("_client",)

    def __init__(self, client: CognitoIdpUserPoolClient) -> None:
        self._client = client

    @property
    def id(self) -> str:
        return str(self._client.id)

    @property
    def secret(self) -> str | None:
        """The client secret, None for a client created without one."""
        return str(self._client.secret) if self._client.generate_secret else None

    @property
    def settings(self) -> Mapping[str, Any]:
        """The client's settings under CreateUserPoolClient's names (ExplicitAuthFlows, ...)."""
        return self._client.extended_config


class Domain:
    """A pool's domain: a prefix such as `my-app`, or a custom domain such as `auth.example.com`."""

    __slots__ = ("_domain",)

    def __init__(self, domain: PrivateDomain) -> None:
        self._domain = domain

    @property
    def name(self) -> str:
        return str(self._domain.domain)

    @property
    def pool_id(self) -> str:
        return str(self._domain.user_pool_id)

    @property
    def custom_domain_config(self) -> dict[str, Any]:
        """CreateUserPoolDomain's CustomDomainConfig; empty for a prefix domain."""
        return dict(self._domain.custom_domain_config)

    @custom_domain_config.setter
    def custom_domain_config(self, config: dict[str, Any]) -> None:
        self._domain.custom_domain_config = dict(config)

    @property
    def managed_login_version(self) -> int:
        """1: the classic hosted UI, 2: managed login."""
        return self._domain.managed_login_version

    @managed_login_version.setter
    def managed_login_version(self, version: int) -> None:
        self._domain.managed_login_version = version

    @property
    def version(self) -> str:
        """When the domain was set up, as DescribeUserPoolDomain's Version (YYYYMMDDhhmmss)."""
        return self._domain.version


class Pool:
    """A user pool: its settings, app clients and users."""

    __slots__ = ("_pool",)

    def __init__(self, pool: CognitoIdpUserPool) -> None:
        self._pool = pool

    @property
    def id(self) -> str:
        return str(self._pool.id)

    @property
    def settings(self) -> Mapping[str, Any]:
        """The pool's settings under CreateUserPool's names (Policies, UsernameAttributes, ...)."""
        return self._pool.extended_config

    @property
    def username_attributes(self) -> list[str]:
        """The attributes (email, phone_number) that stand in for a username, if any."""
        return self._pool.extended_config.get("UsernameAttributes") or []

    @property
    def case_sensitive(self) -> bool:
        """False when created with UsernameConfiguration CaseSensitive=False (the API's default
        is case sensitive)."""
        configuration = self._pool.extended_config.get("UsernameConfiguration") or {}
        return configuration.get("CaseSensitive") is not False

    @property
    def domain(self) -> str | None:
        """The pool's domain (a prefix such as `my-app`, or a custom domain), None without one."""
        domain = self._pool.domain
        return str(domain.domain) if domain is not None else None

    @property
    def mfa_configuration(self) -> str:
        """One of "OFF", "ON" (MFA required) or "OPTIONAL"."""
        return str(self._pool.mfa_config or "OFF")

    @property
    def sms_mfa_configuration(self) -> dict[str, Any] | None:
        """SetUserPoolMfaConfig's SmsMfaConfiguration; None when SMS MFA is not set up."""
        return self._pool.sms_mfa_config or None

    @property
    def software_token_mfa_enabled(self) -> bool:
        return bool((self._pool.token_mfa_config or {}).get("Enabled"))

    @property
    def email_mfa_configuration(self) -> dict[str, Any] | None:
        """SetUserPoolMfaConfig's EmailMfaConfiguration; None when email MFA is not set up."""
        return extras(self._pool).get("email_mfa_config")

    def set_mfa_configuration(
        self,
        mfa_configuration: str,
        *,
        sms: dict[str, Any] | None,
        software_token_enabled: bool,
        email: dict[str, Any] | None,
    ) -> None:
        """Replace the pool's MFA settings (moto's fields, and email beside them)."""
        self._pool.mfa_config = mfa_configuration
        self._pool.extended_config["MfaConfiguration"] = mfa_configuration
        self._pool.sms_mfa_config = sms
        self._pool.token_mfa_config = {"Enabled": software_token_enabled}
        extras(self._pool)["email_mfa_config"] = email

    @property
    def allowed_first_auth_factors(self) -> list[str]:
        """Policies.SignInPolicy.AllowedFirstAuthFactors (USER_AUTH's first factors); Cognito's
        default is PASSWORD alone."""
        policies = self._pool.extended_config.get("Policies") or {}
        sign_in_policy = policies.get("SignInPolicy") or {}
        return list(sign_in_policy.get("AllowedFirstAuthFactors") or ["PASSWORD"])

    def set_lambda_config(self, lambda_config: dict[str, Any]) -> None:
        """Replace the pool's LambdaConfig alone (UpdateUserPool would reset every setting the
        request leaves out)."""
        self._pool.extended_config["LambdaConfig"] = lambda_config

    def resource_server_scopes(self) -> frozenset[str]:
        """Every `{resource server identifier}/{scope name}` the pool's resource servers define."""
        return frozenset(
            f"{server.identifier}/{scope['ScopeName']}"
            for server in self._pool.resource_servers.values()
            for scope in server.scopes or ()
        )

    def identity_provider_names(self) -> frozenset[str]:
        """The names of the pool's third-party identity providers (CreateIdentityProvider)."""
        return frozenset(self._pool.identity_providers)

    def client(self, client_id: str) -> AppClient | None:
        client = self._pool.clients.get(client_id)
        return AppClient(client) if client is not None else None

    def user(self, username: str) -> User | None:
        """The user stored under exactly this username."""
        user = self._pool.users.get(username)
        return User(user) if user is not None else None

    def users(self) -> Iterator[User]:
        return (User(user) for user in self._pool.users.values())


def extras(model: CognitoIdpUser | CognitoIdpUserPool) -> dict[str, Any]:
    """The emulator's own state about a moto user or pool (what moto's model has no field for),
    kept in the model object itself so that it lives and dies with it."""
    extras: dict[str, Any] = vars(model).setdefault("emulator_state", {})
    return extras
