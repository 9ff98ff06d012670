"""The request body cap: a larger body is answered 413 before it is read whole, so an
unauthenticated caller cannot make a worker buffer, parse and validate megabytes.

Pure ASGI (BaseHTTPMiddleware would buffer what it guards). Starlette's own
RequestBodyLimitMiddleware (FastAPI's `max_body_size`) answers 413 in plain text when the
Content-Length gives the size away; every error of this service is `{"detail": ...}` JSON.
"""

from collections.abc import Callable

from fastapi import status
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class RequestBodyLimit:
    """413 for a body over `max_bytes()`: at once when its Content-Length says so, else as soon
    as the chunks read so far pass it (a chunked body has no Content-Length). The limit is asked
    for per request: the app's settings may be read only at startup."""

    def __init__(self, app: ASGIApp, max_bytes: Callable[[], int]) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        max_bytes = self.max_bytes()
        detail = f"Request body too large: at most {max_bytes} bytes"
        if _declared_length(scope) > max_bytes:
            too_large = JSONResponse({"detail": detail}, status.HTTP_413_CONTENT_TOO_LARGE)
            await too_large(scope, receive, send)
            return
        received = 0

        async def receive_within_limit() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_bytes:
                    # FastAPI re-raises an HTTPException met while reading the body, and the
                    # app's handler answers it like any other error.
                    raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, detail)
            return message

        await self.app(scope, receive_within_limit, send)


def _declared_length(scope: Scope) -> int:
    """The Content-Length, 0 when absent or unreadable (servers refuse a malformed one)."""
    try:
        return int(Headers(scope=scope).get("content-length", 0))
    except ValueError:
        return 0
