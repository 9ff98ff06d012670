"""The console's token inspector page: paste a token, see what it says and whether it is real.

The token is POSTed (never put in a URL, where access logs and history would keep it) and
inspected by `token_inspection` against the pool's published keys and the emulator
clock; the answer is the page again, with the findings and the token still in the box.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from cognito_emulator.http.console.guard import guarded_form
from cognito_emulator.http.console.rendering import refusals_shown, render
from cognito_emulator.http.console.token_inspection import inspect_token

if TYPE_CHECKING:
    from cognito_emulator.http.app import EmulatorApp


@refusals_shown
async def tokens(request: Request) -> Response:
    emulator: EmulatorApp = request.app
    if request.method == "GET":
        return render(
            request, "tokens.html", {"token": "", "inspection": None}, section="console_tokens"
        )
    token = (await guarded_form(request)).get("token", "")
    backend = emulator.backend
    inspection = await emulator.run_locked(
        lambda: inspect_token(
            token,
            region=backend.region,
            pool_ids=backend.pool_ids(),
            jwks_of=backend.jwks,
            now=backend.clock.now(),
        )
    )
    return render(
        request,
        "tokens.html",
        {"token": token, "inspection": inspection},
        section="console_tokens",
        status=400 if inspection.unreadable else 200,
    )
