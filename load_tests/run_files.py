"""The files a load run's processes share: pre-provisioned accounts and confirmed-user records.

Locust may run as several processes (`--processes`, or workers on other machines); they cannot
share memory with the process that starts the run, so they exchange these small files instead.
Kept free of Locust and of the service so both sides (and the unit tests) can import it.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class Account:
    """A confirmed user with a permanent password, created before the run by an admin step."""

    username: str
    password: str
    email: str


def write_accounts(path: Path, accounts: list[Account]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps([asdict(account) for account in accounts], indent=1) + "\n")


def read_accounts(path: Path) -> list[Account]:
    return [Account(**entry) for entry in json.loads(path.read_text())]


def record_confirmed(records_dir: Path, username: str) -> None:
    """Append one confirmed username to this process's own file (no cross-process locking)."""
    records_dir.mkdir(parents=True, exist_ok=True)
    with (records_dir / f"confirmed-{os.getpid()}.txt").open("a") as records:
        records.write(username + "\n")


def read_confirmed(records_dir: Path) -> list[str]:
    """Every username recorded by any process of the run, in no particular order."""
    return _read_lines(records_dir, "confirmed-*.txt")


def _read_lines(records_dir: Path, pattern: str) -> list[str]:
    if not records_dir.is_dir():
        return []
    return [
        line
        for path in sorted(records_dir.glob(pattern))
        for line in path.read_text().splitlines()
        if line
    ]


def record_sign_up(records_dir: Path, username: str) -> None:
    """Append a username the run is about to sign up, before the request is sent: the service
    writes the row during the signup, so a row may exist even when the answer never arrived."""
    records_dir.mkdir(parents=True, exist_ok=True)
    with (records_dir / f"signed-up-{os.getpid()}.txt").open("a") as records:
        records.write(username + "\n")


def read_signed_up(records_dir: Path) -> list[str]:
    """Every username any process of the run tried to sign up, in no particular order."""
    return _read_lines(records_dir, "signed-up-*.txt")


def record_journey(records_dir: Path, seconds: float) -> None:
    """Append the duration of one complete new-user journey (this process's own file).

    Kept out of Locust's request stats on purpose: a journey there would count as a request in
    the Aggregated row and skew its rate and percentiles.
    """
    records_dir.mkdir(parents=True, exist_ok=True)
    with (records_dir / f"journeys-{os.getpid()}.txt").open("a") as records:
        records.write(f"{seconds:.4f}\n")


def read_journeys(records_dir: Path) -> list[float]:
    """Durations in seconds of every complete journey, from every process of the run."""
    return [float(line) for line in _read_lines(records_dir, "journeys-*.txt")]


def claim_account(claims_dir: Path, accounts: list[Account]) -> Account | None:
    """Reserve an account for one Locust user, across every process on this machine.

    Creating the claim file with O_EXCL is atomic, so two users never hold the same account; a
    journey that logs out (a global sign-out) must not share its account with anyone.
    """
    claims_dir.mkdir(parents=True, exist_ok=True)
    for account in accounts:
        try:
            os.close(os.open(claims_dir / account.username, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            continue
        return account
    return None


def release_account(claims_dir: Path, account: Account) -> None:
    (claims_dir / account.username).unlink(missing_ok=True)
