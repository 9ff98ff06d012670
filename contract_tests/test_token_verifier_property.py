"""The service's TokenVerifier accepts a genuine emulator token and refuses every mutation of it.

Mutations (contract_tests/token_mutations.py): bytes flipped in header, payload or signature;
each checked claim (iss, token_use, client_id, exp, iat) changed or removed and the token
re-signed with the pool's own key; kid changed; alg switched to none, HS256 keyed with the public
key, or another RSA algorithm; another key; the ID token instead of the access token. Refusal must
be InvalidTokenError (the service's 401); any other exception would be a 500.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.core.tokens import TokenVerifier
from contract_tests.token_mutations import GenuineToken, assert_refused, mutations


def test_the_genuine_token_is_accepted(
    verifier: TokenVerifier, genuine_token: GenuineToken
) -> None:
    claims = verifier.verify_access_token(genuine_token.token)
    assert claims["sub"] == genuine_token.claims["sub"]
    assert verifier.client_ids == {claims["client_id"]}


def test_a_token_re_signed_unchanged_is_accepted(
    verifier: TokenVerifier, genuine_token: GenuineToken
) -> None:
    """The control for the re-signing mutations: the forge itself makes tokens that verify."""
    resigned = genuine_token.sign(genuine_token.header, genuine_token.claims)
    assert verifier.verify_access_token(resigned)["sub"] == genuine_token.claims["sub"]


@given(data=st.data())
def test_every_mutation_is_refused(
    verifier: TokenVerifier, genuine_token: GenuineToken, data: st.DataObject
) -> None:
    assert_refused(verifier, genuine_token, data.draw(mutations(genuine_token), label="mutation"))
