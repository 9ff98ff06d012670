"""The shapes durable state writes, pinned: a change to any of them must bump
`state.files.FORMAT`, so that an emulator refuses state an older one wrote instead of
misreading it (the header names the format; test_state_files checks the refusal)."""

from __future__ import annotations

import dataclasses

from cognito_emulator.codes import CodeBook, OutstandingCode
from cognito_emulator.keys import KeyStore
from cognito_emulator.state import files
from cognito_emulator.token_ledger import TokenFamily

BUMP = "a persisted shape changed: bump cognito_emulator.state.files.FORMAT and update this pin"


def test_the_format_is_the_one_these_shapes_belong_to() -> None:
    assert files.FORMAT == 1, BUMP


def test_token_families_and_codes_keep_their_fields() -> None:
    assert [field.name for field in dataclasses.fields(TokenFamily)] == [
        "origin_jti",
        "pool_id",
        "client_id",
        "username",
        "auth_time",
        "refresh_token",
        "refresh_expires_at",
        "keep_until",
        "revoked",
        "scopes",
        "retired_refresh_tokens",
    ], BUMP
    assert [field.name for field in dataclasses.fields(OutstandingCode)] == [
        "code",
        "expires_at",
    ], BUMP


def test_outbox_messages_and_key_documents_keep_their_fields() -> None:
    book = CodeBook(_Clock())  # type: ignore[arg-type]
    book.issue("us-east-1_pool", "ada", "sign_up", "ada@example.com", "EMAIL", "email")
    [(_, message)] = [item for item in book.records() if item[0][0] == "outbox"]
    assert sorted(message) == [
        "code", "destination", "medium", "message", "pool_id", "purpose", "sent_at", "subject",
        "username",
    ], BUMP  # fmt: skip
    keys = KeyStore()
    keys.jwks("us-east-1_pool")
    [(key, document)] = list(keys.records())
    assert key == ("keys", "us-east-1_pool")
    assert sorted(document) == ["access", "id", "retired"], BUMP


class _Clock:
    def now(self) -> float:
        return 1_000_000.0
