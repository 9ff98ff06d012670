"""An outbox message says exactly what was sent, to whom and when: the full destination, the
medium, the purpose, the code, the emulator-clock instant in UTC (ISO 8601), and the text that
carried the code (a subject by email); the log line on `cognito_emulator.codes` says the same."""

from __future__ import annotations

import logging

import pytest

from cognito_emulator import codes


class FrozenClock:
    def now(self) -> float:
        return 1_767_225_600.25  # 2026-01-01T00:00:00.25Z


def test_a_message_records_what_was_sent_to_whom_and_when(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="cognito_emulator.codes")
    book = codes.CodeBook(FrozenClock(), fixed_code="123456")  # type: ignore[arg-type]

    details = book.issue("pool", "ann", "forgot_password", "+15555550100", "SMS", "phone_number")

    assert book.outbox() == [
        {
            "pool_id": "pool",
            "username": "ann",
            "destination": "+15555550100",
            "medium": "SMS",
            "purpose": "forgot_password",
            "code": "123456",
            "sent_at": "2026-01-01T00:00:00.250000+00:00",
            "subject": None,
            "message": "Your verification code is 123456. ",
        }
    ]
    assert details == {
        "Destination": "+*******0100",
        "DeliveryMedium": "SMS",
        "AttributeName": "phone_number",
    }
    assert [(r.name, r.levelname, r.getMessage()) for r in caplog.records] == [
        (
            "cognito_emulator.codes",
            "INFO",
            "forgot_password code 123456 for user 'ann' of pool pool sent by SMS to +15555550100",
        )
    ]


def test_an_email_records_its_subject_and_its_message_with_the_code_in_place() -> None:
    book = codes.CodeBook(FrozenClock(), fixed_code="654321")  # type: ignore[arg-type]

    book.issue(
        "pool",
        "ann",
        "sign_up",
        "ann@example.com",
        "EMAIL",
        "email",
        message="Welcome! Your code: {####}",
        subject="Welcome",
    )

    [message] = book.outbox()
    assert (message["subject"], message["message"]) == ("Welcome", "Welcome! Your code: 654321")
