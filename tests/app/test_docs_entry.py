"""First-run friction: the service's root leads to its docs, and Swagger UI's Authorize dialog
says what to enter."""

from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.main import create_app
from cognito_emulator.bootstrap import PoolConfig
from tests.app.service_harness import Flows, make_settings


def test_the_root_redirects_to_the_docs(client: TestClient) -> None:
    response = client.get("/", follow_redirects=False)

    assert response.status_code == 307
    assert response.headers["location"] == "/docs"


def test_behind_a_prefix_the_root_redirects_to_the_prefixed_docs(app: FastAPI) -> None:
    with TestClient(app, root_path="/auth") as client:
        response = client.get("/", follow_redirects=False)

    assert response.headers["location"] == "/auth/docs"


def test_the_root_is_not_an_api_operation(client: TestClient) -> None:
    assert "/" not in client.get("/openapi.json").json()["paths"]


def test_the_authorize_dialog_says_to_leave_the_client_boxes_empty(
    cognito_pool: PoolConfig, database_url: str
) -> None:
    """Swagger UI shows the scheme's description above the client_id and client_secret boxes of
    the password flow, which it cannot hide; /users/login ignores them. (Without a pool domain,
    the password flow is the only one: tests/app/test_swagger_authorization_code.py has both.)"""
    app = create_app(make_settings(cognito_pool, database_url, AWS_COGNITO_DOMAIN=None))
    with TestClient(app) as client:
        schemes = client.get("/openapi.json").json()["components"]["securitySchemes"]

    assert schemes["Cognito"]["description"] == (
        "Enter a verified user's **username** and **password** only. Leave **client_id** and "
        "**client_secret** empty: the service holds the app client's secret and signs in with "
        "Cognito itself."
    )


def test_what_swagger_ui_sends_with_empty_client_boxes_logs_in(flows: Flows) -> None:
    """Swagger UI's password flow sends the client as HTTP Basic credentials (empty ones here)
    and an empty scope, beside the username and password."""
    user = flows.registered_user("alice")

    response = flows.client.post(
        "/users/login",
        data={
            "grant_type": "password",
            "username": user.username,
            "password": user.password,
            "scope": "",
        },
        headers={"Authorization": "Basic Og=="},
    )

    assert response.status_code == 200, response.text
