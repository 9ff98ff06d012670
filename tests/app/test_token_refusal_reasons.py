"""Why the verifier refuses a token, exactly: the reason is the 401's detail a client sees.

The tokens here are signed with a key of the test's own, served as the pool's JWKS through an
in-memory transport; each one is a genuine token with one thing wrong. Bounds (expiry, not
before, the leeway) are checked on both sides, and the JWKS entries the verifier must ignore are
ignored. The verifier's clock is fixed, so every outcome is exact.
"""

import json
import math
from collections.abc import Callable
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from app.core.tokens import MAX_TOKEN_LENGTH, InvalidTokenError, JWKSUnavailableError, TokenVerifier
from tests.app.jwks_endpoint import Clock, JWKSEndpoint, two_callers_on_one_failing_fetch

NOW = 1_900_000_000.0
LEEWAY = 5.0
PENALTY = 10.0
REGION, POOL, CLIENT = "us-east-1", "us-east-1_Pool", "client-1"
ISSUER = f"https://cognito-idp.{REGION}.amazonaws.com/{POOL}"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_jwk(key: rsa.RSAPrivateKey, kid: str, **fields: Any) -> dict[str, Any]:
    jwk: dict[str, Any] = RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
    return jwk | {"kid": kid, "alg": "RS256", "use": "sig"} | fields


def access_claims(**changes: Any) -> dict[str, Any]:
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "sub": "sub-1",
        "token_use": "access",
        "client_id": CLIENT,
        "username": "alice",
        "scope": "aws.cognito.signin.user.admin",
        "auth_time": int(NOW) - 10,
        "iat": int(NOW) - 10,
        "exp": int(NOW) + 3600,
        "jti": "jti-1",
    }
    return _changed(claims, changes)


def id_claims(**changes: Any) -> dict[str, Any]:
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "sub": "sub-1",
        "aud": CLIENT,
        "token_use": "id",
        "email": "alice@example.com",
        "iat": int(NOW) - 10,
        "exp": int(NOW) + 3600,
    }
    return _changed(claims, changes)


def _changed(claims: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    for name, value in changes.items():
        if value is REMOVE:
            claims.pop(name)
        else:
            claims[name] = value
    return claims


REMOVE = object()


def signed(
    claims: dict[str, Any], *, key: rsa.RSAPrivateKey = KEY, kid: Any = "k1", **header: Any
) -> str:
    headers = {"kid": kid, **header} if kid is not REMOVE else dict(header)
    token = jwt.encode(claims, key, algorithm="RS256", headers=headers)
    if kid is REMOVE:  # PyJWT adds no kid of its own; make sure none is there
        assert "kid" not in jwt.get_unverified_header(token)
    return token


def sized(length: int) -> str:
    """A genuine access token of exactly `length` characters (padded with a claim)."""
    for extra_header in range(4):  # base64url cannot make every length: shift with the header
        header = {f"x{n}": 1 for n in range(extra_header)}
        unpadded = len(signed(access_claims(padding=""), **header))
        estimate = (length - unpadded) * 3 // 4
        for padding in range(estimate - 8, estimate + 8):
            token = signed(access_claims(padding="p" * padding), **header)
            if len(token) == length:
                return token
    raise AssertionError(f"no token of {length} characters")


def with_header(token: str, **header: Any) -> str:
    """The token with header fields replaced (the signature no longer matters: the header is
    refused first)."""
    _, payload, signature = token.split(".")
    encoded = jwt.utils.base64url_encode(json.dumps(header).encode()).decode()
    return f"{encoded}.{payload}.{signature}"


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def jwks() -> JWKSEndpoint:
    return JWKSEndpoint({"keys": [public_jwk(KEY, "k1")]})


@pytest.fixture
def make_verifier(jwks: JWKSEndpoint, clock: Clock) -> Callable[..., TokenVerifier]:
    def make(**options: Any) -> TokenVerifier:
        options.setdefault("client_ids", frozenset({CLIENT}))
        return TokenVerifier(
            region=REGION,
            user_pool_id=POOL,
            endpoint_url="http://cognito.test",
            http_client=jwks.client(),
            leeway_seconds=LEEWAY,
            penalty_seconds=PENALTY,
            clock=clock,
            **options,
        )

    return make


@pytest.fixture
def verifier(make_verifier: Callable[..., TokenVerifier]) -> TokenVerifier:
    return make_verifier()


def refusal(verify: Callable[[str], Any], token: str) -> str:
    with pytest.raises(InvalidTokenError) as refused:
        verify(token)
    return str(refused.value)


ACCESS_REFUSALS: dict[str, tuple[Callable[[], str], str]] = {
    "empty": (lambda: "", "Malformed token"),
    "not a JWT": (lambda: "garbage", "Malformed token"),
    "longer than any Cognito token": (lambda: "a" * 16_385, "Malformed token"),
    "signed, but longer than any Cognito token": (
        lambda: sized(MAX_TOKEN_LENGTH + 1),
        "Malformed token",
    ),
    "a lone surrogate": (lambda: "a\ud800b", "Malformed token"),
    "HS256": (
        lambda: with_header(signed(access_claims()), alg="HS256", kid="k1"),
        "Unsupported token algorithm",
    ),
    "no alg": (
        lambda: with_header(signed(access_claims()), kid="k1"),
        "Unsupported token algorithm",
    ),
    "no kid": (lambda: signed(access_claims(), kid=REMOVE), "Token has no key id"),
    "empty kid": (lambda: signed(access_claims(), kid=""), "Token has no key id"),
    "kid not a string": (
        lambda: with_header(signed(access_claims()), alg="RS256", kid=7),
        "Malformed token",
    ),
    "another pool": (
        lambda: signed(access_claims(iss=ISSUER + "x")),
        "Token was issued by another user pool",
    ),
    "no issuer": (
        lambda: signed(access_claims(iss=REMOVE)),
        "Token was issued by another user pool",
    ),
    "unknown kid": (lambda: signed(access_claims(), kid="k9"), "Unknown signing key"),
    "another key, right kid": (
        lambda: signed(access_claims(), key=OTHER_KEY),
        "Invalid token: Signature verification failed",
    ),
    "no subject claim": (
        lambda: signed(access_claims(sub=REMOVE)),
        'Invalid token: Token is missing the "sub" claim',
    ),
    "no token_use claim": (
        lambda: signed(access_claims(token_use=REMOVE)),
        'Invalid token: Token is missing the "token_use" claim',
    ),
    "no exp claim": (
        lambda: signed(access_claims(exp=REMOVE)),
        'Invalid token: Token is missing the "exp" claim',
    ),
    "no iat claim": (
        lambda: signed(access_claims(iat=REMOVE)),
        'Invalid token: Token is missing the "iat" claim',
    ),
    "an ID token": (lambda: signed(id_claims(client_id=CLIENT)), "Not an access token"),
    "another app client": (
        lambda: signed(access_claims(client_id="client-2")),
        "Token was issued to another app client",
    ),
    "no client_id": (
        lambda: signed(access_claims(client_id=REMOVE)),
        "Token was issued to another app client",
    ),
    "empty subject": (lambda: signed(access_claims(sub="")), "Token has no subject"),
    "subject not a string": (
        lambda: signed(access_claims(sub=7)),
        "Invalid token: Subject must be a string",
    ),
    "no username": (lambda: signed(access_claims(username=REMOVE)), "Token has no username"),
    "username not a string": (lambda: signed(access_claims(username=7)), "Token has no username"),
    # A client-credentials token has no username and its client's id as `sub`; a token without
    # a username is a machine's only then.
    "no username, subject not the client": (
        lambda: signed(access_claims(username=REMOVE, sub="client-2")),
        "Token has no username",
    ),
    "a machine's token of another client": (
        lambda: signed(access_claims(username=REMOVE, sub="client-2", client_id="client-2")),
        "Token was issued to another app client",
    ),
    "exp not a number": (
        lambda: signed(access_claims(exp="2100-01-01")),
        "Token times are not numbers",
    ),
    "iat a boolean": (lambda: signed(access_claims(iat=True)), "Token times are not numbers"),
    "nbf not a number": (lambda: signed(access_claims(nbf="soon")), "Token times are not numbers"),
    # Python's json writes and reads Infinity and NaN, and a signed payload may carry them.
    "exp Infinity": (lambda: signed(access_claims(exp=math.inf)), "Token times are not numbers"),
    "exp NaN": (lambda: signed(access_claims(exp=math.nan)), "Token times are not numbers"),
    "iat -Infinity": (lambda: signed(access_claims(iat=-math.inf)), "Token times are not numbers"),
    "iat NaN": (lambda: signed(access_claims(iat=math.nan)), "Token times are not numbers"),
    "nbf NaN": (lambda: signed(access_claims(nbf=math.nan)), "Token times are not numbers"),
    "exp beyond any float": (
        lambda: signed(access_claims(exp=10**400)),
        "Token times are not numbers",
    ),
    "expired beyond the leeway": (
        lambda: signed(access_claims(exp=NOW - LEEWAY - 0.5)),
        "Token has expired",
    ),
    "issued beyond the leeway in the future": (
        lambda: signed(access_claims(iat=NOW + LEEWAY + 0.5)),
        "Token is not valid yet",
    ),
    "not before, beyond the leeway": (
        lambda: signed(access_claims(nbf=NOW + LEEWAY + 0.5)),
        "Token is not valid yet",
    ),
}


@pytest.mark.parametrize("make_token", ACCESS_REFUSALS.values(), ids=ACCESS_REFUSALS.keys())
def test_an_access_token_is_refused_with_the_reason(
    verifier: TokenVerifier, make_token: tuple[Callable[[], str], str]
) -> None:
    token, reason = make_token[0](), make_token[1]

    assert refusal(verifier.verify_access_token, token) == reason


@pytest.mark.parametrize(
    "claims",
    [
        access_claims(),
        access_claims(exp=NOW - LEEWAY),  # expired, within the leeway
        access_claims(iat=NOW + LEEWAY, nbf=NOW + LEEWAY),  # early, within the leeway
        access_claims(exp=float(NOW + 60), iat=float(NOW)),  # times may be floats
        access_claims(username=REMOVE, sub=CLIENT, scope="cognito-kit/users.read"),
    ],
    ids=[
        "genuine",
        "expiry within the leeway",
        "not-before within the leeway",
        "float times",
        "a machine's (client credentials)",
    ],
)
def test_a_genuine_access_token_is_accepted_within_the_leeway(
    verifier: TokenVerifier, claims: dict[str, Any]
) -> None:
    assert verifier.verify_access_token(signed(claims)) == claims


def test_a_token_as_long_as_the_limit_is_verified_and_cached(verifier: TokenVerifier) -> None:
    token = sized(MAX_TOKEN_LENGTH)

    claims = verifier.verify_access_token(token)

    assert claims["sub"] == "sub-1"
    assert verifier.cached_access_claims(token) == claims


ID_REFUSALS: dict[str, tuple[dict[str, Any], str]] = {
    "an access token": (access_claims(aud=CLIENT), "Not an id token"),
    "another audience": (id_claims(aud="client-2"), "Token was issued to another app client"),
    "no audience": (id_claims(aud=REMOVE), "Token was issued to another app client"),
}


@pytest.mark.parametrize("case", ID_REFUSALS.values(), ids=ID_REFUSALS.keys())
def test_an_id_token_is_refused_with_the_reason(
    verifier: TokenVerifier, case: tuple[dict[str, Any], str]
) -> None:
    claims, reason = case

    assert refusal(verifier.verify_id_token, signed(claims)) == reason


def test_tokens_of_every_accepted_client_verify_and_of_no_other(
    make_verifier: Callable[..., TokenVerifier],
) -> None:
    verifier = make_verifier(client_ids=frozenset({CLIENT, "client-2"}))

    assert verifier.verify_access_token(signed(access_claims(client_id="client-2")))["sub"]
    assert verifier.verify_id_token(signed(id_claims(aud="client-2")))["aud"] == "client-2"
    assert refusal(verifier.verify_id_token, signed(id_claims(aud="client-3"))) == (
        "Token was issued to another app client"
    )


def test_a_verifier_needs_an_accepted_client(make_verifier: Callable[..., TokenVerifier]) -> None:
    with pytest.raises(ValueError, match="at least one accepted app client id"):
        make_verifier(client_ids=frozenset())


def test_an_id_token_needs_neither_client_id_nor_username(verifier: TokenVerifier) -> None:
    claims = id_claims()

    assert verifier.verify_id_token(signed(claims)) == claims


JWKS_FAILURES: dict[str, tuple[dict[str, Any], str]] = {
    "an HTTP error": ({"status": 500}, "JWKS answered HTTP 500"),
    "unreachable": ({"unreachable": True}, "JWKS unreachable: ConnectError"),
    "not JSON": ({"document": b"<html>"}, "JWKS is not JSON"),
    "not an object": ({"document": ["keys"]}, "JWKS has no key list"),
    "keys not a list": ({"document": {"keys": {"k1": {}}}}, "JWKS has no key list"),
}


@pytest.mark.parametrize("failure", JWKS_FAILURES.values(), ids=JWKS_FAILURES.keys())
def test_a_jwks_that_cannot_be_used_makes_verification_unavailable(
    verifier: TokenVerifier, jwks: JWKSEndpoint, failure: tuple[dict[str, Any], str]
) -> None:
    changes, reason = failure
    for name, value in changes.items():
        setattr(jwks, name, value)

    with pytest.raises(JWKSUnavailableError) as unavailable:
        verifier.verify_access_token(signed(access_claims()))

    assert str(unavailable.value) == reason


@pytest.mark.parametrize(
    "entry",
    [
        public_jwk(KEY, "k1", kty="EC"),
        public_jwk(KEY, "k1", use="enc"),
        public_jwk(KEY, "k1", alg="RS512"),
        public_jwk(KEY, "k1", n="not base64 !"),
        {key: value for key, value in public_jwk(KEY, "k1").items() if key != "kid"},
        public_jwk(KEY, "k1") | {"kid": 1},
        "k1",
    ],
    ids=["EC", "encryption key", "RS512", "broken modulus", "no kid", "kid not a string", "text"],
)
def test_jwks_entries_that_are_not_rs256_signing_keys_are_ignored(
    verifier: TokenVerifier, jwks: JWKSEndpoint, entry: Any
) -> None:
    jwks.document = {"keys": [entry]}

    assert refusal(verifier.verify_access_token, signed(access_claims())) == "Unknown signing key"


def test_a_jwks_entry_without_use_or_alg_is_an_rs256_signing_key(
    verifier: TokenVerifier, jwks: JWKSEndpoint
) -> None:
    entry = {k: v for k, v in public_jwk(KEY, "k1").items() if k not in ("use", "alg")}
    jwks.document = {"keys": [entry]}
    claims = access_claims()

    assert verifier.verify_access_token(signed(claims)) == claims


def test_unknown_kids_are_refused_without_refetching_until_the_penalty_ends(
    verifier: TokenVerifier, jwks: JWKSEndpoint, clock: Clock
) -> None:
    unknown = signed(access_claims(), kid="k9")
    refusal(verifier.verify_access_token, unknown)  # fetch, refetch... one fetch: nothing cached
    assert jwks.requests == 1

    clock.now += PENALTY - 0.001
    assert refusal(verifier.verify_access_token, unknown) == "Unknown signing key"
    assert jwks.requests == 1
    clock.now += 0.001
    assert refusal(verifier.verify_access_token, unknown) == "Unknown signing key"
    assert jwks.requests == 2


def unavailability(verify: Callable[[str], Any], token: str) -> str:
    with pytest.raises(JWKSUnavailableError) as unavailable:
        verify(token)
    return str(unavailable.value)


@pytest.mark.parametrize("failure", JWKS_FAILURES.values(), ids=JWKS_FAILURES.keys())
def test_a_failed_fetch_is_not_repeated_until_the_penalty_ends(
    verifier: TokenVerifier, jwks: JWKSEndpoint, clock: Clock, failure: tuple[dict[str, Any], str]
) -> None:
    """Garbage tokens with unknown kids while the JWKS endpoint fails: one fetch per penalty
    window, each token answered with that fetch's failure."""
    changes, reason = failure
    for name, value in changes.items():
        setattr(jwks, name, value)
    garbage = [signed(access_claims(), key=OTHER_KEY, kid=f"forged-{n}") for n in range(30)]

    assert [unavailability(verifier.verify_access_token, token) for token in garbage] == (
        [reason] * 30
    )
    assert jwks.requests == 1

    clock.now += PENALTY - 0.001
    assert unavailability(verifier.verify_access_token, signed(access_claims())) == reason
    assert jwks.requests == 1
    clock.now += 0.001
    assert unavailability(verifier.verify_access_token, garbage[0]) == reason
    assert jwks.requests == 2


def test_after_a_failed_fetch_the_first_fetch_past_the_penalty_recovers(
    verifier: TokenVerifier, jwks: JWKSEndpoint, clock: Clock
) -> None:
    jwks.status = 500
    claims = access_claims()
    assert unavailability(verifier.verify_access_token, signed(claims)) == "JWKS answered HTTP 500"
    jwks.status = 200

    clock.now += PENALTY
    assert verifier.verify_access_token(signed(claims)) == claims
    assert jwks.requests == 2


def test_verifications_waiting_on_a_failing_fetch_share_its_error(
    verifier: TokenVerifier, jwks: JWKSEndpoint
) -> None:
    token = signed(access_claims())

    errors = two_callers_on_one_failing_fetch(jwks, lambda: verifier.verify_access_token(token))

    assert errors == ["JWKS answered HTTP 503"] * 2
    assert jwks.requests == 1


def test_verified_claims_are_served_from_memory_as_copies(verifier: TokenVerifier) -> None:
    token = signed(access_claims())
    assert verifier.cached_access_claims(token) is None

    verifier.verify_access_token(token)["sub"] = "changed by the caller"
    cached = verifier.cached_access_claims(token)
    assert cached is not None
    cached["sub"] = "changed again"

    assert verifier.verify_access_token(token)["sub"] == "sub-1"
    assert verifier.cached_access_claims(signed(access_claims(jti="jti-2"))) is None
    with pytest.raises(InvalidTokenError, match=r"^Malformed token$"):
        verifier.cached_access_claims(7)  # type: ignore[arg-type]


def test_cached_claims_expire_with_the_token_and_its_leeway(
    verifier: TokenVerifier, clock: Clock
) -> None:
    token = signed(access_claims(exp=int(NOW) + 60))
    verifier.verify_access_token(token)

    clock.now = NOW + 60 + LEEWAY - 0.001
    assert verifier.cached_access_claims(token) is not None
    clock.now += 0.002
    assert verifier.cached_access_claims(token) is None
    assert refusal(verifier.verify_access_token, token) == "Token has expired"


def test_the_claims_cache_forgets_the_least_recently_used(
    make_verifier: Callable[..., TokenVerifier],
) -> None:
    verifier = make_verifier(cache_size=2)
    first, second, third = (signed(access_claims(jti=f"jti-{n}")) for n in range(3))
    verifier.verify_access_token(first)
    verifier.verify_access_token(second)
    verifier.verify_access_token(first)  # used again: now the most recent

    verifier.verify_access_token(third)

    assert verifier.cached_access_claims(first) is not None
    assert verifier.cached_access_claims(second) is None
    assert verifier.cached_access_claims(third) is not None


def test_a_cache_of_size_zero_keeps_nothing(make_verifier: Callable[..., TokenVerifier]) -> None:
    verifier = make_verifier(cache_size=0)
    token = signed(access_claims())

    verifier.verify_access_token(token)

    assert verifier.cached_access_claims(token) is None


def test_a_cache_of_size_one_keeps_the_latest(make_verifier: Callable[..., TokenVerifier]) -> None:
    verifier = make_verifier(cache_size=1)
    first, second = (signed(access_claims(jti=f"jti-{n}")) for n in range(2))

    verifier.verify_access_token(first)
    verifier.verify_access_token(second)

    assert verifier.cached_access_claims(first) is None
    assert verifier.cached_access_claims(second) is not None
