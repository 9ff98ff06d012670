"""`require_groups` admits members of at least one listed Cognito group (the access token's
`cognito:groups`), and answers everyone else 403 `insufficient_scope` naming the groups: members
of other groups too."""

from collections.abc import Iterator
from typing import Annotated

import pytest
from fastapi import Depends
from fastapi.testclient import TestClient
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

from app.api.deps import Authenticated, require_groups
from app.core.config import Settings
from app.main import create_app
from tests.app.service_harness import Flows, bearer

REFUSAL = {"detail": "Requires membership in: admin, auditors"}


@pytest.fixture
def reports(settings: Settings) -> Iterator[TestClient]:
    """The service with a route for members of "auditors" or "admin"."""
    app = create_app(settings)

    @app.get("/reports")
    async def read_reports(
        auth: Annotated[Authenticated, Depends(require_groups("auditors", "admin"))],
    ) -> dict[str, str]:
        return {"sub": auth.user.sub}

    with TestClient(app) as client:
        yield client


def member_of(
    flows: Flows, idp: CognitoIdentityProviderClient, username: str, *groups: str
) -> tuple[str, dict[str, str]]:
    """(sub, Authorization header) of a user in `groups`, logged in after joining them."""
    sub = flows.registered_user(username).sub
    for group in groups:
        pool_id = flows.pool.user_pool_id
        existing = {g["GroupName"] for g in idp.list_groups(UserPoolId=pool_id)["Groups"]}
        if group not in existing:
            idp.create_group(UserPoolId=pool_id, GroupName=group)
        idp.admin_add_user_to_group(UserPoolId=pool_id, Username=username, GroupName=group)
    return sub, bearer(flows.login(username).json()["access_token"])


@pytest.mark.parametrize("groups", [(), ("readers",), ("readers", "writers"), ("Admin",)], ids=str)
def test_users_outside_every_listed_group_are_refused_naming_the_groups(
    flows: Flows,
    cognito_idp_client: CognitoIdentityProviderClient,
    reports: TestClient,
    groups: tuple[str, ...],
) -> None:
    _, headers = member_of(flows, cognito_idp_client, "alice", *groups)

    response = reports.get("/reports", headers=headers)

    assert (response.status_code, response.json()) == (403, REFUSAL)
    assert response.headers["WWW-Authenticate"] == 'Bearer error="insufficient_scope"'


@pytest.mark.parametrize("groups", [("auditors",), ("admin",), ("readers", "auditors")], ids=str)
def test_members_of_any_listed_group_are_admitted(
    flows: Flows,
    cognito_idp_client: CognitoIdentityProviderClient,
    reports: TestClient,
    groups: tuple[str, ...],
) -> None:
    sub, headers = member_of(flows, cognito_idp_client, "alice", *groups)

    response = reports.get("/reports", headers=headers)

    assert (response.status_code, response.json()) == (200, {"sub": sub})
