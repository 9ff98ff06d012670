"""OpenAPI links of the user lifecycle: how each step's output feeds the next step's input.

signup → verify → login → me / refresh / logout / password change, plus the code and password
flows hanging off signup. These are the links the stateful phase of schemathesis walks. The
service should declare them itself (``responses={201: {"links": ...}}`` in its routes); until it
does, ``add_missing_links`` adds the ones it lacks to the raw schema before schemathesis loads it.
"""

from __future__ import annotations

from typing import Any

BEARER_FROM_RESPONSE = {"header.Authorization": "Bearer {$response.body#/access_token}"}


def operation_ref(path: str, method: str = "post") -> str:
    return "#/paths/" + path.replace("~", "~0").replace("/", "~1") + f"/{method}"


# (source path, source method, status) → {link name: link object}
LIFECYCLE_LINKS: dict[tuple[str, str, str], dict[str, dict[str, Any]]] = {
    ("/users/signup", "post", "201"): {
        "VerifySignedUpUser": {
            "operationRef": operation_ref("/users/verify"),
            "requestBody": {"username": "$request.body#/username"},
        },
        "ResendCodeToSignedUpUser": {
            "operationRef": operation_ref("/users/verify/resend"),
            "requestBody": {"username": "$request.body#/username"},
        },
        "LogInSignedUpUser": {
            "operationRef": operation_ref("/users/login"),
            "requestBody": {
                "username": "$request.body#/username",
                "password": "$request.body#/password",
            },
        },
        "ForgotPasswordOfSignedUpUser": {
            "operationRef": operation_ref("/users/password/forgot"),
            "requestBody": {"username": "$request.body#/username"},
        },
    },
    ("/users/verify", "post", "200"): {
        "LogInVerifiedUser": {
            "operationRef": operation_ref("/users/login"),
            "requestBody": {"username": "$request.body#/username"},
        },
    },
    ("/users/login", "post", "200"): {
        "ReadMe": {
            "operationRef": operation_ref("/users/me", "get"),
            "parameters": BEARER_FROM_RESPONSE,
        },
        "RefreshTokens": {
            "operationRef": operation_ref("/users/token/refresh"),
            "requestBody": {
                "username": "$request.body#/username",
                "refresh_token": "$response.body#/refresh_token",
            },
        },
        "LogOut": {
            "operationRef": operation_ref("/users/logout"),
            "parameters": BEARER_FROM_RESPONSE,
        },
        "ChangePassword": {
            "operationRef": operation_ref("/users/password/change"),
            "parameters": BEARER_FROM_RESPONSE,
        },
    },
    ("/users/token/refresh", "post", "200"): {
        "ReadMeWithRefreshedToken": {
            "operationRef": operation_ref("/users/me", "get"),
            "parameters": BEARER_FROM_RESPONSE,
        },
        "LogOutWithRefreshedToken": {
            "operationRef": operation_ref("/users/logout"),
            "parameters": BEARER_FROM_RESPONSE,
        },
    },
    ("/users/password/forgot", "post", "202"): {
        "ConfirmForgottenPassword": {
            "operationRef": operation_ref("/users/password/confirm"),
            "requestBody": {"username": "$request.body#/username"},
        },
    },
}


def add_missing_links(
    raw_schema: dict[str, Any], links: dict[tuple[str, str, str], dict[str, dict[str, Any]]]
) -> None:
    """Adds each link the schema lacks (by name); links the schema declares are left as they are."""
    for (path, method, status), named_links in links.items():
        response = raw_schema["paths"][path][method]["responses"][status]
        declared = response.setdefault("links", {})
        for name, link in named_links.items():
            declared.setdefault(name, link)
