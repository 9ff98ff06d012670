"""The service's PreTokenGeneration trigger (V2_0): admins' access tokens carry this API's
resource-server scopes, so people and machines pass the admin routes by one scope check, while a
user's token stays a user's (their row still decides: a disabled admin is refused)."""

import copy
import logging
from collections.abc import Iterator
from typing import Any

import jwt
import pytest
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
from sqlmodel import Session

import app.triggers.pre_token_generation as pre_token_generation_module
from app import crud
from app.api.routes.admin import ADMIN_GROUP as ROUTES_ADMIN_GROUP
from app.core.config import DatabaseSettings, ResourceServerSettings
from app.core.db import make_engine
from app.triggers.post_confirmation import PostConfirmation
from app.triggers.pre_token_generation import ADMIN_GROUP, AdminScopes, handler
from cognito_emulator import pool_definition
from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.pytest_plugin import CognitoLambdas
from cognito_emulator.server import EmulatorServer
from tests.app.service_harness import Flows, ServiceUser, bearer
from tests.app.service_triggers import pool_calling_the_service_triggers

ADMIN_SCOPES = ["cognito-kit/users.read", "cognito-kit/users.write"]


def token_generation_event(version: str, groups: list[str]) -> dict[str, Any]:
    """A sign-in's pre token generation event as user-pool-lambda-pre-token-generation.md
    shows version 2 ones (version 1 has no `scopes`)."""
    request: dict[str, Any] = {
        "userAttributes": {
            "sub": "a36036a8-9061-424d-a737-56d57dae7bbc",
            "cognito:user_status": "CONFIRMED",
            "email_verified": "true",
            "email": "root@example.com",
        },
        "groupConfiguration": {
            "groupsToOverride": groups,
            "iamRolesToOverride": [],
            "preferredRole": None,
        },
    }
    if version != "1":
        request["scopes"] = ["aws.cognito.signin.user.admin"]
    details = "claimsOverrideDetails" if version == "1" else "claimsAndScopeOverrideDetails"
    return {
        "version": version,
        "triggerSource": "TokenGeneration_Authentication",
        "region": "us-east-1",
        "userPoolId": "us-east-1_EXAMPLE",
        "userName": "root",
        "callerContext": {
            "awsSdkVersion": "aws-sdk-unknown-unknown",
            "clientId": "1example23456789",
        },
        "request": request,
        "response": {details: None},
    }


def default_resource_server() -> AdminScopes:
    return AdminScopes(ResourceServerSettings(_env_file=None))


# -- the handler on its own events ---------------------------------------------------------------


def test_an_admins_access_token_gets_both_resource_server_scopes() -> None:
    event = token_generation_event("2", ["readers", "admin"])
    expected = copy.deepcopy(event)
    expected["response"]["claimsAndScopeOverrideDetails"] = {
        "accessTokenGeneration": {"scopesToAdd": ADMIN_SCOPES}
    }

    assert default_resource_server()(event, None) == expected


@pytest.mark.parametrize("groups", [[], ["readers"], ["Admin"]])
def test_other_users_tokens_are_left_as_cognito_made_them(groups: list[str]) -> None:
    event = token_generation_event("2", groups)

    assert default_resource_server()(copy.deepcopy(event), None) == event


def test_a_version_1_event_is_answered_unchanged_and_the_misconfiguration_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A V1_0 function cannot change access tokens: admins then pass by their group alone."""
    event = token_generation_event("1", ["admin"])

    with caplog.at_level(logging.ERROR, logger=pre_token_generation_module.__name__):
        answer = default_resource_server()(copy.deepcopy(event), None)

    assert answer == event
    assert [record.getMessage() for record in caplog.records] == [
        "PreTokenGeneration sent a version 1 event, which cannot add scopes: configure the "
        "trigger with LambdaVersion V2_0 (Essentials or Plus feature plan)"
    ]


def test_a_client_credentials_event_without_groups_is_left_alone() -> None:
    """A V3_0 function is also called for machines' tokens; the guide shows no such event, so
    one without groupConfiguration at all must pass too."""
    event = token_generation_event("3", [])
    event["triggerSource"] = "TokenGeneration_ClientCredentials"
    del event["request"]["groupConfiguration"]

    assert default_resource_server()(copy.deepcopy(event), None) == event


def test_the_scopes_are_of_the_configured_resource_server() -> None:
    settings = ResourceServerSettings(_env_file=None, AWS_COGNITO_RESOURCE_SERVER_ID="billing-api")

    answer = AdminScopes(settings)(token_generation_event("2", ["admin"]), None)

    assert answer["response"]["claimsAndScopeOverrideDetails"] == {
        "accessTokenGeneration": {
            "scopesToAdd": ["billing-api/users.read", "billing-api/users.write"]
        }
    }


@pytest.fixture
def entry_point_resource_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("AWS_COGNITO_RESOURCE_SERVER_ID", "billing-api")
    pre_token_generation_module._from_environment.cache_clear()
    yield
    pre_token_generation_module._from_environment.cache_clear()


def test_the_entry_point_reads_the_resource_server_from_the_environment(
    entry_point_resource_server: None,
) -> None:
    answer = handler(token_generation_event("2", ["admin"]), None)

    assert answer["response"]["claimsAndScopeOverrideDetails"]["accessTokenGeneration"] == {
        "scopesToAdd": ["billing-api/users.read", "billing-api/users.write"]
    }


def test_the_group_and_scopes_are_those_the_routes_check_and_the_pool_defines() -> None:
    assert ADMIN_GROUP == ROUTES_ADMIN_GROUP == pool_definition.ADMIN_GROUP
    assert default_resource_server().scopes == [
        pool_definition.READ_USERS_SCOPE,
        pool_definition.WRITE_USERS_SCOPE,
    ]


# -- on the emulator, through the service --------------------------------------------------------


@pytest.fixture
def cognito_pool(
    cognito_emulator: EmulatorServer, cognito_lambdas: CognitoLambdas, database_url: str
) -> Iterator[PoolConfig]:
    post_confirmation = PostConfirmation(
        DatabaseSettings(_env_file=None, DATABASE_URL=database_url)
    )
    yield pool_calling_the_service_triggers(cognito_emulator, cognito_lambdas, post_confirmation)
    post_confirmation.close()


def scopes_of(access_token: str) -> list[str]:
    claims = jwt.decode(access_token, options={"verify_signature": False})
    return sorted(claims["scope"].split())


@pytest.fixture
def admin(flows: Flows, cognito_idp_client: CognitoIdentityProviderClient) -> ServiceUser:
    """A user of the admin group, logged in through the service after joining it."""
    user = flows.registered_user("root")
    cognito_idp_client.admin_add_user_to_group(
        UserPoolId=flows.pool.user_pool_id, Username="root", GroupName="admin"
    )
    user.tokens = flows.login("root").json()
    return user


def test_an_admin_logs_in_with_the_scopes_and_passes_the_admin_routes(
    flows: Flows, admin: ServiceUser
) -> None:
    listed = flows.client.get("/admin/users", headers=admin.bearer)

    assert scopes_of(admin.tokens["access_token"]) == [
        "aws.cognito.signin.user.admin",
        *ADMIN_SCOPES,
    ]
    assert listed.status_code == 200, listed.text


def test_a_user_outside_the_group_gets_no_scopes_and_is_refused(flows: Flows) -> None:
    alice = flows.registered_user("alice")

    refused = flows.client.get("/admin/users", headers=alice.bearer)

    assert scopes_of(alice.tokens["access_token"]) == ["aws.cognito.signin.user.admin"]
    assert refused.status_code == 403


def test_an_admin_with_the_scopes_is_still_a_user_whom_a_disable_stops(
    flows: Flows, admin: ServiceUser, database_url: str
) -> None:
    """The scopes make the token no machine's: the user's row is still read and honoured."""
    engine = make_engine(DatabaseSettings(_env_file=None, DATABASE_URL=database_url))
    with Session(engine) as session:
        crud.set_disabled(session, admin.sub, True)
    engine.dispose()

    refused = flows.client.get("/admin/users", headers=admin.bearer)

    assert (refused.status_code, refused.json()) == (403, {"detail": "User is disabled"})


def test_leaving_the_group_takes_the_scopes_away_at_the_next_refresh(
    flows: Flows, admin: ServiceUser, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    cognito_idp_client.admin_remove_user_from_group(
        UserPoolId=flows.pool.user_pool_id, Username="root", GroupName="admin"
    )

    refreshed = flows.client.post(
        "/users/token/refresh",
        json={"username": "root", "refresh_token": admin.tokens["refresh_token"]},
    )

    assert refreshed.status_code == 200, refreshed.text
    access_token = refreshed.json()["access_token"]
    assert scopes_of(access_token) == ["aws.cognito.signin.user.admin"]
    assert flows.client.get("/admin/users", headers=bearer(access_token)).status_code == 403
