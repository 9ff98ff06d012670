"""The contract's authenticator app: right codes of unused steps the server accepts (one step
either side of its clock), the two it guarantees at any moment, and wrong codes that are wrong."""

import base64

import pyotp
import pytest

from contract_tests.authenticator import (
    GUARANTEED_CODES,
    STEP_SECONDS,
    AuthenticatorApp,
    secret_bytes,
)

SECRET = base64.b32encode(bytes(range(20))).decode()
STEP_START = 1_800_000_000.0  # a multiple of 30 s: the start of a TOTP step


class FakeClock:
    def __init__(self, now: float) -> None:
        self.time = now

    def __call__(self) -> float:
        return self.time


def accepted_by_the_server(code: str, now: float) -> bool:
    """What Cognito checks: the code of the step at `now`, or of one step either side."""
    return pyotp.TOTP(SECRET).verify(code, for_time=now, valid_window=1)


@pytest.mark.parametrize("into_the_step", [0.0, 10.0, 24.9, 25.1, 29.9])
def test_the_guaranteed_codes_are_accepted_whenever_they_are_asked_for(
    into_the_step: float,
) -> None:
    clock = FakeClock(STEP_START + into_the_step)
    app = AuthenticatorApp(SECRET, clock)
    codes = []
    for _ in range(GUARANTEED_CODES):
        assert app.has_guaranteed_code()
        codes.append(app.next_code())
        # The server checks up to a few seconds after the reading.
        assert accepted_by_the_server(codes[-1], clock.time + 4.9)
    assert not app.has_guaranteed_code()
    assert len(set(codes)) == GUARANTEED_CODES


def test_codes_are_of_ever_later_steps() -> None:
    clock = FakeClock(STEP_START + 10)
    app = AuthenticatorApp(SECRET, clock)
    app.next_code()
    first_step = app.last_step
    clock.time += 3 * STEP_SECONDS
    app.next_code()
    assert app.last_step is not None and first_step is not None
    assert app.last_step > first_step


def test_no_code_is_handed_out_before_its_step_is_accepted() -> None:
    """Near a step's end only two steps are sure to be accepted by the time a code arrives."""
    app = AuthenticatorApp(SECRET, FakeClock(STEP_START + 27))
    app.next_code()
    app.next_code()
    with pytest.raises(AssertionError, match="the next step is not accepted yet"):
        app.next_code()


def test_a_wrong_code_is_accepted_at_no_moment_near_the_reading() -> None:
    clock = FakeClock(STEP_START + 12)
    wrong = AuthenticatorApp(SECRET, clock).wrong_code()
    assert len(wrong) == 6 and wrong.isdigit()
    for seconds_later in (0.0, 5.0):
        assert not accepted_by_the_server(wrong, clock.time + seconds_later)


@pytest.mark.parametrize(
    ("secret", "length"),
    [(SECRET, 20), (SECRET.lower(), 20), ("ASDFASDFASDF", 7), ("not base32!", 0)],
)
def test_secret_bytes(secret: str, length: int) -> None:
    assert secret_bytes(secret) == length
