"""A user's authenticator app (TOTP, RFC 6238, through pyotp), read at a chosen clock.

Cognito "accepts TOTP tokens that are one 30-second window early or late to account for clock
skew" (Developer Guide, "TOTP software token MFA"), and the emulator takes each time step once
(RFC 6238 §5.2: a step accepted once is not accepted again). A test that verifies the
authenticator and then signs in therefore needs two different steps that the server still
accepts. `AuthenticatorApp` hands them out in order, from the steps every clock within
`CLOCK_MARGIN_SECONDS` of the reading accepts, so a step boundary passing between the reading
and the server's check cannot turn a right code into a wrong one.

Two or three steps are accepted at any moment and the window only moves forward, so an app can
always hand out `GUARANTEED_CODES` codes, whenever they are asked for; a third may need the next
step to come. Tests count on the guarantee rather than on the clock: a state machine's choices
must not depend on the time, since hypothesis replays them at another.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass

import pyotp

STEP_SECONDS = 30
ACCEPTED_STEPS_EITHER_SIDE = 1
# How long a code may take from this reading to the server's check (a slow CI machine included).
CLOCK_MARGIN_SECONDS = 5.0
CODE_DIGITS = 6
GUARANTEED_CODES = 2
# RFC 4226 §4 R6: a shared secret of at least 128 bits (pyotp >= 2.12 refuses shorter ones).
MIN_SECRET_BYTES = 16


def secret_bytes(secret: str) -> int:
    """The length in bytes of a base32 secret as an authenticator app decodes it, or 0 if
    it is not base32."""
    padded = secret.upper() + "=" * (-len(secret) % 8)
    try:
        return len(base64.b32decode(padded))
    except binascii.Error:
        return 0


@dataclass
class AuthenticatorApp:
    """The codes an authenticator app shows for ``secret`` at the time ``now()`` says."""

    secret: str
    now: Callable[[], float]
    last_step: int | None = None
    """The last step handed out; the next code is of a later one."""
    codes_given: int = 0

    def has_guaranteed_code(self) -> bool:
        """Whether `next_code` is sure to give a code now, whatever the time."""
        return self.codes_given < GUARANTEED_CODES

    def next_code(self) -> str:
        """A right code of the earliest step after the last one handed out that the server
        accepts now (AssertionError past the guaranteed codes if no such step has come yet)."""
        now = self.now()
        earliest = _step(now + CLOCK_MARGIN_SECONDS) - ACCEPTED_STEPS_EITHER_SIDE
        latest = _step(now) + ACCEPTED_STEPS_EITHER_SIDE
        if self.last_step is not None:
            earliest = max(earliest, self.last_step + 1)
        assert earliest <= latest, (
            f"the authenticator gave {self.codes_given} codes; the next step is not accepted yet"
        )
        self.last_step = earliest
        self.codes_given += 1
        return pyotp.TOTP(self.secret).at(earliest * STEP_SECONDS)

    def wrong_code(self) -> str:
        """A code of the right form that no step the server may accept now shows."""
        now = self.now()
        accepted = {
            pyotp.TOTP(self.secret).at(step * STEP_SECONDS)
            for step in range(
                _step(now) - ACCEPTED_STEPS_EITHER_SIDE - 1,
                _step(now + CLOCK_MARGIN_SECONDS) + ACCEPTED_STEPS_EITHER_SIDE + 2,
            )
        }
        candidate = 0
        while f"{candidate:0{CODE_DIGITS}d}" in accepted:
            candidate += 1
        return f"{candidate:0{CODE_DIGITS}d}"


def _step(timestamp: float) -> int:
    return int(timestamp // STEP_SECONDS)
