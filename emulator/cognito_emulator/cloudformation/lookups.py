"""Finding what a template names among what the account holds, by name, reading only.

Cognito knows pools, clients and groups by ids it assigns (a group by its name); a template
knows them by their names. So a pool is the one of its UserPoolName, a client the one of its
ClientName within the pool, a group the one of its GroupName, a resource server the one of its
Identifier. Two of a name are a conflict: updating either could be the wrong one. Each pool's
listings are read once per deployment, page after page, and a pool this deployment created
holds nothing to find.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from cognito_emulator.cloudformation.cognito_calls import CognitoCall
from cognito_emulator.cloudformation.errors import PoolConflict

# Items per page of a List operation, within every one's limit (ListResourceServers': 50).
LIST_PAGE_SIZE = 50


def listed(
    call: CognitoCall, operation: str, body: dict[str, Any], items: str, *, size: str = "MaxResults"
) -> Iterator[Mapping[str, Any]]:
    """Every item of a List operation, page after page (`size` names its page-size member)."""
    request = {**body, size: LIST_PAGE_SIZE}
    while True:
        page = call(operation, request)
        yield from page.get(items, [])
        if not page.get("NextToken"):
            return
        request = {**request, "NextToken": page["NextToken"]}


def find_pool(call: CognitoCall, name: str) -> Mapping[str, Any] | None:
    """DescribeUserPool's answer for the one pool named `name`; None if there is none."""
    ids = [
        pool["Id"]
        for pool in listed(call, "ListUserPools", {}, "UserPools")
        if pool["Name"] == name
    ]
    if len(ids) > 1:
        raise PoolConflict(
            f"{len(ids)} user pools are named {name!r}: {', '.join(ids)}. Nothing was "
            "changed: delete or rename all but one, or deploy a pool of another name."
        )
    if not ids:
        return None
    described: Mapping[str, Any] = call("DescribeUserPool", {"UserPoolId": ids[0]})["UserPool"]
    return described


class Lookups:
    """What one deployment finds, each listing read once."""

    def __init__(self, call: CognitoCall) -> None:
        self._call = call
        self._created_pools: set[str] = set()
        self._pools: dict[str, Mapping[str, Any]] = {}
        self._listings: dict[tuple[str, str], list[Mapping[str, Any]]] = {}

    def created(self, pool_id: str) -> None:
        """`pool_id` was created by this deployment: it holds nothing to find."""
        self._created_pools.add(pool_id)

    def pool_named(self, name: str) -> Mapping[str, Any] | None:
        pool = find_pool(self._call, name)
        if pool is not None:
            self._pools[pool["Id"]] = pool
        return pool

    def pool(self, pool_id: str) -> Mapping[str, Any]:
        """DescribeUserPool's answer, read once."""
        if pool_id not in self._pools:
            self._pools[pool_id] = self._call("DescribeUserPool", {"UserPoolId": pool_id})[
                "UserPool"
            ]
        return self._pools[pool_id]

    def client_named(self, pool_id: str, name: str) -> Mapping[str, Any] | None:
        """DescribeUserPoolClient's answer for the pool's one client named `name`."""
        ids = [
            client["ClientId"]
            for client in self._listing(pool_id, "ListUserPoolClients", "UserPoolClients")
            if client["ClientName"] == name
        ]
        if len(ids) > 1:
            raise PoolConflict(
                f"user pool {pool_id} has {len(ids)} app clients named {name!r}: "
                f"{', '.join(ids)}. Nothing was changed: delete or rename all but one."
            )
        if not ids:
            return None
        described: Mapping[str, Any] = self._call(
            "DescribeUserPoolClient", {"UserPoolId": pool_id, "ClientId": ids[0]}
        )["UserPoolClient"]
        return described

    def group_named(self, pool_id: str, name: str) -> Mapping[str, Any] | None:
        groups = self._listing(pool_id, "ListGroups", "Groups", size="Limit")
        return next((group for group in groups if group["GroupName"] == name), None)

    def resource_server(self, pool_id: str, identifier: str) -> Mapping[str, Any] | None:
        servers = self._listing(pool_id, "ListResourceServers", "ResourceServers")
        return next((server for server in servers if server["Identifier"] == identifier), None)

    def domain(self, domain: str) -> Mapping[str, Any]:
        """DescribeUserPoolDomain's DomainDescription: empty for a domain no pool holds."""
        description: Mapping[str, Any] = self._call("DescribeUserPoolDomain", {"Domain": domain})[
            "DomainDescription"
        ]
        return description

    def _listing(
        self, pool_id: str, operation: str, items: str, *, size: str = "MaxResults"
    ) -> list[Mapping[str, Any]]:
        if pool_id in self._created_pools:
            return []
        key = (pool_id, operation)
        if key not in self._listings:
            self._listings[key] = list(
                listed(self._call, operation, {"UserPoolId": pool_id}, items, size=size)
            )
        return self._listings[key]
