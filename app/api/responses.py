"""The error answers each route documents in OpenAPI (`responses=`), so the schema lists every
status a route can return (schemathesis checks conformance against it)."""

from typing import Any

from app.models import ErrorDetail

_HEADERS: dict[int, dict[str, dict[str, Any]]] = {
    401: {
        "WWW-Authenticate": {
            "description": 'RFC 6750 challenge: `Bearer`, or `Bearer error="invalid_token"`',
            "schema": {"type": "string"},
        }
    },
    403: {
        "WWW-Authenticate": {
            "description": 'On group/scope refusals: `Bearer error="insufficient_scope"`',
            "schema": {"type": "string"},
        }
    },
    429: {"Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}},
    503: {"Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}},
}

# What any call to Cognito can add to a route's own answers.
IDENTITY_PROVIDER: dict[int, str] = {
    400: "Invalid parameter (as judged by Cognito)",
    403: "Refused by the identity provider",
    429: "Too many requests or attempts (Cognito throttling); see Retry-After",
    502: "Unexpected answer from the identity provider",
    503: "Cognito, its token keys or the database unavailable; see Retry-After",
}

# What any Bearer-authenticated route can answer.
AUTHENTICATED: dict[int, str] = IDENTITY_PROVIDER | {
    401: "Missing, invalid, expired or revoked bearer token",
    403: "User is disabled, or a machine's (client-credentials) token on a route for users",
}


def error_responses(descriptions: dict[int, str]) -> dict[int | str, dict[str, Any]]:
    return {
        code: {
            "model": ErrorDetail,
            "description": description,
            **({"headers": _HEADERS[code]} if code in _HEADERS else {}),
        }
        for code, description in sorted(descriptions.items())
    }
