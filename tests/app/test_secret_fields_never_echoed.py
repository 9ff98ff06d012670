"""A request that fails validation never gets its passwords or tokens back: FastAPI's 422 echoes
each invalid value as `input`, and an answer ends up in client logs, proxies and bug reports.

Every secret field of every route (found in the OpenAPI document, so a new one cannot be
forgotten) is sent with an invalid value that contains a recognisable secret; the answer is a 422
that names the field and holds the secret nowhere.
"""

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient

from tests.app.service_harness import Flows

SECRET = "Sup3r-Secret-Value"
# Fails every secret field's constraints (ASCII whitespace is outside Cognito's `[\S]+` and the
# refresh-token alphabet) while containing the secret.
INVALID_SECRET = f"{SECRET} x"
VALID_PASSWORD = "Correct-Horse-9"
SECRET_WORDS = ("password", "token")
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


@dataclass(frozen=True)
class SecretField:
    method: str
    path: str
    name: str
    # The other fields of a valid request; `form` sends them form-encoded.
    valid: dict[str, str]
    form: bool = False
    authenticated: bool = False

    def send(self, client: TestClient, headers: dict[str, str], body: dict[str, str]) -> Any:
        payload = {"data": body} if self.form else {"json": body}
        return client.request(self.method, self.path, headers=headers, **payload)

    def __str__(self) -> str:
        return f"{self.path} {self.name}"


SECRET_FIELDS = [
    SecretField(
        "POST",
        "/users/signup",
        "password",
        {"username": "alice", "email": "alice@example.com", "password": VALID_PASSWORD},
    ),
    SecretField(
        "POST", "/users/login", "password", {"username": "alice", "password": ""}, form=True
    ),
    SecretField(
        "POST", "/users/token/refresh", "refresh_token", {"username": "alice", "refresh_token": ""}
    ),
    SecretField(
        "POST",
        "/users/password/confirm",
        "new_password",
        {"username": "alice", "confirmation_code": "123456", "new_password": ""},
    ),
    SecretField(
        "POST",
        "/users/login/challenge",
        "new_password",
        {
            "challenge": "NEW_PASSWORD_REQUIRED",
            "session": "s" * 20,
            "username": "alice",
            "new_password": "",
        },
    ),
    SecretField(
        "POST",
        "/users/password/change",
        "previous_password",
        {"previous_password": "", "proposed_password": VALID_PASSWORD},
        authenticated=True,
    ),
    SecretField(
        "POST",
        "/users/password/change",
        "proposed_password",
        {"previous_password": VALID_PASSWORD, "proposed_password": ""},
        authenticated=True,
    ),
]


def request_body_fields(schema: dict[str, Any]) -> set[tuple[str, str, str]]:
    """(method, path, field) of every request-body property in the OpenAPI document."""
    components = schema["components"]["schemas"]
    found = set()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for media in operation.get("requestBody", {}).get("content", {}).values():
                reference = media["schema"]["$ref"].rsplit("/", 1)[-1]
                for name in components[reference]["properties"]:
                    found.add((method.upper(), path, name))
    return found


def test_every_secret_field_of_every_route_is_covered(client: TestClient) -> None:
    secret = {
        (method, path, name)
        for method, path, name in request_body_fields(client.get("/openapi.json").json())
        if any(word in name for word in SECRET_WORDS)
    }

    assert secret == {(f.method, f.path, f.name) for f in SECRET_FIELDS}


@pytest.mark.parametrize("secret_field", SECRET_FIELDS, ids=str)
def test_an_invalid_secret_is_named_but_never_echoed(
    flows: Flows, secret_field: SecretField
) -> None:
    headers = flows.registered_user("alice").bearer if secret_field.authenticated else {}

    body = secret_field.valid | {secret_field.name: INVALID_SECRET}

    response = secret_field.send(flows.client, headers, body)

    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [["body", secret_field.name]]
    assert SECRET not in response.text


@pytest.mark.parametrize("secret_field", SECRET_FIELDS, ids=str)
def test_a_valid_secret_beside_a_missing_field_is_never_echoed(
    flows: Flows, secret_field: SecretField
) -> None:
    headers = flows.registered_user("alice").bearer if secret_field.authenticated else {}
    body = {secret_field.name: SECRET}

    response = secret_field.send(flows.client, headers, body)

    assert response.status_code == 422
    assert SECRET not in response.text


MEDIA_TYPES = ("text/plain", FORM, JSON)


@pytest.mark.parametrize(
    ("secret_field", "media_type"),
    [
        pytest.param(field, media_type, id=f"{field} as {media_type}")
        for field in SECRET_FIELDS
        for media_type in MEDIA_TYPES
        if media_type != (FORM if field.form else JSON)
    ],
)
def test_a_body_of_another_media_type_is_never_echoed(
    flows: Flows, secret_field: SecretField, media_type: str
) -> None:
    """A body the route does not parse was echoed raw, or whole, as `input`; the answer names the
    media type the route reads instead."""
    headers = flows.registered_user("alice").bearer if secret_field.authenticated else {}
    fields = secret_field.valid | {secret_field.name: SECRET}
    body = json.dumps(fields) if media_type == JSON else urlencode(fields)

    response = flows.client.request(
        secret_field.method,
        secret_field.path,
        headers=headers | {"Content-Type": media_type},
        content=body,
    )

    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [["body"]]
    assert SECRET not in response.text
