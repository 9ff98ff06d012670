"""The OpenAPI links the service declares: the lifecycle a client (or schemathesis' stateful
phase) can follow from one answer to the next, every link pointing at real operations and fields."""

from typing import Any

import pytest

from app.main import create_app

OPENAPI = create_app().openapi()
OPERATIONS = {
    operation["operationId"]: (path, method, operation)
    for path, methods in OPENAPI["paths"].items()
    for method, operation in methods.items()
}

# (source path, status) → the operations its links lead to.
LIFECYCLE = {
    ("/users/signup", "201"): {
        "/users/verify",
        "/users/verify/resend",
        "/users/login",
        "/users/password/forgot",
    },
    ("/users/verify", "200"): {"/users/login"},
    ("/users/login", "200"): {
        "/users/me",
        "/users/logout",
        "/users/password/change",
        "/users/token/refresh",
    },
    # A challenge answered with tokens leads on as a login does.
    ("/users/login/challenge", "200"): {
        "/users/me",
        "/users/logout",
        "/users/password/change",
        "/users/token/refresh",
    },
    ("/users/token/refresh", "200"): {"/users/me", "/users/logout"},
    ("/users/password/forgot", "202"): {"/users/password/confirm"},
}


def resolve(schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if ref is None:
        return schema
    resolved: dict[str, Any] = OPENAPI["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    return resolved


def body_properties(operation: dict[str, Any]) -> set[str]:
    content = operation.get("requestBody", {}).get("content", {})
    return {
        name
        for media in content.values()
        for name in resolve(media["schema"]).get("properties", {})
    }


def response_properties(operation: dict[str, Any], status: str) -> set[str]:
    """The answer's properties; of each of its shapes when it has several (anyOf: a login's
    tokens or challenge)."""
    content = operation["responses"][status].get("content", {})
    schemas = [media["schema"] for media in content.values()]
    shapes = [shape for schema in schemas for shape in schema.get("anyOf", [schema])]
    return {name for shape in shapes for name in resolve(shape).get("properties", {})}


def links_of(path: str, status: str) -> dict[str, dict[str, Any]]:
    links: dict[str, dict[str, Any]] = OPENAPI["paths"][path]["post"]["responses"][status].get(
        "links", {}
    )
    return links


@pytest.mark.parametrize(("source", "status"), list(LIFECYCLE))
def test_the_lifecycle_links_are_in_the_services_own_schema(source: str, status: str) -> None:
    targets = {OPERATIONS[link["operationId"]][0] for link in links_of(source, status).values()}

    assert targets == LIFECYCLE[(source, status)]


def test_every_link_names_an_operation_by_id_and_fields_that_exist() -> None:
    """operationId (not operationRef) of an explicit, stable id; `$request.body#/x` and
    `$response.body#/x` name fields of the source operation, and the body fields it fills are
    fields of the target's body."""
    checked = 0
    for path, methods in OPENAPI["paths"].items():
        for operation in methods.values():
            for status, response in operation["responses"].items():
                for link in response.get("links", {}).values():
                    assert set(link) <= {"operationId", "description", "parameters", "requestBody"}
                    _, _, target = OPERATIONS[link["operationId"]]
                    filled = link.get("requestBody", {})
                    assert set(filled) <= body_properties(target)
                    expressions = [*filled.values(), *link.get("parameters", {}).values()]
                    for expression in expressions:
                        source, _, pointer = expression.strip("{}").partition("#/")
                        source = source.rsplit("{", 1)[-1]
                        if source == "$request.body":
                            assert pointer in body_properties(operation), (path, expression)
                        else:
                            assert source == "$response.body", expression
                            assert pointer in response_properties(operation, status)
                    checked += 1
    assert checked == sum(len(targets) for targets in LIFECYCLE.values())


def test_bearer_links_lead_to_operations_that_take_the_bearer_token() -> None:
    for source, status in LIFECYCLE:
        for link in links_of(source, status).values():
            if "header.Authorization" not in link.get("parameters", {}):
                continue
            _, _, target = OPERATIONS[link["operationId"]]
            assert target.get("security") == [{"Cognito": []}]
            assert link["parameters"]["header.Authorization"].startswith("Bearer {$response.")


def test_the_users_routes_have_explicit_operation_ids() -> None:
    """Links name these ids; FastAPI's generated ones would change with a path or method."""
    users = {
        operation["operationId"]
        for path, methods in OPENAPI["paths"].items()
        if path.startswith("/users/")
        for operation in methods.values()
    }

    assert users == {
        "signup",
        "verify",
        "resend_verification_code",
        "login",
        "refresh_token",
        "logout",
        "read_me",
        "forgot_password",
        "confirm_forgot_password",
        "change_password",
        "answer_challenge",
        "read_mfa",
        "set_mfa_preference",
        "start_totp_setup",
        "verify_totp",
    }
