"""The emulator's one door into moto: every import and touch of moto's classes is here.

moto keeps Cognito's state (pools, clients, users, groups, challenge sessions) and answers the
operations the emulator does not overlay. The rest of the emulator sees that state through the
small typed views below (`Pool`, `AppClient`, `User`) and the methods of `MotoAdapter`, never
through moto's models.

- Isolation: the adapter runs a private moto backend (account 000000000000) that is not in
  moto's global BackendDict, so a test's own `mock_aws` neither sees nor resets the emulator's
  pools, and `reset()` wipes only ours. moto's classes are never patched.
- Sign-ins: the emulator answers every sign-in, challenge and refresh itself
  (flows/authentication.py, flows/sign_in_challenges.py), so moto's InitiateAuth,
  RespondToAuthChallenge and the tokens moto would mint are never used.
- moto's bundled signing key (one that ships with moto, so anyone can forge tokens with it) is
  never loaded: pools are built by moto's own constructor run with the key loading stubbed out,
  which also keeps the ~110 ms that importing that key costs off every CreateUserPool.
- UpdateUserPool: moto replaces the pool's whole configuration, so the backend puts back what
  only CreateUserPool sets (usernames' case sensitivity, username and alias attributes).
- Domains and resource servers: moto stores them (`user_pool_domains`, a pool's
  `resource_servers`) but has no UpdateResourceServer or DeleteResourceServer and keeps no
  managed login version, so the adapter writes that state itself; and its DeleteUserPool
  refuses a pool that still has a domain, as Cognito does.
`moto_boundary` checks every moto member this module relies on when the emulator starts.
"""

from __future__ import annotations

import contextlib
import datetime
import inspect
import json
import secrets
import types
import uuid
from collections.abc import Callable, Container, Iterator, Mapping
from typing import Any

from moto.cognitoidp.models import (
    CognitoIdpBackend,
    CognitoIdpUser,
    CognitoIdpUserPool,
    CognitoIdpUserPoolClient,
    CognitoIdpUserPoolDomain,
    CognitoResourceServer,
    RegionAgnosticBackend,
    UserStatus,
)
from moto.cognitoidp.responses import CognitoIdpResponse
from moto.cognitoidp.utils import validate_username_format
from moto.core.exceptions import JsonRESTError, ServiceException
from moto.core.utils import camelcase_to_underscores

from cognito_emulator.exceptions import (
    InvalidParameterException,
    ResourceNotFoundException,
    error_for_code,
)

EMULATOR_ACCOUNT_ID = "000000000000"
# CreateUserPool members UpdateUserPool has none of: they stay as the pool was created.
CREATE_ONLY_POOL_SETTINGS = ("UsernameConfiguration", "UsernameAttributes", "AliasAttributes")


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
    # (`_extras`).

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
        return bool(_extras(self._user).get("email_mfa_enabled", False))

    @email_mfa_enabled.setter
    def email_mfa_enabled(self, enabled: bool) -> None:
        _extras(self._user)["email_mfa_enabled"] = enabled

    @property
    def totp_secret(self) -> str | None:
        """The secret in force for SOFTWARE_TOKEN_MFA: the one VerifySoftwareToken last
        accepted (a newer association waits in `pending_totp_secret`); None before any."""
        return _extras(self._user).get("totp_secret")

    @totp_secret.setter
    def totp_secret(self, secret: str | None) -> None:
        _extras(self._user)["totp_secret"] = secret

    @property
    def pending_totp_secret(self) -> str | None:
        """A secret AssociateSoftwareToken gave that VerifySoftwareToken has not accepted yet;
        `totp_secret` stays in force until it is."""
        return _extras(self._user).get("pending_totp_secret")

    @pending_totp_secret.setter
    def pending_totp_secret(self, secret: str | None) -> None:
        _extras(self._user)["pending_totp_secret"] = secret

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
        return _extras(self._user).get("totp_last_step")

    @totp_last_step.setter
    def totp_last_step(self, step: int | None) -> None:
        _extras(self._user)["totp_last_step"] = step

    @property
    def temporary_password_issued_at(self) -> float | None:
        """When (emulator clock) the user's temporary password was set; None for a permanent one."""
        return _extras(self._user).get("temporary_password_issued_at")

    @temporary_password_issued_at.setter
    def temporary_password_issued_at(self, at: float | None) -> None:
        _extras(self._user)["temporary_password_issued_at"] = at


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

    def __init__(self, domain: _PrivateDomain) -> None:
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
        return _extras(self._pool).get("email_mfa_config")

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
        _extras(self._pool)["email_mfa_config"] = email

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


NewPoolId = Callable[[str, str, Container[str]], str]


class MotoAdapter:
    """moto's Cognito state and request handling, as the emulator uses them."""

    def __init__(self, region: str, *, new_pool_id: NewPoolId) -> None:
        self._region = region
        self._new_pool_id = new_pool_id
        self._backend = _PrivateBackend(region, new_pool_id)

    def reset(self) -> None:
        """Forget every pool, client, user and challenge session."""
        self._backend = _PrivateBackend(self._region, self._new_pool_id)

    # -- lookups ----------------------------------------------------------------------------------

    def find_pool(self, pool_id: str) -> Pool | None:
        pool = self._backend.user_pools.get(pool_id)
        return Pool(pool) if pool is not None else None

    def pool(self, pool_id: str) -> Pool:
        pool = self._backend.user_pools.get(pool_id)
        if pool is None:
            raise ResourceNotFoundException(f"User pool {pool_id} does not exist.")
        return Pool(pool)

    def pool_of_client(self, client_id: str) -> tuple[Pool, AppClient]:
        for pool in self._backend.user_pools.values():
            client = pool.clients.get(client_id)
            if client is not None:
                return Pool(pool), AppClient(client)
        raise ResourceNotFoundException(f"User pool client {client_id} does not exist.")

    def pool_ids(self) -> list[str]:
        return list(self._backend.user_pools)

    def pool_of_domain(self, domain: str) -> Pool | None:
        """The pool a domain (prefix or custom domain) belongs to, None for an unknown one."""
        found = self._backend.user_pool_domains.get(domain)
        if found is None:
            return None
        pool = self._backend.user_pools.get(found.user_pool_id)
        return Pool(pool) if pool is not None else None

    def find_domain(self, domain: str) -> Domain | None:
        found = self._backend.user_pool_domains.get(domain)
        return Domain(found) if isinstance(found, _PrivateDomain) else None

    def serves(self, operation: str) -> bool:
        """Whether moto's request handler has this operation."""
        return camelcase_to_underscores(operation) in _MOTO_OPERATIONS

    def sizes(self) -> dict[str, int]:
        """Pools, users, challenge sessions and tokens moto holds (to watch memory stay flat)."""
        pools = self._backend.user_pools.values()
        return {
            "pools": len(self._backend.user_pools),
            "users": sum(len(pool.users) for pool in pools),
            "moto_sessions": len(self._backend.sessions),
            "moto_stored_tokens": sum(
                len(pool.access_tokens) + len(pool.id_tokens) + len(pool.refresh_tokens)
                for pool in pools
            ),
        }

    # -- users ------------------------------------------------------------------------------------

    def new_user(
        self, pool: Pool, username: str, attributes: list[dict[str, str]]
    ) -> tuple[str, list[dict[str, str]]]:
        """The username and attributes SignUp stores for `username`, as moto makes them: in a
        pool whose usernames are emails or phone numbers, the value moves into that attribute
        and the username is a new sub (known before the user exists, for the PreSignUp event)."""
        alias_attributes = pool.username_attributes
        if not alias_attributes:
            return username, attributes
        for attribute in alias_attributes:
            if validate_username_format(username, _format=attribute):
                kept = [a for a in attributes if a.get("Name") != attribute]
                return str(uuid.uuid4()), [*kept, {"Name": attribute, "Value": username}]
        raise InvalidParameterException("Username should be either an email or a phone number.")

    def create_user(
        self,
        pool: Pool,
        username: str,
        password: str | None,
        attributes: list[dict[str, str]],
        *,
        status: str = "UNCONFIRMED",
        sms_mfa: bool = False,
    ) -> User:
        """A user as SignUp stores one (`new_user` gives its username and attributes), without
        moto's password policy: UNCONFIRMED for SignUp; a UserMigration function's user with the
        status it gave (CONFIRMED, RESET_REQUIRED), no password when migrated by ForgotPassword,
        and SMS MFA turned on when asked (`enableSMSMFA`). In a pool of email or phone usernames
        the username is also the sub."""
        user = CognitoIdpUser(
            user_pool_id=pool.id,
            username=username,
            password=password,
            status=UserStatus(status),
            attributes=attributes,
        )
        if pool.username_attributes:
            user.id = username
            user.update_attributes([{"Name": "sub", "Value": username}])
        if sms_mfa:
            user.sms_mfa_enabled = True
            user.preferred_mfa_setting = "SMS_MFA"
        pool._pool.users[user.username] = user
        return User(user)

    def update_attributes(self, pool: Pool, user: User, attributes: list[dict[str, str]]) -> None:
        """UpdateUserAttributes as moto checks and applies it."""
        with _cognito_errors():
            self._backend.admin_update_user_attributes(pool.id, user.username, attributes)

    def delete_attributes(self, pool: Pool, user: User, names: list[str]) -> None:
        with _cognito_errors():
            self._backend.admin_delete_user_attributes(pool.id, user.username, names)

    def delete_user(self, pool: Pool, user: User) -> None:
        with _cognito_errors():
            self._backend.admin_delete_user(pool.id, user.username)

    # -- domains and resource servers (moto stores them; these are what its handler lacks) --------

    def create_domain(
        self,
        pool: Pool,
        domain: str,
        *,
        custom_domain_config: dict[str, Any],
        managed_login_version: int,
    ) -> Domain:
        created = _PrivateDomain(pool.id, domain, custom_domain_config, managed_login_version)
        self._backend.user_pool_domains[domain] = created
        return Domain(created)

    def delete_domain(self, domain: Domain) -> None:
        del self._backend.user_pool_domains[domain.name]

    def update_resource_server(
        self, pool: Pool, identifier: str, name: str, scopes: list[dict[str, str]]
    ) -> None:
        """UpdateResourceServer (moto has none): replace the server's name and scopes."""
        server = self._resource_server(pool, identifier)
        server.name = name
        server.scopes = scopes

    def delete_resource_server(self, pool: Pool, identifier: str) -> None:
        """DeleteResourceServer (moto has none)."""
        self._resource_server(pool, identifier)
        del pool._pool.resource_servers[identifier]

    def _resource_server(self, pool: Pool, identifier: str) -> CognitoResourceServer:
        server = pool._pool.resource_servers.get(identifier)
        if server is None:
            raise ResourceNotFoundException(f"Resource server {identifier} does not exist.")
        return server

    # -- moto's own request handling --------------------------------------------------------------

    def call(self, operation: str, body: dict[str, Any]) -> dict[str, Any]:
        """moto's answer to a cognito-idp request (moto's errors as CognitoErrors)."""
        with _cognito_errors():
            return _MotoRequest(self._backend, operation, body).run()

    def call_with_access_token(
        self, operation: str, body: dict[str, Any], pool: Pool, client_id: str, user: User
    ) -> dict[str, Any]:
        """moto finds a token's user in the pool's `access_tokens`; the emulator never stores
        access tokens there, so a verified one is registered for the duration of the call."""
        token = body["AccessToken"]
        access_tokens = pool._pool.access_tokens
        access_tokens[token] = (client_id, user.username)
        try:
            return self.call(operation, body)
        finally:
            access_tokens.pop(token, None)


def _extras(model: CognitoIdpUser | CognitoIdpUserPool) -> dict[str, Any]:
    """The emulator's own state about a moto user or pool (what moto's model has no field for),
    kept in the model object itself so that it lives and dies with it."""
    extras: dict[str, Any] = vars(model).setdefault("emulator_state", {})
    return extras


@contextlib.contextmanager
def _cognito_errors() -> Iterator[None]:
    """Raise moto's errors as the CognitoError of the same code."""
    try:
        yield
    except JsonRESTError as error:
        code = (error.error_type or "InternalErrorException").split("#")[-1]
        raise error_for_code(code, error.message) from error
    except ServiceException as error:
        raise error_for_code(str(error.code), str(error.message)) from error


# -- moto subclasses ------------------------------------------------------------------------------


def _pool_init_without_bundled_key() -> Callable[..., None]:
    """moto's own CognitoIdpUserPool.__init__, run with `load_resource` and `jwk` resolving to
    stubs, so it skips importing moto's bundled private key: that import costs ~110 ms per pool
    (it recovers the RSA primes), measured with moto 5.2.5, for a key the emulator must never
    use. moto's code and module stay untouched."""
    original = CognitoIdpUserPool.__init__
    namespace = dict(original.__globals__)
    namespace["load_resource"] = lambda _path: {}
    namespace["jwk"] = types.SimpleNamespace(
        RSAKey=types.SimpleNamespace(import_key=lambda _data: None)
    )
    return types.FunctionType(
        original.__code__, namespace, original.__name__, original.__defaults__, None
    )


_POOL_INIT_WITHOUT_BUNDLED_KEY = _pool_init_without_bundled_key()


class _PrivatePool(CognitoIdpUserPool):
    """A moto pool of the private backend, with a Cognito-shaped id and no signing key."""

    def __init__(
        self, backend: _PrivateBackend, pool_id: str, name: str, extended_config: dict[str, Any]
    ) -> None:
        _POOL_INIT_WITHOUT_BUNDLED_KEY(
            self, backend.account_id, backend.region_name, name, extended_config
        )
        del self.json_web_key  # never loaded (see above), and never to be used
        self.arn = self.arn.removesuffix(self.id) + pool_id
        self.id = pool_id
        self._backend = backend

    @property
    def backend(self) -> CognitoIdpBackend:
        return self._backend


class _PrivateDomain(CognitoIdpUserPoolDomain):
    """A moto user pool domain that also keeps what DescribeUserPoolDomain reports and moto
    does not store: the managed login version and when the domain was set up."""

    def __init__(
        self,
        user_pool_id: str,
        domain: str,
        custom_domain_config: dict[str, Any],
        managed_login_version: int,
    ) -> None:
        super().__init__(user_pool_id, domain, custom_domain_config)
        self.managed_login_version = managed_login_version
        self.version = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d%H%M%S")


class _PrivateBackend(CognitoIdpBackend):
    """The emulator's moto backend: not in moto's BackendDict, so mock_aws leaves it be."""

    def __init__(self, region: str, new_pool_id: NewPoolId) -> None:
        super().__init__(region, EMULATOR_ACCOUNT_ID)
        self._new_pool_id = new_pool_id

    def create_user_pool(self, name: str, extended_config: dict[str, Any]) -> CognitoIdpUserPool:
        pool_id = self._new_pool_id(self.region_name, name, self.user_pools)
        pool = _PrivatePool(self, pool_id, name, extended_config)
        self.user_pools[pool.id] = pool
        return pool

    def update_user_pool(self, user_pool_id: str, extended_config: dict[str, Any]) -> None:
        """Cognito keeps what only CreateUserPool sets (how usernames compare, which attributes
        sign in); moto's update replaces the pool's whole configuration and would drop it."""
        current = self.describe_user_pool(user_pool_id).extended_config
        kept = {key: current[key] for key in CREATE_ONLY_POOL_SETTINGS if key in current}
        super().update_user_pool(user_pool_id, {**extended_config, **kept})

    def delete_user_pool(self, user_pool_id: str) -> None:
        """Cognito keeps a pool that still has a domain; moto would delete it and leave the
        domain pointing at nothing."""
        if self.describe_user_pool(user_pool_id).domain is not None:
            raise InvalidParameterException(
                "User pool cannot be deleted. It has a domain configured that should be "
                "deleted first."
            )
        super().delete_user_pool(user_pool_id)


class _OnlyBackend(RegionAgnosticBackend):
    """moto's region-agnostic lookups, confined to the emulator's backend."""

    def __init__(self, backend: CognitoIdpBackend) -> None:
        super().__init__(backend.account_id, backend.region_name)
        self._backend = backend

    def _find_backend_by_access_token(self, access_token: str) -> CognitoIdpBackend:
        return self._backend

    def _find_backend_by_access_token_or_session(
        self, access_token: str, session: str
    ) -> CognitoIdpBackend:
        return self._backend

    def _find_backend_for_clientid(self, client_id: str) -> CognitoIdpBackend:
        return self._backend


_MOTO_OPERATIONS = frozenset(
    name
    for name, member in vars(CognitoIdpResponse).items()
    if inspect.isfunction(member) and not name.startswith("_")
)


class _MotoRequest(CognitoIdpResponse):
    """moto's cognito-idp request handler fed a parsed body instead of an HTTP request."""

    def __init__(self, backend: CognitoIdpBackend, operation: str, body: dict[str, Any]) -> None:
        super().__init__()
        self._backend = backend
        self._operation = operation
        self.body = json.dumps(body)
        self.querystring = {}
        self.uri_match = {}
        self.headers = {"Content-Type": "application/x-amz-json-1.1"}
        self.response_headers = {}
        self.current_account = backend.account_id
        self.region = backend.region_name

    @property
    def backend(self) -> CognitoIdpBackend:
        return self._backend

    def _get_region_agnostic_backend(self) -> RegionAgnosticBackend:
        return _OnlyBackend(self._backend)

    def _get_action(self) -> str:
        return self._operation

    def run(self) -> dict[str, Any]:
        result = getattr(self, camelcase_to_underscores(self._operation))()
        if result is None:
            return {}
        _, _, body = self.serialized(result)
        return json.loads(body) if body else {}
