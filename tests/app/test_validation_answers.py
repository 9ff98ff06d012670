"""422 answers: `loc`, `msg` and `type` only, in words a person can act on, and never a 500,
whatever the request holds (a lone surrogate, a NUL, a body of the wrong media type)."""

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import pytest
from fastapi import Body, FastAPI
from fastapi.testclient import TestClient
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

from app.api.errors import MAX_LISTED_ERRORS, install_error_handlers
from app.core.migrations import migrate
from app.main import create_app
from app.models import PATTERN_RULES
from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.server import EmulatorServer
from tests.app.service_harness import PASSWORD, Flows, ServiceUser, make_settings

LONE_SURROGATE = '"a\\ud800"'  # JSON text: the escape of a UTF-16 half no UTF-8 can encode
UNICODE_RULE = "must be Unicode text (a lone surrogate such as \\ud800 is not)"


def make_admin(flows: Flows, idp: CognitoIdentityProviderClient) -> ServiceUser:
    """A user in the pool's group "admin", logged in again so the token carries it."""
    user = flows.registered_user("root")
    idp.admin_add_user_to_group(
        UserPoolId=flows.pool.user_pool_id, Username="root", GroupName="admin"
    )
    user.tokens = flows.login("root").json()
    return user


def json_body_operations(schema: dict[str, Any]) -> list[tuple[str, str, list[str]]]:
    """(method, path with its parameters filled in, body properties) of every JSON-body route."""
    components = schema["components"]["schemas"]
    found = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            media = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if media:
                reference = media["schema"]["$ref"].rsplit("/", 1)[-1]
                filled = path.replace("{sub}", "someone")
                found.append((method.upper(), filled, list(components[reference]["properties"])))
    return found


def test_a_lone_surrogate_in_any_json_field_is_unprocessable(
    flows: Flows, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    admin = make_admin(flows, cognito_idp_client)
    operations = json_body_operations(flows.client.get("/openapi.json").json())
    assert operations

    for method, path, fields in operations:
        body = "{" + ", ".join(f'"{name}": {LONE_SURROGATE}' for name in fields) + "}"
        response = flows.client.request(
            method,
            path,
            content=body,
            headers=admin.bearer | {"Content-Type": "application/json"},
        )

        assert response.status_code == 422, (path, response.text)
        detail = response.json()["detail"]
        assert [error["loc"] for error in detail] == [["body", name] for name in fields], path


def test_a_lone_surrogate_is_named_in_words(flows: Flows) -> None:
    response = flows.client.post(
        "/users/verify/resend",
        content='{"username": ' + LONE_SURROGATE + "}",
        headers={"Content-Type": "application/json"},
    )

    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "loc": ["body", "username"],
                "msg": f"username {UNICODE_RULE}",
                "type": "string_unicode",
            }
        ]
    }


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_database_url(
    request: pytest.FixtureRequest, tmp_path: Path, migrated_sqlite_file: Path
) -> str:
    """A migrated database of each kind (PostgreSQL: skipped unless DATABASE_URL names one)."""
    if request.param == "sqlite":
        copy = tmp_path / "any.db"
        shutil.copyfile(migrated_sqlite_file, copy)
        return f"sqlite:///{copy}"
    url: str = request.getfixturevalue("fresh_postgres_schema")
    migrate(url)
    return url


@pytest.fixture
def flows_on_any_database(
    any_database_url: str, cognito_emulator: EmulatorServer, cognito_pool: PoolConfig
) -> Iterator[Flows]:
    settings = make_settings(cognito_pool, any_database_url)
    with TestClient(create_app(settings)) as client:
        yield Flows(client=client, emulator=cognito_emulator, pool=cognito_pool)


def test_a_nul_in_a_sub_is_unprocessable_on_every_database(
    flows_on_any_database: Flows, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    """PostgreSQL cannot store a NUL (psycopg refuses the parameter: it was a 500 there, a 404 on
    SQLite); the path parameter's rule now refuses it before any query, alike on both."""
    admin = make_admin(flows_on_any_database, cognito_idp_client)

    response = flows_on_any_database.client.patch(
        "/admin/users/%00", headers=admin.bearer, json={"disabled": True}
    )

    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "loc": ["path", "sub"],
                "msg": "sub must not contain control characters",
                "type": "string_pattern_mismatch",
            }
        ]
    }


def test_login_sent_as_json_is_told_to_send_a_form(flows: Flows) -> None:
    flows.registered_user("alice")

    response = flows.client.post("/users/login", json={"username": "alice", "password": PASSWORD})

    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "loc": ["body"],
                "msg": "The body must be form-encoded (Content-Type: "
                "application/x-www-form-urlencoded), as an OAuth2 password grant",
                "type": "content_type",
            }
        ]
    }


def test_a_json_route_sent_a_form_is_told_to_send_json(flows: Flows) -> None:
    response = flows.client.post("/users/verify/resend", data={"username": "alice"})

    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "loc": ["body"],
                "msg": "The body must be JSON (Content-Type: application/json)",
                "type": "content_type",
            }
        ]
    }


def test_whitespace_in_credentials_is_named_in_words_not_as_a_regex(flows: Flows) -> None:
    response = flows.login("ann smith", "Correct Horse-9")

    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "loc": ["body", "username"],
                "msg": "username must not contain whitespace or control characters (letters, "
                "marks, numbers, symbols and punctuation only)",
                "type": "string_pattern_mismatch",
            },
            {
                "loc": ["body", "password"],
                "msg": "password must not contain spaces, tabs or line breaks",
                "type": "string_pattern_mismatch",
            },
        ]
    }


def test_a_malformed_refresh_token_is_named_in_words(flows: Flows) -> None:
    response = flows.client.post(
        "/users/token/refresh", json={"username": "alice", "refresh_token": "has spaces"}
    )

    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "loc": ["body", "refresh_token"],
            "msg": "refresh_token must contain only letters A-Z and a-z, digits and - _ = .",
            "type": "string_pattern_mismatch",
        }
    ]


def test_every_pattern_of_the_api_has_its_rule_in_words(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    # An optional field's constraints sit in its anyOf (the string, or null).
    properties = [
        shape
        for component in schema["components"]["schemas"].values()
        for prop in component.get("properties", {}).values()
        for shape in [prop, *prop.get("anyOf", [])]
    ]
    parameters = [
        parameter["schema"]
        for operations in schema["paths"].values()
        for operation in operations.values()
        for parameter in operation.get("parameters", [])
    ]

    patterns = {found["pattern"] for found in properties + parameters if "pattern" in found}

    assert patterns == set(PATTERN_RULES)


def test_invalid_json_is_named_without_its_text(flows: Flows) -> None:
    response = flows.client.post(
        "/users/signup",
        content='{"password": "Sup3r-Secret", oops}',
        headers={"Content-Type": "application/json"},
    )

    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "loc": ["body", 29],
                "msg": "The body is not valid JSON: Expecting property name enclosed in double "
                "quotes",
                "type": "json_invalid",
            }
        ]
    }


def test_at_most_a_few_errors_are_listed() -> None:
    app = FastAPI()
    install_error_handlers(app)

    @app.post("/numbers")
    def numbers(values: Annotated[list[int], Body()]) -> int:
        return len(values)

    response = TestClient(app).post("/numbers", json=["x"] * 500)

    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "loc": ["body", index],
            "msg": "Input should be a valid integer, unable to parse string as an integer",
            "type": "int_parsing",
        }
        for index in range(MAX_LISTED_ERRORS)
    ]


def test_the_openapi_document_shows_the_422_error_as_answered(client: TestClient) -> None:
    error = client.get("/openapi.json").json()["components"]["schemas"]["ValidationError"]

    assert set(error["properties"]) == {"loc", "msg", "type"}
