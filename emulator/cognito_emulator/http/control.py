"""The control API under /_emulator/ (JSON): health, outbox, clock, keys, faults and reset.

The web console's HTML pages share the prefix (`console.routes`); no path is both.

Each route reads its input, calls the matching operation of `EmulatorApp` (the same code the
in-process `EmulatorServer` methods run) and answers JSON; bad input is a 400 naming what to send.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route, Router
from starlette.types import Receive, Scope, Send

from cognito_emulator.http.errors import BadRequest
from cognito_emulator.http.wire import json_error, json_response, read_json

if TYPE_CHECKING:
    from cognito_emulator.http.app import EmulatorApp

PREFIX = "/_emulator"
FAULT_EXAMPLE = (
    '{"operation": "InitiateAuth", "error_code": "TooManyRequestsException", "count": 1}'
)
FAULT_FIELDS = {"operation", "error_code", "count", "probability", "latency_ms"}


async def health(request: Request) -> Response:
    emulator: EmulatorApp = request.app
    return json_response(
        {"status": "ok", "pool_ids": emulator.pool_ids(), "quotas": emulator.quotas is not None}
    )


async def outbox(request: Request) -> Response:
    emulator: EmulatorApp = request.app
    query = request.query_params
    messages = emulator.outbox(query.get("pool_id") or None, query.get("username") or None)
    return json_response({"messages": messages})


async def clock(request: Request) -> Response:
    emulator: EmulatorApp = request.app
    params = await _json_object(request, '{"advance_seconds": 3600}')
    if "advance_seconds" not in params:
        raise BadRequest('advance_seconds is required, e.g. {"advance_seconds": 3600}')
    try:
        now = emulator.advance_clock(params["advance_seconds"])
    except ValueError as error:
        raise BadRequest(str(error)) from None
    return json_response({"now": now})


async def rotate_keys(request: Request) -> Response:
    emulator: EmulatorApp = request.app
    params = await _json_object(request, '{"pool_id": "us-east-1_..."}')
    pool_id = params.get("pool_id")
    if not isinstance(pool_id, str) or not pool_id:
        raise BadRequest('pool_id is required, e.g. {"pool_id": "us-east-1_..."}')
    return json_response({"kid": emulator.rotate_keys(pool_id)})


async def faults(request: Request) -> Response:
    """GET lists the faults, POST adds one, DELETE clears them all."""
    emulator: EmulatorApp = request.app
    if request.method == "POST":
        return json_response({"fault": await _add_fault(emulator, request)})
    if request.method == "DELETE":
        return json_response({"cleared": emulator.clear_faults()})
    return json_response({"faults": emulator.faults.describe()})


async def _add_fault(emulator: EmulatorApp, request: Request) -> dict[str, Any]:
    params = await _json_object(request, FAULT_EXAMPLE)
    unknown = sorted(set(params) - FAULT_FIELDS)
    if unknown:
        raise BadRequest(f"unknown fault fields {unknown}; example: {FAULT_EXAMPLE}")
    if "operation" not in params:
        raise BadRequest(f"operation is required; example: {FAULT_EXAMPLE}")
    try:
        fault = emulator.add_fault(
            params["operation"],
            params.get("error_code"),
            count=params.get("count"),
            probability=params.get("probability"),
            latency_ms=params.get("latency_ms"),
        )
    except ValueError as error:
        raise BadRequest(str(error)) from None
    return fault.describe()


async def reset(request: Request) -> Response:
    emulator: EmulatorApp = request.app
    emulator.reset()
    return json_response({"reset": True})


async def _json_object(request: Request, example: str) -> dict[str, Any]:
    body = await request.body()
    try:
        params = read_json(body) if body else None
    except ValueError as error:
        raise BadRequest(f"the body is {error}: send a JSON object, e.g. {example}") from None
    if not isinstance(params, dict):
        raise BadRequest(f"send a JSON object body, e.g. {example}")
    return params


ROUTES = [
    Route("/health", health, methods=["GET"]),
    Route("/outbox", outbox, methods=["GET"]),
    Route("/clock", clock, methods=["POST"]),
    Route("/keys/rotate", rotate_keys, methods=["POST"]),
    Route("/faults", faults, methods=["GET", "POST", "DELETE"]),
    Route("/reset", reset, methods=["POST"]),
]


def described_routes() -> list[tuple[list[str], str]]:
    """(methods, path) of every control route, for the console home page and the 404 message."""
    return [(sorted((route.methods or set()) - {"HEAD"}), PREFIX + route.path) for route in ROUTES]


async def _not_found(scope: Scope, receive: Receive, send: Send) -> None:
    paths = ", ".join(sorted(path for _, path in described_routes()))
    response = json_error(404, "NotFound", f"No control route {scope['path']}; routes: {paths}")
    await response(scope, receive, send)


def _router() -> Router:
    """The control routes, and the web console's pages beside them under the same prefix
    (`console.routes`; imported here, as the console's home page lists these routes)."""
    from cognito_emulator.http.console.routes import ROUTES as CONSOLE_ROUTES

    return Router([*ROUTES, *CONSOLE_ROUTES], redirect_slashes=False, default=_not_found)


MOUNT = Mount(PREFIX, app=_router())
