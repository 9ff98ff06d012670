"""The emulator's Starlette app, and the operations its routes and `EmulatorServer` share.

Every call into the backend holds its lock (`backend_lock`), so the backend (moto underneath)
only ever runs on one thread at a time, whether the call comes from a route or from a test
thread using the in-process API. A Lambda trigger's function runs with the lock let go and may
call the emulator back, which the event loop must then be free to serve: while any function can
run, routes make their backend calls on a worker thread (`run_locked`). The control
operations are methods here so that the HTTP control API and `EmulatorServer` run exactly the
same code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route, Router

from cognito_emulator.backend import EmulatorBackend
from cognito_emulator.faults import Fault, FaultInjector
from cognito_emulator.http import (
    control,
    errors,
    idp_api,
    index,
    managed_login,
    oauth_endpoints,
    well_known,
)
from cognito_emulator.quotas import QuotaLimiter

T = TypeVar("T")
# A pool's domain, however it is named (prefix or custom domain), serves Cognito's managed login
# and OAuth paths under this prefix on the emulator's own host and port.
DOMAIN_PATH = "/domains/{domain}"


class EmulatorApp(Starlette):
    def __init__(self, backend: EmulatorBackend, *, quotas: QuotaLimiter | None = None) -> None:
        self.backend = backend
        self.faults = FaultInjector()
        self.quotas = quotas
        self._lock = backend.lock
        super().__init__(
            routes=[
                Route("/", _root, methods=["GET", "POST"]),
                *well_known.ROUTES,
                control.MOUNT,
                Mount(DOMAIN_PATH, app=_domain_router()),
            ],
            exception_handlers=errors.HANDLERS,
        )
        # Cognito's paths are exact: a trailing slash names nothing rather than redirecting.
        self.router.redirect_slashes = False

    # -- backend calls, each under the lock ------------------------------------------------------

    def locked(self, call: Callable[[], T]) -> T:
        """`call()` under the backend's lock: how routes other than the API reach the backend."""
        with self._lock:
            return call()

    async def run_locked(self, call: Callable[[], T]) -> T:
        """`locked(call)`, as routes reach the backend: on a worker thread while a trigger's
        function can run (it may call back), else on the event loop, which saves the hand-off
        (70-150 µs of CPU a call, measured) when no function could call back anyway."""
        if self.backend.lambdas.any_can_run():
            return await run_in_threadpool(self.locked, call)
        return self.locked(call)

    def dispatch(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        """One cognito-idp operation, without faults or quotas (the bootstrap uses this)."""
        with self._lock:
            return self.backend.dispatch(operation, params)

    def jwks(self, pool_id: str) -> dict[str, Any]:
        with self._lock:
            return self.backend.jwks(pool_id)

    def openid_configuration(self, pool_id: str, base_url: str) -> dict[str, Any]:
        with self._lock:
            return self.backend.openid_configuration(pool_id, base_url)

    def pool_ids(self) -> list[str]:
        with self._lock:
            return self.backend.pool_ids()

    # -- operations shared by the HTTP control API and the in-process API ------------------------

    def outbox(
        self, pool_id: str | None = None, username: str | None = None
    ) -> list[dict[str, Any]]:
        with self._lock:
            return self.backend.outbox(pool_id, username)

    def advance_clock(self, seconds: float) -> float:
        """Move the emulator clock; ValueError naming the allowed range (`Clock.advance`)."""
        with self._lock:
            return self.backend.advance_clock(seconds)

    def set_lambda_config(self, pool_id: str, lambda_config: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            return self.backend.set_lambda_config(pool_id, lambda_config)

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


def _domain_router() -> Router:
    """A pool domain's routes. Cognito's paths are exact there too: no slash redirects (a
    Mount's own router would redirect `/login/` to `/login`)."""
    return Router(routes=[*managed_login.ROUTES, *oauth_endpoints.ROUTES], redirect_slashes=False)


async def _root(request: Request) -> Response:
    """`/`: POST is the cognito-idp API, GET leads to the console (one route, so a 405 names
    both)."""
    if request.method == "POST":
        return await idp_api.answer(request)
    return await index.page(request)
