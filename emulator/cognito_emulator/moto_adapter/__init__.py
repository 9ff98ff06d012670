"""The emulator's one door into moto: every import and touch of moto's classes is in this
package (`MotoAdapter` here; the typed views in `views`; moto's subclasses in
`private_backend`; pools and users as durable records in `records`).

moto keeps Cognito's state (pools, clients, users, groups, challenge sessions) and answers the
operations the emulator does not overlay. The rest of the emulator sees that state through the
small typed views (`Pool`, `AppClient`, `User`, `Domain`) and the methods of `MotoAdapter`,
never through moto's models.

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
- Durable state: the private backend notes every pool and user a call looks up (`touched`), and
  `record`/`records`/`restore` give them to `state/` as records and take them back.
`moto_boundary` checks every moto member this package relies on when the emulator starts.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from typing import Any

from moto.cognitoidp.models import CognitoIdpUser, CognitoResourceServer, UserStatus
from moto.cognitoidp.utils import validate_username_format
from moto.core.utils import camelcase_to_underscores

from cognito_emulator.exceptions import InvalidParameterException, ResourceNotFoundException
from cognito_emulator.moto_adapter import records
from cognito_emulator.moto_adapter.private_backend import (
    CREATE_ONLY_POOL_SETTINGS,
    EMULATOR_ACCOUNT_ID,
    MOTO_OPERATIONS,
    POOL_RECORD,
    MotoRequest,
    NewPoolId,
    PrivateBackend,
    PrivateDomain,
    cognito_errors,
)
from cognito_emulator.moto_adapter.views import AppClient, Domain, Pool, User
from cognito_emulator.state.records import RecordKey, Touched

__all__ = [
    "CREATE_ONLY_POOL_SETTINGS",
    "EMULATOR_ACCOUNT_ID",
    "AppClient",
    "Domain",
    "MotoAdapter",
    "NewPoolId",
    "Pool",
    "User",
]


class MotoAdapter:
    """moto's Cognito state and request handling, as the emulator uses them."""

    record_kinds = (POOL_RECORD,)
    persisted_types = records.PERSISTED_TYPES

    def __init__(self, region: str, *, new_pool_id: NewPoolId, touched: Touched) -> None:
        """`touched` collects the pools and users each call looks up (durable state)."""
        self._region = region
        self._new_pool_id = new_pool_id
        self._touched = touched
        self._backend = PrivateBackend(region, new_pool_id, touched)

    def reset(self) -> None:
        """Forget every pool, client, user and challenge session."""
        self._backend = PrivateBackend(self._region, self._new_pool_id, self._touched)

    # -- durable state (state/): a record per pool and per user -----------------------------------

    def record(self, key: RecordKey) -> dict[str, Any] | None:
        if len(key) == 2:
            return records.pool_record(self._backend, key[1])
        return records.user_record(self._backend, key[1], key[3])

    def records(self) -> Iterator[tuple[RecordKey, Any]]:
        return records.all_records(self._backend)

    def restore(self, stored: Mapping[RecordKey, Any]) -> None:
        self.reset()
        records.restore(self._backend, stored)

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
        return Domain(found) if isinstance(found, PrivateDomain) else None

    def serves(self, operation: str) -> bool:
        """Whether moto's request handler has this operation."""
        return camelcase_to_underscores(operation) in MOTO_OPERATIONS

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
        with cognito_errors():
            self._backend.admin_update_user_attributes(pool.id, user.username, attributes)

    def delete_attributes(self, pool: Pool, user: User, names: list[str]) -> None:
        with cognito_errors():
            self._backend.admin_delete_user_attributes(pool.id, user.username, names)

    def delete_user(self, pool: Pool, user: User) -> None:
        with cognito_errors():
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
        created = PrivateDomain(pool.id, domain, custom_domain_config, managed_login_version)
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
        with cognito_errors():
            return MotoRequest(self._backend, operation, body).run()

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
