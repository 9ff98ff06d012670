"""The code book's bounds: a code is valid until the instant its validity ends (not at it), and
when the number of unused codes reaches its cap the least recently sent is forgotten — a resent
code counts as sent anew."""

from __future__ import annotations

import pytest

from cognito_emulator import codes
from cognito_emulator.exceptions import ExpiredCodeException


class FrozenClock:
    def __init__(self, now: float) -> None:
        self.current = now

    def now(self) -> float:
        return self.current


def send(book: codes.CodeBook, username: str) -> str:
    book.issue("pool", username, "sign_up", f"{username}@example.com", "EMAIL", "email")
    return str(book.outbox(username=username)[-1]["code"])


@pytest.mark.parametrize(
    ("purpose", "validity"), [("sign_up", 24 * 3600), ("forgot_password", 3600)]
)
def test_a_code_expires_at_the_end_of_its_validity(purpose: codes.Purpose, validity: int) -> None:
    clock = FrozenClock(1_000_000.0)
    book = codes.CodeBook(clock)  # type: ignore[arg-type]
    book.issue("pool", "ann", purpose, "ann@example.com", "EMAIL", "email")
    code = str(book.outbox()[-1]["code"])

    clock.current += validity

    with pytest.raises(ExpiredCodeException):
        book.redeem("pool", "ann", purpose, code)


def test_a_code_is_valid_just_before_the_end_of_its_validity() -> None:
    clock = FrozenClock(1_000_000.0)
    book = codes.CodeBook(clock)  # type: ignore[arg-type]
    code = send(book, "ann")

    clock.current += 24 * 3600 - 0.001

    book.redeem("pool", "ann", "sign_up", code)


def test_at_the_cap_the_least_recently_sent_code_is_forgotten(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(codes, "MAX_OUTSTANDING_CODES", 3)
    book = codes.CodeBook(FrozenClock(1_000_000.0))  # type: ignore[arg-type]
    send(book, "ann")
    bob = send(book, "bob")
    ann = send(book, "ann")  # resent: now the most recent
    cat = send(book, "cat")

    dan = send(book, "dan")

    assert book.outstanding_size() == 3
    with pytest.raises(ExpiredCodeException):
        book.redeem("pool", "bob", "sign_up", bob)
    for username, code in (("ann", ann), ("cat", cat), ("dan", dan)):
        book.redeem("pool", username, "sign_up", code)
