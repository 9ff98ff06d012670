"""Requests checked against botocore's cognito-idp model: wrong JSON types and missing members are
400s naming the member (SerializationException / InvalidParameterException), never moto's 500s."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from botocore.model import ListShape, Shape

from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.exceptions import CognitoError
from cognito_emulator.pytest_plugin import CognitoUser
from cognito_emulator.validation import check_request, input_shapes

TARGET = "AWSCognitoIdentityProviderService."

# A value of the wrong JSON type for each of the model's types, what it is, and what to send.
WRONG_VALUE: dict[str, tuple[object, str, str]] = {
    "structure": (1, "a number", "a JSON object ({shape})"),
    "map": (1, "a number", "a JSON object"),
    "list": (1, "a number", "a JSON array"),
    "string": (1, "a number", "a string"),
    "blob": (1, "a number", "a base64 string"),
    "boolean": ("true", "a string", "true or false"),
    "integer": ("1", "a string", "an integer"),
    "long": ("1", "a string", "an integer"),
    "timestamp": ("1", "a string", "a number of seconds since the epoch"),
}


def wrong_value(shape: Shape, path: str) -> tuple[object, str]:
    """A value of the wrong type for `shape`, and the message that refuses it at `path`."""
    value, got, expected = WRONG_VALUE[shape.type_name]
    return value, f"Expected {expected.format(shape=shape.name)} at '{path}', got {got}"


def member_cases() -> list[tuple[str, str, list[object], str]]:
    """(operation, member, value, message) for every top-level member of every operation, and
    for every list member one element of the wrong type."""
    cases = []
    for operation, shape in input_shapes().items():
        for name, member in (shape.members if shape is not None else {}).items():
            path = name[:1].lower() + name[1:]
            value, message = wrong_value(member, path)
            cases.append((operation, name, value, message))
            if isinstance(member, ListShape):
                value, message = wrong_value(member.member, f"{path}.1.member")
                cases.append((operation, name, [value], message))
    return cases


def test_every_member_of_every_operation_is_type_checked() -> None:
    cases = member_cases()
    refused = []
    for operation, name, value, _ in cases:
        with pytest.raises(CognitoError) as raised:
            check_request(operation, {name: value}, lambda operation: True)
        refused.append((raised.value.code, raised.value.status, raised.value.message))

    assert refused == [("SerializationException", 400, message) for *_, message in cases]
    assert (
        "SignUp",
        "UserAttributes",
        [1],
        "Expected a JSON object (AttributeType) at 'userAttributes.1.member', got a number",
    ) in cases


def call(http: httpx.Client, operation: str, body: dict[str, Any]) -> httpx.Response:
    return http.post(
        "/",
        json=body,
        headers={"X-Amz-Target": TARGET + operation, "Content-Type": "application/x-amz-json-1.1"},
    )


def user_attribute_calls(pool: PoolConfig, user: CognitoUser) -> list[tuple[str, dict[str, Any]]]:
    """The operations that take UserAttributes, each with its other members."""
    return [
        ("SignUp", {"ClientId": pool.client_id, "Username": "bob", "Password": "Passw0rd!"}),
        ("AdminCreateUser", {"UserPoolId": pool.user_pool_id, "Username": "bob"}),
        ("UpdateUserAttributes", {"AccessToken": user.access_token}),
        ("AdminUpdateUserAttributes", {"UserPoolId": pool.user_pool_id, "Username": "bob"}),
    ]


@pytest.mark.parametrize(
    ("attributes", "message"),
    [
        (
            [1, "x", None],
            "Expected a JSON object (AttributeType) at 'userAttributes.1.member', got a number",
        ),
        (
            ["x"],
            "Expected a JSON object (AttributeType) at 'userAttributes.1.member', got a string",
        ),
        ([None], "Expected a JSON object (AttributeType) at 'userAttributes.1.member', got null"),
        (
            [{"Name": "email", "Value": "bob@example.com"}, {"Name": ["email"], "Value": "x"}],
            "Expected a string at 'userAttributes.2.member.name', got an array",
        ),
        ({"email": "bob@example.com"}, "Expected a JSON array at 'userAttributes', got an object"),
    ],
)
def test_user_attributes_of_the_wrong_type_are_a_serialization_error(
    emulator_http: httpx.Client,
    cognito_pool: PoolConfig,
    cognito_user: CognitoUser,
    attributes: object,
    message: str,
) -> None:
    for operation, body in user_attribute_calls(cognito_pool, cognito_user):
        response = call(emulator_http, operation, {**body, "UserAttributes": attributes})

        assert (operation, response.status_code) == (operation, 400)
        assert response.json() == {"__type": "SerializationException", "message": message}
        assert response.headers["x-amzn-errortype"] == "SerializationException"


@pytest.mark.parametrize(
    ("operation", "body", "message"),
    [
        ("ListUsers", {"Limit": "10"}, "Expected an integer at 'limit', got a string"),
        ("ListUsers", {"Limit": 1.5}, "Expected an integer at 'limit', got a number"),
        ("ListUsers", {"Limit": True}, "Expected an integer at 'limit', got a boolean"),
        (
            "InitiateAuth",
            {"AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": {"USERNAME": 1}},
            "Expected a string at 'authParameters.USERNAME', got a number",
        ),
        (
            "AdminCreateUser",
            {"Username": "bob", "ForceAliasCreation": "yes"},
            "Expected true or false at 'forceAliasCreation', got a string",
        ),
    ],
)
def test_other_members_of_the_wrong_type_are_a_serialization_error(
    emulator_http: httpx.Client,
    cognito_pool: PoolConfig,
    operation: str,
    body: dict[str, Any],
    message: str,
) -> None:
    ids = {"UserPoolId": cognito_pool.user_pool_id, "ClientId": cognito_pool.client_id}

    response = call(emulator_http, operation, {**ids, **body})

    assert response.status_code == 400
    assert response.json() == {"__type": "SerializationException", "message": message}


def test_a_password_of_the_wrong_type_is_not_echoed(
    emulator_http: httpx.Client, cognito_pool: PoolConfig
) -> None:
    response = call(
        emulator_http,
        "SignUp",
        {"ClientId": cognito_pool.client_id, "Username": "bob", "Password": 73914622},
    )

    assert response.status_code == 400
    assert response.json() == {
        "__type": "SerializationException",
        "message": "Expected a string at 'password', got a number",
    }


def test_missing_members_at_any_depth_are_listed_as_aws_does(
    emulator_http: httpx.Client,
) -> None:
    response = call(emulator_http, "AdminCreateUser", {"UserAttributes": [{"Value": "x"}]})

    assert response.status_code == 400
    assert response.json() == {
        "__type": "InvalidParameterException",
        "message": "3 validation errors detected: "
        "Value null at 'userAttributes.1.member.name' failed to satisfy constraint: "
        "Member must not be null; "
        "Value null at 'userPoolId' failed to satisfy constraint: Member must not be null; "
        "Value null at 'username' failed to satisfy constraint: Member must not be null",
    }


def test_null_members_are_absent_and_unknown_members_ignored(
    emulator_http: httpx.Client, cognito_pool: PoolConfig
) -> None:
    response = call(
        emulator_http,
        "AdminCreateUser",
        {
            "UserPoolId": cognito_pool.user_pool_id,
            "Username": "bob",
            "UserAttributes": None,
            "NotAMember": [1, {"x": None}],
        },
    )

    assert response.status_code == 200
    assert response.json()["User"]["Username"] == "bob"
