"""The console's "Clock & faults" page: the emulator clock (and moving it ahead), the injected
faults (adding and clearing them) and the request-rate quotas in force.

The forms call the same `EmulatorApp` operations as the control API's POST /_emulator/clock and
/_emulator/faults, so their checks and messages are the same; a refused value comes back as the
page's flash message.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from cognito_emulator.faults import ALL_OPERATIONS, Fault
from cognito_emulator.http.console.flash import Kind, redirect_with_flash
from cognito_emulator.http.console.guard import guarded_form
from cognito_emulator.http.console.rendering import refusals_shown, render
from cognito_emulator.http.console.time_text import duration_text, utc_text
from cognito_emulator.validation import input_shapes

if TYPE_CHECKING:
    from cognito_emulator.http.app import EmulatorApp

# The quick buttons beside the clock's own field: (label, seconds).
CLOCK_STEPS = (("+5 min", 300), ("+1 h", 3600), ("+1 day", 86400), ("+30 days", 30 * 86400))
# Error codes offered in the fault form (any AWS error code may be typed).
COMMON_ERROR_CODES = (
    "TooManyRequestsException",
    "InternalErrorException",
    "NotAuthorizedException",
    "UserNotFoundException",
    "LimitExceededException",
    "ServiceUnavailable",
)


@refusals_shown
async def page(request: Request) -> Response:
    emulator: EmulatorApp = request.app
    clock = emulator.backend.clock
    return render(
        request,
        "clock_and_faults.html",
        {
            "emulator_now": utc_text(clock.now()),
            "real_now": utc_text(time.time()),
            "offset": clock.offset,
            "offset_text": duration_text(clock.offset),
            "clock_steps": CLOCK_STEPS,
            "faults": emulator.faults.describe(),
            "operations": [ALL_OPERATIONS, *sorted(input_shapes())],
            "error_codes": COMMON_ERROR_CODES,
            "quotas": emulator.quotas.describe() if emulator.quotas is not None else None,
        },
        section="console_clock_and_faults",
    )


@refusals_shown
async def advance_clock(request: Request) -> Response:
    emulator: EmulatorApp = request.app
    form = await guarded_form(request)
    try:
        seconds = _number(form, "seconds", "Seconds")
        if seconds is None:
            raise ValueError("Type how many seconds to move the clock (negative moves it back).")
        now = emulator.advance_clock(seconds)
    except ValueError as error:
        return _back(request, "refused", str(error))
    direction = "ahead" if seconds >= 0 else "back"
    return _back(
        request,
        "done",
        f"Moved the clock {direction} {duration_text(seconds)}: it is {utc_text(now)}.",
    )


@refusals_shown
async def add_fault(request: Request) -> Response:
    emulator: EmulatorApp = request.app
    form = await guarded_form(request)
    try:
        count = _number(form, "count", "Count", whole=True)
        fault = emulator.add_fault(
            form.get("operation", "").strip(),
            form.get("error_code", "").strip() or None,
            count=None if count is None else int(count),
            probability=_number(form, "probability", "Probability"),
            latency_ms=_number(form, "latency_ms", "Latency"),
        )
    except ValueError as error:
        return _back(request, "refused", f"No fault added: {error}")
    return _back(request, "done", f"Added a fault: {_fault_text(fault)}.")


@refusals_shown
async def clear_faults(request: Request) -> Response:
    emulator: EmulatorApp = request.app
    await guarded_form(request)
    cleared = emulator.clear_faults()
    return _back(request, "done", f"Cleared {cleared} fault{'' if cleared == 1 else 's'}.")


def _fault_text(fault: Fault) -> str:
    """'InitiateAuth answers TooManyRequestsException after 200 ms, 3 times, half the time'."""
    text = f"{fault.operation} answers {fault.error_code or 'as usual'}"
    if fault.latency_ms:
        text += f" after {fault.latency_ms:g} ms"
    if fault.remaining is None:
        text += ", until cleared"
    else:
        text += f", {fault.remaining} time{'' if fault.remaining == 1 else 's'}"
    if fault.probability < 1:
        text += f", with probability {fault.probability:g}"
    return text


def _number(form: Mapping[str, str], name: str, label: str, *, whole: bool = False) -> float | None:
    """The number typed in field `name`, None if left empty; ValueError naming the field."""
    typed = form.get(name, "").strip()
    if not typed:
        return None
    try:
        return int(typed) if whole else float(typed)
    except ValueError:
        kind = "a whole number" if whole else "a number"
        raise ValueError(f"{label} must be {kind}, got {typed!r}.") from None


def _back(request: Request, kind: Kind, text: str) -> Response:
    return redirect_with_flash(
        request, str(request.url_for("console_clock_and_faults")), kind, text
    )
