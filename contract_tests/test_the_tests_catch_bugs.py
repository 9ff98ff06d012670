"""The tests of the tests: each property, pointed at a deliberately broken copy of what it guards,
must fail. A property that passes against a broken verifier, a wrong error mapping (a wrong MFA
code among them) or a service that keeps rows for machines proves nothing about the real ones.

Each run is derandomized, generation only (no shrinking, no example database), so it is fast and
gives the same verdict every time.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from app import crud
from app.api import deps
from app.core import cognito_errors
from app.core.auth import Machine, admit_machine
from app.core.cognito import CognitoClient, CognitoProfile
from app.core.tokens import InvalidTokenError, TokenVerifier
from cognito_emulator.secret_hash import compute_secret_hash
from contract_tests.service import ServiceUnderTest, service_under_test
from contract_tests.test_secret_hash_property import (
    emulator_agrees_with_the_reference,
    service_agrees_with_the_reference,
    service_cognito_client,
)
from contract_tests.test_user_lifecycle_state_machine import run_lifecycle
from contract_tests.token_mutations import (
    ChangeClaim,
    ExpiredFor,
    GenuineToken,
    assert_refused,
    mutations,
)

HUNT = settings(
    max_examples=200,
    derandomize=True,
    database=None,
    phases=[Phase.generate],
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


class VerifierIgnoringClientId(TokenVerifier):
    """Deliberate bug: tokens issued to any app client of the pool are accepted."""

    def _check_claims(self, claims: dict[str, Any], token_use: Any) -> None:
        super()._check_claims({**claims, "client_id": min(self.client_ids)}, token_use)


class VerifierIgnoringExpiry(TokenVerifier):
    """Deliberate bug: expired tokens are accepted."""

    def _check_claims(self, claims: dict[str, Any], token_use: Any) -> None:
        super()._check_claims({**claims, "exp": 2**40}, token_use)


@pytest.mark.parametrize(
    ("broken_verifier", "the_mutation_it_misses"),
    [(VerifierIgnoringClientId, "'client_id'"), (VerifierIgnoringExpiry, "'exp'")],
)
def test_the_mutation_property_catches_a_broken_verifier(
    make_verifier: Callable[[type[TokenVerifier]], TokenVerifier],
    genuine_token: GenuineToken,
    broken_verifier: type[TokenVerifier],
    the_mutation_it_misses: str,
) -> None:
    verifier = make_verifier(broken_verifier)
    assert verifier.verify_access_token(genuine_token.token)  # still accepts what it should

    @HUNT
    @given(data=st.data())
    def every_mutation_is_refused(data: st.DataObject) -> None:
        assert_refused(verifier, genuine_token, data.draw(mutations(genuine_token)))

    with pytest.raises(
        AssertionError, match=f"accepted a token after ChangeClaim\\(claim={the_mutation_it_misses}"
    ):
        every_mutation_is_refused()


def test_the_real_verifier_refuses_what_the_broken_ones_accept(
    verifier: TokenVerifier, genuine_token: GenuineToken
) -> None:
    """The counterexamples above are refused by the real verifier (so they are real bugs)."""
    for mutation in (
        ChangeClaim("client_id", "another-client"),
        ChangeClaim("exp", ExpiredFor(60)),
    ):
        with pytest.raises(InvalidTokenError):
            verifier.verify_access_token(mutation.apply(genuine_token))


class ClientHashingSwapped(CognitoClient):
    """Deliberate bug: the service's SECRET_HASH over client id + username instead of
    username + client id (a classic mistake, and one that empty usernames cannot reveal)."""

    def secret_hash(self, username: str) -> str | None:
        client_id, self.client_id = self.client_id, username
        try:
            return super().secret_hash(client_id)
        finally:
            self.client_id = client_id


def emulator_hashing_swapped(client_id: str, client_secret: str, username: str) -> str:
    """Deliberate bug: the emulator's SECRET_HASH with the concatenation swapped."""
    return compute_secret_hash(username, client_secret, client_id)


@pytest.mark.parametrize(
    "the_property_on_broken_code",
    [
        emulator_agrees_with_the_reference(emulator_hashing_swapped),
        service_agrees_with_the_reference(
            functools.partial(service_cognito_client, client_class=ClientHashingSwapped)
        ),
    ],
    ids=["emulator", "service"],
)
def test_the_secret_hash_property_catches_a_swapped_concatenation(
    the_property_on_broken_code: Callable[[], None],
) -> None:
    """The real properties (test_secret_hash_property.py), pointed at a swapped concatenation."""
    with pytest.raises(AssertionError):
        HUNT(the_property_on_broken_code)()


@pytest.fixture(scope="module")
def mutated_lifecycle_service() -> ServiceUnderTest:
    """A service of its own: the mutated mapping must not leak into other tests' users."""
    return service_under_test("contract-mutated-mapping")


def test_the_lifecycle_model_catches_a_wrong_error_mapping(
    mutated_lifecycle_service: ServiceUnderTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """UserNotConfirmedException answered 401 instead of 403: the state machine must object."""
    monkeypatch.setitem(
        cognito_errors.ANSWERS_BY_CODE,
        "UserNotConfirmedException",
        cognito_errors.ErrorAnswer(401, "Incorrect username or password"),
    )
    with pytest.raises(AssertionError, match=r"/users/login answered 401 .* expects 403"):
        run_lifecycle(
            mutated_lifecycle_service,
            only_rules=frozenset({"sign_up", "verify", "log_in"}),
            max_examples=50,
            derandomize=True,
            database=None,
            phases=[Phase.generate],
        )


@pytest.fixture(scope="module")
def mutated_mfa_service() -> ServiceUnderTest:
    """A service of its own: the mutated mapping must not leak into other tests' users."""
    return service_under_test("contract-mutated-mfa-mapping")


def test_the_lifecycle_model_catches_a_wrong_mfa_code_answered_as_an_expired_sign_in(
    mutated_mfa_service: ServiceUnderTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A wrong TOTP code answered 401 (log in again) instead of 400 (retype it): the state
    machine must object."""
    monkeypatch.setitem(
        cognito_errors.ANSWERS_BY_OPERATION,
        ("RespondToAuthChallenge", "CodeMismatchException"),
        cognito_errors.SIGN_IN_EXPIRED,
    )
    with pytest.raises(AssertionError, match=r"/users/login/challenge answered 401 .* expects 400"):
        run_lifecycle(
            mutated_mfa_service,
            # The initialize step signs a user up, verifies and logs in through these rules,
            # and turns TOTP on in some examples.
            only_rules=frozenset(
                {"sign_up", "verify", "log_in", "answer_challenge_with_a_wrong_code"}
            ),
            max_examples=50,
            derandomize=True,
            database=None,
            phases=[Phase.generate],
        )


@pytest.fixture(scope="module")
def machine_rows_service() -> ServiceUnderTest:
    """A service of its own: the rows the mutation adds must not reach other tests' tables."""
    return service_under_test("contract-machine-rows")


def test_the_lifecycle_model_catches_a_row_kept_for_a_machine(
    machine_rows_service: ServiceUnderTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A service that records machine callers in the users table (a row per token, named by its
    jti): the invariant on rows must object, though every answer the machine gets is right.

    A row per token, not one per client: the table outlives an example, and hypothesis replays a
    failing one, which must fail again at the same step."""

    def admit_machine_with_a_row(claims: dict[str, Any]) -> Machine:
        with Session(machine_rows_service.engine) as db:
            profile = CognitoProfile(sub=claims["jti"], username=claims["jti"], email=None)
            crud.ensure_user(db, profile)
        return admit_machine(claims)

    monkeypatch.setattr(deps, "admit_machine", admit_machine_with_a_row)
    with pytest.raises(AssertionError, match=r"grew by 2 rows; the model signed up 1:"):
        run_lifecycle(
            machine_rows_service,
            # The initialize step signs a user up, verifies and logs in through these rules.
            only_rules=frozenset({"sign_up", "verify", "log_in", "machine_reads_me"}),
            max_examples=5,
            derandomize=True,
            database=None,
            phases=[Phase.generate],
        )
