"""The email type of request bodies: what email-validator accepts, special-use domains too."""

import pytest
from pydantic import BaseModel, ValidationError

from app.core.email_address import EmailAddress, normalized_email


class Body(BaseModel):
    email: EmailAddress


@pytest.mark.parametrize(
    ("address", "normalized"),
    [
        ("ann@example.test", "ann@example.test"),
        ("ann@sub.example.TEST", "ann@sub.example.test"),
        ("ann@x.invalid", "ann@x.invalid"),
        ("ann@localhost", "ann@localhost"),
        ("ann@foo.localhost", "ann@foo.localhost"),
        ("ann@printer.local", "ann@printer.local"),
        ("ann@hidden.onion", "ann@hidden.onion"),
        ("ann@home.arpa", "ann@home.arpa"),
        ("Ann@Example.COM", "Ann@example.com"),
        ("zoë@bücher.test", "zoë@bücher.test"),
        ("first.last+tag@example.com", "first.last+tag@example.com"),
    ],
)
def test_valid_addresses_are_accepted_and_normalized(address: str, normalized: str) -> None:
    assert normalized_email(address) == normalized
    assert Body(email=address).email == normalized


@pytest.mark.parametrize(
    "address",
    [
        "not-an-email",
        "@example.test",
        "ann@",
        "ann@.test",
        "ann@example.test.",
        "ann@-x.test",
        "two@@example.test",
        "Ann <ann@example.com>",  # a display name is not `format: email`
        " ann@example.com",
        "ann@example.com\n",
        "ann@" + "b" * 64 + ".test",  # a label longer than DNS allows, special-use or not
        "a" * 3000 + "@example.com",
    ],
)
def test_invalid_addresses_are_refused(address: str) -> None:
    with pytest.raises(ValidationError, match="not a valid email address"):
        Body(email=address)


def test_the_json_schema_says_format_email() -> None:
    assert Body.model_json_schema()["properties"]["email"] == {
        "type": "string",
        "format": "email",
        "title": "Email",
    }
