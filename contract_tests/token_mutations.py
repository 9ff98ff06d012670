"""Mutations of a valid Cognito access token, each of which a verifier must refuse.

A mutation either damages the token's bytes, or changes one checked thing and re-signs the
token with the pool's own private key, so the signature stays valid and only that one thing is
wrong. Mutations are plain dataclasses: hypothesis prints them readably in a falsifying example.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from hypothesis import strategies as st

from app.core.tokens import InvalidTokenError, TokenVerifier

# Anything a claim or header field can be set to, or its removal.
REMOVE = "<removed>"
SEGMENTS = ("header", "payload", "signature")
ALGORITHM_SWITCHES = ("none", "HS256-with-public-key", "RS384", "RS512", "PS256")


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Mutation(Protocol):
    def apply(self, genuine: GenuineToken) -> str: ...  # pragma: no cover


def assert_refused(verifier: TokenVerifier, genuine: GenuineToken, mutation: Mutation) -> None:
    """The verifier must refuse the mutated token with InvalidTokenError (the service's 401)."""
    token = mutation.apply(genuine)
    assert token != genuine.token, f"{mutation} did not change the token"
    try:
        claims = verifier.verify_access_token(token)
    except InvalidTokenError:
        return
    raise AssertionError(f"the verifier accepted a token after {mutation}: {claims}")


@dataclass(frozen=True)
class GenuineToken:
    """A token the emulator issued, with what is needed to forge variants of it."""

    token: str
    id_token: str
    signing_key: rsa.RSAPrivateKey
    leeway_seconds: float

    @property
    def header(self) -> dict[str, Any]:
        return dict(jwt.get_unverified_header(self.token))

    @property
    def claims(self) -> dict[str, Any]:
        claims: dict[str, Any] = jwt.decode(self.token, options={"verify_signature": False})
        return claims

    def sign(
        self,
        header: dict[str, Any],
        claims: dict[str, Any],
        *,
        algorithm: str = "RS256",
        key: rsa.RSAPrivateKey | None = None,
    ) -> str:
        """A compact JWS of exactly this header and these claims (the header is not adjusted)."""
        signing_input = ".".join(
            b64url_encode(json.dumps(part, separators=(",", ":")).encode())
            for part in (header, claims)
        )
        signer = jwt.get_algorithm_by_name(algorithm)
        signature = signer.sign(signing_input.encode("ascii"), key or self.signing_key)
        return f"{signing_input}.{b64url_encode(signature)}"


@dataclass(frozen=True)
class FlipByte:
    """XOR one decoded byte of one segment; the other segments are left as they were."""

    segment: Literal["header", "payload", "signature"]
    index: int
    mask: int

    def apply(self, genuine: GenuineToken) -> str:
        parts = genuine.token.split(".")
        position = SEGMENTS.index(self.segment)
        raw = bytearray(b64url_decode(parts[position]))
        raw[self.index % len(raw)] ^= self.mask
        parts[position] = b64url_encode(bytes(raw))
        return ".".join(parts)


@dataclass(frozen=True)
class ExpiredFor:
    """An ``exp`` this many seconds beyond the verifier's leeway in the past."""

    seconds: int


@dataclass(frozen=True)
class IssuedIn:
    """An ``iat`` this many seconds beyond the verifier's leeway in the future."""

    seconds: int


def resolve(value: object, genuine: GenuineToken) -> object:
    now = int(time.time())
    margin = int(genuine.leeway_seconds) + 1
    if isinstance(value, ExpiredFor):
        return now - margin - value.seconds
    if isinstance(value, IssuedIn):
        return now + margin + value.seconds
    return value


@dataclass(frozen=True)
class ChangeClaim:
    """One claim set to another value (or removed), re-signed with the pool's own key."""

    claim: str
    value: object

    def apply(self, genuine: GenuineToken) -> str:
        claims = genuine.claims
        if self.value == REMOVE:
            claims.pop(self.claim, None)
        else:
            claims[self.claim] = resolve(self.value, genuine)
        return genuine.sign(genuine.header, claims)


@dataclass(frozen=True)
class ChangeKid:
    """The header's kid set to another value (or removed), re-signed with the pool's own key."""

    kid: object

    def apply(self, genuine: GenuineToken) -> str:
        header = genuine.header
        if self.kid == REMOVE:
            header.pop("kid", None)
        else:
            header["kid"] = self.kid
        return genuine.sign(header, genuine.claims)


@dataclass(frozen=True)
class SwitchAlgorithm:
    """Same claims and kid, another algorithm (one of ``ALGORITHM_SWITCHES``).

    ``none``: no signature. ``HS256-with-public-key``: the classic key-confusion forgery, an HMAC
    keyed with the pool's public key. ``RS384``/``RS512``/``PS256``: a valid signature by the
    pool's own key, in an algorithm Cognito never uses.
    """

    algorithm: str

    def apply(self, genuine: GenuineToken) -> str:
        claims = genuine.claims
        if self.algorithm == "none":
            return genuine.sign({**genuine.header, "alg": "none"}, claims, algorithm="none")
        if self.algorithm == "HS256-with-public-key":
            header = {**genuine.header, "alg": "HS256"}
            public_pem = genuine.signing_key.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            signing_input = ".".join(
                b64url_encode(json.dumps(part, separators=(",", ":")).encode())
                for part in (header, claims)
            )
            mac = hmac.new(public_pem, signing_input.encode("ascii"), hashlib.sha256).digest()
            return f"{signing_input}.{b64url_encode(mac)}"
        header = {**genuine.header, "alg": self.algorithm}
        return genuine.sign(header, claims, algorithm=self.algorithm)


@dataclass(frozen=True)
class SignWithAnotherKey:
    """Same header (kid included) and claims, signed by a key that is not the pool's."""

    def apply(self, genuine: GenuineToken) -> str:
        return genuine.sign(genuine.header, genuine.claims, key=foreign_key())


@dataclass(frozen=True)
class UseIdToken:
    """The ID token of the same sign-in, presented as an access token."""

    def apply(self, genuine: GenuineToken) -> str:
        return genuine.id_token


@functools.cache
def foreign_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


any_json_value = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(max_size=40),
    st.lists(st.integers(), max_size=2),
)


def claim_changes(claims: dict[str, Any]) -> st.SearchStrategy[ChangeClaim]:
    """For each checked claim: near misses, arbitrary values, and removal."""
    issuer, client_id = claims["iss"], claims["client_id"]
    pool_id = issuer.rsplit("/", 1)[-1]
    near_issuers = [
        issuer + "/",
        issuer.upper(),
        issuer.replace("https://", "http://"),
        issuer.replace(".amazonaws.com", ".amazonaws.com.evil.example"),
        issuer.replace(pool_id, pool_id + "x"),
        issuer.replace("us-east-1", "eu-west-1"),
        f"https://cognito-idp.us-east-1.amazonaws.com/{pool_id.split('_')[0]}_other",
    ]
    near_client_ids = [client_id.upper(), client_id + "x", client_id[:-1], f" {client_id}"]
    values: dict[str, st.SearchStrategy[object]] = {
        "iss": st.one_of(st.sampled_from(near_issuers), any_json_value),
        "token_use": st.one_of(
            st.sampled_from(["id", "refresh", "Access", "access "]), any_json_value
        ),
        "client_id": st.one_of(st.sampled_from(near_client_ids), any_json_value),
        "exp": st.one_of(
            st.integers(0, 10**8).map(ExpiredFor), st.sampled_from(["9999999999", None])
        ),
        "iat": st.integers(0, 10**8).map(IssuedIn),
        # A user's token without a username would pass for a machine's (client credentials),
        # were `sub` not checked to be the client id too.
        "username": st.one_of(st.none(), st.integers(), st.booleans(), st.lists(st.text())),
        "sub": st.one_of(st.just(""), st.none(), st.integers()),
    }
    genuine_values = {"iss": issuer, "token_use": "access", "client_id": client_id}
    return st.one_of(
        *(
            changes_of(claim, strategy, genuine_values.get(claim, NO_GENUINE_VALUE))
            for claim, strategy in values.items()
        )
    )


NO_GENUINE_VALUE = object()


def changes_of(
    claim: str, values: st.SearchStrategy[object], genuine_value: object
) -> st.SearchStrategy[ChangeClaim]:
    """``claim`` set to any of ``values`` but its genuine one, or removed."""

    def differs(value: object) -> bool:
        return value != genuine_value

    def change(value: object) -> ChangeClaim:
        return ChangeClaim(claim, value)

    return st.one_of(values, st.just(REMOVE)).filter(differs).map(change)


def mutations(genuine: GenuineToken) -> st.SearchStrategy[Mutation]:
    genuine_kid = genuine.header["kid"]
    id_kid = jwt.get_unverified_header(genuine.id_token)["kid"]
    return st.one_of(
        st.builds(
            FlipByte,
            segment=st.sampled_from(SEGMENTS),
            index=st.integers(0, 4096),
            mask=st.integers(1, 255),
        ),
        claim_changes(genuine.claims),
        st.one_of(st.sampled_from([REMOVE, id_kid, genuine_kid + "x"]), any_json_value)
        .filter(lambda kid: kid != genuine_kid)
        .map(ChangeKid),
        st.sampled_from(ALGORITHM_SWITCHES).map(SwitchAlgorithm),
        st.just(SignWithAnotherKey()),
        st.just(UseIdToken()),
    )
