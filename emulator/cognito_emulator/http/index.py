"""`GET /`: an HTML page listing what this emulator serves, for a person with a browser."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from cognito_emulator.http import control
from cognito_emulator.http.templating import templates

if TYPE_CHECKING:
    from cognito_emulator.http.app import EmulatorApp


async def page(request: Request) -> Response:
    emulator: EmulatorApp = request.app
    return templates.TemplateResponse(
        request,
        "index.html",
        {
            "endpoint_url": str(request.base_url).rstrip("/"),
            "pool_ids": emulator.pool_ids(),
            "quotas": emulator.quotas is not None,
            "control_routes": control.described_routes(),
        },
    )
