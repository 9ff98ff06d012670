"""After a run: every user the run confirmed has exactly one row in the service's database.

Under load the service's Cognito-then-database writes race (concurrent signups, retries, several
uvicorn workers); this is where a lost or doubled row would show. The confirmed usernames come
from the Locust processes' records and the pre-provisioned accounts, and, on the emulator, from
Cognito itself (every CONFIRMED user of the fresh pool), so a journey cut off between its verify
and its record is still checked.
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

    @property
    def ok(self) -> bool:
        return not (
            self.missing
            or self.duplicated_usernames
            or self.duplicated_subs
            or self.recorded_but_not_confirmed_in_cognito
        )

    def describe(self) -> str:
        lines = [
            f"confirmed users: {self.confirmed}; database rows: {self.rows}; "
            f"without a row: {len(self.missing)}; duplicated usernames: "
            f"{len(self.duplicated_usernames)}; duplicated subs: {len(self.duplicated_subs)}"
        ]
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
) -> ConsistencyReport:
    """Compare the run's confirmed usernames with the table's rows.

    `confirmed` is what the run itself saw confirmed; `cognito_confirmed`, when the pool can be
    listed (the emulator's fresh pool), adds Cognito's own view and must contain every one of them.
    """
    recorded = set(confirmed)
    expected = recorded | set(cognito_confirmed or ())
    row_list = list(rows)
    per_username = Counter(row.username for row in row_list)
    per_sub = Counter(row.sub for row in row_list)
    return ConsistencyReport(
        confirmed=len(expected),
        rows=len(row_list),
        missing=sorted(name for name in expected if per_username[name] == 0),
        duplicated_usernames={name: n for name, n in sorted(per_username.items()) if n > 1},
        duplicated_subs={sub: n for sub, n in sorted(per_sub.items()) if n > 1},
        recorded_but_not_confirmed_in_cognito=(
            [] if cognito_confirmed is None else sorted(recorded - set(cognito_confirmed))
        ),
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
