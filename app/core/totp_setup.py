"""What an authenticator app needs to add a TOTP secret: the otpauth:// URI and a QR code of it.

The URI follows Google Authenticator's Key Uri Format, which every authenticator app reads:
`otpauth://totp/ISSUER:ACCOUNT?secret=SECRET&issuer=ISSUER`, label and parameters
percent-encoded (github.com/google/google-authenticator/wiki/Key-Uri-Format). Cognito's TOTP is
that format's default (SHA-1, 6 digits, 30 seconds), so no other parameter is needed. The QR code
is an SVG data: URI, an image a page shows with `<img src>` and nothing else to fetch.
"""

from urllib.parse import quote, urlencode

import segno


def otpauth_uri(issuer: str, account: str, secret: str) -> str:
    """The authenticator's URI of `secret`, labelled "issuer:account" (the app shows both)."""
    label = f"{quote(issuer, safe='')}:{quote(account, safe='')}"
    query = urlencode({"secret": secret, "issuer": issuer}, quote_via=quote)
    return f"otpauth://totp/{label}?{query}"


def qr_code_data_uri(uri: str) -> str:
    """`uri` as a QR code, an SVG image in a data: URI (error correction M, as authenticator
    set-up pages use: it survives a scuffed screen and stays small)."""
    return str(segno.make(uri, error="m").svg_data_uri(scale=4))
