"""Every user a run confirmed has exactly one row in the service's database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from load_tests.consistency import UserRow, check_consistency, read_user_rows


def rows(*pairs: tuple[str, str]) -> list[UserRow]:
    return [UserRow(username, sub) for username, sub in pairs]


def test_one_row_per_confirmed_user_is_consistent() -> None:
    report = check_consistency(["ann", "bob"], rows(("ann", "s1"), ("bob", "s2"), ("cid", "s3")))
    assert report.ok
    assert (report.confirmed, report.rows) == (2, 3)
    assert "confirmed users: 2; database rows: 3" in report.describe()


def test_a_confirmed_user_without_a_row_is_reported() -> None:
    report = check_consistency(["ann", "bob"], rows(("ann", "s1")))
    assert not report.ok
    assert report.missing == ["bob"]
    assert "no row for: bob" in report.describe()


def test_duplicated_usernames_and_subs_are_reported() -> None:
    report = check_consistency(
        ["ann"], rows(("ann", "s1"), ("ann", "s2"), ("bob", "s3"), ("cid", "s3"))
    )
    assert not report.ok
    assert report.duplicated_usernames == {"ann": 2}
    assert report.duplicated_subs == {"s3": 2}


def test_users_cognito_confirmed_are_expected_even_if_no_process_recorded_them() -> None:
    report = check_consistency(["ann"], rows(("ann", "s1")), cognito_confirmed=["ann", "bob"])
    assert report.missing == ["bob"]


def test_a_user_the_service_verified_but_cognito_did_not_confirm_is_reported() -> None:
    report = check_consistency(
        ["ann", "bob"], rows(("ann", "s1"), ("bob", "s2")), cognito_confirmed=["ann"]
    )
    assert report.recorded_but_not_confirmed_in_cognito == ["bob"]
    assert not report.ok


def test_recording_a_user_twice_counts_them_once() -> None:
    assert check_consistency(["ann", "ann"], rows(("ann", "s1"))).confirmed == 1


def test_rows_are_read_from_the_database_url(tmp_path: Path) -> None:
    database = tmp_path / "service.db"
    with sqlite3.connect(database) as connection:
        connection.execute('CREATE TABLE "user" (id INTEGER PRIMARY KEY, username TEXT, sub TEXT)')
        connection.executemany(
            'INSERT INTO "user" (username, sub) VALUES (?, ?)', [("ann", "s1"), ("bob", "s2")]
        )
    assert read_user_rows(f"sqlite:///{database}", "user") == rows(("ann", "s1"), ("bob", "s2"))
