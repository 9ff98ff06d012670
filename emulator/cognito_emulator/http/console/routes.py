"""The web console's routes, mounted beside the JSON control API under /_emulator/.

Pages: `/` (pools, the API's address, the control API), `/pools/{pool_id}` (a pool and a page
of its users), `/pools/{pool_id}/clients/{client_id}`, `/pools/{pool_id}/users/{username}`
(POST: an action on the user), `/messages` (the live outbox), `/tokens` (the token inspector,
POST to inspect) and `/clock-and-faults` (with POSTs to move the clock, add and clear faults).
None of these paths is a control route, whose JSON answers stay exactly as they are.
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from cognito_emulator.http.console import clock_and_faults, outbox, pools, tokens, users

USER_PATH = "/pools/{pool_id}/users/{username:path}"

ROUTES: list[BaseRoute] = [
    Route("/", pools.home, methods=["GET"], name="console_home"),
    Route("/pools/{pool_id}", pools.pool, methods=["GET"], name="console_pool"),
    Route(
        "/pools/{pool_id}/clients/{client_id}",
        pools.client,
        methods=["GET"],
        name="console_client",
    ),
    Route(USER_PATH, users.user, methods=["GET"], name="console_user"),
    Route(USER_PATH, users.act, methods=["POST"], name="console_user_action"),
    Route("/messages", outbox.outbox, methods=["GET"], name="console_outbox"),
    Route("/tokens", tokens.tokens, methods=["GET", "POST"], name="console_tokens"),
    Route(
        "/clock-and-faults",
        clock_and_faults.page,
        methods=["GET"],
        name="console_clock_and_faults",
    ),
    Route(
        "/clock-and-faults/clock",
        clock_and_faults.advance_clock,
        methods=["POST"],
        name="console_advance_clock",
    ),
    Route(
        "/clock-and-faults/faults",
        clock_and_faults.add_fault,
        methods=["POST"],
        name="console_add_fault",
    ),
    Route(
        "/clock-and-faults/faults/clear",
        clock_and_faults.clear_faults,
        methods=["POST"],
        name="console_clear_faults",
    ),
]
