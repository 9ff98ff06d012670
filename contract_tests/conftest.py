"""Contract-test options: hypothesis profiles and the Cognito target.

``--hypothesis-profile=dev`` (quick, random) or ``ci`` (derandomized, more examples; the whole run
stays within a few minutes on two cores). ``--cognito-target=emulator|aws|moto`` picks where the
Cognito behaviour contract runs (see contract_tests/targets.py).
"""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, settings

from app.core.tokens import TokenVerifier
from contract_tests.aws_run import AwsRunCheck
from contract_tests.cognito.accounts import Accounts
from contract_tests.divergence_report import DivergenceReport
from contract_tests.shared_emulator import pool_signing_key, shared_emulator
from contract_tests.targets import TARGET_NAMES, CognitoTarget, emulator_target
from contract_tests.token_mutations import GenuineToken

VERIFIER_LEEWAY_SECONDS = 5.0

settings.register_profile(
    "dev",
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "ci",
    max_examples=100,
    derandomize=True,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
# Without --hypothesis-profile: what nox would pick (ci when the CI variable is set).
settings.load_profile("ci" if os.environ.get("CI") else "dev")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--cognito-target",
        choices=TARGET_NAMES,
        default="emulator",
        help=(
            "where the Cognito behaviour contract runs: the in-process emulator (default); "
            "aws, a real pool named by AWS_REGION/AWS_COGNITO_USER_POOL_ID/"
            "AWS_COGNITO_APP_CLIENT_ID/AWS_COGNITO_APP_CLIENT_SECRET plus AWS credentials; "
            "or moto, plain moto_server, printing where it diverges (a report, not a failure)"
        ),
    )
    parser.addoption(
        "--allow-skip-aws",
        action="store_true",
        help="with --cognito-target=aws, pass even when every Cognito contract test was skipped "
        "(no pool configured); by default that run fails",
    )


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("cognito_target") == "moto":
        config.pluginmanager.register(DivergenceReport(), "cognito-divergence-report")
    if config.getoption("cognito_target") == "aws":
        check = AwsRunCheck(allow_skip=config.getoption("allow_skip_aws"))
        config.pluginmanager.register(check, "cognito-aws-run-check")


@pytest.fixture(scope="session")
def verifier_pool() -> CognitoTarget:
    """A pool of its own for the verifier properties."""
    return emulator_target(shared_emulator(), "contract-verifier")


@pytest.fixture(scope="session")
def genuine_token(verifier_pool: CognitoTarget) -> GenuineToken:
    """A real access token (and its ID token) of a confirmed user, with the pool's signing key."""
    accounts = Accounts(verifier_pool)
    tokens = accounts.log_in(accounts.confirmed())
    return GenuineToken(
        token=tokens["AccessToken"],
        id_token=tokens["IdToken"],
        signing_key=pool_signing_key(verifier_pool.user_pool_id, "access"),
        leeway_seconds=VERIFIER_LEEWAY_SECONDS,
    )


@pytest.fixture(scope="session")
def make_verifier(verifier_pool: CognitoTarget) -> Callable[[type[TokenVerifier]], TokenVerifier]:
    """Builds the service's verifier class (or a subclass) for the verifier pool."""

    def make(verifier_class: type[TokenVerifier] = TokenVerifier) -> TokenVerifier:
        return verifier_class(
            region=verifier_pool.region,
            user_pool_id=verifier_pool.user_pool_id,
            client_ids=frozenset({verifier_pool.client_id}),
            endpoint_url=shared_emulator().endpoint_url,
            leeway_seconds=VERIFIER_LEEWAY_SECONDS,
        )

    return make


@pytest.fixture(scope="session")
def verifier(make_verifier: Callable[[type[TokenVerifier]], TokenVerifier]) -> TokenVerifier:
    return make_verifier(TokenVerifier)
