"""The store authorization codes and login sessions share: a record is gone at the exact
instant it expires, whether it is asked for or merely counted."""

from __future__ import annotations

from dataclasses import dataclass

from cognito_emulator.expiring_records import ExpiringRecords
from tests.emulator.oauth_harness import StoppedClock


@dataclass(frozen=True)
class Record:
    expires_at: float


def test_a_record_is_not_found_at_the_instant_it_expires() -> None:
    clock = StoppedClock(1_000.0)
    records = ExpiringRecords[Record](clock, max_records=10)
    key = records.add(Record(expires_at=1_060.0))

    clock.current = 1_059.5
    assert records.get(key) == Record(expires_at=1_060.0)
    clock.current = 1_060.0
    assert records.get(key) is None


def test_records_expired_at_this_instant_are_dropped_when_another_is_added() -> None:
    clock = StoppedClock(1_000.0)
    records = ExpiringRecords[Record](clock, max_records=10)
    records.add(Record(expires_at=1_060.0))
    records.add(Record(expires_at=1_061.0))

    clock.current = 1_060.0
    records.add(Record(expires_at=1_120.0))

    assert len(records) == 2
