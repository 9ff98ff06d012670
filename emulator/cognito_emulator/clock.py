"""The emulator's clock: real time plus an adjustable offset.

Every time the emulator issues, expires or checks (tokens, codes) comes from here, so a test can
jump an hour ahead instead of sleeping. The clock stays between 1970 and 9989: a time from it
becomes a `datetime` (the outbox's `sent_at`, which ends at year 9999) and a token's `exp`, up to
10 years later for a refresh token (the longest RefreshTokenValidity Cognito allows, per the API
reference's TokenValidityUnitsType).
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime

from cognito_emulator.state.records import RecordKey

CLOCK_RECORD = "clock"
OFFSET_KEY: RecordKey = (CLOCK_RECORD, "offset")
EARLIEST = 0.0
LATEST = datetime(9989, 1, 1, tzinfo=UTC).timestamp()


class Clock:
    def __init__(self) -> None:
        self._offset = 0.0

    def now(self) -> float:
        """Emulator time, epoch seconds."""
        return time.time() + self._offset

    def advance(self, seconds: object) -> float:
        """Shift the clock by `seconds` (negative goes back); returns the new emulator time.

        ValueError, naming the shifts allowed from now, unless `seconds` is a number that keeps
        the clock between EARLIEST and LATEST (NaN and infinities never do)."""
        if isinstance(seconds, bool) or not isinstance(seconds, int | float):
            raise ValueError(f"advance_seconds must be a number of seconds, got {seconds!r}")
        now = self.now()
        earliest, latest = EARLIEST - now, LATEST - now
        if not earliest <= seconds <= latest:
            raise ValueError(
                f"advance_seconds must keep the emulator clock between {_iso(EARLIEST)} and "
                f"{_iso(LATEST)}: from {_iso(now)}, between {earliest:.0f} and {latest:.0f} "
                f"seconds; got {seconds!r}"
            )
        self._offset += float(seconds)
        return self.now()

    @property
    def offset(self) -> float:
        return self._offset

    def reset(self) -> None:
        self._offset = 0.0

    # -- durable state (state/): the offset is the clock's one record ------------------------------

    record_kinds = (CLOCK_RECORD,)
    persisted_types = ()

    def record(self, key: RecordKey) -> float:
        return self._offset

    def records(self) -> Iterator[tuple[RecordKey, float]]:
        yield OFFSET_KEY, self._offset

    def restore(self, records: Mapping[RecordKey, float]) -> None:
        self._offset = float(records.get(OFFSET_KEY, 0.0))


def _iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
