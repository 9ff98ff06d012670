"""The console's user page and its actions (`http/console_users.py`): each action is the admin
operation an SDK sends, so the API shows its effect afterwards; Cognito's refusals come back
as the flash message, and a reload after an action repeats nothing (303)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.pytest_plugin import CognitoUser, secret_hash
from cognito_emulator.server import EmulatorServer
from tests.emulator.console_harness import Console, flash, sign_up, user_path


@pytest.fixture
def carol(cognito_pool: PoolConfig, cognito_idp_client: CognitoIdentityProviderClient) -> str:
    """The page of carol, who signed up and has not confirmed."""
    sign_up(cognito_idp_client, cognito_pool, "carol")
    return user_path(cognito_pool.user_pool_id, "carol")


def test_user_page_shows_status_attributes_groups_mfa_and_messages(
    console: Console,
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
    carol: str,
) -> None:
    pool_id = cognito_pool.user_pool_id
    cognito_idp_client.create_group(UserPoolId=pool_id, GroupName="editors")
    cognito_idp_client.admin_add_user_to_group(
        UserPoolId=pool_id, Username="carol", GroupName="editors"
    )
    code = cognito_emulator.latest_code(pool_id, "carol")

    page = console.get(carol)

    assert page.status_code == 200
    text = page.text
    assert "<dt>Status</dt><dd>UNCONFIRMED</dd>" in text
    assert '<dt>Enabled</dt><dd><span class="good">yes</span></dd>' in text
    assert "<dt>Groups</dt><dd>editors</dd>" in text
    assert "<dt>MFA</dt>\n  <dd>none set up</dd>" in text
    assert "<tr><td>email</td><td>carol@example.com</td></tr>" in text
    assert f'<td><code class="code">{code}</code></td>' in text
    assert '<button type="submit" name="action" value="confirm">Confirm sign-up</button>' in text
    assert 'value="enable"' not in text  # enabled: the page offers Disable instead


def test_confirm_from_the_console_confirms_the_sign_up(
    console: Console,
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
    carol: str,
) -> None:
    answer = console.submit(carol, button="confirm")

    assert answer.status_code == 303
    assert answer.headers["location"] == f"{console.url}{carol}"
    page = console.followed(answer)
    assert flash(page) == "Confirmed carol: they can sign in now."
    assert "<dt>Status</dt><dd>CONFIRMED</dd>" in page.text
    user = cognito_idp_client.admin_get_user(UserPoolId=cognito_pool.user_pool_id, Username="carol")
    assert user["UserStatus"] == "CONFIRMED"


def test_the_flash_message_is_shown_once(console: Console, carol: str) -> None:
    console.followed(console.submit(carol, button="confirm"))
    again = console.get(carol)

    assert "Confirmed carol" not in again.text
    assert 'class="flash' not in again.text


def test_disable_then_enable(
    console: Console, cognito_user: CognitoUser, cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
) -> None:  # fmt: skip
    pool_id, username = cognito_pool.user_pool_id, cognito_user.username
    path = user_path(pool_id, username)

    disabled = console.followed(console.submit(path, button="disable"))
    enabled_again_in_api = cognito_idp_client.admin_get_user(UserPoolId=pool_id, Username=username)
    with pytest.raises(ClientError) as refused:
        cognito_idp_client.get_user(AccessToken=cognito_user.access_token)

    assert flash(disabled) == (
        f"Disabled {username}: their tokens are revoked and sign-ins refused until enabled again."
    )
    assert enabled_again_in_api["Enabled"] is False
    assert refused.value.response["Error"]["Code"] == "NotAuthorizedException"

    enabled = console.followed(console.submit(path, button="enable"))

    assert flash(enabled) == f"Enabled {username}: they can sign in again."
    assert cognito_idp_client.admin_get_user(UserPoolId=pool_id, Username=username)["Enabled"]


def test_reset_password_sends_a_reset_code(
    console: Console,
    cognito_emulator: EmulatorServer,
    cognito_user: CognitoUser,
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
) -> None:
    pool_id, username = cognito_pool.user_pool_id, cognito_user.username
    cognito_idp_client.admin_update_user_attributes(
        UserPoolId=pool_id,
        Username=username,
        UserAttributes=[{"Name": "email_verified", "Value": "true"}],
    )

    page = console.followed(console.submit(user_path(pool_id, username), button="reset-password"))

    assert flash(page) == (
        f"Reset the password of {username}: they must set a new one with the code sent to them."
    )
    user = cognito_idp_client.admin_get_user(UserPoolId=pool_id, Username=username)
    assert user["UserStatus"] == "RESET_REQUIRED"
    assert cognito_emulator.outbox(pool_id, username)[-1]["purpose"] == "forgot_password"


def test_a_refused_action_shows_cognitos_error_and_changes_nothing(
    console: Console,
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
    carol: str,
) -> None:
    answer = console.submit(carol, button="reset-password")

    assert answer.status_code == 303
    page = console.followed(answer)
    assert flash(page) == (
        "AdminResetUserPassword refused: NotAuthorizedException: "
        "User password cannot be reset in the current state."
    )
    assert '<p class="flash refused" role="alert">' in page.text
    user = cognito_idp_client.admin_get_user(UserPoolId=cognito_pool.user_pool_id, Username="carol")
    assert user["UserStatus"] == "UNCONFIRMED"


def test_sign_out_everywhere_revokes_the_users_tokens(
    console: Console, cognito_user: CognitoUser, cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
) -> None:  # fmt: skip
    path = user_path(cognito_pool.user_pool_id, cognito_user.username)

    page = console.followed(console.submit(path, button="sign-out"))

    assert flash(page) == (
        f"Signed {cognito_user.username} out everywhere: their ID, access and refresh tokens "
        "are revoked."
    )
    with pytest.raises(ClientError) as refused:
        cognito_idp_client.initiate_auth(
            ClientId=cognito_pool.client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={
                "REFRESH_TOKEN": cognito_user.refresh_token,
                "SECRET_HASH": secret_hash(
                    cognito_user.username, cognito_pool.client_id, cognito_pool.client_secret
                ),
            },
        )
    assert refused.value.response["Error"]["Code"] == "NotAuthorizedException"


def test_delete_removes_the_user_and_goes_back_to_the_pool(
    console: Console,
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
    carol: str,
) -> None:
    pool_id = cognito_pool.user_pool_id

    answer = console.submit(carol, button="delete")

    assert answer.headers["location"] == f"{console.url}/_emulator/pools/{pool_id}"
    page = console.followed(answer)
    assert flash(page) == "Deleted carol."
    assert "<p>No users yet.</p>" in page.text
    with pytest.raises(ClientError) as gone:
        cognito_idp_client.admin_get_user(UserPoolId=pool_id, Username="carol")
    assert gone.value.response["Error"]["Code"] == "UserNotFoundException"


def test_destructive_actions_ask_first(console: Console, carol: str) -> None:
    text = console.get(carol).text

    for summary, button in [
        ("Reset password…", "Reset the password of carol"),
        ("Delete user…", "Delete carol"),
        ("Sign out everywhere…", "Sign carol out everywhere"),
    ]:
        start = text.index(f"<summary>{summary}</summary>")
        assert text.index(f">{button}</button>") > start
        assert text.index("</details>", start) > text.index(f">{button}</button>")


def test_a_username_with_slashes_and_marks_round_trips(
    console: Console, cognito_pool: PoolConfig, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    pool_id = cognito_pool.user_pool_id
    username = "a/b?c#d%e"
    cognito_idp_client.admin_create_user(
        UserPoolId=pool_id, Username=username, MessageAction="SUPPRESS"
    )

    page = console.get(user_path(pool_id, username))
    answer = console.submit(user_path(pool_id, username), button="disable")

    assert "<h1>User a/b?c#d%e</h1>" in page.text
    assert answer.headers["location"] == f"{console.url}{user_path(pool_id, username)}"
    assert not cognito_idp_client.admin_get_user(UserPoolId=pool_id, Username=username)["Enabled"]


def test_attribute_values_are_escaped_everywhere_they_are_shown(
    console: Console, cognito_pool: PoolConfig, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    pool_id = cognito_pool.user_pool_id
    hostile = '"><script>alert(1)</script>'
    cognito_idp_client.admin_create_user(
        UserPoolId=pool_id,
        Username="mallory",
        UserAttributes=[
            {"Name": "name", "Value": hostile},
            {"Name": "email", "Value": f"{hostile}@x.io"},
        ],
        MessageAction="SUPPRESS",
    )

    user_page = console.get(user_path(pool_id, "mallory")).text
    pool_page = console.get(f"/_emulator/pools/{pool_id}").text

    escaped = "&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
    assert f"<tr><td>name</td><td>{escaped}</td></tr>" in user_page
    assert f"<td>{escaped}@x.io</td>" in pool_page
    assert "<script>" not in user_page and "<script>" not in pool_page


def test_an_unknown_user_is_a_404_page(console: Console, cognito_pool: PoolConfig) -> None:
    page = console.get(user_path(cognito_pool.user_pool_id, "nobody"))

    assert page.status_code == 404
    assert flash(page) == "User does not exist."


def test_an_unknown_action_is_refused(console: Console, carol: str) -> None:
    form = console.form(console.get(carol), button="confirm")

    answer = console.post(form.action, [*form.fields, ("action", "promote")])

    assert answer.status_code == 400
    assert flash(answer) == (
        "The form asks for action 'promote'; the console knows confirm, disable, enable, "
        "reset-password, sign-out, delete."
    )
