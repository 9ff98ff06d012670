"""The Authorization header, read as RFC 6750 §2.1 says: the `Bearer` scheme (any case) and a
token. Anything else is no credential at all — 401 "Not authenticated" with a bare challenge —
not an invalid token."""

import pytest

from tests.app.service_harness import Flows

NOT_AUTHENTICATED = {"detail": "Not authenticated"}


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer ", "Bearer    ", "Basic dXNlcjpwYXNz", "Token abc", "abc"],
)
def test_without_a_bearer_token_the_caller_is_not_authenticated(
    flows: Flows, authorization: str | None
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}

    response = flows.client.get("/users/me", headers=headers)

    assert (response.status_code, response.json()) == (401, NOT_AUTHENTICATED)
    assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("form", ["Bearer {}", "bearer {}", "BEARER {}", "Bearer  {}  "])
def test_the_bearer_scheme_is_case_insensitive_and_the_token_trimmed(
    flows: Flows, form: str
) -> None:
    user = flows.registered_user("alice")

    response = flows.client.get(
        "/users/me", headers={"Authorization": form.format(user.tokens["access_token"])}
    )

    assert (response.status_code, response.json()["sub"]) == (200, user.sub)
