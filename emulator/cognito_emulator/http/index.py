"""`GET /`: a browser at the emulator's root URL is sent on to the web console at /_emulator/."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from cognito_emulator.http import control


async def page(request: Request) -> Response:
    root = str(request.scope.get("root_path", ""))
    return RedirectResponse(f"{root}{control.PREFIX}/", status_code=302)
