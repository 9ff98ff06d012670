"""SECRET_HASH of the emulator and of the service against an independent reference.

The reference (contract_tests/secret_hash.py) is itself pinned to vectors computed with
``openssl dgst -sha256 -hmac``, so all three cannot share one mistake.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import SecretStr

from app.core.cognito import CognitoClient
from cognito_emulator.secret_hash import compute_secret_hash
from contract_tests.cognito.accounts import PASSWORD
from contract_tests.cognito.errors import cognito_error
from contract_tests.secret_hash import reference_secret_hash
from contract_tests.shared_emulator import shared_emulator
from contract_tests.targets import CognitoTarget, emulator_target

# Any text that UTF-8 can encode (lone surrogates cannot travel in JSON or UTF-8 at all).
encodable_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=64)
# Cognito's username pattern: [\p{L}\p{M}\p{S}\p{N}\p{P}]+, at most 128 characters.
cognito_usernames = st.text(
    st.characters(categories=["L", "M", "S", "N", "P"]), min_size=1, max_size=128
)

# (client id, client secret) pairs for the service's client, which is built per pair (boto3
# client creation is too slow to repeat per example). Cognito secrets are ASCII; one is not.
CLIENT_CREDENTIALS = [
    ("example-client-id", "example-client-secret"),
    ("4tq1mgd8sm1h7ovtl1q6pd0mvo", "1k0ib3gpqqhe1ptv0lmrfp6a8pbabj2c7u1t2n0ki2kpc3bq2bg7"),
    ("client-ünïcode", "sécret-🙂"),
]
OPENSSL_VECTORS = [
    ("alice1", "IjHB7ovmAy1XZ9McFFNhLvPQ0unk+PKnWZVoq2tQf7c="),
    ("zoë🙂", "8LR56IAPRawb1r6FsXb8EpvnauZTVi4M0wEfTTNTKQc="),
]


@pytest.mark.parametrize(("username", "expected"), OPENSSL_VECTORS)
def test_the_reference_matches_openssl(username: str, expected: str) -> None:
    assert reference_secret_hash(username, "example-client-id", "example-client-secret") == expected


# The emulator's signature: (client id, client secret, username) -> SECRET_HASH.
EmulatorSecretHash = Callable[[str, str, str], str]


def emulator_agrees_with_the_reference(compute: EmulatorSecretHash) -> Callable[[], None]:
    """The property, for any function with the emulator's signature (the tests of the tests
    run it on a broken one)."""

    @given(username=encodable_text, client_id=encodable_text, client_secret=encodable_text)
    def agrees(username: str, client_id: str, client_secret: str) -> None:
        assert compute(client_id, client_secret, username) == reference_secret_hash(
            username, client_id, client_secret
        )

    return agrees


def test_the_emulator_computes_the_reference_secret_hash() -> None:
    emulator_agrees_with_the_reference(compute_secret_hash)()


@functools.cache
def service_cognito_client(
    client_id: str, client_secret: str, client_class: type[CognitoClient] = CognitoClient
) -> CognitoClient:
    """The service's Cognito client (or a subclass); it is never called, only asked for
    SECRET_HASH."""
    return client_class(
        region="us-east-1",
        client_id=client_id,
        client_secret=SecretStr(client_secret),
        endpoint_url="http://127.0.0.1:9",
    )


# Builds the service's Cognito client for (client id, client secret).
ServiceClientFactory = Callable[[str, str], CognitoClient]


def service_agrees_with_the_reference(client_for: ServiceClientFactory) -> Callable[[], None]:
    """The property, for any way of building the service's client (the tests of the tests run
    it on a broken one)."""

    @given(username=encodable_text, credentials=st.sampled_from(CLIENT_CREDENTIALS))
    def agrees(username: str, credentials: tuple[str, str]) -> None:
        client_id, client_secret = credentials
        assert client_for(client_id, client_secret).secret_hash(username) == (
            reference_secret_hash(username, client_id, client_secret)
        )

    return agrees


def test_the_service_computes_the_reference_secret_hash() -> None:
    service_agrees_with_the_reference(service_cognito_client)()


def test_the_service_sends_no_secret_hash_without_a_secret() -> None:
    client = CognitoClient(region="us-east-1", client_id="public", client_secret=None)
    assert client.secret_hash("anyone") is None


@pytest.fixture(scope="module")
def secret_hash_pool() -> CognitoTarget:
    return emulator_target(shared_emulator(), "contract-secret-hash")


@given(username=cognito_usernames, other=cognito_usernames)
def test_the_emulator_accepts_exactly_the_reference_hash_on_the_wire(
    secret_hash_pool: CognitoTarget, username: str, other: str
) -> None:
    """Through boto3 and JSON: the reference hash signs up; another name's hash is refused."""
    target = secret_hash_pool
    if other != username:
        cognito_error(
            lambda: target.client.sign_up(
                ClientId=target.client_id,
                SecretHash=target.secret_hash(other),
                Username=username,
                Password=PASSWORD,
                UserAttributes=[{"Name": "email", "Value": "user@example.com"}],
            ),
            "NotAuthorizedException",
        )
    response = target.client.sign_up(
        ClientId=target.client_id,
        SecretHash=target.secret_hash(username),
        Username=username,
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": "user@example.com"}],
    )
    assert response["UserSub"]
    target.client.admin_delete_user(UserPoolId=target.user_pool_id, Username=username)
