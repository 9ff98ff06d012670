"""The console's outbox page: the messages the emulator "sent", newest first, codes large.

The page is complete without JavaScript. Its one inline script keeps it live: it polls the
control API's `GET /_emulator/outbox` (with the page's pool and username filters) every
POLL_MILLISECONDS and redraws the list when a message arrives, building the rows with DOM text
nodes (nothing it shows is parsed as HTML). Copy buttons use the clipboard where the browser
offers it (a secure context: https, localhost, 127.0.0.1) and else select the code to copy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from cognito_emulator.http.console.rendering import refusals_shown, render

if TYPE_CHECKING:
    from cognito_emulator.http.app import EmulatorApp

MESSAGES_SHOWN = 100
POLL_MILLISECONDS = 1000


@refusals_shown
async def outbox(request: Request) -> Response:
    """`?pool_id=` and `?username=` narrow the messages, as the control API's filters do."""
    emulator: EmulatorApp = request.app
    filters = {name: request.query_params.get(name, "").strip() for name in ("pool_id", "username")}
    messages = await emulator.run_locked(
        lambda: emulator.backend.outbox(filters["pool_id"] or None, filters["username"] or None)
    )
    poll_query = urlencode({name: value for name, value in filters.items() if value})
    return render(
        request,
        "outbox.html",
        {
            "messages": messages[::-1][:MESSAGES_SHOWN],
            "total": len(messages),
            "shown_at_most": MESSAGES_SHOWN,
            "filters": filters,
            "poll_url": str(request.url_for("outbox")) + (f"?{poll_query}" if poll_query else ""),
            "poll_milliseconds": POLL_MILLISECONDS,
        },
        section="console_outbox",
    )
