"""Confirmation codes and the outbox where the emulator "delivers" them.

Plain moto accepts any confirmation code. Here every code is a random 6-digit number (or the
`fixed_code` given for load runs), valid for as long as Cognito keeps it (24 h for sign-up and
attribute verification, 1 h for forgot password, on the emulator clock) and usable once.

Each code is also recorded in the outbox, the emulator's stand-in for the user's mailbox, with
the message that carried it (the pool's text, or its CustomMessage trigger's), and logged on the
`cognito_emulator.codes` logger. An outbox message's `destination` is the full
address the message went to (the mailbox it would land in); API responses carry the masked form,
as Cognito's CodeDeliveryDetails do. Caps: the outbox keeps the newest `OUTBOX_CAP` messages and
at most `MAX_OUTSTANDING_CODES` unused codes are remembered (oldest forgotten first).
"""

from __future__ import annotations

import logging
import secrets
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from cognito_emulator.clock import Clock
from cognito_emulator.exceptions import CodeMismatchException, ExpiredCodeException
from cognito_emulator.state.records import RecordKey, Touched

# "mfa": an SMS_MFA or EMAIL_OTP code asked after the password; "sign_in": a passwordless
# EMAIL_OTP or SMS_OTP first factor (USER_AUTH).
Purpose = Literal["sign_up", "resend", "forgot_password", "verify_attribute", "mfa", "sign_in"]
Medium = Literal["EMAIL", "SMS"]

OUTBOX_CAP = 10_000
MAX_OUTSTANDING_CODES = 100_000
VALIDITY_SECONDS: dict[Purpose, int] = {
    "sign_up": 24 * 3600,
    "resend": 24 * 3600,
    "forgot_password": 3600,
    "verify_attribute": 24 * 3600,
    # Our choice: a sign-in code lasts as long as the challenge Session that asks for it (the
    # app client's AuthSessionValidity, 3 minutes by default); the Session's own expiry still
    # refuses a later answer when a client allows longer.
    "mfa": 3 * 60,
    "sign_in": 3 * 60,
}
CODE_MISMATCH = "Invalid verification code provided, please try again."
CODE_PLACEHOLDER = "{####}"
# Cognito's default verification message (what CreateUserPool sets when given none).
DEFAULT_MESSAGE = "Your verification code is {####}. "
CODE_EXPIRED = "Invalid code provided, please request a code again."
CODE_RECORD = "code"
OUTBOX_RECORD = "outbox"

logger = logging.getLogger("cognito_emulator.codes")


def mask_destination(destination: str, medium: Medium) -> str:
    """Cognito's masking: 'user@example.com' -> 'u***@e***', '+15555550100' -> '+*******0100'."""
    if medium == "EMAIL":
        local, _, domain = destination.partition("@")
        return f"{local[:1]}***@{domain[:1]}***"
    return f"+*******{destination[-4:]}"


def delivery_details(destination: str, medium: Medium, attribute: str) -> dict[str, str]:
    return {
        "Destination": mask_destination(destination, medium),
        "DeliveryMedium": medium,
        "AttributeName": attribute,
    }


@dataclass(frozen=True, slots=True)
class OutstandingCode:
    code: str
    expires_at: float


class CodeBook:
    """Issues and checks codes per (pool, user, slot); records each in the outbox.

    Changes are noted in `touched` for durable state: a record per outstanding code
    (`("code", pool, user, slot)`) and per outbox message (`("outbox", number)`, numbered in
    the order sent)."""

    record_kinds = (CODE_RECORD, OUTBOX_RECORD)
    persisted_types = (OutstandingCode,)

    def __init__(
        self, clock: Clock, fixed_code: str | None = None, touched: Touched | None = None
    ) -> None:
        self._clock = clock
        self._fixed_code = fixed_code
        self._touched: Touched = touched if touched is not None else set()
        self._outstanding: dict[tuple[str, str, str], OutstandingCode] = {}
        self._outbox: deque[dict[str, Any]] = deque(maxlen=OUTBOX_CAP)
        self._sent = 0  # messages ever sent: the number of the next one

    def issue(
        self,
        pool_id: str,
        username: str,
        purpose: Purpose,
        destination: str,
        medium: Medium,
        attribute: str,
        *,
        message: str = DEFAULT_MESSAGE,
        subject: str | None = None,
    ) -> dict[str, str]:
        """Send a new code (replacing an unused one for the same slot) in `message` (its
        placeholder {####} replaced by the code), with `subject` by email; returns delivery
        details."""
        code = self._fixed_code or f"{secrets.randbelow(1_000_000):06d}"
        now = self._clock.now()
        key = (pool_id, username, _slot(purpose, attribute))
        self._outstanding.pop(key, None)
        if len(self._outstanding) >= MAX_OUTSTANDING_CODES:
            self._forget_code(next(iter(self._outstanding)))
        self._outstanding[key] = OutstandingCode(code, now + VALIDITY_SECONDS[purpose])
        self._touched.add((CODE_RECORD, *key))
        if len(self._outbox) == OUTBOX_CAP:
            self._touched.add(_outbox_key(self._sent - OUTBOX_CAP))
        self._touched.add(_outbox_key(self._sent))
        self._sent += 1
        self._outbox.append(
            {
                "pool_id": pool_id,
                "username": username,
                "destination": destination,
                "medium": medium,
                "purpose": purpose,
                "code": code,
                "sent_at": datetime.fromtimestamp(now, UTC).isoformat(),
                "subject": subject if medium == "EMAIL" else None,
                "message": message.replace(CODE_PLACEHOLDER, code),
            }
        )
        logger.info(
            "%s code %s for user %r of pool %s sent by %s to %s",
            purpose,
            code,
            username,
            pool_id,
            medium,
            destination,
        )
        return delivery_details(destination, medium, attribute)

    def redeem(
        self, pool_id: str, username: str, purpose: Purpose, code: str, attribute: str = ""
    ) -> None:
        """Accept `code` once, else CodeMismatch (wrong) or ExpiredCode (none, or past validity)."""
        key = (pool_id, username, _slot(purpose, attribute))
        outstanding = self._outstanding.get(key)
        if outstanding is None:
            raise ExpiredCodeException(CODE_EXPIRED)
        if not secrets.compare_digest(outstanding.code.encode(), str(code).encode()):
            raise CodeMismatchException(CODE_MISMATCH)
        self._forget_code(key)
        if outstanding.expires_at <= self._clock.now():
            raise ExpiredCodeException(CODE_EXPIRED)

    def forget_user(self, pool_id: str, username: str) -> None:
        for key in [k for k in self._outstanding if k[0] == pool_id and k[1] == username]:
            self._forget_code(key)

    def _forget_code(self, key: tuple[str, str, str]) -> None:
        del self._outstanding[key]
        self._touched.add((CODE_RECORD, *key))

    def outbox(
        self, pool_id: str | None = None, username: str | None = None
    ) -> list[dict[str, Any]]:
        """Messages oldest first; `username` matches the username or the destination address."""
        return [
            dict(message)
            for message in self._outbox
            if (pool_id is None or message["pool_id"] == pool_id)
            and (
                username is None
                or message["username"] == username
                or message["destination"] == username
            )
        ]

    def outbox_size(self) -> int:
        return len(self._outbox)

    def outstanding_size(self) -> int:
        return len(self._outstanding)

    def clear(self) -> None:
        self._outstanding.clear()
        self._outbox.clear()
        self._sent = 0

    # -- durable state (state/) -------------------------------------------------------------------

    def record(self, key: RecordKey) -> OutstandingCode | dict[str, Any] | None:
        if key[0] == CODE_RECORD:
            return self._outstanding.get((key[1], key[2], key[3]))
        position = int(key[1]) - (self._sent - len(self._outbox))
        return self._outbox[position] if 0 <= position < len(self._outbox) else None

    def records(self) -> Iterator[tuple[RecordKey, OutstandingCode | dict[str, Any]]]:
        for key, code in list(self._outstanding.items()):
            yield (CODE_RECORD, *key), code
        first = self._sent - len(self._outbox)
        for number, message in enumerate(list(self._outbox), start=first):
            yield _outbox_key(number), message

    def restore(self, records: Mapping[RecordKey, Any]) -> None:
        self.clear()
        messages = sorted(
            (int(key[1]), message) for key, message in records.items() if key[0] == OUTBOX_RECORD
        )
        for key, record in records.items():
            if key[0] == CODE_RECORD:
                self._outstanding[(key[1], key[2], key[3])] = record
        self._outbox.extend(message for _, message in messages)
        self._sent = messages[-1][0] + 1 if messages else 0


def _outbox_key(number: int) -> RecordKey:
    return (OUTBOX_RECORD, str(number))


def _slot(purpose: Purpose, attribute: str) -> str:
    """Sign-up and resend share one code; attribute verification has one code per attribute."""
    if purpose in ("sign_up", "resend"):
        return "confirm_sign_up"
    if purpose == "verify_attribute":
        return f"verify_attribute:{attribute}"
    return purpose
