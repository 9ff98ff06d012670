"""Signing keys: per-pool RSA keys made locally, published as JWKS, rotated, persisted."""

from __future__ import annotations

import json
import stat
import urllib.request
from pathlib import Path
from typing import Any

import jwt
import pytest
from botocore.exceptions import ClientError
from moto.utilities.utils import load_resource

from cognito_emulator.backend import EmulatorBackend
from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.pytest_plugin import CognitoUser, create_confirmed_user
from cognito_emulator.secret_hash import compute_secret_hash
from cognito_emulator.server import EmulatorServer


def fetch_json(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=5) as response:
        document: dict[str, Any] = json.load(response)
    return document


def jwks_of(pool: PoolConfig) -> dict[str, Any]:
    return fetch_json(f"{pool.endpoint_url}/{pool.user_pool_id}/.well-known/jwks.json")


def verify_with_jwks(token: str, pool: PoolConfig, jwks: dict[str, Any]) -> dict[str, Any]:
    """An independent verifier: PyJWT, RS256 only, key chosen by kid from the published JWKS."""
    kid = jwt.get_unverified_header(token)["kid"]
    key = next(k for k in jwks["keys"] if k["kid"] == kid)
    issuer = f"https://cognito-idp.{pool.region}.amazonaws.com/{pool.user_pool_id}"
    claims: dict[str, Any] = jwt.decode(
        token,
        jwt.PyJWK.from_dict(key).key,
        algorithms=["RS256"],
        issuer=issuer,
        options={"verify_aud": False},
    )
    return claims


def test_each_pool_publishes_two_rsa_keys_and_signs_access_and_id_tokens_with_different_kids(
    cognito_pool: PoolConfig, cognito_user: CognitoUser
) -> None:
    jwks = jwks_of(cognito_pool)

    assert len(jwks["keys"]) == 2
    for key in jwks["keys"]:
        assert key["kty"] == "RSA" and key["alg"] == "RS256" and key["use"] == "sig"
        assert len(jwt.PyJWK.from_dict(key).key.public_numbers().n.to_bytes(256, "big")) == 256
    access_kid = jwt.get_unverified_header(cognito_user.access_token)["kid"]
    id_kid = jwt.get_unverified_header(cognito_user.id_token)["kid"]
    assert access_kid != id_kid
    assert {access_kid, id_kid} == {key["kid"] for key in jwks["keys"]}
    assert verify_with_jwks(cognito_user.access_token, cognito_pool, jwks)["token_use"] == "access"
    assert verify_with_jwks(cognito_user.id_token, cognito_pool, jwks)["token_use"] == "id"


def test_pools_do_not_share_keys(
    cognito_emulator: EmulatorServer, cognito_pool: PoolConfig
) -> None:
    other = cognito_emulator.bootstrap(pool_name="other")

    first = {key["n"] for key in jwks_of(cognito_pool)["keys"]}
    second = {key["n"] for key in jwks_of(other)["keys"]}
    assert first.isdisjoint(second)


def test_keys_are_never_moto_bundled_key_and_tokens_forged_with_it_are_refused(
    cognito_pool: PoolConfig, cognito_user: CognitoUser, cognito_idp_client: Any
) -> None:
    """Plain moto signs every token with a private key shipped in the moto package (kid "dummy"),
    so anyone can forge tokens its JWKS accepts; the emulator never publishes or accepts it."""
    moto_public = load_resource("cognitoidp/resources/jwks-public.json")
    moto_private = load_resource("cognitoidp/resources/jwks-private.json")
    published = {key["n"] for key in jwks_of(cognito_pool)["keys"]}
    assert published.isdisjoint({key["n"] for key in moto_public["keys"]})

    claims = jwt.decode(cognito_user.access_token, options={"verify_signature": False})
    moto_key = jwt.PyJWK.from_dict({**moto_private, "alg": "RS256"}).key
    our_kid = jwt.get_unverified_header(cognito_user.access_token)["kid"]
    for kid in ("dummy", our_kid):
        forged = jwt.encode(claims, moto_key, algorithm="RS256", headers={"kid": kid})
        with pytest.raises(ClientError) as error:
            cognito_idp_client.get_user(AccessToken=forged)
        assert error.value.response["Error"]["Code"] == "NotAuthorizedException"
        assert error.value.response["Error"]["Message"] == "Invalid Access Token"


def test_openid_configuration_names_the_cognito_issuer_and_a_reachable_jwks_uri(
    cognito_pool: PoolConfig,
) -> None:
    document = fetch_json(
        f"{cognito_pool.endpoint_url}/{cognito_pool.user_pool_id}/.well-known/openid-configuration"
    )

    assert document["issuer"] == (
        f"https://cognito-idp.{cognito_pool.region}.amazonaws.com/{cognito_pool.user_pool_id}"
    )
    assert document["id_token_signing_alg_values_supported"] == ["RS256"]
    assert fetch_json(document["jwks_uri"]) == jwks_of(cognito_pool)


def test_jwks_of_unknown_pool_is_not_found(cognito_emulator: EmulatorServer) -> None:
    url = f"{cognito_emulator.endpoint_url}/us-east-1_doesnotexist/.well-known/jwks.json"
    with pytest.raises(urllib.error.HTTPError) as error:
        fetch_json(url)
    assert error.value.code == 404
    assert json.load(error.value) == {
        "__type": "ResourceNotFoundException",
        "message": "User pool us-east-1_doesnotexist does not exist.",
    }


def test_rotation_keeps_old_keys_published_so_issued_tokens_still_verify(
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    cognito_user: CognitoUser,
    cognito_idp_client: Any,
) -> None:
    old_kids = {key["kid"] for key in jwks_of(cognito_pool)["keys"]}

    new_kid = cognito_emulator.rotate_keys(cognito_pool.user_pool_id)

    jwks = jwks_of(cognito_pool)
    assert new_kid not in old_kids
    assert old_kids | {new_kid} <= {key["kid"] for key in jwks["keys"]}
    assert len(jwks["keys"]) == 4  # new access + ID keys, old pair still published
    verify_with_jwks(cognito_user.access_token, cognito_pool, jwks)
    assert cognito_idp_client.get_user(AccessToken=cognito_user.access_token)["Username"]

    fresh = create_confirmed_user(cognito_emulator, cognito_pool, cognito_idp_client)
    assert jwt.get_unverified_header(fresh.access_token)["kid"] == new_kid
    assert jwt.get_unverified_header(fresh.id_token)["kid"] not in old_kids | {new_kid}
    verify_with_jwks(fresh.id_token, cognito_pool, jwks)


def _sign_in(backend: EmulatorBackend) -> tuple[str, str, str]:
    """Bootstrap-like pool and a logged-in user, in-process; returns (pool id, client id, token)."""
    pool_id = backend.dispatch("CreateUserPool", {"PoolName": "persisted"})["UserPool"]["Id"]
    client = backend.dispatch(
        "CreateUserPoolClient",
        {
            "UserPoolId": pool_id,
            "ClientName": "app",
            "GenerateSecret": True,
            "ExplicitAuthFlows": ["ALLOW_ADMIN_USER_PASSWORD_AUTH"],
        },
    )["UserPoolClient"]
    backend.dispatch(
        "AdminCreateUser",
        {"UserPoolId": pool_id, "Username": "ann", "MessageAction": "SUPPRESS"},
    )
    backend.dispatch(
        "AdminSetUserPassword",
        {"UserPoolId": pool_id, "Username": "ann", "Password": "Passw0rd!", "Permanent": True},
    )
    result = backend.dispatch(
        "AdminInitiateAuth",
        {
            "UserPoolId": pool_id,
            "ClientId": client["ClientId"],
            "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
            "AuthParameters": {
                "USERNAME": "ann",
                "PASSWORD": "Passw0rd!",
                "SECRET_HASH": compute_secret_hash(
                    client["ClientId"], client["ClientSecret"], "ann"
                ),
            },
        },
    )
    return pool_id, client["ClientId"], result["AuthenticationResult"]["AccessToken"]


def test_keys_dir_keeps_keys_and_pool_ids_across_a_restart_so_tokens_still_verify(
    tmp_path: Path,
) -> None:
    """With keys_dir, private keys are written per pool (mode 0600) and a restarted emulator that
    re-creates its pool gets the same id and keys: tokens issued before the restart verify."""
    before = EmulatorBackend(keys_dir=tmp_path)
    pool_id, _, token = _sign_in(before)
    jwks_before = before.jwks(pool_id)

    key_file = tmp_path / f"{pool_id}.json"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert "PRIVATE KEY" in key_file.read_text()

    after = EmulatorBackend(keys_dir=tmp_path)
    restarted_pool_id, _, _ = _sign_in(after)
    assert restarted_pool_id == pool_id
    assert after.jwks(pool_id) == jwks_before
    key = next(
        k for k in jwks_before["keys"] if k["kid"] == jwt.get_unverified_header(token)["kid"]
    )
    jwt.decode(token, jwt.PyJWK.from_dict(key).key, algorithms=["RS256"])


def test_without_keys_dir_every_emulator_makes_new_keys() -> None:
    first, second = EmulatorBackend(), EmulatorBackend()
    first_pool, _, _ = _sign_in(first)
    second_pool, _, _ = _sign_in(second)

    first_keys = {key["n"] for key in first.jwks(first_pool)["keys"]}
    assert first_keys.isdisjoint(key["n"] for key in second.jwks(second_pool)["keys"])
