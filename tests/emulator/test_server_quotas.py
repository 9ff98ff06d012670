"""`quotas="aws"` (`--quotas aws`): Cognito's default request-rate quotas, per category."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from botocore.exceptions import ClientError
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

from cognito_emulator.pytest_plugin import idp_client
from cognito_emulator.quotas import AWS_DEFAULT_QUOTAS, QuotaLimiter
from cognito_emulator.server import EmulatorServer


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def monotonic() -> FakeMonotonic:
    return FakeMonotonic()


@pytest.fixture
def limiter(monotonic: FakeMonotonic) -> QuotaLimiter:
    return QuotaLimiter(AWS_DEFAULT_QUOTAS, monotonic=monotonic)


def test_documented_default_rates() -> None:
    rates = {category: rate for category, (rate, _) in AWS_DEFAULT_QUOTAS.items()}

    assert rates["UserAuthentication"] == 120
    assert rates["UserAuthenticationChallenge"] == 3 * 120
    assert rates["UserCreation"] == 50
    assert rates["UserAccountRecovery"] == 30
    assert rates["UserRead"] == 120
    assert rates["UserToken"] == 120


def test_every_operation_is_in_one_category_only() -> None:
    operations = [op for _, ops in AWS_DEFAULT_QUOTAS.values() for op in ops]

    assert len(operations) == len(set(operations))


@pytest.mark.parametrize(
    ("operation", "category"),
    [
        ("InitiateAuth", "UserAuthentication"),
        ("AdminInitiateAuth", "UserAuthentication"),
        ("RespondToAuthChallenge", "UserAuthenticationChallenge"),
        ("SignUp", "UserCreation"),
        ("AdminConfirmSignUp", "UserCreation"),
        ("ConfirmSignUp", "UserCreation"),
        ("ForgotPassword", "UserAccountRecovery"),
        ("ConfirmForgotPassword", "UserAccountRecovery"),
        ("ResendConfirmationCode", "UserAccountRecovery"),
        ("GetUser", "UserRead"),
        ("AdminGetUser", "UserRead"),
        ("RevokeToken", "UserToken"),
        ("GlobalSignOut", "UserToken"),
        ("ChangePassword", "UserUpdate"),
    ],
)
def test_operation_categories(limiter: QuotaLimiter, operation: str, category: str) -> None:
    assert limiter.category(operation) == category


def test_bucket_allows_one_seconds_worth_then_refills_at_the_rate(
    limiter: QuotaLimiter, monotonic: FakeMonotonic
) -> None:
    assert all(limiter.allow("SignUp") for _ in range(50))
    assert not limiter.allow("SignUp")

    monotonic.now += 0.1

    assert [limiter.allow("SignUp") for _ in range(6)] == [True] * 5 + [False]


def test_categories_are_independent(limiter: QuotaLimiter) -> None:
    while limiter.allow("SignUp"):
        pass

    assert limiter.allow("ConfirmSignUp") is False  # same category
    assert limiter.allow("InitiateAuth") is True
    assert limiter.allow("ListUserPoolClients") is True


def test_operations_in_no_category_are_not_limited(limiter: QuotaLimiter) -> None:
    assert limiter.category("NotARealOperation") is None
    assert all(limiter.allow("NotARealOperation") for _ in range(1000))


def test_presets() -> None:
    assert QuotaLimiter.from_preset(None) is None
    assert QuotaLimiter.from_preset("off") is None
    assert isinstance(QuotaLimiter.from_preset("aws"), QuotaLimiter)
    with pytest.raises(ValueError, match="aws"):
        QuotaLimiter.from_preset("strict")


@pytest.fixture(scope="module")
def throttled_server() -> Iterator[EmulatorServer]:
    with EmulatorServer(quotas="aws") as server:
        yield server


@pytest.fixture
def throttled_client(throttled_server: EmulatorServer) -> Iterator[CognitoIdentityProviderClient]:
    yield idp_client(throttled_server.endpoint_url, throttled_server.region)
    throttled_server.reset()


def burst_sign_ups(client: CognitoIdentityProviderClient, requests: int) -> tuple[int, int, float]:
    """(allowed, throttled, seconds) for SignUps sent back to back (to an unknown client: quotas
    count requests, not successes, and this keeps each call cheap)."""
    allowed = throttled = 0
    started = time.monotonic()
    for index in range(requests):
        try:
            client.sign_up(ClientId="unknownclient", Username=f"u{index}", Password="Passw0rd!")
        except client.exceptions.TooManyRequestsException as error:
            assert error.response["Error"]["Message"] == "Rate exceeded"
            assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400
            throttled += 1
        except ClientError:
            allowed += 1
    return allowed, throttled, time.monotonic() - started


def test_burst_past_50_sign_ups_per_second_is_throttled(
    throttled_client: CognitoIdentityProviderClient,
) -> None:
    allowed, throttled, seconds = burst_sign_ups(throttled_client, 150)

    if seconds >= 1.9:
        pytest.skip(f"client too slow to exceed 50 requests/s ({150 / seconds:.0f}/s)")
    assert throttled > 0
    assert allowed <= 50 + 50 * seconds + 1


def test_throttling_ignores_the_emulator_clock(
    throttled_server: EmulatorServer, throttled_client: CognitoIdentityProviderClient
) -> None:
    assert throttled_server.app.quotas is not None
    while throttled_server.app.quotas.allow("SignUp"):
        pass

    throttled_server.advance_clock(3600)

    with pytest.raises(throttled_client.exceptions.TooManyRequestsException):
        throttled_client.sign_up(ClientId="unknownclient", Username="u", Password="Passw0rd!")


def test_quotas_are_off_by_default(cognito_idp_client: CognitoIdentityProviderClient) -> None:
    allowed, throttled, _ = burst_sign_ups(cognito_idp_client, 150)

    assert (allowed, throttled) == (150, 0)
