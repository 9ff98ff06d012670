"""Times and durations as the console writes them: UTC dates, and "1 h 5 min" spans."""

from __future__ import annotations

import math
from datetime import UTC, datetime

from cognito_emulator.clock import EARLIEST, LATEST

_UNITS = (("d", 86400), ("h", 3600), ("min", 60), ("s", 1))


def utc_text(epoch_seconds: object) -> str:
    """'2026-01-02 03:04:05 UTC' for an epoch time; the value as given when it is no time."""
    if (
        isinstance(epoch_seconds, bool)
        or not isinstance(epoch_seconds, int | float)
        or not EARLIEST <= epoch_seconds <= LATEST
    ):
        return str(epoch_seconds)
    return datetime.fromtimestamp(epoch_seconds, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def duration_text(seconds: float) -> str:
    """A span in its largest unit and the next one, rounded down: '2 d 3 h', '1 h 5 min',
    '1 h' (for 1 h 0 min 5 s), '42 s'."""
    whole = math.floor(abs(seconds))
    largest = next(
        (index for index, (_, size) in enumerate(_UNITS) if whole >= size), len(_UNITS) - 1
    )
    unit, size = _UNITS[largest]
    count, rest = divmod(whole, size)
    text = f"{count} {unit}"
    if largest + 1 < len(_UNITS):
        next_unit, next_size = _UNITS[largest + 1]
        if rest // next_size:
            text += f" {rest // next_size} {next_unit}"
    return text
