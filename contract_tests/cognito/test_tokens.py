"""The tokens themselves: claims, signing keys and lifetimes the service's verifier relies on."""

from __future__ import annotations

import gzip
import json
from importlib import resources
from typing import Any

import jwt

from contract_tests.cognito.accounts import Accounts
from contract_tests.cognito.errors import cognito_error
from contract_tests.secret_hash import reference_secret_hash
from contract_tests.targets import AppClient, CognitoTarget

TOKEN_SECONDS = 3600
FIVE_MINUTES = 300
REFRESH_TOKEN_SECONDS = 30 * 24 * 3600


def verified_claims(target: CognitoTarget, token: str) -> dict[str, Any]:
    """Claims after an RS256 signature check against the pool's published JWKS.

    Expiry is checked by the tests themselves (the emulator's clock may be moved).
    """
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "RS256", header
    keys = {key["kid"]: key for key in target.fetch_jwks()["keys"]}
    assert header.get("kid") in keys, f"kid {header.get('kid')!r} is not in the pool's JWKS"
    key = jwt.PyJWK.from_dict(keys[header["kid"]])
    claims: dict[str, Any] = jwt.decode(
        token, key.key, algorithms=["RS256"], options={"verify_aud": False, "verify_exp": False}
    )
    return claims


def moto_public_moduli() -> set[str]:
    """The RSA moduli of the key pair shipped inside the moto package (public to anyone)."""
    shipped = resources.files("moto.cognitoidp").joinpath("resources/jwks-public.json.gz")
    with shipped.open("rb") as compressed:
        keys = json.loads(gzip.decompress(compressed.read()))["keys"]
    return {key["n"] for key in keys}


def test_access_token_claims(cognito_target: CognitoTarget, accounts: Accounts) -> None:
    """Access token: iss of the pool, token_use=access, client_id, sub, username, no aud."""
    account = accounts.confirmed()
    claims = verified_claims(cognito_target, accounts.log_in(account)["AccessToken"])
    assert claims["iss"] == cognito_target.issuer
    assert claims["token_use"] == "access"
    assert claims["client_id"] == cognito_target.client_id
    assert claims["sub"] == account.sub
    assert claims["username"] == account.username
    assert "aud" not in claims
    assert claims["scope"] == "aws.cognito.signin.user.admin"
    assert claims["exp"] - claims["iat"] == TOKEN_SECONDS
    assert {"jti", "origin_jti", "auth_time"} <= claims.keys(), sorted(claims)


def test_id_token_claims(cognito_target: CognitoTarget, accounts: Accounts) -> None:
    """ID token: aud=client id, token_use=id, email, cognito:username."""
    account = accounts.confirmed()
    claims = verified_claims(cognito_target, accounts.log_in(account)["IdToken"])
    assert claims["iss"] == cognito_target.issuer
    assert claims["token_use"] == "id"
    assert claims["aud"] == cognito_target.client_id
    assert claims["sub"] == account.sub
    assert claims["cognito:username"] == account.username
    assert "email" in claims, f"the ID token has no email claim (it has {sorted(claims)})"
    assert claims["email"] == account.email
    assert claims["exp"] - claims["iat"] == TOKEN_SECONDS


def test_access_and_id_tokens_use_different_keys(
    cognito_target: CognitoTarget, accounts: Accounts
) -> None:
    """Access and ID tokens are signed with two different keys of the pool's JWKS."""
    result = accounts.log_in(accounts.confirmed())
    access_kid = jwt.get_unverified_header(result["AccessToken"])["kid"]
    id_kid = jwt.get_unverified_header(result["IdToken"])["kid"]
    assert access_kid != id_kid, f"both tokens are signed with kid {access_kid!r}"


def test_the_signing_key_is_not_a_published_one(cognito_target: CognitoTarget) -> None:
    """The pool's JWKS is not moto's key pair, whose private half anyone can download."""
    published = moto_public_moduli()
    moduli = {key["n"] for key in cognito_target.fetch_jwks()["keys"]}
    assert moduli, "the pool's JWKS is empty"
    assert not moduli & published, "the pool signs with the private key shipped inside moto"


def test_token_lifetimes_follow_the_app_client(
    cognito_target: CognitoTarget, accounts: Accounts, client_with_five_minute_tokens: AppClient
) -> None:
    """An app client with 5-minute tokens gets ExpiresIn 300 and exp - iat = 300."""
    app_client = client_with_five_minute_tokens
    account = accounts.confirmed()
    result = cognito_target.client.initiate_auth(
        ClientId=app_client.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={
            "USERNAME": account.username,
            "PASSWORD": account.password,
            "SECRET_HASH": reference_secret_hash(
                account.username, app_client.client_id, app_client.client_secret
            ),
        },
    )["AuthenticationResult"]
    assert result["ExpiresIn"] == FIVE_MINUTES, f"ExpiresIn is {result['ExpiresIn']}"
    for token in (result["AccessToken"], result["IdToken"]):
        claims = verified_claims(cognito_target, token)
        assert claims["exp"] - claims["iat"] == FIVE_MINUTES, (
            f"exp - iat = {claims['exp'] - claims['iat']}"
        )


def test_an_access_token_expires_after_an_hour(
    cognito_target: CognitoTarget, accounts: Accounts
) -> None:
    """GetUser with an access token older than its 1 h lifetime: NotAuthorizedException."""
    result = accounts.log_in(accounts.confirmed())
    cognito_target.advance_clock(TOKEN_SECONDS + 60)
    cognito_error(
        lambda: cognito_target.client.get_user(AccessToken=result["AccessToken"]),
        "NotAuthorizedException",
    )


def test_refresh_works_after_the_access_token_expired(
    cognito_target: CognitoTarget, accounts: Accounts
) -> None:
    """REFRESH_TOKEN_AUTH an hour later issues fresh tokens that GetUser accepts."""
    account = accounts.confirmed()
    result = accounts.log_in(account)
    cognito_target.advance_clock(TOKEN_SECONDS + 60)
    refreshed = accounts.refresh(account, result["RefreshToken"])
    user = cognito_target.client.get_user(AccessToken=refreshed["AccessToken"])
    assert user["Username"] == account.username


def test_a_refresh_token_expires_after_30_days(
    cognito_target: CognitoTarget, accounts: Accounts
) -> None:
    """REFRESH_TOKEN_AUTH with a refresh token past its 30 days: NotAuthorizedException."""
    account = accounts.confirmed()
    result = accounts.log_in(account)
    cognito_target.advance_clock(REFRESH_TOKEN_SECONDS + 60)
    cognito_error(
        lambda: accounts.refresh(account, result["RefreshToken"]), "NotAuthorizedException"
    )


def test_a_malformed_access_token_is_refused(cognito_target: CognitoTarget) -> None:
    """GetUser with a token that is not a JWT of the pool: NotAuthorizedException."""
    cognito_error(
        lambda: cognito_target.client.get_user(AccessToken="not.a.token"),
        "NotAuthorizedException",
    )
