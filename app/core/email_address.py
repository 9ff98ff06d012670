"""The `EmailAddress` type of request bodies: an RFC 5322 address as email-validator reads it
(syntax only, no DNS), special-use domains included, normalized.

pydantic's `EmailStr` refuses special-use and reserved domains (`ann@example.test`, `.invalid`,
`.localhost`, `.local`, `.onion`, `.arpa`): email-validator assumes a globally deliverable
address. Cognito accepts them, the schema's `format: email` admits them, and `example.test` is
what tests use. email-validator has no per-call switch for that list (`globally_deliverable=False`
only drops the dot and TLD checks; `test_environment=True` only admits `.test`; the list itself
is process-wide state), so the special-use suffix is validated as a same-shaped stand-in label
and put back afterwards: every other check (local part, labels, lengths, Unicode) still applies.

Unlike `EmailStr`, no `Name <address>` form and no surrounding spaces: neither is `format: email`.
"""

from typing import Annotated

import email_validator
from pydantic import AfterValidator, WithJsonSchema

# Cognito's limit for an attribute value; longer input is refused before any parsing.
MAX_INPUT_LENGTH = 2048


def normalized_email(value: str) -> str:
    """`value` normalized (domain lowercased, Unicode NFC), or ValueError saying why not."""
    if len(value) > MAX_INPUT_LENGTH:
        raise ValueError(f"value is not a valid email address: longer than {MAX_INPUT_LENGTH}")
    local_part, at, domain = value.rpartition("@")
    suffix = _special_use_suffix(domain)
    if suffix:
        domain = domain[: -len(suffix)] + _stand_in(suffix)
    try:
        checked = email_validator.validate_email(
            local_part + at + domain, check_deliverability=False, globally_deliverable=False
        )
    except email_validator.EmailNotValidError as error:
        raise ValueError(f"value is not a valid email address: {error}") from error
    normalized: str = checked.normalized
    if suffix:
        normalized = normalized[: -len(suffix)] + suffix.lower()
    return normalized


def _special_use_suffix(domain: str) -> str:
    """The trailing special-use name of `domain` as written (any case), or ""."""
    lowered = domain.lower()
    for name in email_validator.SPECIAL_USE_DOMAIN_NAMES:
        if lowered == name or lowered.endswith("." + name):
            return domain[-len(name) :]
    return ""


def _stand_in(name: str) -> str:
    """A plain label of the same shape (lengths decide some checks), not special-use itself."""
    return ".".join("x" * len(label) for label in name.split("."))


EmailAddress = Annotated[
    str,
    AfterValidator(normalized_email),
    WithJsonSchema({"type": "string", "format": "email"}),
]
