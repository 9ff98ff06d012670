"""Who may act through the console (`http/console_guard.py`): a POST without the form token, with
another process's token or from another site's page is refused (403) before anything is done;
pages run no script but their own and load nothing from elsewhere."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.http.console.guard import FORM_TOKEN_FIELD, MISSING_TOKEN, STALE_TOKEN
from cognito_emulator.pytest_plugin import CognitoUser
from cognito_emulator.server import EmulatorServer
from tests.emulator.console_harness import Console, flash, user_path

FOREIGN = "https://evil.example"
Fields = list[tuple[str, str]]


def without_token(fields: Fields) -> Fields:
    return [(name, value) for name, value in fields if name != FORM_TOKEN_FIELD]


def with_other_token(fields: Fields) -> Fields:
    return [(name, "forged" if name == FORM_TOKEN_FIELD else value) for name, value in fields]


def unchanged(fields: Fields) -> Fields:
    return fields


@pytest.mark.parametrize(
    ("forge", "origin", "message"),
    [
        (without_token, None, MISSING_TOKEN),
        (with_other_token, None, STALE_TOKEN),
        (
            unchanged,
            FOREIGN,
            f"This form was sent from {FOREIGN}, not from the console at {{url}}, so nothing was "
            "done. Use the console's own pages.",
        ),
    ],
)
def test_a_post_not_from_a_console_page_is_refused_and_changes_nothing(
    console: Console,
    cognito_user: CognitoUser,
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
    forge: Callable[[Fields], Fields],
    origin: str | None,
    message: str,
) -> None:
    pool_id, username = cognito_pool.user_pool_id, cognito_user.username
    form = console.form(console.get(user_path(pool_id, username)), button="disable")

    answer = console.post(
        form.action, forge(form.submission({})), headers={"Origin": origin} if origin else None
    )

    assert answer.status_code == 403
    assert "<h1>Request refused</h1>" in answer.text
    assert flash(answer) == message.format(url=console.url)
    assert cognito_idp_client.admin_get_user(UserPoolId=pool_id, Username=username)["Enabled"]


def test_a_post_from_the_consoles_own_origin_is_done(
    console: Console,
    cognito_user: CognitoUser,
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
) -> None:
    pool_id, username = cognito_pool.user_pool_id, cognito_user.username
    form = console.form(console.get(user_path(pool_id, username)), button="disable")

    answer = console.post(form.action, form.submission({}), headers={"Origin": console.url})

    assert answer.status_code == 303
    assert not cognito_idp_client.admin_get_user(UserPoolId=pool_id, Username=username)["Enabled"]


@pytest.mark.parametrize(
    ("path", "fields"),
    [
        ("/_emulator/clock-and-faults/clock", [("seconds", "3600")]),
        ("/_emulator/clock-and-faults/faults", [("operation", "SignUp"), ("error_code", "X")]),
        ("/_emulator/clock-and-faults/faults/clear", []),
        ("/_emulator/tokens", [("token", "a.b.c")]),
    ],
)
def test_every_console_post_needs_the_token(
    console: Console, cognito_emulator: EmulatorServer, path: str, fields: list[tuple[str, str]]
) -> None:
    answer = console.post(path, fields)

    assert answer.status_code == 403
    assert flash(answer) == MISSING_TOKEN
    assert cognito_emulator.backend.clock.offset == 0
    assert cognito_emulator.app.faults.describe() == []


def test_a_body_that_is_no_form_is_a_clear_error_page(
    console: Console, cognito_user: CognitoUser, cognito_pool: PoolConfig
) -> None:
    path = user_path(cognito_pool.user_pool_id, cognito_user.username)

    answer = console.http.post(path, json={"action": "delete"})

    assert answer.status_code == 415
    assert flash(answer) == (
        "Send the form as application/x-www-form-urlencoded, as a browser does."
    )


def test_pages_allow_only_their_own_script_and_load_nothing_from_elsewhere(
    console: Console, cognito_user: CognitoUser, cognito_pool: PoolConfig
) -> None:
    pool = f"/_emulator/pools/{cognito_pool.user_pool_id}"
    for path in [
        "/_emulator/",
        pool,
        f"{pool}/clients/{cognito_pool.client_id}",
        user_path(cognito_pool.user_pool_id, cognito_user.username),
        "/_emulator/messages",
        "/_emulator/tokens",
        "/_emulator/clock-and-faults",
    ]:
        page = console.get(path)
        policy = page.headers["content-security-policy"]
        [nonce] = re.findall(r"script-src 'nonce-([^']+)'", policy)
        assert policy.startswith("default-src 'none'; "), path
        assert "frame-ancestors 'none'" in policy
        assert page.headers["x-frame-options"] == "DENY"
        assert page.headers["cache-control"] == "no-store"
        assert re.findall(r"<script([^>]*)>", page.text) in ([], [f' nonce="{nonce}"']), path
        assert "<link" not in page.text and " src=" not in page.text, path
        assert "https://" not in page.text, path


def test_each_page_gets_a_new_script_nonce(console: Console) -> None:
    first = console.get("/_emulator/messages").headers["content-security-policy"]
    second = console.get("/_emulator/messages").headers["content-security-policy"]

    assert first != second
