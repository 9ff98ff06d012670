"""The files the Locust processes share with the runner: accounts, confirmed users, claims."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from load_tests.run_files import (
    Account,
    claim_account,
    read_accounts,
    read_confirmed,
    read_journeys,
    read_signed_up,
    record_confirmed,
    record_journey,
    record_sign_up,
    release_account,
    write_accounts,
)

ACCOUNTS = [
    Account("ann", "Pw-1!aaaa", "ann@example.com"),
    Account("bob", "Pw-2!bbbb", "b@example.com"),
]


def test_accounts_round_trip(tmp_path: Path) -> None:
    write_accounts(tmp_path / "accounts.json", ACCOUNTS)
    assert read_accounts(tmp_path / "accounts.json") == ACCOUNTS


def _record(records_dir: Path, username: str) -> None:
    record_confirmed(records_dir, username)


def test_confirmed_users_from_every_process_are_read_back(tmp_path: Path) -> None:
    records = tmp_path / "records"
    record_confirmed(records, "ann")
    other_process = multiprocessing.get_context("spawn").Process(
        target=_record, args=(records, "bob")
    )
    other_process.start()
    other_process.join(timeout=30)
    assert sorted(read_confirmed(records)) == ["ann", "bob"]
    assert len(list(records.glob("confirmed-*.txt"))) == 2


def test_no_records_means_no_confirmed_users(tmp_path: Path) -> None:
    assert read_confirmed(tmp_path / "absent") == []


def test_an_account_is_held_by_one_claimant_until_released(tmp_path: Path) -> None:
    claims = tmp_path / "claims"
    first, second = claim_account(claims, ACCOUNTS), claim_account(claims, ACCOUNTS)
    assert {first, second} == set(ACCOUNTS)
    assert claim_account(claims, ACCOUNTS) is None
    assert first is not None
    release_account(claims, first)
    assert claim_account(claims, ACCOUNTS) == first


def test_journey_durations_are_read_back_from_every_process_file(tmp_path: Path) -> None:
    record_journey(tmp_path, 2.5)
    record_journey(tmp_path, 3.25)
    (tmp_path / "journeys-1.txt").write_text("4.0\n")
    assert sorted(read_journeys(tmp_path)) == [2.5, 3.25, 4.0]
    assert read_journeys(tmp_path / "absent") == []


def test_sign_ups_are_recorded_apart_from_confirmed_users(tmp_path: Path) -> None:
    record_sign_up(tmp_path, "bob")
    record_confirmed(tmp_path, "ann")
    (tmp_path / "signed-up-1.txt").write_text("carl\n")
    assert sorted(read_signed_up(tmp_path)) == ["bob", "carl"]
    assert read_confirmed(tmp_path) == ["ann"]
    assert read_signed_up(tmp_path / "absent") == []
