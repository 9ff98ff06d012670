"""What the emulator relies on inside moto, checked when an EmulatorBackend is created.

`moto_adapter` subclasses moto's backend, user pool and user pool domain (overriding
`create_user_pool`, `update_user_pool`, `delete_user_pool` and `backend`), runs moto's pool
constructor without its bundled key, drives moto's request handler without HTTP, writes access
tokens, domains and resource servers where moto looks them up, and reads model attributes.
Durable state (`moto_adapter/records.py`) also relies on how moto finds users (`_get_user`),
deletes groups (from each member), and on the attributes linking pools, groups and users, which
it leaves out of records and rebuilds. moto is pinned to one minor version (pyproject:
>=5.2.5,<5.3); if an upgrade moves any of these, the emulator refuses to start with a message
naming what changed, rather than silently behaving differently.
"""

from __future__ import annotations

import importlib.metadata
import inspect
from collections.abc import Callable
from typing import Any

from packaging.specifiers import SpecifierSet
from packaging.version import InvalidVersion, Version

SUPPORTED_MOTO = SpecifierSet(">=5.2.5,<5.3")

# (module, class) -> names the class must have; a name may be a method, property or constant.
REQUIRED_MEMBERS: dict[tuple[str, str], tuple[str, ...]] = {
    ("moto.cognitoidp.models", "CognitoIdpBackend"): (
        "create_user_pool",
        "admin_update_user_attributes",
        "admin_delete_user_attributes",
        "admin_delete_user",
        "delete_user_pool",
        "update_user_pool",
        "describe_user_pool",
    ),
    ("moto.cognitoidp.models", "CognitoIdpUserPool"): ("backend", "domain", "_get_user"),
    ("moto.cognitoidp.models", "CognitoIdpUser"): ("update_attributes",),
    ("moto.cognitoidp.models", "RegionAgnosticBackend"): (
        "_find_backend_by_access_token",
        "_find_backend_by_access_token_or_session",
        "_find_backend_for_clientid",
    ),
    ("moto.cognitoidp.responses", "CognitoIdpResponse"): (
        "backend",
        "_get_region_agnostic_backend",
        "serialized",
        "_get_action",
        "sign_up",
        "initiate_auth",
        "get_user",
        "create_user_pool",
        "create_user_pool_client",
    ),
}

# Signatures of the moto callables the adapter calls or overrides.
REQUIRED_SIGNATURES: dict[tuple[str, str, str], tuple[str, ...]] = {
    ("moto.cognitoidp.models", "CognitoIdpBackend", "__init__"): (
        "self",
        "region_name",
        "account_id",
    ),
    ("moto.cognitoidp.models", "CognitoIdpBackend", "create_user_pool"): (
        "self",
        "name",
        "extended_config",
    ),
    ("moto.cognitoidp.models", "CognitoIdpBackend", "admin_delete_user"): (
        "self",
        "user_pool_id",
        "username",
    ),
    ("moto.cognitoidp.models", "CognitoIdpBackend", "admin_update_user_attributes"): (
        "self",
        "user_pool_id",
        "username",
        "attributes",
    ),
    ("moto.cognitoidp.models", "CognitoIdpUserPool", "__init__"): (
        "self",
        "account_id",
        "region",
        "name",
        "extended_config",
    ),
    ("moto.cognitoidp.models", "CognitoIdpBackend", "admin_delete_user_attributes"): (
        "self",
        "user_pool_id",
        "username",
        "attributes",
    ),
    ("moto.cognitoidp.models", "CognitoIdpUser", "__init__"): (
        "self",
        "user_pool_id",
        "username",
        "password",
        "status",
        "attributes",
    ),
    ("moto.cognitoidp.models", "RegionAgnosticBackend", "__init__"): (
        "self",
        "account_id",
        "region_name",
    ),
    # The adapter refuses to delete a pool that still has a domain, then lets moto delete it.
    ("moto.cognitoidp.models", "CognitoIdpBackend", "delete_user_pool"): (
        "self",
        "user_pool_id",
    ),
    # The adapter puts the create-only settings back into the configuration moto replaces.
    ("moto.cognitoidp.models", "CognitoIdpBackend", "update_user_pool"): (
        "self",
        "user_pool_id",
        "extended_config",
    ),
    # Durable state notices the users moto finds, and the members of a group moto deletes.
    ("moto.cognitoidp.models", "CognitoIdpUserPool", "_get_user"): ("self", "username"),
    ("moto.cognitoidp.models", "CognitoIdpBackend", "delete_group"): (
        "self",
        "user_pool_id",
        "group_name",
    ),
    # Domains the adapter creates are moto's, with the managed login version added.
    ("moto.cognitoidp.models", "CognitoIdpUserPoolDomain", "__init__"): (
        "self",
        "user_pool_id",
        "domain",
        "custom_domain_config",
    ),
}

# Instance attributes set in __init__ that the adapter reads or writes.
REQUIRED_INSTANCE_ATTRIBUTES: dict[tuple[str, str], tuple[str, ...]] = {
    ("moto.cognitoidp.models", "CognitoIdpBackend"): (
        "user_pools",
        "sessions",
        "user_pool_domains",
    ),
    ("moto.cognitoidp.models", "CognitoIdpUserPool"): (
        "id",
        "arn",
        "region",
        "account_id",
        "clients",
        "users",
        "extended_config",
        "mfa_config",
        "sms_mfa_config",
        "token_mfa_config",
        "access_tokens",
        "id_tokens",
        "refresh_tokens",
        "json_web_key",
        "resource_servers",
        "identity_providers",
        "groups",
    ),
    ("moto.cognitoidp.models", "CognitoIdpGroup"): ("group_name", "users"),
    ("moto.cognitoidp.models", "CognitoIdpUserPoolDomain"): (
        "user_pool_id",
        "domain",
        "custom_domain_config",
    ),
    ("moto.cognitoidp.models", "CognitoResourceServer"): ("identifier", "name", "scopes"),
    ("moto.cognitoidp.models", "CognitoIdpUserPoolClient"): (
        "id",
        "secret",
        "generate_secret",
        "extended_config",
    ),
    ("moto.cognitoidp.models", "CognitoIdpUser"): (
        "id",
        "username",
        "password",
        "status",
        "enabled",
        "attributes",
        "attribute_lookup",
        "groups",
        "software_token_mfa_enabled",
        "sms_mfa_enabled",
        "token_verified",
        "preferred_mfa_setting",
    ),
}

REQUIRED_USER_STATUSES = ("UNCONFIRMED", "CONFIRMED", "FORCE_CHANGE_PASSWORD", "RESET_REQUIRED")


class MotoBoundaryError(RuntimeError):
    """moto changed in a way the emulator's adapter depends on."""


def _fail(what: str) -> MotoBoundaryError:
    return MotoBoundaryError(
        f"moto changed under the Cognito emulator: {what}. The emulator supports moto "
        f"{SUPPORTED_MOTO}; update moto_adapter/ and moto_boundary.py "
        "(emulator/cognito_emulator/) for the new moto."
    )


def _load(module_name: str, class_name: str) -> Any:
    module = __import__(module_name, fromlist=[class_name])
    cls = getattr(module, class_name, None)
    if cls is None:
        raise _fail(f"{module_name}.{class_name} no longer exists")
    return cls


def check_version(version: str | None = None) -> None:
    installed = version if version is not None else importlib.metadata.version("moto")
    try:
        supported = SUPPORTED_MOTO.contains(Version(installed), prereleases=True)
    except InvalidVersion:
        supported = False
    if not supported:
        raise _fail(f"installed moto is {installed}")


def check_members() -> None:
    for (module_name, class_name), names in REQUIRED_MEMBERS.items():
        cls = _load(module_name, class_name)
        for name in names:
            if not hasattr(cls, name):
                raise _fail(f"{class_name}.{name} no longer exists")
    for (module_name, class_name, method), expected in REQUIRED_SIGNATURES.items():
        function: Callable[..., Any] | None = getattr(_load(module_name, class_name), method, None)
        if function is None:
            raise _fail(f"{class_name}.{method} no longer exists")
        parameters = tuple(inspect.signature(function).parameters)
        if parameters[: len(expected)] != expected:
            raise _fail(
                f"{class_name}.{method} takes ({', '.join(parameters)}), "
                f"expected ({', '.join(expected)})"
            )
    user_status = _load("moto.cognitoidp.models", "UserStatus")
    for status in REQUIRED_USER_STATUSES:
        if not hasattr(user_status, status):
            raise _fail(f"UserStatus.{status} no longer exists")
    pool_init = _load("moto.cognitoidp.models", "CognitoIdpUserPool").__init__
    if pool_init.__closure__ is not None or not {"jwk", "load_resource"} <= set(
        pool_init.__code__.co_names
    ):
        raise _fail(
            "CognitoIdpUserPool.__init__ no longer loads its bundled key through the module "
            "globals `load_resource` and `jwk` (the emulator runs it with those stubbed)"
        )
    samples = _sample_objects()
    for (_, class_name), names in REQUIRED_INSTANCE_ATTRIBUTES.items():
        instance = samples[class_name]
        for name in names:
            if not hasattr(instance, name):
                raise _fail(f"a {class_name} no longer has .{name}")


def _sample_objects() -> dict[str, Any]:
    """Real moto objects, from a throwaway backend that is not in moto's BackendDict."""
    backend = _load("moto.cognitoidp.models", "CognitoIdpBackend")("us-east-1", "000000000000")
    pool = backend.create_user_pool("moto-boundary-check", {})
    client = backend.create_user_pool_client(pool.id, True, {})
    user = backend.admin_create_user(pool.id, "moto-boundary-user", "SUPPRESS", "Passw0rd!", [])
    domain = backend.create_user_pool_domain(pool.id, "moto-boundary-check")
    server = backend.create_resource_server(pool.id, "boundary", "boundary", [])
    group = backend.create_group(pool.id, "boundary", "", None, None)
    return {
        "CognitoIdpBackend": backend,
        "CognitoIdpUserPool": pool,
        "CognitoIdpUserPoolClient": client,
        "CognitoIdpUser": user,
        "CognitoIdpUserPoolDomain": domain,
        "CognitoResourceServer": server,
        "CognitoIdpGroup": group,
    }


_checked = False


def check() -> None:
    """Run every check once per process (EmulatorBackend calls this on creation)."""
    global _checked
    if _checked:
        return
    check_version()
    check_members()
    _checked = True
