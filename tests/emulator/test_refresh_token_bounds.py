"""A refresh token at the exact instants that bound it: refused from the instant it expires, and
a token rotation replaced refused from the instant its grace period ends (the emulator clock
stopped there; the boto3 tests check the same rules a second either side)."""

from __future__ import annotations

import pytest

from cognito_emulator.exceptions import NotAuthorizedException, RefreshTokenReuseException
from cognito_emulator.keys import KeyStore
from cognito_emulator.token_ledger import TokenFamily, TokenLedger
from cognito_emulator.tokens import ROTATED_REFRESH_TOKEN, Principal, TokenIssuer, TokenLifetimes
from tests.emulator.oauth_harness import StoppedClock

SIGNED_IN_AT = 1_767_225_600.0
LIFETIMES = TokenLifetimes(access=3600, id=3600, refresh=86400)
GRACE_SECONDS = 10


def signed_in() -> tuple[TokenIssuer, StoppedClock, TokenFamily, str]:
    clock = StoppedClock(SIGNED_IN_AT)
    issuer = TokenIssuer("us-east-1", KeyStore(None), clock, TokenLedger())
    result = issuer.sign_in("us-east-1_pool", "client", Principal("sub-1", "ann"), LIFETIMES)
    refresh_token = result["RefreshToken"]
    return issuer, clock, issuer.find_refresh_family(refresh_token, "client"), refresh_token


def test_a_refresh_token_works_until_the_instant_it_expires() -> None:
    issuer, clock, family, refresh_token = signed_in()
    clock.current = SIGNED_IN_AT + LIFETIMES.refresh - 0.001

    issuer.ensure_refreshable(family, refresh_token)


def test_a_refresh_token_is_refused_at_the_instant_it_expires() -> None:
    issuer, clock, family, refresh_token = signed_in()
    clock.current = SIGNED_IN_AT + LIFETIMES.refresh

    with pytest.raises(NotAuthorizedException) as refused:
        issuer.ensure_refreshable(family, refresh_token)

    assert refused.value.message == "Refresh Token has expired"


def test_a_replaced_token_is_refused_from_the_instant_its_grace_period_ends() -> None:
    issuer, clock, family, replaced = signed_in()
    principal = Principal("sub-1", "ann")
    rotated = issuer.refresh(family, principal, LIFETIMES, rotation_grace_seconds=GRACE_SECONDS)

    clock.current = SIGNED_IN_AT + GRACE_SECONDS - 0.001
    issuer.ensure_refreshable(family, replaced)
    clock.current = SIGNED_IN_AT + GRACE_SECONDS
    with pytest.raises(RefreshTokenReuseException) as refused:
        issuer.ensure_refreshable(family, replaced)
    issuer.ensure_refreshable(family, rotated["RefreshToken"])  # the new one works on

    assert refused.value.message == ROTATED_REFRESH_TOKEN
