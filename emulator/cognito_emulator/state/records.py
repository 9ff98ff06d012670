"""What durable state asks of each store it is made of."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

RecordKey = tuple[str, ...]
"""A record's name: its kind first (`("pool", pool_id)`, `("family", origin_jti)`, ...). A key
of more than two parts belongs to the record named by its first two: removing that record
removes it too (a pool's users go with the pool)."""

Touched = set[RecordKey]
"""The records looked up or changed since the last commit, shared by every store."""


class RecordSource(Protocol):
    """A store whose records durable state keeps."""

    @property
    def record_kinds(self) -> tuple[str, ...]:
        """The first parts of the keys this store owns."""
        ...

    @property
    def persisted_types(self) -> tuple[type, ...]:
        """The classes its records hold besides plain data (what loading may rebuild)."""
        ...

    def record(self, key: RecordKey) -> Any | None:
        """The record under `key` as it is now; None when there is none."""
        ...

    def records(self) -> Iterable[tuple[RecordKey, Any]]:
        """Every record the store holds."""
        ...

    def restore(self, records: Mapping[RecordKey, Any]) -> None:
        """Replace the store's contents with these records (its own kinds only)."""
        ...


def parent_key(key: RecordKey) -> RecordKey | None:
    """The record `key` belongs to, if any (see `RecordKey`)."""
    return key[:2] if len(key) > 2 else None
