"""Machine clients (client credentials): a token with no user, admitted by its resource-server
scopes on the routes that allow machines, refused on the routes that act for a user, and never
the cause of a user row. Which app clients' tokens count is AWS_COGNITO_ACCEPTED_CLIENT_IDS.

Cognito's client-credentials access token has `sub` = the client id, `client_id`, `scope` and no
`username` (AWS developer guide, "Understanding the access token" and the token endpoint's
client_credentials grant); the emulator issues the same
(tests/emulator/test_oauth_token_endpoint.py).
"""

from typing import Annotated, Any

import pytest
from fastapi import Depends
from fastapi.testclient import TestClient
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
from sqlmodel import Session, func, select

from app.api.deps import USER_REQUIRED, CallerDep, require_admin
from app.core.auth import Authenticated, Machine
from app.core.config import Settings
from app.main import create_app
from app.models import User
from cognito_emulator.pool_definition import READ_USERS_SCOPE, WRITE_USERS_SCOPE
from tests.app.service_harness import Flows, bearer, make_settings


def machine_token(flows: Flows, *scopes: str) -> str:
    assert flows.pool.machine_client_id is not None
    return flows.emulator.client_credentials_token(
        user_pool_id=flows.pool.user_pool_id,
        client_id=flows.pool.machine_client_id,
        scopes=list(scopes),
    ).access_token


def user_rows(settings: Settings) -> int:
    with TestClient(create_app(settings)) as client:
        engine = client.app.state.services.get().engine  # type: ignore[attr-defined]
        with Session(engine) as session:
            return session.exec(select(func.count()).select_from(User)).one()


def test_a_machine_lists_users_with_the_read_scope_and_no_row_is_made(
    flows: Flows, settings: Settings
) -> None:
    alice = flows.registered_user("alice")
    token = machine_token(flows, READ_USERS_SCOPE)

    first = flows.client.get("/admin/users", headers=bearer(token))
    again = flows.client.get("/admin/users", headers=bearer(token))

    assert first.status_code == 200, first.text
    assert first.json() == again.json()
    assert [user["sub"] for user in first.json()["data"]] == [alice.sub]
    assert first.json()["count"] == 1
    assert user_rows(settings) == 1


def test_a_machine_changes_users_only_with_the_write_scope(flows: Flows) -> None:
    alice = flows.registered_user("alice")
    reader = machine_token(flows, READ_USERS_SCOPE)
    writer = machine_token(flows, WRITE_USERS_SCOPE)

    refused = flows.client.patch(
        f"/admin/users/{alice.sub}", headers=bearer(reader), json={"disabled": True}
    )
    changed = flows.client.patch(
        f"/admin/users/{alice.sub}", headers=bearer(writer), json={"disabled": True}
    )
    cannot_list = flows.client.get("/admin/users", headers=bearer(writer))

    assert refused.status_code == 403
    assert refused.json() == {
        "detail": f"Requires scope {WRITE_USERS_SCOPE} or membership in group admin"
    }
    assert refused.headers["WWW-Authenticate"] == (
        f'Bearer error="insufficient_scope", scope="{WRITE_USERS_SCOPE}"'
    )
    assert (changed.status_code, changed.json()["disabled"]) == (200, True)
    assert flows.client.get("/users/me", headers=alice.bearer).status_code == 403
    assert cannot_list.status_code == 403
    assert cannot_list.headers["WWW-Authenticate"] == (
        f'Bearer error="insufficient_scope", scope="{READ_USERS_SCOPE}"'
    )


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/users/me", None),
        ("POST", "/users/logout", None),
        (
            "POST",
            "/users/password/change",
            {"previous_password": "Correct-Horse-9", "proposed_password": "Correct-Horse-10"},
        ),
    ],
)
def test_user_routes_refuse_a_machine_token_with_403(
    flows: Flows, settings: Settings, method: str, path: str, body: dict[str, Any] | None
) -> None:
    token = machine_token(flows, READ_USERS_SCOPE, WRITE_USERS_SCOPE)

    response = flows.client.request(method, path, headers=bearer(token), json=body)

    assert (response.status_code, response.json()) == (403, {"detail": USER_REQUIRED})
    assert user_rows(settings) == 0


def test_a_machine_token_of_a_client_not_accepted_is_401(flows: Flows, database_url: str) -> None:
    """Only the service's own client and AWS_COGNITO_ACCEPTED_CLIENT_IDS count."""
    token = machine_token(flows, READ_USERS_SCOPE)
    settings = make_settings(flows.pool, database_url, AWS_COGNITO_ACCEPTED_CLIENT_IDS=())

    with TestClient(create_app(settings)) as client:
        response = client.get("/admin/users", headers=bearer(token))

    assert (response.status_code, response.json()) == (
        401,
        {"detail": "Token was issued to another app client"},
    )
    assert response.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'


def test_the_resource_server_comes_from_the_settings(flows: Flows, database_url: str) -> None:
    token = machine_token(flows, READ_USERS_SCOPE)
    settings = make_settings(flows.pool, database_url, AWS_COGNITO_RESOURCE_SERVER_ID="billing-api")

    with TestClient(create_app(settings)) as client:
        response = client.get("/admin/users", headers=bearer(token))

    assert response.status_code == 403
    assert response.headers["WWW-Authenticate"] == (
        'Bearer error="insufficient_scope", scope="billing-api/users.read"'
    )


def test_a_users_token_with_the_scope_is_admitted_without_the_group(
    flows: Flows, database_url: str, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    """A pool may grant a user the resource-server scope (an app client allowed it, or a
    PreTokenGeneration trigger): the scope alone admits them, as it admits a machine."""
    pool = flows.pool
    alice = flows.registered_user("alice")
    scoped_client = cognito_idp_client.create_user_pool_client(
        UserPoolId=pool.user_pool_id,
        ClientName="reporting",
        GenerateSecret=True,
        AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthFlows=["code"],
        AllowedOAuthScopes=["openid", READ_USERS_SCOPE],
        CallbackURLs=["http://localhost:8000/reports"],
        SupportedIdentityProviders=["COGNITO"],
    )["UserPoolClient"]
    tokens = flows.emulator.sign_in_through_login_page(
        "alice", alice.password, user_pool_id=pool.user_pool_id, client_id=scoped_client["ClientId"]
    )
    settings = make_settings(
        pool,
        database_url,
        AWS_COGNITO_ACCEPTED_CLIENT_IDS=(pool.machine_client_id, scoped_client["ClientId"]),
    )

    with TestClient(create_app(settings)) as client:
        listed = client.get("/admin/users", headers=bearer(tokens.access_token))
        not_writer = client.patch(
            f"/admin/users/{alice.sub}",
            headers=bearer(tokens.access_token),
            json={"disabled": True},
        )

    assert listed.status_code == 200, listed.text
    assert listed.json()["count"] == 1
    assert not_writer.status_code == 403


def test_accepted_client_ids_are_read_comma_separated_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_COGNITO_USER_POOL_ID", "us-east-1_abc")
    monkeypatch.setenv("AWS_COGNITO_APP_CLIENT_ID", "app")
    monkeypatch.setenv("AWS_COGNITO_ACCEPTED_CLIENT_IDS", " machine , spa,")

    settings = Settings(_env_file=None)  # type: ignore[call-arg]

    assert settings.AWS_COGNITO_ACCEPTED_CLIENT_IDS == ("machine", "spa")
    assert settings.accepted_client_ids == {"app", "machine", "spa"}


def test_a_malformed_accepted_client_id_is_refused_at_startup(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_COGNITO_USER_POOL_ID", "us-east-1_abc")
    monkeypatch.setenv("AWS_COGNITO_APP_CLIENT_ID", "app")
    monkeypatch.setenv("AWS_COGNITO_ACCEPTED_CLIENT_IDS", "machine,not a client")

    with pytest.raises(ValueError, match="not an app client id: 'not a client'"):
        Settings(_env_file=None)  # type: ignore[call-arg]


def test_require_admin_guards_a_route_of_your_own_by_group_or_scope(
    flows: Flows, settings: Settings, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    """`require_admin(group, scope_name)` on a route of an app built on the service: a member of
    the group, or a caller with this API's scope, gets in; the route sees who called."""
    app = create_app(settings)

    @app.get("/reports")
    async def read_reports(
        caller: Annotated[Any, Depends(require_admin("auditors", "users.write"))],
        same: CallerDep,
    ) -> dict[str, str]:
        assert caller is same
        if isinstance(caller, Machine):
            return {"machine": caller.client_id}
        assert isinstance(caller, Authenticated)
        return {"user": caller.user.username}

    cognito_idp_client.create_group(UserPoolId=flows.pool.user_pool_id, GroupName="auditors")
    auditor = flows.registered_user("auditor")
    cognito_idp_client.admin_add_user_to_group(
        UserPoolId=flows.pool.user_pool_id, Username="auditor", GroupName="auditors"
    )
    auditor.tokens = flows.login("auditor").json()
    outsider = flows.registered_user("outsider")
    admin = flows.registered_user("root")
    cognito_idp_client.admin_add_user_to_group(
        UserPoolId=flows.pool.user_pool_id, Username="root", GroupName="admin"
    )
    admin.tokens = flows.login("root").json()
    writer = machine_token(flows, WRITE_USERS_SCOPE)
    reader = machine_token(flows, READ_USERS_SCOPE)

    with TestClient(app) as client:
        answers = {
            name: client.get("/reports", headers=headers)
            for name, headers in {
                "auditor": auditor.bearer,
                "writer": bearer(writer),
                "outsider": outsider.bearer,
                "admin": admin.bearer,
                "reader": bearer(reader),
            }.items()
        }

    assert {name: answer.status_code for name, answer in answers.items()} == {
        "auditor": 200,
        "writer": 200,
        "outsider": 403,
        "admin": 403,
        "reader": 403,
    }
    assert answers["auditor"].json() == {"user": "auditor"}
    assert answers["writer"].json() == {"machine": flows.pool.machine_client_id}
    assert answers["outsider"].json() == {
        "detail": f"Requires scope {WRITE_USERS_SCOPE} or membership in group auditors"
    }
    assert answers["reader"].headers["WWW-Authenticate"] == (
        f'Bearer error="insufficient_scope", scope="{WRITE_USERS_SCOPE}"'
    )
