"""Readiness of token verification (`TokenVerifier.probe_jwks`, what /readyz asks): the JWKS is
refetched unless a fetch succeeded within the allowed age, a failed fetch is never taken as fresh
nor repeated before its penalty window ends, and threads that waited on another thread's failed
fetch share its error instead of refetching."""

import pytest

from app.core.tokens import JWKSUnavailableError, TokenVerifier
from tests.app.jwks_endpoint import Clock, JWKSEndpoint, two_callers_on_one_failing_fetch

PENALTY_SECONDS = 10.0


def a_verifier(endpoint: JWKSEndpoint, clock: Clock) -> TokenVerifier:
    return TokenVerifier(
        region="us-east-1",
        user_pool_id="us-east-1_pool",
        client_ids=frozenset({"client"}),
        endpoint_url="http://jwks.test",
        http_client=endpoint.client(),
        clock=clock,
        penalty_seconds=PENALTY_SECONDS,
    )


def endpoint_and_clock() -> tuple[JWKSEndpoint, Clock]:
    return JWKSEndpoint({"keys": []}), Clock(1_000_000.0)


@pytest.mark.parametrize(("age", "requests"), [(29.9, 1), (30, 2)])
def test_a_fetch_younger_than_the_allowed_age_is_not_repeated(age: float, requests: int) -> None:
    endpoint, clock = endpoint_and_clock()
    verifier = a_verifier(endpoint, clock)
    verifier.probe_jwks(max_age_seconds=30)
    clock.now += age

    verifier.probe_jwks(max_age_seconds=30)

    assert endpoint.requests == requests


def test_without_an_allowed_age_every_probe_fetches() -> None:
    endpoint, clock = endpoint_and_clock()
    verifier = a_verifier(endpoint, clock)

    verifier.probe_jwks()
    verifier.probe_jwks()

    assert endpoint.requests == 2


def test_after_a_failed_fetch_probes_wait_out_the_penalty_then_fetch_and_recover() -> None:
    endpoint, clock = endpoint_and_clock()
    verifier = a_verifier(endpoint, clock)
    verifier.probe_jwks(max_age_seconds=30)
    endpoint.status = 503
    with pytest.raises(JWKSUnavailableError, match=r"^JWKS answered HTTP 503$"):
        verifier.probe_jwks()
    endpoint.status = 200

    clock.now += PENALTY_SECONDS - 0.001
    for _ in range(5):  # readiness is unauthenticated: probes do not refetch a failing JWKS
        with pytest.raises(JWKSUnavailableError, match=r"^JWKS answered HTTP 503$"):
            verifier.probe_jwks(max_age_seconds=30)
    assert endpoint.requests == 2

    clock.now += 0.001
    verifier.probe_jwks(max_age_seconds=30)  # the success before the failure is not "fresh"
    assert endpoint.requests == 3
    verifier.probe_jwks(max_age_seconds=30)
    assert endpoint.requests == 3


def test_probes_waiting_on_a_failing_fetch_share_its_error() -> None:
    endpoint, clock = endpoint_and_clock()
    verifier = a_verifier(endpoint, clock)

    errors = two_callers_on_one_failing_fetch(endpoint, verifier.probe_jwks)

    assert errors == ["JWKS answered HTTP 503"] * 2
    assert endpoint.requests == 1
