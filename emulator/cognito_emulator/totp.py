"""Time-based one-time passwords (RFC 6238) for software token MFA, on the emulator clock.

Cognito gives each user their own random secret (AssociateSoftwareToken's SecretCode, base32)
and accepts the 6-digit code of the current 30-second step or of the step either side, as
authenticator apps' clocks drift; the flows accept a step once (`totp_last_step`), so a code
seen over a shoulder cannot be replayed.
"""

from __future__ import annotations

import base64
import secrets

from cryptography.hazmat.primitives.hashes import SHA1
from cryptography.hazmat.primitives.twofactor.hotp import HOTP

STEP_SECONDS = 30
DIGITS = 6
# 32 random bytes: 52 base32 characters, the length of Cognito's SecretCode (and above the
# 128 bits pyotp >= 2.12 insists on).
SECRET_BYTES = 32


def new_secret() -> str:
    """A new base32 secret without padding, as Cognito's SecretCode reads."""
    return base64.b32encode(secrets.token_bytes(SECRET_BYTES)).decode().rstrip("=")


def code_at(secret: str, step: int) -> str:
    """The code for time step `step` (for the emulator's own tests and tools)."""
    # SHA-1 is what RFC 6238 and every authenticator app use by default, not a choice made here.
    hotp = HOTP(_key(secret), DIGITS, SHA1())  # noqa: S303
    return hotp.generate(step).decode()


def matching_step(secret: str, code: str, now: float) -> int | None:
    """The time step (`now`'s, or one either side) whose code `code` is; None if none is."""
    if len(code) != DIGITS or not (code.isascii() and code.isdigit()):
        return None
    current = int(now) // STEP_SECONDS
    for step in (current, current - 1, current + 1):
        if secrets.compare_digest(code_at(secret, step), code):
            return step
    return None


def _key(secret: str) -> bytes:
    return base64.b32decode(secret + "=" * (-len(secret) % 8))
