"""Request-body constraints: the schema's patterns mean the same to every engine that reads them
(ECMA-262 for OpenAPI clients, Rust's regex in pydantic) and match Cognito's own (Java regex)."""

from typing import Any

import jsonschema_rs
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from app.main import create_app
from app.models import NO_ASCII_WHITESPACE, ConfirmationCode, Password

# Java's \s (Cognito's `[\S]+`): ASCII whitespace only.
JAVA_WHITESPACE = frozenset(" \t\n\x0b\f\r")
# Characters some engine or other counts as whitespace.
WHITESPACE_OF_SOME_ENGINE = (
    " \t\n\x0b\f\r\x1c\x1d\x1e\x1f\x85\xa0"
    "\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000\ufeff\u180e\u200b"
)

PASSWORD_FIELDS = {
    ("UserCreate", "password"),
    ("LoginForm", "password"),
    ("VerifyRequest", "confirmation_code"),
    ("ConfirmForgotPasswordRequest", "confirmation_code"),
    ("ConfirmForgotPasswordRequest", "new_password"),
    ("ChangePasswordRequest", "previous_password"),
    ("ChangePasswordRequest", "proposed_password"),
}


def schema_components() -> dict[str, Any]:
    components: dict[str, Any] = create_app().openapi()["components"]["schemas"]
    return components


def test_every_password_and_code_field_uses_the_one_pattern() -> None:
    components = schema_components()

    for model, field in PASSWORD_FIELDS:
        assert components[model]["properties"][field]["pattern"] == NO_ASCII_WHITESPACE


def test_no_pattern_of_the_schema_uses_engine_dependent_space_classes() -> None:
    patterns = [
        str(prop["pattern"])
        for component in schema_components().values()
        for prop in component.get("properties", {}).values()
        if "pattern" in prop
    ]

    assert patterns
    assert not [p for p in patterns if "\\s" in p or "\\S" in p]


ECMA_PASSWORD = jsonschema_rs.validator_for(
    {"type": "string", "minLength": 1, "maxLength": 256, "pattern": NO_ASCII_WHITESPACE}
)


@given(
    st.text(
        alphabet=st.sampled_from(WHITESPACE_OF_SOME_ENGINE) | st.characters(codec="utf-8"),
        min_size=1,
        max_size=12,
    )
)
def test_pydantic_the_schema_and_cognito_agree_on_every_password(value: str) -> None:
    cognito_accepts = not JAVA_WHITESPACE & set(value)
    for constrained in (Password, ConfirmationCode):
        try:
            TypeAdapter(constrained).validate_python(value)
            pydantic_accepts = True
        except ValidationError:
            pydantic_accepts = False
        assert pydantic_accepts == cognito_accepts
    assert ECMA_PASSWORD.is_valid(value) == cognito_accepts
