"""moto's backend as the emulator runs it: private (outside moto's BackendDict), with
Cognito-shaped pool ids, no bundled signing key, and the lookups of pools and users noticed
(`touched`) so that durable state knows what a call may have changed (`state/`)."""

from __future__ import annotations

import contextlib
import datetime
import functools
import inspect
import json
import types
from collections import OrderedDict
from collections.abc import Callable, Container, Iterator
from typing import Any, TypeVar

from moto.cognitoidp.models import (
    CognitoIdpBackend,
    CognitoIdpUser,
    CognitoIdpUserPool,
    CognitoIdpUserPoolDomain,
    RegionAgnosticBackend,
)
from moto.cognitoidp.responses import CognitoIdpResponse
from moto.core.exceptions import JsonRESTError, ServiceException
from moto.core.utils import camelcase_to_underscores

from cognito_emulator.exceptions import InvalidParameterException, error_for_code
from cognito_emulator.state.records import RecordKey, Touched

EMULATOR_ACCOUNT_ID = "000000000000"
# CreateUserPool members UpdateUserPool has none of: they stay as the pool was created.
CREATE_ONLY_POOL_SETTINGS = ("UsernameConfiguration", "UsernameAttributes", "AliasAttributes")
NewPoolId = Callable[[str, str, Container[str]], str]
POOL_RECORD = "pool"
V = TypeVar("V")


def pool_key(pool_id: str) -> RecordKey:
    return (POOL_RECORD, pool_id)


def user_key(pool_id: str, username: str) -> RecordKey:
    return (POOL_RECORD, pool_id, "user", username)


@contextlib.contextmanager
def cognito_errors() -> Iterator[None]:
    """Raise moto's errors as the CognitoError of the same code."""
    try:
        yield
    except JsonRESTError as error:
        code = (error.error_type or "InternalErrorException").split("#")[-1]
        raise error_for_code(code, error.message) from error
    except ServiceException as error:
        raise error_for_code(str(error.code), str(error.message)) from error


# -- what a call looks up, noticed --------------------------------------------------------------
# moto and the emulator's flows reach a pool through `user_pools` (moto's describe_user_pool, the
# adapter's lookups) and a user through a pool's `users` or moto's `_get_user`: whatever a call
# changes, it looked up there first. Iterating does not count: what is found by scanning is
# looked up again by key before it is changed (`_get_user` below, `usernames.UserDirectory`).


class NoticedLookups(OrderedDict[str, V]):
    """Pools by id, or a pool's users by username: noting the record of each one looked up,
    stored or removed (`record_key` names it from the dict's key)."""

    def __init__(self, record_key: Callable[[str], RecordKey], touched: Touched) -> None:
        super().__init__()
        self.record_key = record_key
        self.touched = touched

    def __getitem__(self, key: str) -> V:
        self.touched.add(self.record_key(key))
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        self.touched.add(self.record_key(key))
        return super().get(key, default)

    def __setitem__(self, key: str, value: V) -> None:
        self.touched.add(self.record_key(key))
        super().__setitem__(key, value)

    def __delitem__(self, key: str) -> None:
        self.touched.add(self.record_key(key))
        super().__delitem__(key)


def noticed_users(pool_id: str, touched: Touched) -> NoticedLookups[CognitoIdpUser]:
    return NoticedLookups(functools.partial(user_key, pool_id), touched)


class NoticedDomains(OrderedDict[str, CognitoIdpUserPoolDomain]):
    """The backend's domains; storing or removing one changes its pool's record."""

    def __init__(self, touched: Touched) -> None:
        super().__init__()
        self.touched = touched

    def __setitem__(self, domain: str, found: CognitoIdpUserPoolDomain) -> None:
        self.touched.add(pool_key(found.user_pool_id))
        super().__setitem__(domain, found)

    def __delitem__(self, domain: str) -> None:
        self.touched.add(pool_key(super().__getitem__(domain).user_pool_id))
        super().__delitem__(domain)


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


class PrivatePool(CognitoIdpUserPool):
    """A moto pool of the private backend, with a Cognito-shaped id and no signing key."""

    def __init__(
        self, backend: PrivateBackend, pool_id: str, name: str, extended_config: dict[str, Any]
    ) -> None:
        _POOL_INIT_WITHOUT_BUNDLED_KEY(
            self, backend.account_id, backend.region_name, name, extended_config
        )
        del self.json_web_key  # never loaded (see above), and never to be used
        self.arn = self.arn.removesuffix(self.id) + pool_id
        self.id = pool_id
        self._backend = backend
        self.users = noticed_users(pool_id, backend.touched)

    @property
    def backend(self) -> CognitoIdpBackend:
        return self._backend

    def _get_user(self, username: str) -> CognitoIdpUser:
        """moto's lookup (by username, or by scanning for an email or phone alias), noticed."""
        user = super()._get_user(username)
        if user is not None:
            self._backend.touched.add(user_key(self.id, user.username))
        return user


class PrivateDomain(CognitoIdpUserPoolDomain):
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


class PrivateBackend(CognitoIdpBackend):
    """The emulator's moto backend: not in moto's BackendDict, so mock_aws leaves it be."""

    def __init__(self, region: str, new_pool_id: NewPoolId, touched: Touched) -> None:
        super().__init__(region, EMULATOR_ACCOUNT_ID)
        self._new_pool_id = new_pool_id
        self.touched = touched
        self.user_pools: NoticedLookups[CognitoIdpUserPool] = NoticedLookups(pool_key, touched)
        self.user_pool_domains = NoticedDomains(touched)

    def create_user_pool(self, name: str, extended_config: dict[str, Any]) -> CognitoIdpUserPool:
        pool_id = self._new_pool_id(self.region_name, name, self.user_pools)
        pool = PrivatePool(self, pool_id, name, extended_config)
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

    def delete_group(self, user_pool_id: str, group_name: str) -> None:
        """moto takes the group from each member it iterates: note the members first."""
        group = self.describe_user_pool(user_pool_id).groups.get(group_name)
        for user in group.users if group is not None else ():
            self.touched.add(user_key(user_pool_id, user.username))
        super().delete_group(user_pool_id, group_name)


class OnlyBackend(RegionAgnosticBackend):
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


MOTO_OPERATIONS = frozenset(
    name
    for name, member in vars(CognitoIdpResponse).items()
    if inspect.isfunction(member) and not name.startswith("_")
)


class MotoRequest(CognitoIdpResponse):
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
        return OnlyBackend(self._backend)

    def _get_action(self) -> str:
        return self._operation

    def run(self) -> dict[str, Any]:
        result = getattr(self, camelcase_to_underscores(self._operation))()
        if result is None:
            return {}
        _, _, body = self.serialized(result)
        return json.loads(body) if body else {}
