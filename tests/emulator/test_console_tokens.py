"""The console's token inspector (`http/console_tokens.py`, `http/console_token_inspection.py`):
a real token verifies against its pool's published keys, a changed one does not, expiry is read
on the emulator clock, and anything that is no token gets a message instead of an error."""

from __future__ import annotations

import base64
import html
import json
import logging
import re
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.http.console.token_inspection import inspect_token
from cognito_emulator.pytest_plugin import CognitoUser
from cognito_emulator.server import EmulatorServer
from tests.emulator.console_harness import Console, flash

OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def inspect(console: Console, token: str) -> Any:
    """The inspector's answer to `token`, pasted into its form's text area (which `html_forms`
    does not read: the field is added to what the form sends)."""
    form = console.form(console.get("/_emulator/tokens"))
    return console.post(form.action, [*form.submission({}), ("token", token)])


def shown(page: Any, element_id: str) -> str:
    [text] = re.findall(rf'<(?:dd|pre) id="{element_id}"[^>]*>(.*?)</(?:dd|pre)>', page.text, re.S)
    return html.unescape(text)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def with_claims(token: str, **changes: Any) -> str:
    """`token` with its payload changed and its signature kept: what tampering looks like."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return ".".join([header, b64url(json.dumps({**claims, **changes}).encode()), signature])


def test_a_real_access_token_is_verified_and_read(
    console: Console, cognito_user: CognitoUser, cognito_pool: PoolConfig
) -> None:
    page = inspect(console, cognito_user.access_token)

    assert page.status_code == 200
    header = jwt.get_unverified_header(cognito_user.access_token)
    assert shown(page, "signature") == (
        f"Signature verified with the pool's published key {header['kid']}."
    )
    assert '<dd id="signature" class="good">' in page.text
    assert shown(page, "expiry") in (
        "Valid for 59 min 59 s more on the emulator clock.",
        "Valid for 59 min 58 s more on the emulator clock.",
    )
    assert json.loads(shown(page, "header")) == header
    claims = json.loads(shown(page, "claims"))
    assert claims["username"] == cognito_user.username
    assert "<dt>Token use</dt><dd>access</dd>" in page.text
    pool_page = f"{console.url}/_emulator/pools/{cognito_pool.user_pool_id}"
    assert f'<a href="{pool_page}">{cognito_pool.user_pool_id}</a>' in page.text
    assert f'<a href="{pool_page}/clients/{cognito_pool.client_id}">' in page.text
    assert f'<a href="{pool_page}/users/{cognito_user.username}">' in page.text
    assert html.escape(cognito_user.access_token, quote=False) in page.text  # kept in the box


def test_an_id_token_says_so(console: Console, cognito_user: CognitoUser) -> None:
    page = inspect(console, f"Bearer {cognito_user.id_token}\n")

    assert "<dt>Token use</dt><dd>id</dd>" in page.text
    assert '<dd id="signature" class="good">' in page.text


def test_a_changed_token_is_flagged_as_not_signed_by_the_pool(
    console: Console, cognito_user: CognitoUser
) -> None:
    tampered = with_claims(cognito_user.access_token, username="admin")

    page = inspect(console, tampered)

    kid = jwt.get_unverified_header(cognito_user.access_token)["kid"]
    assert shown(page, "signature") == (
        f"Signature INVALID: it does not match the pool's key {kid}; the token was changed "
        "after it was signed, or signed by someone else."
    )
    assert '<dd id="signature" class="bad">' in page.text
    assert json.loads(shown(page, "claims"))["username"] == "admin"


def test_a_token_signed_with_a_key_the_pool_never_published_is_flagged(
    console: Console, cognito_user: CognitoUser
) -> None:
    claims = jwt.decode(cognito_user.access_token, options={"verify_signature": False})
    forged = jwt.encode(claims, OTHER_KEY, algorithm="RS256", headers={"kid": "made-up"})

    page = inspect(console, forged)

    assert shown(page, "signature") == (
        "Not verified: kid 'made-up' is none of the 2 keys the pool publishes (signed "
        "elsewhere, or with a key rotated out)."
    )


def test_expiry_is_read_on_the_emulator_clock(
    console: Console, cognito_emulator: EmulatorServer, cognito_user: CognitoUser
) -> None:
    cognito_emulator.advance_clock(3600 + 120)

    page = inspect(console, cognito_user.access_token)

    assert shown(page, "expiry") in (
        "Expired 2 min ago on the emulator clock.",
        "Expired 2 min 1 s ago on the emulator clock.",
    )
    assert '<dd id="expiry" class="bad">' in page.text
    assert '<dd id="signature" class="good">' in page.text  # still the pool's token


@pytest.mark.parametrize(
    ("pasted", "message"),
    [
        ("", "Paste a token: an access or ID token from a sign-in."),
        (
            "not-a-token",
            "This is not a JWT: a JWT is three base64url parts joined by dots, this has 1 part. "
            "(A refresh token is opaque: there is nothing in it to read.)",
        ),
        ("a.b.c.d.e", "This is an encrypted JWT (JWE): only its issuer can read it."),
        (
            "!!!.???.###",
            "The token's parts are not readable JSON: Invalid header padding.",
        ),
        (
            f"{b64url(b'{}')}.{b64url(b'[1]')}.sig",
            "The token's parts are not readable JSON: Invalid payload string: must be a json "
            "object.",
        ),
    ],
)
def test_what_is_no_token_gets_a_message_on_the_page(
    console: Console, pasted: str, message: str
) -> None:
    page = inspect(console, pasted)

    assert page.status_code == 400
    assert flash(page) == message


def test_a_refresh_token_is_opaque(console: Console, cognito_user: CognitoUser) -> None:
    page = inspect(console, cognito_user.refresh_token)

    assert flash(page).endswith("(A refresh token is opaque: there is nothing in it to read.)")


def test_a_token_from_a_pool_this_emulator_does_not_have_is_not_checked(
    console: Console, cognito_user: CognitoUser, cognito_pool: PoolConfig
) -> None:
    foreign = with_claims(
        cognito_user.access_token, iss="https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_X"
    )
    not_cognito = with_claims(cognito_user.access_token, iss="https://accounts.example.com")

    assert shown(inspect(console, foreign), "signature") == (
        "Not checked: this emulator has no pool eu-west-1_X in eu-west-1 (it serves us-east-1; "
        "the pool may have been deleted, or the emulator reset)."
    )
    assert shown(inspect(console, not_cognito), "signature") == (
        "Not checked: iss 'https://accounts.example.com' is not a Cognito user pool's issuer."
    )


def test_the_pasted_token_is_never_logged(
    console: Console, cognito_user: CognitoUser, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)

    inspect(console, cognito_user.access_token)

    assert caplog.records  # the server did log the requests
    assert not [
        record for record in caplog.records if cognito_user.access_token in record.getMessage()
    ]


def test_alg_none_and_a_missing_expiry_are_reported() -> None:
    issuer = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc"
    unsigned = jwt.encode({"iss": issuer, "token_use": "access"}, None, algorithm="none")

    inspection = inspect_token(
        unsigned, region="us-east-1", pool_ids=["us-east-1_abc"], jwks_of=lambda _: {}, now=0
    )

    assert inspection.signature == "Not verified: alg is 'none'; Cognito signs RS256."
    assert not inspection.verified
    assert inspection.expired is None
    assert inspection.expiry == "No expiry: the token has no numeric exp claim."
