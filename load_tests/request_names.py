"""The names the locustfile gives its requests, one stats row each: `METHOD /route`, with what
sets a row apart in brackets; `pool: ...` for the pool domain's endpoints and pages.

Kept free of Locust, so the p95 bounds (thresholds.py) are written against the same names and a
test can check that every one has a bound.
"""

from __future__ import annotations

SIGNUP = "POST /users/signup"
VERIFY = "POST /users/verify"
LOGIN = "POST /users/login"
REFRESH = "POST /users/token/refresh"
LOGOUT = "POST /users/logout"
ME = "GET /users/me"
ME_REVOKED = "GET /users/me (revoked token)"
ME_MACHINE = "GET /users/me (machine token)"
OUTBOX = "emulator: GET /_emulator/outbox"
ADMIN_USERS = "GET /admin/users"
ADMIN_CHANGE_REFUSED = "PATCH /admin/users/{sub} (read scope)"
AUTH_LOGIN = "GET /auth/login"
AUTH_CALLBACK = "GET /auth/callback"

POOL_PREFIX = "pool: "


def pool_request(method: str, path: str) -> str:
    """A request to the pool's domain, by its path under the domain (`pool: GET /login`)."""
    return f"{POOL_PREFIX}{method} {path}"


MACHINE_TOKEN = pool_request("POST", "/oauth2/token")
POOL_AUTHORIZE = pool_request("GET", "/oauth2/authorize")
POOL_LOGIN_PAGE = pool_request("GET", "/login")
POOL_LOGIN_FORM = pool_request("POST", "/login")
