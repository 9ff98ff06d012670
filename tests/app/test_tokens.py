"""Token verification: the forged-token matrix over HTTP, then the verifier's JWKS handling
(single-flight refetch, penalty window, claims cache) against the emulator's real JWKS."""

import base64
import hmac
import json
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any
from unittest import mock

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi.testclient import TestClient
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
from pytest_httpserver import HTTPServer

from app.core.tokens import InvalidTokenError, JWKSUnavailableError, TokenVerifier
from app.main import create_app
from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.pytest_plugin import create_confirmed_user, secret_hash
from cognito_emulator.server import EmulatorServer
from devstack.ports import free_port
from tests.app.service_harness import Flows, ServiceUser, bearer, make_settings

ATTACKER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_json(value: dict[str, Any]) -> str:
    return b64url(json.dumps(value).encode())


def parts(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    _, payload, _ = token.split(".")
    pad = "=" * (-len(payload) % 4)
    return jwt.get_unverified_header(token), json.loads(base64.urlsafe_b64decode(payload + pad))


def public_pem(pool: PoolConfig, kid: str) -> bytes:
    jwks = httpx.get(f"{pool.endpoint_url}/{pool.user_pool_id}/.well-known/jwks.json").json()
    jwk = next(key for key in jwks["keys"] if key["kid"] == kid)
    return jwt.PyJWK(jwk).key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


# ---- the forged-token matrix -----------------------------------------------------------------

Forger = Callable[[ServiceUser, Flows, CognitoIdentityProviderClient], str]


def alg_none(user: ServiceUser, flows: Flows, _idp: CognitoIdentityProviderClient) -> str:
    header, claims = parts(user.tokens["access_token"])
    return f"{b64url_json({**header, 'alg': 'none'})}.{b64url_json(claims)}."


def hs256_with_the_public_key(
    user: ServiceUser, flows: Flows, _idp: CognitoIdentityProviderClient
) -> str:
    header, claims = parts(user.tokens["access_token"])
    signing_input = f"{b64url_json({**header, 'alg': 'HS256'})}.{b64url_json(claims)}"
    key = public_pem(flows.pool, header["kid"])
    signature = hmac.new(key, signing_input.encode(), "sha256").digest()
    return f"{signing_input}.{b64url(signature)}"


def tampered_payload(user: ServiceUser, flows: Flows, _idp: CognitoIdentityProviderClient) -> str:
    header_part, _, signature = user.tokens["access_token"].split(".")
    _, claims = parts(user.tokens["access_token"])
    return f"{header_part}.{b64url_json({**claims, 'username': 'admin'})}.{signature}"


def signed_by_attacker(kid: str | None) -> Forger:
    def forge(user: ServiceUser, flows: Flows, _idp: CognitoIdentityProviderClient) -> str:
        header, claims = parts(user.tokens["access_token"])
        return jwt.encode(
            claims, ATTACKER_KEY, algorithm="RS256", headers={"kid": kid or header["kid"]}
        )

    return forge


def rs512_with_the_right_kid(
    user: ServiceUser, flows: Flows, _idp: CognitoIdentityProviderClient
) -> str:
    header, claims = parts(user.tokens["access_token"])
    return jwt.encode(claims, ATTACKER_KEY, algorithm="RS512", headers={"kid": header["kid"]})


def id_token_as_access_token(
    user: ServiceUser, flows: Flows, _idp: CognitoIdentityProviderClient
) -> str:
    return str(user.tokens["id_token"])


def from_another_pool(user: ServiceUser, flows: Flows, idp: CognitoIdentityProviderClient) -> str:
    other_pool = flows.emulator.bootstrap(pool_name="other")
    return create_confirmed_user(
        flows.emulator, other_pool, idp, username=user.username
    ).access_token


def from_another_client(user: ServiceUser, flows: Flows, idp: CognitoIdentityProviderClient) -> str:
    other = idp.create_user_pool_client(
        UserPoolId=flows.pool.user_pool_id,
        ClientName="other-app",
        GenerateSecret=True,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]
    result = idp.initiate_auth(
        ClientId=other["ClientId"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={
            "USERNAME": user.username,
            "PASSWORD": user.password,
            "SECRET_HASH": secret_hash(user.username, other["ClientId"], other["ClientSecret"]),
        },
    )
    return result["AuthenticationResult"]["AccessToken"]


def issued_at(offset_seconds: float) -> Forger:
    """A genuine token issued with the emulator clock shifted (expired, or not yet valid)."""

    def forge(user: ServiceUser, flows: Flows, idp: CognitoIdentityProviderClient) -> str:
        flows.emulator.advance_clock(offset_seconds)
        try:
            return create_confirmed_user(flows.emulator, flows.pool, idp).access_token
        finally:
            flows.emulator.advance_clock(-offset_seconds)

    return forge


def constant(token: str) -> Forger:
    return lambda _user, _flows, _idp: token


FORGERIES: dict[str, Forger] = {
    "alg none": alg_none,
    "HS256 signed with the public key": hs256_with_the_public_key,
    "tampered payload": tampered_payload,
    "right kid, attacker's key": signed_by_attacker(None),
    "unknown kid": signed_by_attacker("attacker-kid"),
    "RS512": rs512_with_the_right_kid,
    "ID token as access token": id_token_as_access_token,
    "other pool": from_another_pool,
    "other app client": from_another_client,
    "expired": issued_at(-2 * 3600),
    "issued in the future": issued_at(2 * 3600),
    "garbage": constant("garbage"),
    "three empty parts": constant(".."),
    "bad base64": constant("e30.!!!.e30"),
    "header not an object": constant(f"{b64url(b'[]')}.{b64url_json({})}.c2ln"),
    "huge": constant("a" * 20_000 + "." + "b" * 20 + ".c"),
}


@pytest.mark.parametrize("forge", FORGERIES.values(), ids=FORGERIES.keys())
def test_forged_and_foreign_tokens_get_401_never_500(
    flows: Flows, cognito_idp_client: CognitoIdentityProviderClient, forge: Forger
) -> None:
    user = flows.registered_user("alice")
    token = forge(user, flows, cognito_idp_client)

    response = flows.client.get("/users/me", headers=bearer(token))

    assert response.status_code == 401, response.text
    assert response.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    assert flows.client.get("/users/me", headers=user.bearer).status_code == 200


def test_a_non_ascii_bearer_value_is_401(flows: Flows) -> None:
    response = flows.client.get(
        "/users/me", headers={"Authorization": "Bearer t\xf6ken".encode("latin-1")}
    )
    assert response.status_code == 401


def test_a_rotated_key_is_picked_up_and_old_tokens_still_verify(
    flows: Flows, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    before = flows.registered_user("alice")
    flows.emulator.rotate_keys(flows.pool.user_pool_id)

    after = flows.login("alice").json()

    assert parts(after["access_token"])[0]["kid"] != parts(before.tokens["access_token"])[0]["kid"]
    assert flows.client.get("/users/me", headers=bearer(after["access_token"])).status_code == 200
    assert flows.client.get("/users/me", headers=before.bearer).status_code == 200


def test_jwks_unreachable_is_503_with_retry_after(
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_emulator: EmulatorServer,
    database_url: str,
) -> None:
    token = create_confirmed_user(cognito_emulator, cognito_pool, cognito_idp_client).access_token
    dead = make_settings(cognito_pool, database_url, AWS_COGNITO_ENDPOINT_URL=closed_port_url())

    with TestClient(create_app(dead)) as client:
        response = client.get("/users/me", headers=bearer(token))

    assert response.status_code == 503
    assert response.headers["Retry-After"].isdigit()


@pytest.fixture
def failing_jwks() -> Iterator[HTTPServer]:
    """A JWKS endpoint answering HTTP 500 on 127.0.0.1."""
    server = HTTPServer(host="127.0.0.1", port=free_port())
    server.expect_request(re.compile(r".*/\.well-known/jwks\.json")).respond_with_data(
        "unavailable", status=500
    )
    server.start()
    yield server
    server.stop()


def test_garbage_tokens_during_a_jwks_outage_cause_a_single_fetch(
    cognito_pool: PoolConfig, database_url: str, failing_jwks: HTTPServer
) -> None:
    """A failed fetch starts the penalty window (JWKS_PENALTY_SECONDS): tokens with unknown kids
    get 503 without refetching until it ends."""
    settings = make_settings(
        cognito_pool, database_url, AWS_COGNITO_ENDPOINT_URL=failing_jwks.url_for("").rstrip("/")
    )
    garbage = [
        jwt.encode(
            {"iss": settings.cognito_issuer}, ATTACKER_KEY, "RS256", headers={"kid": f"forged-{n}"}
        )
        for n in range(50)
    ]

    with TestClient(create_app(settings)) as client:
        answers = [client.get("/users/me", headers=bearer(token)) for token in garbage]

    assert {
        (answer.status_code, answer.json()["detail"], answer.headers["Retry-After"])
        for answer in answers
    } == {(503, "Token keys of the identity provider are unavailable; retry later", "5")}
    assert len(failing_jwks.log) == 1


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


# ---- the verifier: JWKS single flight, penalty window, claims cache -----------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


class SlowCountingTransport(httpx.HTTPTransport):
    """Counts JWKS requests; the delay makes concurrent verifications overlap the fetch."""

    def __init__(self, delay: float = 0.0) -> None:
        super().__init__()
        self.delay = delay
        self.requests = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        time.sleep(self.delay)
        return super().handle_request(request)


def verifier_for(
    pool: PoolConfig, transport: httpx.HTTPTransport, clock: FakeClock | None = None, **options: Any
) -> TokenVerifier:
    return TokenVerifier(
        region=pool.region,
        user_pool_id=pool.user_pool_id,
        client_ids=frozenset({pool.client_id}),
        endpoint_url=pool.endpoint_url,
        http_client=httpx.Client(transport=transport),
        clock=clock or time.time,
        **options,
    )


def forged_with_kid(token: str, kid: str) -> str:
    _, claims = parts(token)
    return jwt.encode(claims, ATTACKER_KEY, algorithm="RS256", headers={"kid": kid})


def test_unknown_kids_cause_one_shared_refetch_then_a_penalty_window(
    cognito_pool: PoolConfig, cognito_user: Any
) -> None:
    transport = SlowCountingTransport(delay=0.2)
    clock = FakeClock()
    verifier = verifier_for(cognito_pool, transport, clock, penalty_seconds=10)
    assert verifier.verify_access_token(cognito_user.access_token)["sub"] == cognito_user.sub
    assert transport.requests == 1

    outcomes: list[str] = []
    start = threading.Barrier(20)

    def verify_forged(index: int) -> None:
        start.wait()
        try:
            verifier.verify_access_token(forged_with_kid(cognito_user.access_token, f"kid-{index}"))
            outcomes.append("accepted")
        except InvalidTokenError:
            outcomes.append("refused")

    threads = [threading.Thread(target=verify_forged, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes == ["refused"] * 20
    assert transport.requests == 2  # one refetch for twenty unknown kids

    for index in range(50):  # inside the penalty window: no refetch at all
        with pytest.raises(InvalidTokenError):
            verifier.verify_access_token(
                forged_with_kid(cognito_user.access_token, f"more-{index}")
            )
    assert transport.requests == 2

    clock.now += 11  # the window is over: the next unknown kid may refetch once
    with pytest.raises(InvalidTokenError):
        verifier.verify_access_token(forged_with_kid(cognito_user.access_token, "late"))
    assert transport.requests == 3
    assert verifier.jwks_fetch_count == 3


def test_verified_claims_are_cached_until_the_token_expires(
    cognito_pool: PoolConfig, cognito_user: Any
) -> None:
    transport = SlowCountingTransport()
    clock = FakeClock()
    verifier = verifier_for(cognito_pool, transport, clock, leeway_seconds=5)
    first = verifier.verify_access_token(cognito_user.access_token)

    with mock.patch("app.core.tokens.jwt.decode", wraps=jwt.decode) as decode:
        second = verifier.verify_access_token(cognito_user.access_token)
        assert decode.call_count == 0  # served from the cache
        second["sub"] = "changed by the caller"
        assert verifier.verify_access_token(cognito_user.access_token)["sub"] == first["sub"]

    clock.now = first["exp"] + 6
    with pytest.raises(InvalidTokenError, match="expired"):
        verifier.verify_access_token(cognito_user.access_token)
    assert transport.requests == 1


def test_expiry_leeway_is_honoured(cognito_pool: PoolConfig, cognito_user: Any) -> None:
    clock = FakeClock()
    verifier = verifier_for(cognito_pool, SlowCountingTransport(), clock, leeway_seconds=5)
    exp = parts(cognito_user.access_token)[1]["exp"]

    clock.now = exp + 4
    assert verifier.verify_access_token(cognito_user.access_token)["sub"] == cognito_user.sub
    fresh = verifier_for(cognito_pool, SlowCountingTransport(), clock, leeway_seconds=5)
    clock.now = exp + 6
    with pytest.raises(InvalidTokenError):
        fresh.verify_access_token(cognito_user.access_token)


def test_the_cache_is_bounded(
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
) -> None:
    verifier = verifier_for(cognito_pool, SlowCountingTransport(), cache_size=2)
    tokens = [
        create_confirmed_user(cognito_emulator, cognito_pool, cognito_idp_client).access_token
        for _ in range(3)
    ]
    for token in tokens:
        verifier.verify_access_token(token)

    with mock.patch("app.core.tokens.jwt.decode", wraps=jwt.decode) as decode:
        verifier.verify_access_token(tokens[2])
        assert decode.call_count == 0
        verifier.verify_access_token(tokens[0])  # evicted: verified (signature checked) again
        assert decode.call_count >= 1


def test_id_tokens_verify_with_their_audience(cognito_pool: PoolConfig, cognito_user: Any) -> None:
    verifier = verifier_for(cognito_pool, SlowCountingTransport())

    claims = verifier.verify_id_token(cognito_user.id_token)

    assert claims["aud"] == cognito_pool.client_id
    assert claims["email"] == cognito_user.email
    with pytest.raises(InvalidTokenError):
        verifier.verify_id_token(cognito_user.access_token)


def test_jwks_failures_are_unavailable_errors_shared_by_waiting_threads(
    cognito_pool: PoolConfig, cognito_user: Any
) -> None:
    transport = SlowCountingTransport(delay=0.2)
    verifier = TokenVerifier(
        region=cognito_pool.region,
        user_pool_id=cognito_pool.user_pool_id,
        client_ids=frozenset({cognito_pool.client_id}),
        endpoint_url=closed_port_url(),
        http_client=httpx.Client(transport=transport),
    )
    errors: list[BaseException] = []
    start = threading.Barrier(10)

    def verify() -> None:
        start.wait()
        try:
            verifier.verify_access_token(cognito_user.access_token)
        except JWKSUnavailableError as error:
            errors.append(error)

    threads = [threading.Thread(target=verify) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(errors) == 10
    assert transport.requests < 10  # waiters share a failed fetch instead of each retrying
    with pytest.raises(JWKSUnavailableError):
        verifier.probe_jwks()


def test_the_jwks_location_follows_the_endpoint_setting() -> None:
    aws = TokenVerifier(
        region="eu-west-1", user_pool_id="eu-west-1_abc", client_ids=frozenset({"c"})
    )
    emulated = TokenVerifier(
        region="eu-west-1",
        user_pool_id="eu-west-1_abc",
        client_ids=frozenset({"c"}),
        endpoint_url="http://h:1/",
    )

    assert aws.jwks_url == (
        "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc/.well-known/jwks.json"
    )
    assert emulated.jwks_url == "http://h:1/eu-west-1_abc/.well-known/jwks.json"
    assert (
        emulated.issuer == aws.issuer == "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc"
    )
