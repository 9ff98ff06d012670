"""moto's state as durable records (`state/`): one per pool, one per user.

A pool's record is its moto object's attributes (settings, clients, groups, resource servers,
identity providers, MFA, the emulator's extras) with its domains, but without its users, whom
it would otherwise carry into every change; a user's record is its object's attributes, its
groups by name. moto's token stores (`access_tokens`, ...) are left out: the emulator never
keeps tokens there (`MotoAdapter.call_with_access_token`).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Mapping
from typing import Any

from moto.cognitoidp.models import (
    CognitoIdpGroup,
    CognitoIdpIdentityProvider,
    CognitoIdpUser,
    CognitoIdpUserPool,
    CognitoIdpUserPoolAttribute,
    CognitoIdpUserPoolClient,
    CognitoResourceServer,
    UserStatus,
)

from cognito_emulator.moto_adapter.private_backend import (
    PrivateBackend,
    PrivateDomain,
    PrivatePool,
    noticed_users,
    pool_key,
    user_key,
)
from cognito_emulator.state.records import RecordKey

# Pool attributes that are not settings: rebuilt on restore, never written.
POOL_LINKS = ("users", "groups", "_backend", "access_tokens", "id_tokens", "refresh_tokens")
PERSISTED_TYPES: tuple[type, ...] = (
    CognitoIdpUserPoolClient,
    CognitoIdpUserPoolAttribute,
    CognitoIdpIdentityProvider,
    CognitoResourceServer,
    PrivateDomain,
    UserStatus,
)


def pool_record(backend: PrivateBackend, pool_id: str) -> dict[str, Any] | None:
    pool = OrderedDict.get(backend.user_pools, pool_id)  # plain dict reads: not a lookup to notice
    if pool is None:
        return None
    record = {name: value for name, value in vars(pool).items() if name not in POOL_LINKS}
    record["groups"] = [
        {name: value for name, value in vars(group).items() if name != "users"}
        for group in pool.groups.values()
    ]
    record["domains"] = [
        domain for domain in backend.user_pool_domains.values() if domain.user_pool_id == pool_id
    ]
    return dict(sorted(record.items()))  # the same bytes however the object's fields are ordered


def user_record(backend: PrivateBackend, pool_id: str, username: str) -> dict[str, Any] | None:
    pool = OrderedDict.get(backend.user_pools, pool_id)
    user = OrderedDict.get(pool.users, username) if pool is not None else None
    if user is None:
        return None
    record = {name: value for name, value in vars(user).items() if name != "groups"}
    record["groups"] = sorted(group.group_name for group in user.groups)
    return dict(sorted(record.items()))


def all_records(backend: PrivateBackend) -> Iterator[tuple[RecordKey, Any]]:
    # Iterating is not a lookup: nothing is noted as touched.
    for pool_id, pool in list(backend.user_pools.items()):
        yield pool_key(pool_id), pool_record(backend, pool_id)
        for username in list(pool.users):
            yield user_key(pool_id, username), user_record(backend, pool_id, username)


def restore(backend: PrivateBackend, records: Mapping[RecordKey, Any]) -> None:
    """Rebuild the pools, then their users, in the order they were first stored."""
    for key, record in records.items():
        if len(key) == 2:
            _restore_pool(backend, record)
    for key, record in records.items():
        if len(key) == 4:
            pool = OrderedDict.get(backend.user_pools, key[1])
            if pool is not None:
                _restore_user(pool, record)


def _restore_pool(backend: PrivateBackend, record: Mapping[str, Any]) -> None:
    pool = object.__new__(PrivatePool)  # moto's BaseModel.__new__ would register it
    settings = {n: v for n, v in record.items() if n not in ("groups", "domains")}
    vars(pool).update(settings)
    pool._backend = backend
    pool.users = noticed_users(pool.id, backend.touched)
    pool.access_tokens, pool.id_tokens, pool.refresh_tokens = {}, {}, {}
    pool.groups = OrderedDict()
    for group_record in record["groups"]:
        group = object.__new__(CognitoIdpGroup)
        vars(group).update(group_record)
        group.users = set()
        pool.groups[group.group_name] = group
    OrderedDict.__setitem__(backend.user_pools, pool.id, pool)
    for domain in record["domains"]:
        OrderedDict.__setitem__(backend.user_pool_domains, domain.domain, domain)


def _restore_user(pool: CognitoIdpUserPool, record: Mapping[str, Any]) -> None:
    user = object.__new__(CognitoIdpUser)
    vars(user).update({n: v for n, v in record.items() if n != "groups"})
    user.groups = set()
    for name in record["groups"]:
        group = pool.groups.get(name)
        if group is not None:
            group.users.add(user)
            user.groups.add(group)
    OrderedDict.__setitem__(pool.users, user.username, user)
