"""The emulator's ASGI app: the cognito-idp JSON API at `/`, per-pool JWKS, and the control API.

Raw ASGI rather than a framework: the API hot path (`POST /`) is one header lookup, one JSON
parse, one backend call and one JSON encode, with no middleware stack in between.

Every call into the backend holds one lock, so the backend (moto underneath) only ever runs on
one thread at a time, whether the call comes from the event loop or from a test thread using the
in-process API. The control operations are methods here so that the HTTP control API and
`EmulatorServer` run exactly the same code.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qs

from emulator import wire
from emulator.backend import EmulatorBackend
from emulator.exceptions import CognitoError
from emulator.faults import Fault, FaultInjector
from emulator.quotas import QuotaLimiter

logger = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

JSON_CONTENT_TYPE = b"application/json"
CONTROL_PREFIX = "/_emulator/"
WELL_KNOWN_DOCUMENTS = ("jwks.json", "openid-configuration")


class ControlError(Exception):
    """Bad input to the control API: answered 4xx with a message saying what to send instead."""

    def __init__(self, message: str, status: int = 400, code: str = "ValidationException") -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code


class EmulatorApp:
    def __init__(self, backend: EmulatorBackend, *, quotas: QuotaLimiter | None = None) -> None:
        self.backend = backend
        self.faults = FaultInjector()
        self.quotas = quotas
        self._lock = threading.Lock()
        self._control_routes: dict[tuple[str, str], Callable[[Scope, bytes], dict[str, Any]]] = {
            ("GET", "health"): self._health_route,
            ("GET", "outbox"): self._outbox_route,
            ("POST", "clock"): self._clock_route,
            ("POST", "keys/rotate"): self._rotate_route,
            ("GET", "faults"): self._list_faults_route,
            ("POST", "faults"): self._add_fault_route,
            ("DELETE", "faults"): self._clear_faults_route,
            ("POST", "reset"): self._reset_route,
        }

    # -- operations shared by the HTTP control API and the in-process API ------------------------

    def dispatch(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        """One cognito-idp operation, without faults or quotas (the bootstrap uses this)."""
        with self._lock:
            return self.backend.dispatch(operation, params)

    def outbox(
        self, pool_id: str | None = None, username: str | None = None
    ) -> list[dict[str, Any]]:
        with self._lock:
            return self.backend.outbox(pool_id, username)

    def advance_clock(self, seconds: float) -> float:
        if (
            isinstance(seconds, bool)
            or not isinstance(seconds, int | float)
            or not math.isfinite(seconds)
        ):
            raise ValueError(f"advance_seconds must be a finite number of seconds, got {seconds!r}")
        with self._lock:
            return self.backend.clock.advance(seconds)

    def rotate_keys(self, pool_id: str) -> str:
        with self._lock:
            return self.backend.rotate_keys(pool_id)

    def add_fault(
        self,
        operation: str,
        error_code: str | None,
        *,
        count: int | None = None,
        probability: float | None = None,
        latency_ms: float | None = None,
    ) -> Fault:
        return self.faults.add(
            operation, error_code, count=count, probability=probability, latency_ms=latency_ms
        )

    def clear_faults(self) -> int:
        return self.faults.clear()

    def reset(self) -> None:
        """Wipe the backend's state and also the faults and quota buckets: a clean slate."""
        with self._lock:
            self.backend.reset()
        self.faults.clear()
        if self.quotas is not None:
            self.quotas.reset()

    # -- ASGI -----------------------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            if scope["path"] == "/" and scope["method"] == "POST":
                await self._api(scope, receive, send)
            else:
                await self._other(scope, receive, send)
        elif scope["type"] == "lifespan":
            await _lifespan(receive, send)

    async def _api(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = await _read_body(receive)
        request_id = wire.new_request_id()
        try:
            operation = wire.operation_from_headers(scope["headers"])
            params = wire.parse_body(body)
            fault = self.faults.draw(operation)
            if fault is not None:
                if fault.latency_ms:
                    await asyncio.sleep(fault.latency_ms / 1000)
                if fault.error_code is not None:
                    await _send_error(
                        send, request_id, fault.status, fault.error_code, fault.message
                    )
                    return
            if self.quotas is not None and not self.quotas.allow(operation):
                await _send_error(
                    send, request_id, 400, "TooManyRequestsException", "Rate exceeded"
                )
                return
            with self._lock:
                result = self.backend.dispatch(operation, params)
            payload = wire.encode(result)
        except (CognitoError, wire.WireError) as error:
            await _send_error(send, request_id, error.status, error.code, error.message)
            return
        except Exception:
            logger.exception("Internal error answering %s", _describe(scope))
            await _send_error(
                send, request_id, 500, "InternalErrorException", "Internal server error."
            )
            return
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": wire.response_headers(payload, request_id),
            }
        )
        await send({"type": "http.response.body", "body": payload})

    async def _other(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = await _read_body(receive)
        path: str = scope["path"]
        try:
            if path.startswith(CONTROL_PREFIX):
                payload = self._control(scope, path.removeprefix(CONTROL_PREFIX), body)
            else:
                payload = self._well_known(scope, path)
        except ControlError as error:
            await _send_json(send, error.status, {"__type": error.code, "message": error.message})
            return
        except CognitoError as error:
            await _send_json(send, error.status, {"__type": error.code, "message": error.message})
            return
        except Exception:
            logger.exception("Internal error answering %s", _describe(scope))
            await _send_json(
                send, 500, {"__type": "InternalErrorException", "message": "Internal server error."}
            )
            return
        await _send_json(send, 200, payload)

    def _well_known(self, scope: Scope, path: str) -> dict[str, Any]:
        pool_id, separator, document = path.strip("/").partition("/.well-known/")
        if not separator or not pool_id or "/" in pool_id or document not in WELL_KNOWN_DOCUMENTS:
            raise ControlError(
                f"No route for {path!r}: the API is POST /, pool documents are "
                "/{pool_id}/.well-known/jwks.json and /{pool_id}/.well-known/openid-configuration, "
                "the control API is under /_emulator/",
                status=404,
                code="NotFound",
            )
        if scope["method"] != "GET":
            raise ControlError(f"{path} only answers GET", status=405, code="MethodNotAllowed")
        try:
            with self._lock:
                if document == "jwks.json":
                    return self.backend.jwks(pool_id)
                return self.backend.openid_configuration(pool_id, _base_url(scope))
        except CognitoError as error:
            if error.code == "ResourceNotFoundException":
                error.status = 404
            raise

    def _control(self, scope: Scope, route: str, body: bytes) -> dict[str, Any]:
        handler = self._control_routes.get((scope["method"], route))
        if handler is None:
            methods = sorted(method for method, name in self._control_routes if name == route)
            if methods:
                raise ControlError(
                    f"/_emulator/{route} answers {', '.join(methods)}, not {scope['method']}",
                    status=405,
                    code="MethodNotAllowed",
                )
            routes = sorted({f"/_emulator/{name}" for _, name in self._control_routes})
            raise ControlError(
                f"No control route /_emulator/{route}; routes: {', '.join(routes)}",
                status=404,
                code="NotFound",
            )
        try:
            return handler(scope, body)
        except ValueError as error:
            raise ControlError(str(error)) from None

    # -- control routes -------------------------------------------------------------------------

    def _health_route(self, scope: Scope, body: bytes) -> dict[str, Any]:
        with self._lock:
            pool_ids = self.backend.pool_ids()
        return {"status": "ok", "pool_ids": pool_ids, "quotas": self.quotas is not None}

    def _outbox_route(self, scope: Scope, body: bytes) -> dict[str, Any]:
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        pool_id = query.get("pool_id", [""])[-1] or None
        username = query.get("username", [""])[-1] or None
        return {"messages": self.outbox(pool_id, username)}

    def _clock_route(self, scope: Scope, body: bytes) -> dict[str, Any]:
        params = _control_body(body, '{"advance_seconds": 3600}')
        if "advance_seconds" not in params:
            raise ValueError('advance_seconds is required, e.g. {"advance_seconds": 3600}')
        return {"now": self.advance_clock(params["advance_seconds"])}

    def _rotate_route(self, scope: Scope, body: bytes) -> dict[str, Any]:
        params = _control_body(body, '{"pool_id": "us-east-1_..."}')
        pool_id = params.get("pool_id")
        if not isinstance(pool_id, str) or not pool_id:
            raise ValueError('pool_id is required, e.g. {"pool_id": "us-east-1_..."}')
        return {"kid": self.rotate_keys(pool_id)}

    def _list_faults_route(self, scope: Scope, body: bytes) -> dict[str, Any]:
        return {"faults": self.faults.describe()}

    def _add_fault_route(self, scope: Scope, body: bytes) -> dict[str, Any]:
        example = (
            '{"operation": "InitiateAuth", "error_code": "TooManyRequestsException", "count": 1}'
        )
        params = _control_body(body, example)
        unknown = sorted(
            set(params) - {"operation", "error_code", "count", "probability", "latency_ms"}
        )
        if unknown:
            raise ValueError(f"unknown fault fields {unknown}; example: {example}")
        if "operation" not in params:
            raise ValueError(f"operation is required; example: {example}")
        fault = self.faults.add(
            params["operation"],
            params.get("error_code"),
            count=params.get("count"),
            probability=params.get("probability"),
            latency_ms=params.get("latency_ms"),
        )
        return {"fault": fault.describe()}

    def _clear_faults_route(self, scope: Scope, body: bytes) -> dict[str, Any]:
        return {"cleared": self.clear_faults()}

    def _reset_route(self, scope: Scope, body: bytes) -> dict[str, Any]:
        self.reset()
        return {"reset": True}


def _control_body(body: bytes, example: str) -> dict[str, Any]:
    try:
        params = json.loads(body) if body else None
    except (ValueError, UnicodeDecodeError):
        params = None
    if not isinstance(params, dict):
        raise ValueError(f"send a JSON object body, e.g. {example}")
    return params


def _base_url(scope: Scope) -> str:
    """The URL the client used to reach us, so jwks_uri is reachable from where it was asked."""
    for name, value in scope["headers"]:
        if name == b"host":
            return f"{scope.get('scheme', 'http')}://{value.decode('latin-1')}"
    host, port = scope.get("server") or ("127.0.0.1", 80)
    return f"{scope.get('scheme', 'http')}://{host}:{port}"


def _describe(scope: Scope) -> str:
    target = next((v.decode("latin-1") for n, v in scope["headers"] if n == b"x-amz-target"), "")
    return f"{scope['method']} {scope['path']} {target}".strip()


async def _read_body(receive: Receive) -> bytes:
    message = await receive()
    body: bytes = message.get("body", b"")
    if not message.get("more_body"):
        return body
    chunks = [body]
    while message.get("more_body"):
        message = await receive()
        chunks.append(message.get("body", b""))
    return b"".join(chunks)


async def _send_error(send: Send, request_id: str, status: int, code: str, message: str) -> None:
    body = wire.error_body(code, message)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": wire.error_headers(body, request_id, code),
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _send_json(send: Send, status: int, payload: dict[str, Any]) -> None:
    body = wire.encode(payload)
    headers = wire.response_headers(body, wire.new_request_id(), JSON_CONTENT_TYPE)
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
