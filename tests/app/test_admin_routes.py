"""Authorization by Cognito group and by OAuth scope: the admin routes, and the dependencies."""

from typing import Annotated
from unittest import mock

import pytest
from fastapi import Depends
from fastapi.testclient import TestClient
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

from app import crud
from app.api.deps import Authenticated, CurrentAuth, CurrentUser, require_groups, require_scopes
from app.core.config import Settings
from app.main import create_app
from tests.app.service_harness import Flows, ServiceUser, bearer


@pytest.fixture
def admin(flows: Flows, cognito_idp_client: CognitoIdentityProviderClient) -> ServiceUser:
    """A user in the pool's Cognito group "admin", logged in again so the token carries it."""
    user = flows.registered_user("root")
    cognito_idp_client.admin_add_user_to_group(
        UserPoolId=flows.pool.user_pool_id, Username="root", GroupName="admin"
    )
    user.tokens = flows.login("root").json()
    return user


def test_non_members_get_403_insufficient_scope(flows: Flows) -> None:
    user = flows.registered_user("alice")

    response = flows.client.get("/admin/users", headers=user.bearer)

    assert (response.status_code, response.json()) == (
        403,
        {"detail": "Requires scope cognito-kit/users.read or membership in group admin"},
    )
    assert response.headers["WWW-Authenticate"] == (
        'Bearer error="insufficient_scope", scope="cognito-kit/users.read"'
    )


def test_admin_routes_need_a_token(flows: Flows) -> None:
    assert flows.client.get("/admin/users").status_code == 401


def test_admins_list_users_page_by_page(flows: Flows, admin: ServiceUser) -> None:
    for name in ("alice", "bob", "carol"):
        flows.registered_user(name)

    first = flows.client.get("/admin/users?limit=2", headers=admin.bearer).json()
    second = flows.client.get("/admin/users?offset=2&limit=2", headers=admin.bearer).json()

    assert first["count"] == second["count"] == 4
    names = [user["username"] for user in first["data"] + second["data"]]
    assert sorted(names) == ["alice", "bob", "carol", "root"]


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "offset=-1", "offset=99999999999999"])
def test_pagination_bounds_are_validated(flows: Flows, admin: ServiceUser, query: str) -> None:
    assert flows.client.get(f"/admin/users?{query}", headers=admin.bearer).status_code == 422


def test_admins_disable_and_reenable_a_user(flows: Flows, admin: ServiceUser) -> None:
    alice = flows.registered_user("alice")

    disabled = flows.client.patch(
        f"/admin/users/{alice.sub}", headers=admin.bearer, json={"disabled": True}
    )
    refused = flows.client.get("/users/me", headers=alice.bearer)
    enabled = flows.client.patch(
        f"/admin/users/{alice.sub}", headers=admin.bearer, json={"disabled": False}
    )

    assert (disabled.status_code, disabled.json()["disabled"]) == (200, True)
    assert refused.status_code == 403
    assert enabled.status_code == 200
    assert flows.client.get("/users/me", headers=alice.bearer).status_code == 200


def test_updating_an_unknown_user_is_404(flows: Flows, admin: ServiceUser) -> None:
    response = flows.client.patch(
        "/admin/users/no-such-sub", headers=admin.bearer, json={"disabled": True}
    )
    assert response.status_code == 404


def test_require_scopes_refuses_tokens_without_every_scope(
    settings: Settings, flows: Flows
) -> None:
    app = create_app(settings)

    @app.get("/orders")
    async def read_orders(
        auth: Annotated[Authenticated, Depends(require_scopes("orders:read"))],
    ) -> dict[str, str]:
        return {"sub": auth.user.sub}

    @app.get("/profile")
    async def read_profile(
        auth: Annotated[Authenticated, Depends(require_scopes("aws.cognito.signin.user.admin"))],
    ) -> dict[str, str]:
        return {"sub": auth.user.sub}

    user = flows.registered_user("alice")
    with TestClient(app) as client:
        refused = client.get("/orders", headers=user.bearer)
        allowed = client.get("/profile", headers=user.bearer)

    assert refused.status_code == 403
    assert refused.headers["WWW-Authenticate"] == (
        'Bearer error="insufficient_scope", scope="orders:read"'
    )
    assert (allowed.status_code, allowed.json()) == (200, {"sub": user.sub})


def test_require_groups_admits_members_of_any_listed_group(
    settings: Settings, flows: Flows, admin: ServiceUser
) -> None:
    app = create_app(settings)

    @app.get("/reports")
    async def read_reports(
        auth: Annotated[Authenticated, Depends(require_groups("auditors", "admin"))],
    ) -> dict[str, str]:
        return {"sub": auth.user.sub}

    outsider = flows.registered_user("alice")
    with TestClient(app) as client:
        assert client.get("/reports", headers=admin.bearer).status_code == 200
        assert (
            client.get("/reports", headers=bearer(outsider.tokens["access_token"])).status_code
            == 403
        )


def test_a_route_using_several_auth_dependencies_authenticates_once(
    settings: Settings, flows: Flows
) -> None:
    app = create_app(settings)

    @app.get("/mine")
    async def read_mine(
        user: CurrentUser,
        auth: CurrentAuth,
        scoped: Annotated[Authenticated, Depends(require_scopes("aws.cognito.signin.user.admin"))],
    ) -> dict[str, str]:
        return {"user": user.sub, "auth": auth.user.sub, "scoped": scoped.user.sub}

    user = flows.registered_user("alice")
    with TestClient(app) as client:
        verifier = app.state.services.get().verifier
        with (
            mock.patch.object(
                verifier, "verify_access_token", wraps=verifier.verify_access_token
            ) as verify,
            mock.patch("app.crud.read_user", wraps=crud.read_user) as read_user,
        ):
            response = client.get("/mine", headers=user.bearer)

    assert (response.status_code, response.json()) == (
        200,
        {"user": user.sub, "auth": user.sub, "scoped": user.sub},
    )
    assert (verify.call_count, read_user.call_count) == (1, 1)
