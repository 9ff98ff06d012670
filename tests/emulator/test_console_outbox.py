"""The console's outbox page (`http/console_outbox.py`): every message, newest first, its code
large; the page's script polls the control API's outbox, which shows a code the moment it is
sent. (The redraw without reload is checked in headless Chromium by `nox -s browser`.)"""

from __future__ import annotations

import html
import re

import pytest
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.server import EmulatorServer
from tests.emulator.console_harness import Console, sign_up

CODE = re.compile(r'<code class="code">(\d{6})</code>')


@pytest.fixture
def alice_and_bob(
    cognito_pool: PoolConfig, cognito_idp_client: CognitoIdentityProviderClient
) -> str:
    """The pool id, once alice and then bob signed up (each got a code)."""
    for username in ("alice", "bob"):
        sign_up(cognito_idp_client, cognito_pool, username)
    return cognito_pool.user_pool_id


def test_messages_are_shown_newest_first_with_their_codes_large(
    console: Console, cognito_emulator: EmulatorServer, alice_and_bob: str
) -> None:
    pool_id = alice_and_bob
    codes = [cognito_emulator.latest_code(pool_id, name) for name in ("bob", "alice")]

    page = console.get("/_emulator/messages")

    assert page.status_code == 200
    assert CODE.findall(page.text) == codes
    assert '<p id="count">2 messages.</p>' in page.text
    assert "sign_up · EMAIL to bob@example.com · " in page.text
    assert f"<pre>Your verification code is {codes[0]}. </pre>" in page.text
    assert (
        f'User <a href="{console.url}/_emulator/pools/{pool_id}/users/bob">bob</a> of pool '
        f"<code>{pool_id}</code>"
    ) in page.text
    assert '<button type="button" class="copy secondary" hidden>Copy</button>' in page.text


def test_the_outbox_can_be_narrowed_to_a_pool_and_a_user(
    console: Console, cognito_emulator: EmulatorServer, alice_and_bob: str
) -> None:
    pool_id = alice_and_bob

    page = console.get("/_emulator/messages", pool_id=pool_id, username="alice")

    assert CODE.findall(page.text) == [cognito_emulator.latest_code(pool_id, "alice")]
    assert f'value="{pool_id}"' in page.text and 'value="alice"' in page.text
    assert (
        f'data-poll-url="{console.url}/_emulator/outbox?pool_id={pool_id}&amp;username=alice"'
        in page.text
    )


def test_an_empty_outbox_says_what_will_show_up(console: Console) -> None:
    page = console.get("/_emulator/messages")

    assert '<p id="empty">No messages yet: sign a user up and the code shows up here.</p>' in (
        page.text
    )
    assert '<p id="count">0 messages.</p>' in page.text


def test_the_poll_the_page_makes_shows_a_code_the_moment_it_is_sent(
    console: Console,
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
) -> None:
    page = console.get("/_emulator/messages")
    [poll_url] = re.findall(r'data-poll-url="([^"]*)"', page.text)
    [interval] = re.findall(r'data-poll-ms="(\d+)"', page.text)

    before = console.http.get(html.unescape(poll_url)).json()["messages"]
    sign_up(cognito_idp_client, cognito_pool, "carol")
    after = console.http.get(html.unescape(poll_url)).json()["messages"]

    assert before == []
    assert [message["code"] for message in after] == [
        cognito_emulator.latest_code(cognito_pool.user_pool_id, "carol")
    ]
    assert int(interval) <= 1000


def test_the_live_script_runs_under_the_pages_nonce_and_builds_text_not_html(
    console: Console,
) -> None:
    page = console.get("/_emulator/messages")
    [nonce] = re.findall(r"'nonce-([^']+)'", page.headers["content-security-policy"])
    [script] = re.findall(rf'<script nonce="{re.escape(nonce)}">(.*?)</script>', page.text, re.S)

    assert "innerHTML" not in script and "insertAdjacentHTML" not in script
    assert "textContent" in script
    assert "navigator.clipboard.writeText" in script
