"""Records kept under random ids until they expire: the authorization codes of `oauth.py` and
the login sessions of `login_sessions.py`.

The records of one store all live equally long, so they are kept in the order they were added
and the expired ones are always at the front, dropped as new ones arrive. At most `max_records`
are kept, the oldest dropped first (then refused like any unknown id), so a load run cannot grow
the emulator's memory without bound. Every lookup is on the emulator clock.
"""

from __future__ import annotations

import secrets
from collections import OrderedDict
from typing import Generic, Protocol, TypeVar

from cognito_emulator.clock import Clock


class Expiring(Protocol):
    @property
    def expires_at(self) -> float: ...


R = TypeVar("R", bound=Expiring)


class ExpiringRecords(Generic[R]):
    def __init__(self, clock: Clock, max_records: int) -> None:
        self._clock = clock
        self._max_records = max_records
        self._records: OrderedDict[str, R] = OrderedDict()

    def __len__(self) -> int:
        return len(self._records)

    def add(self, record: R) -> str:
        """Keep `record` under a new random id, which is returned."""
        self._drop_expired()
        while len(self._records) >= self._max_records:
            self._records.popitem(last=False)
        key = secrets.token_urlsafe(32)
        self._records[key] = record
        return key

    def get(self, key: str | None) -> R | None:
        """The unexpired record under `key`; an expired one is forgotten."""
        if not key:
            return None
        record = self._records.get(key)
        if record is None:
            return None
        if record.expires_at <= self._clock.now():
            del self._records[key]
            return None
        return record

    def pop(self, key: str) -> R | None:
        """The unexpired record under `key`, forgotten by asking (single use)."""
        record = self._records.pop(key, None)
        if record is None or record.expires_at <= self._clock.now():
            return None
        return record

    def discard(self, key: str | None) -> None:
        if key:
            self._records.pop(key, None)

    def clear(self) -> None:
        self._records.clear()

    def _drop_expired(self) -> None:
        now = self._clock.now()
        while self._records:
            key, record = next(iter(self._records.items()))
            if record.expires_at > now:
                return
            del self._records[key]
