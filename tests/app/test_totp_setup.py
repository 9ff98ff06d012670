"""The otpauth:// URI and QR code of a TOTP secret, as authenticator apps read them (Google
Authenticator's Key Uri Format: github.com/google/google-authenticator/wiki/Key-Uri-Format)."""

from app.core.totp_setup import otpauth_uri, qr_code_data_uri

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def test_the_uri_is_the_key_uri_format_with_issuer_in_label_and_parameter() -> None:
    assert otpauth_uri("cognito-kit", "alice", SECRET) == (
        f"otpauth://totp/cognito-kit:alice?secret={SECRET}&issuer=cognito-kit"
    )


def test_label_and_issuer_are_percent_encoded_spaces_as_percent_20() -> None:
    """The format wants %20 for a space (not +), and an account name's own ':' or '@' must not
    read as the label's separator."""
    assert otpauth_uri("Acme Co", "ann@example.com:x", SECRET) == (
        f"otpauth://totp/Acme%20Co:ann%40example.com%3Ax?secret={SECRET}&issuer=Acme%20Co"
    )


def test_the_qr_code_is_an_svg_data_uri() -> None:
    image = qr_code_data_uri(otpauth_uri("cognito-kit", "alice", SECRET))

    assert image.startswith("data:image/svg+xml;charset=utf-8,%3Csvg")
    assert image.endswith("%3C%2Fsvg%3E")
