"""RFC 6238 codes as authenticator apps compute them, checked on the emulator's clock."""

from __future__ import annotations

import base64

import pyotp
import pytest

from cognito_emulator import totp

# RFC 6238 Appendix B's SHA-1 key ("12345678901234567890") and times; the 6-digit codes are the
# last six digits of its 8-digit ones (94287082, 07081804, 14050471).
RFC_SECRET = base64.b32encode(b"12345678901234567890").decode()
RFC_VECTORS = [(59, "287082"), (1111111109, "081804"), (1111111111, "050471")]


@pytest.mark.parametrize(("at", "code"), RFC_VECTORS)
def test_codes_are_rfc_6238s(at: int, code: str) -> None:
    assert totp.code_at(RFC_SECRET, at // totp.STEP_SECONDS) == code
    assert totp.matching_step(RFC_SECRET, code, at) == at // totp.STEP_SECONDS


def test_a_new_secret_is_52_base32_characters_that_authenticator_apps_take() -> None:
    secret = totp.new_secret()
    now = 1_800_000_000.0

    assert len(secret) == 52
    assert secret != totp.new_secret()
    assert totp.matching_step(secret, pyotp.TOTP(secret).at(now), now) == int(now // 30)


def test_a_secret_of_any_length_is_decoded_as_authenticator_apps_decode_it() -> None:
    """A 128-bit secret is 26 base32 characters, which need 6 characters of padding to decode
    (the emulator's own, 52 characters, need 4)."""
    secret = base64.b32encode(bytes(range(16))).decode().rstrip("=")
    now = 1_800_000_000.0

    assert len(secret) == 26
    assert totp.code_at(secret, int(now // 30)) == pyotp.TOTP(secret).at(now)


def test_the_step_either_side_is_accepted_and_no_further() -> None:
    now = 1_800_000_015.0  # the middle of step 60_000_000
    step = int(now // 30)

    assert totp.matching_step(RFC_SECRET, totp.code_at(RFC_SECRET, step - 1), now) == step - 1
    assert totp.matching_step(RFC_SECRET, totp.code_at(RFC_SECRET, step + 1), now) == step + 1
    assert totp.matching_step(RFC_SECRET, totp.code_at(RFC_SECRET, step - 2), now) is None
    assert totp.matching_step(RFC_SECRET, totp.code_at(RFC_SECRET, step + 2), now) is None


FULLWIDTH_CODE = "".join(chr(0xFF10 + int(digit)) for digit in "287082")


@pytest.mark.parametrize("code", ["", "28708", "2870820", "28708a", " 287082", FULLWIDTH_CODE])
def test_anything_but_six_ascii_digits_matches_nothing(code: str) -> None:
    """Fullwidth digits (the last case) are digits to str.isdigit, not to an authenticator."""
    assert totp.matching_step(RFC_SECRET, code, 59) is None
