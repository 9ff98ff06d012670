"""The emulator's clock: real time plus an adjustable offset.

Every time the emulator issues, expires or checks (tokens, codes) comes from here, so a test can
jump an hour ahead instead of sleeping.
"""

from __future__ import annotations

import time


class Clock:
    def __init__(self) -> None:
        self._offset = 0.0

    def now(self) -> float:
        """Emulator time, epoch seconds."""
        return time.time() + self._offset

    def advance(self, seconds: float) -> float:
        """Shift the clock by `seconds` (negative goes back); returns the new emulator time."""
        self._offset += float(seconds)
        return self.now()

    @property
    def offset(self) -> float:
        return self._offset

    def reset(self) -> None:
        self._offset = 0.0
