"""After a run: every user the run confirmed has exactly one row in the service's database, and
the run added rows for the users it signed up and for no one else.

Under load the service's Cognito-then-database writes race (concurrent signups, retries, several
uvicorn workers); this is where a lost or doubled row would show. The confirmed usernames come
from the Locust processes' records and the pre-provisioned accounts, and, on the emulator, from
Cognito itself (every CONFIRMED user of the fresh pool), so a journey cut off between its verify
and its record is still checked.

Machine clients (client-credentials tokens) and web sign-ins of existing accounts must add no
row: the rows read before Locust started, plus one per user the run signed up, must be all the
rows after it. A row named after a machine client's id is reported as such whenever it appears.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


@dataclass(frozen=True)
class UserRow:
    username: str
    sub: str


@dataclass(frozen=True)
class ConsistencyReport:
    confirmed: int
    rows: int
    missing: list[str] = field(default_factory=list)
    duplicated_usernames: dict[str, int] = field(default_factory=dict)
    duplicated_subs: dict[str, int] = field(default_factory=dict)
    recorded_but_not_confirmed_in_cognito: list[str] = field(default_factory=list)
    rows_before: int | None = None
    """Rows when Locust started; None when the run did not read them."""
    machine_client_rows: list[UserRow] = field(default_factory=list)
    rows_added_for_no_sign_up: list[UserRow] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (
            self.missing
            or self.duplicated_usernames
            or self.duplicated_subs
            or self.recorded_but_not_confirmed_in_cognito
            or self.machine_client_rows
            or self.rows_added_for_no_sign_up
        )

    def describe(self) -> str:
        lines = [
            f"confirmed users: {self.confirmed}; database rows: {self.rows}; "
            f"without a row: {len(self.missing)}; duplicated usernames: "
            f"{len(self.duplicated_usernames)}; duplicated subs: {len(self.duplicated_subs)}"
        ]
        if self.rows_before is not None:
            lines.append(
                f"  rows before the run: {self.rows_before}; added by it: "
                f"{self.rows - self.rows_before}; added for no user it signed up: "
                f"{len(self.rows_added_for_no_sign_up)}"
            )
        for row in self.machine_client_rows[:10]:
            lines.append(
                f"  a row for machine client {row.sub or row.username} (username "
                f"{row.username!r}): a client-credentials token must create none"
            )
        others = [
            row for row in self.rows_added_for_no_sign_up if row not in self.machine_client_rows
        ]
        for row in others[:10]:
            lines.append(
                f"  a row added for no user the run signed up: username {row.username!r}, "
                f"sub {row.sub!r}"
            )
        if self.missing:
            lines.append(f"  no row for: {', '.join(self.missing[:10])}")
        for label, duplicates in (
            ("username", self.duplicated_usernames),
            ("sub", self.duplicated_subs),
        ):
            for value, count in list(duplicates.items())[:10]:
                lines.append(f"  {count} rows with {label} {value}")
        if self.recorded_but_not_confirmed_in_cognito:
            lines.append(
                "  verified by the service but not CONFIRMED in Cognito: "
                + ", ".join(self.recorded_but_not_confirmed_in_cognito[:10])
            )
        return "\n".join(lines)


def check_consistency(
    confirmed: Iterable[str],
    rows: Iterable[UserRow],
    *,
    cognito_confirmed: Iterable[str] | None = None,
    rows_before: Iterable[UserRow] | None = None,
    signed_up: Iterable[str] = (),
    machine_client_ids: Iterable[str] = (),
) -> ConsistencyReport:
    """Compare the run's confirmed usernames with the table's rows.

    `confirmed` is what the run itself saw confirmed; `cognito_confirmed`, when the pool can be
    listed (the emulator's fresh pool), adds Cognito's own view and must contain every one of them.
    With `rows_before` (the table when Locust started), every row added since must belong to a
    user the run confirmed or tried to sign up (`signed_up`: the service writes the row at
    signup, before the code is confirmed). A row whose sub or username is one of
    `machine_client_ids` is always wrong: a machine token is never a user.
    """
    recorded = set(confirmed)
    expected = recorded | set(cognito_confirmed or ())
    row_list = list(rows)
    per_username = Counter(row.username for row in row_list)
    per_sub = Counter(row.sub for row in row_list)
    machines = set(machine_client_ids)
    machine_rows = [row for row in row_list if {row.sub, row.username} & machines]
    before = None if rows_before is None else list(rows_before)
    added_unexplained: list[UserRow] = []
    if before is not None:
        known_subs = {row.sub for row in before}
        explained = expected | set(signed_up)
        added_unexplained = [
            row for row in row_list if row.sub not in known_subs and row.username not in explained
        ]
    return ConsistencyReport(
        confirmed=len(expected),
        rows=len(row_list),
        missing=sorted(name for name in expected if per_username[name] == 0),
        duplicated_usernames={name: n for name, n in sorted(per_username.items()) if n > 1},
        duplicated_subs={sub: n for sub, n in sorted(per_sub.items()) if n > 1},
        recorded_but_not_confirmed_in_cognito=(
            [] if cognito_confirmed is None else sorted(recorded - set(cognito_confirmed))
        ),
        rows_before=None if before is None else len(before),
        machine_client_rows=machine_rows,
        rows_added_for_no_sign_up=added_unexplained,
    )


def read_user_rows(database_url: str, table: str) -> list[UserRow]:
    """Every (username, sub) of the service's user table, read with plain SQL.

    The service's URL may name a driver (`postgresql+psycopg://`); SQLAlchemy reads it as is.
    """
    engine = create_engine(make_url(database_url))
    try:
        with engine.connect() as connection:
            result = connection.execute(text(f'SELECT username, sub FROM "{table}"'))
            return [UserRow(username=str(username), sub=str(sub)) for username, sub in result]
    finally:
        engine.dispose()
