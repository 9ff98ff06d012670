"""The console's pages about pools: the home page (every pool, where the API and control API
are), a pool (settings, app clients, domain, groups, resource servers and a page of users) and
an app client (ids, auth flows, token validity, OAuth settings)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from cognito_emulator.exceptions import CognitoError
from cognito_emulator.http import control
from cognito_emulator.http.console.guard import own_origin
from cognito_emulator.http.console.operations import PAGE_SIZE, cognito, every_item
from cognito_emulator.http.console.rendering import refusals_shown, render
from cognito_emulator.tokens import TokenLifetimes

if TYPE_CHECKING:
    from cognito_emulator.http.app import EmulatorApp

USERS_PER_PAGE = PAGE_SIZE
# ListResourceServers' largest MaxResults (the API reference).
RESOURCE_SERVERS_PER_CALL = 50


@refusals_shown
async def home(request: Request) -> Response:
    emulator: EmulatorApp = request.app
    return render(
        request,
        "home.html",
        {
            "endpoint_url": own_origin(request),
            "pools": await every_item(request, "ListUserPools", "UserPools", MaxResults=PAGE_SIZE),
            "quotas": emulator.quotas is not None,
            "control_routes": control.described_routes(),
        },
        section="console_home",
    )


@refusals_shown
async def pool(request: Request) -> Response:
    """The pool, and one page (USERS_PER_PAGE) of its users: `?filter=` narrows them (a
    ListUsers Filter, or a bare word for usernames starting with it), `?page=` is the
    PaginationToken of the page after the one before."""
    pool_id = request.path_params["pool_id"]
    described = (await cognito(request, "DescribeUserPool", UserPoolId=pool_id))["UserPool"]
    typed_filter = request.query_params.get("filter", "").strip()
    page_token = request.query_params.get("page") or None
    users: dict[str, Any] = {"Users": []}
    users_refused = None
    try:
        users = await cognito(
            request, "ListUsers", **_list_users_params(pool_id, typed_filter, page_token)
        )
    except CognitoError as error:
        users_refused = f"ListUsers refused this: {error.code}: {error.message}"
    next_page = users.get("PaginationToken")
    return render(
        request,
        "pool.html",
        {
            "pool": described,
            "mfa": await cognito(request, "GetUserPoolMfaConfig", UserPoolId=pool_id),
            "clients": await every_item(
                request,
                "ListUserPoolClients",
                "UserPoolClients",
                UserPoolId=pool_id,
                MaxResults=PAGE_SIZE,
            ),
            "groups": await every_item(
                request, "ListGroups", "Groups", UserPoolId=pool_id, Limit=PAGE_SIZE
            ),
            "resource_servers": await every_item(
                request,
                "ListResourceServers",
                "ResourceServers",
                UserPoolId=pool_id,
                MaxResults=RESOURCE_SERVERS_PER_CALL,
            ),
            "users": [
                (user, attributes_by_name(user.get("Attributes", []))) for user in users["Users"]
            ],
            "users_refused": users_refused,
            "typed_filter": typed_filter,
            "first_page": page_token is not None,
            "next_page_query": urlencode({"filter": typed_filter, "page": next_page})
            if next_page
            else None,
            "first_page_query": urlencode({"filter": typed_filter}),
        },
        section="console_home",
        status=400 if users_refused else 200,
    )


def _list_users_params(pool_id: str, typed_filter: str, page_token: str | None) -> dict[str, Any]:
    params: dict[str, Any] = {"UserPoolId": pool_id, "Limit": USERS_PER_PAGE}
    if typed_filter:
        params["Filter"] = list_users_filter(typed_filter)
    if page_token:
        params["PaginationToken"] = page_token
    return params


def attributes_by_name(attributes: list[dict[str, str]]) -> dict[str, str]:
    """A user's attributes as the API lists them ([{"Name", "Value"}]), by name."""
    return {attribute["Name"]: attribute["Value"] for attribute in attributes}


def list_users_filter(typed: str) -> str:
    """ListUsers' Filter for what was typed in the filter box: an expression as it is
    (`email ^= "a"`), a bare word as a username prefix (`username ^= "word"`)."""
    if "=" in typed:
        return typed
    return f'username ^= "{typed}"'


@refusals_shown
async def client(request: Request) -> Response:
    """The app client as DescribeUserPoolClient tells it, with a link that opens its managed
    login page when the pool has a domain and the client signs in with the code grant."""
    emulator: EmulatorApp = request.app
    pool_id, client_id = request.path_params["pool_id"], request.path_params["client_id"]
    described = (
        await cognito(request, "DescribeUserPoolClient", UserPoolId=pool_id, ClientId=client_id)
    )["UserPoolClient"]
    discovery = await emulator.run_locked(
        lambda: emulator.backend.openid_configuration(pool_id, own_origin(request))
    )
    return render(
        request,
        "client.html",
        {
            "pool_id": pool_id,
            "client": described,
            "lifetimes": TokenLifetimes.from_client_config(described),
            "login_page_url": _login_page_url(discovery.get("authorization_endpoint"), described),
        },
        section="console_home",
    )


def _login_page_url(authorization_endpoint: str | None, client: dict[str, Any]) -> str | None:
    """The authorize URL that shows this client's managed login page (code grant, its first
    callback URL, all its scopes), or None when it has no such page."""
    callbacks = client.get("CallbackURLs") or []
    if (
        authorization_endpoint is None
        or not client.get("AllowedOAuthFlowsUserPoolClient")
        or "code" not in client.get("AllowedOAuthFlows", [])
        or not callbacks
    ):
        return None
    query = {
        "response_type": "code",
        "client_id": client["ClientId"],
        "redirect_uri": client.get("DefaultRedirectURI") or callbacks[0],
        "scope": " ".join(client.get("AllowedOAuthScopes", [])),
    }
    return f"{authorization_endpoint}?{urlencode(query)}"
