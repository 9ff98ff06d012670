"""The console's user page (status, attributes, groups, MFA, the messages sent to the user) and
the actions on it: confirm, disable, enable, reset password, sign out everywhere and delete.

Each action is the admin operation an SDK would call (AdminConfirmSignUp, ...), so the pool's
rules and triggers run as they would for that call; what it did, or Cognito's refusal, is the
flash message of the page the browser is sent back to (303, so a reload repeats nothing).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response

from cognito_emulator.exceptions import CognitoError
from cognito_emulator.http.console.flash import redirect_with_flash
from cognito_emulator.http.console.guard import guarded_form
from cognito_emulator.http.console.operations import PAGE_SIZE, cognito, every_item
from cognito_emulator.http.console.rendering import error_page, refusals_shown, render

if TYPE_CHECKING:
    from cognito_emulator.http.app import EmulatorApp

# The newest messages to the user shown on their page.
MESSAGES_SHOWN = 10


@dataclass(frozen=True)
class UserAction:
    operation: str
    done: str  # what happened, for the flash; {username} is the user
    leaves_user: bool = True  # False: the user is gone, go back to the pool


ACTIONS = {
    "confirm": UserAction("AdminConfirmSignUp", "Confirmed {username}: they can sign in now."),
    "disable": UserAction(
        "AdminDisableUser",
        "Disabled {username}: their tokens are revoked and sign-ins refused until enabled again.",
    ),
    "enable": UserAction("AdminEnableUser", "Enabled {username}: they can sign in again."),
    "reset-password": UserAction(
        "AdminResetUserPassword",
        "Reset the password of {username}: they must set a new one with the code sent to them.",
    ),
    "sign-out": UserAction(
        "AdminUserGlobalSignOut",
        "Signed {username} out everywhere: their ID, access and refresh tokens are revoked.",
    ),
    "delete": UserAction("AdminDeleteUser", "Deleted {username}.", leaves_user=False),
}


@refusals_shown
async def user(request: Request) -> Response:
    emulator: EmulatorApp = request.app
    pool_id, username = request.path_params["pool_id"], request.path_params["username"]
    found = await cognito(request, "AdminGetUser", UserPoolId=pool_id, Username=username)
    groups = await every_item(
        request,
        "AdminListGroupsForUser",
        "Groups",
        UserPoolId=pool_id,
        Username=found["Username"],
        Limit=PAGE_SIZE,
    )
    messages = await emulator.run_locked(lambda: emulator.backend.outbox(pool_id, username))
    return render(
        request,
        "user.html",
        {
            "pool_id": pool_id,
            "user": found,
            "groups": groups,
            "messages": messages[::-1][:MESSAGES_SHOWN],
        },
        section="console_home",
    )


@refusals_shown
async def act(request: Request) -> Response:
    """Run the action the form's `action` button names, then back to the user (or the pool)."""
    pool_id, username = request.path_params["pool_id"], request.path_params["username"]
    form = await guarded_form(request)
    action = ACTIONS.get(form.get("action", ""))
    if action is None:
        return error_page(
            request,
            400,
            "Unknown action",
            f"The form asks for action {form.get('action', '')!r}; the console knows "
            f"{', '.join(ACTIONS)}.",
        )
    user_page = user_path(request, pool_id, username)
    try:
        await cognito(request, action.operation, UserPoolId=pool_id, Username=username)
    except CognitoError as error:
        refused = f"{action.operation} refused: {error.code}: {error.message}"
        return redirect_with_flash(request, user_page, "refused", refused)
    back = (
        user_page if action.leaves_user else str(request.url_for("console_pool", pool_id=pool_id))
    )
    return redirect_with_flash(request, back, "done", action.done.format(username=username))


def user_path(request: Request, pool_id: str, username: str) -> str:
    """The user's page: the username is one path segment, whatever characters it has."""
    return str(request.url_for("console_user", pool_id=pool_id, username=quote(username, safe="")))
