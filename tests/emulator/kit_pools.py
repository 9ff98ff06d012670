"""Pools like the kit's that differ on purpose (the MFA methods, how usernames work), deployed
from the kit's template itself, so that they cannot drift from it in anything else: its pool
and app client alone (no resource server, domain, machine client or group), the pool's
properties changed as a test asks."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.cloudformation import Template, template_from_body
from cognito_emulator.cloudformation.kit_template import APP_CLIENT, USER_POOL, kit_template
from cognito_emulator.server import EmulatorServer

APP_CLIENT_NAME = "app"


def kit_pool_template(
    pool_properties: Mapping[str, Any] | None = None, *, left_out: Collection[str] = ()
) -> Template:
    """The kit's pool and app client; the pool's properties `left_out` removed, then
    `pool_properties` set (CloudFormation's names: EnabledMfas, UsernameAttributes, ...)."""
    body = kit_template().edited_body()
    body["Resources"] = {name: body["Resources"][name] for name in (USER_POOL, APP_CLIENT)}
    del body["Outputs"]
    properties = body["Resources"][USER_POOL]["Properties"]
    for name in left_out:
        del properties[name]
    properties.update(pool_properties or {})
    return template_from_body(body, "cognito-kit (a test's variant)")


def kit_pool(
    emulator: EmulatorServer,
    name: str,
    pool_properties: Mapping[str, Any] | None = None,
    *,
    left_out: Collection[str] = (),
) -> PoolConfig:
    """`kit_pool_template(...)` deployed as the pool `name` with the app client "app": created,
    or, when a pool of that name exists, updated."""
    return emulator.bootstrap(
        template=kit_pool_template(pool_properties, left_out=left_out),
        template_parameters={
            "PoolName": name,
            "AppClientName": APP_CLIENT_NAME,
            "DeletionProtection": "INACTIVE",
        },
    )
