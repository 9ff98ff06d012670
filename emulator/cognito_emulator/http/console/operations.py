"""The console's way into the emulator: cognito-idp operations, as an admin's boto3 sends them.

Reading (DescribeUserPool, ListUsers, AdminGetUser, ...) and acting (AdminConfirmSignUp,
AdminDeleteUser, ...) go through the backend's `dispatch`, so Cognito's rules, the pool's
Lambda triggers and durable state apply to a click exactly as to an API call. They skip the
injected faults and quotas, which are set up for the app under test: a fault meant for its next
AdminGetUser must not be used up by someone looking at a user in the console.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from starlette.requests import Request

if TYPE_CHECKING:
    from cognito_emulator.http.app import EmulatorApp

# The most ListUserPools, ListUserPoolClients and ListUsers return at once (the API reference).
PAGE_SIZE = 60


async def cognito(request: Request, operation: str, **params: Any) -> dict[str, Any]:
    """One cognito-idp operation's answer; CognitoError as the API would refuse it."""
    emulator: EmulatorApp = request.app
    return await emulator.run_locked(
        functools.partial(emulator.backend.dispatch, operation, params)
    )


async def every_item(
    request: Request, operation: str, items: str, **params: Any
) -> list[dict[str, Any]]:
    """The `items` of every page a List operation answers (following NextToken)."""
    found: list[dict[str, Any]] = []
    while True:
        page = await cognito(request, operation, **params)
        found += page.get(items, [])
        if not page.get("NextToken"):
            return found
        params["NextToken"] = page["NextToken"]
