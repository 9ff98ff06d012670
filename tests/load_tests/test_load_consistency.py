"""Every user a run confirmed has exactly one row in the service's database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from load_tests.consistency import UserRow, check_consistency, read_user_rows
from load_tests.provisioning import ServicePool
from load_tests.run import MachineClient, Target, consistency_report, user_rows
from load_tests.run_files import Account, record_sign_up


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


@pytest.mark.parametrize(
    "machine_row",
    [UserRow("m4ch1n3", "m4ch1n3"), UserRow("", "m4ch1n3"), UserRow("m4ch1n3", "s9")],
    ids=["username and sub", "sub", "username"],
)
def test_a_row_for_a_machine_client_fails_the_check(machine_row: UserRow) -> None:
    """What the run would see if a client-credentials token created a user row."""
    report = check_consistency(
        ["ann"], [UserRow("ann", "s1"), machine_row], machine_client_ids=["m4ch1n3"]
    )
    assert not report.ok
    assert report.machine_client_rows == [machine_row]
    assert "a row for machine client " in report.describe()
    assert "a client-credentials token must create none" in report.describe()


def test_rows_after_the_run_are_the_rows_before_plus_its_sign_ups() -> None:
    """bob signed up but never verified: the service wrote his row at signup, which is right."""
    before = rows(("ann", "s1"), ("old", "s0"))
    after = rows(("ann", "s1"), ("old", "s0"), ("bob", "s2"), ("carl", "s3"))
    report = check_consistency(
        ["ann", "carl"], after, rows_before=before, signed_up=["bob", "carl"]
    )
    assert report.ok
    assert report.rows_before == 2
    assert "rows before the run: 2; added by it: 2; added for no user it signed up: 0" in (
        report.describe()
    )


def test_a_row_the_run_added_for_no_one_it_signed_up_fails_the_check() -> None:
    before = rows(("ann", "s1"))
    after = rows(("ann", "s1"), ("bob", "s2"), ("c1ient", "c1ient"))
    report = check_consistency(["ann"], after, rows_before=before, signed_up=["bob"])
    assert not report.ok
    assert report.rows_added_for_no_sign_up == [UserRow("c1ient", "c1ient")]
    assert "a row added for no user the run signed up: username 'c1ient', sub 'c1ient'" in (
        report.describe()
    )


def test_a_machine_row_the_run_added_is_counted_and_named_once() -> None:
    report = check_consistency(
        ["ann"],
        rows(("ann", "s1"), ("m4ch1n3", "m4ch1n3")),
        rows_before=rows(("ann", "s1")),
        machine_client_ids=["m4ch1n3"],
    )
    assert report.rows_added_for_no_sign_up == report.machine_client_rows
    assert [line for line in report.describe().splitlines() if "m4ch1n3" in line] == [
        "  a row for machine client m4ch1n3 (username 'm4ch1n3'): a client-credentials token "
        "must create none"
    ]
    assert "added for no user it signed up: 1" in report.describe()


def test_the_run_checks_its_rows_against_its_sign_ups_and_its_machine_client(
    tmp_path: Path,
) -> None:
    """The runner's wiring: rows read before Locust, sign-ups from the records, the target's
    machine client id."""
    database = tmp_path / "service.db"
    with sqlite3.connect(database) as connection:
        connection.execute('CREATE TABLE "user" (id INTEGER PRIMARY KEY, username TEXT, sub TEXT)')
        connection.execute('INSERT INTO "user" (username, sub) VALUES (?, ?)', ("ann", "s1"))
    target = Target(
        service_url="http://127.0.0.1:8123",
        cognito=ServicePool("us-east-1", "us-east-1_abc", "http://127.0.0.1:9229"),
        emulator_url="",
        database_url=f"sqlite:///{database}",
        fresh_pool=False,
        machine_client=MachineClient("m4ch1n3", "secret", "cognito-kit/users.read"),
    )
    rows_before = user_rows(target)
    record_sign_up(tmp_path / "records", "bob")
    with sqlite3.connect(database) as connection:
        connection.executemany(
            'INSERT INTO "user" (username, sub) VALUES (?, ?)',
            [("bob", "s2"), ("m4ch1n3", "m4ch1n3")],
        )
    accounts = [Account("ann", "Pw-1!aaaa", "ann@example.com")]
    report = consistency_report(target, tmp_path, accounts, rows_before)
    assert report is not None and not report.ok
    assert report.rows_before == 1
    assert report.machine_client_rows == [UserRow("m4ch1n3", "m4ch1n3")]
    assert report.rows_added_for_no_sign_up == [UserRow("m4ch1n3", "m4ch1n3")]
