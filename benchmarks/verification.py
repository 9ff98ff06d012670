"""Section 3: what the service's TokenVerifier costs per token, against a bare RSA verify.

Cold: each token seen for the first time (header and claim parsing, RS256 signature, claim
checks). Warm: the same token again (the verified-claims cache). The references are one RSA
PKCS#1 v1.5 SHA-256 verify with `cryptography` and a plain `jwt.decode`, so the verifier's own
overhead is visible. Tokens are real ones from the emulator, the JWKS fetched before timing.
"""

from __future__ import annotations

import base64
import http.client
import json
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import urlsplit

import jwt
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from app.core.tokens import TokenVerifier
from benchmarks.cognito_servers import PASSWORD, encode
from benchmarks.loadgen import cognito_request
from benchmarks.report import Row
from cognito_emulator import EmulatorServer, PoolConfig
from cognito_emulator.secret_hash import compute_secret_hash

USERNAME = "bench-verify-user"


@dataclass(frozen=True)
class VerificationTimings:
    """Median microseconds per call."""

    tokens: int
    cold_us: float
    warm_us: float
    bare_rsa_us: float
    pyjwt_decode_us: float

    def to_json(self) -> dict[str, Any]:
        return {
            "tokens": self.tokens,
            "median_us": {
                "verifier_cold": round(self.cold_us, 2),
                "verifier_warm": round(self.warm_us, 2),
                "bare_rsa_verify": round(self.bare_rsa_us, 2),
                "pyjwt_decode": round(self.pyjwt_decode_us, 2),
            },
        }


def median_us(calls: Sequence[Callable[[], object]]) -> float:
    samples = []
    for call in calls:
        began = time.perf_counter_ns()
        call()
        samples.append(time.perf_counter_ns() - began)
    return statistics.median(samples) / 1000


def b64url(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def issue_access_tokens(server: EmulatorServer, pool: PoolConfig, count: int) -> list[str]:
    """`count` distinct access tokens: one confirmed user logging in `count` times."""
    address = urlsplit(server.endpoint_url)
    assert address.hostname is not None and address.port is not None
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)

    def call(operation: str, payload: dict[str, Any]) -> dict[str, Any]:
        request = cognito_request(operation, encode(payload))
        connection.request(request.method, request.path, request.body, dict(request.headers or {}))
        response = connection.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"{operation}: HTTP {response.status}: {body[:300]!r}")
        answer: dict[str, Any] = json.loads(body)
        return answer

    hashed = compute_secret_hash(pool.client_id, pool.client_secret, USERNAME)
    call(
        "SignUp",
        {
            "ClientId": pool.client_id,
            "SecretHash": hashed,
            "Username": USERNAME,
            "Password": PASSWORD,
            "UserAttributes": [{"Name": "email", "Value": "verify@example.com"}],
        },
    )
    call("AdminConfirmSignUp", {"UserPoolId": pool.user_pool_id, "Username": USERNAME})
    login = {
        "AuthFlow": "USER_PASSWORD_AUTH",
        "ClientId": pool.client_id,
        "AuthParameters": {"USERNAME": USERNAME, "PASSWORD": PASSWORD, "SECRET_HASH": hashed},
    }
    try:
        return [
            call("InitiateAuth", login)["AuthenticationResult"]["AccessToken"] for _ in range(count)
        ]
    finally:
        connection.close()


def public_key(jwks: dict[str, Any], kid: str) -> rsa.RSAPublicKey:
    jwk = next(key for key in jwks["keys"] if key["kid"] == kid)
    numbers = rsa.RSAPublicNumbers(
        e=int.from_bytes(b64url(jwk["e"])), n=int.from_bytes(b64url(jwk["n"]))
    )
    return numbers.public_key()


def measure(*, tokens: int) -> VerificationTimings:
    with EmulatorServer() as server:
        pool = server.bootstrap()
        access_tokens = issue_access_tokens(server, pool, tokens)
        jwks = server.backend.jwks(pool.user_pool_id)
        verifier = TokenVerifier(
            region=pool.region,
            user_pool_id=pool.user_pool_id,
            client_ids=frozenset({pool.client_id}),
            endpoint_url=server.endpoint_url,
        )
        try:
            verifier.probe_jwks()
            verify = verifier.verify_access_token
            cold = median_us([partial(verify, token) for token in access_tokens])
            warm = median_us([partial(verify, access_tokens[0])] * tokens)
        finally:
            verifier.close()

    kid = jwt.get_unverified_header(access_tokens[0])["kid"]
    key = public_key(jwks, kid)
    signed = []
    for token in access_tokens:
        head, payload, signature = token.split(".")
        signed.append((f"{head}.{payload}".encode(), b64url(signature)))

    def rsa_verify(message: bytes, signature: bytes) -> None:
        key.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())

    def pyjwt_decode(token: str) -> None:
        jwt.decode(token, key, algorithms=["RS256"], options={"verify_exp": False})

    bare = median_us([partial(rsa_verify, message, signature) for message, signature in signed])
    pyjwt = median_us([partial(pyjwt_decode, token) for token in access_tokens])
    return VerificationTimings(tokens, cold, warm, bare, pyjwt)


def rows(timings: VerificationTimings) -> list[Row]:
    reference = (
        f"bare RSA verify {timings.bare_rsa_us:.0f} us; jwt.decode {timings.pyjwt_decode_us:.0f} us"
    )
    return [
        Row(
            benchmark="token verify, cold: signature + claims (cost vs bare RSA)",
            kit=f"TokenVerifier {timings.cold_us:.0f} us",
            reference=reference,
            ratio=timings.cold_us / timings.bare_rsa_us,
        ),
        Row(
            benchmark="token verify, warm: claims cache (cost vs bare RSA)",
            kit=f"TokenVerifier {timings.warm_us:.1f} us",
            reference=f"bare RSA verify {timings.bare_rsa_us:.0f} us",
            ratio=timings.warm_us / timings.bare_rsa_us,
        ),
    ]
