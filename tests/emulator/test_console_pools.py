"""The console's home, pool and app client pages (`http/console_pools.py`), read through the
cognito-idp API: what they show, how users are paged and filtered, and what a missing pool is."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.server import EmulatorServer
from tests.emulator.console_harness import Console, flash, user_path


def create_users(idp: CognitoIdentityProviderClient, pool_id: str, names: list[str]) -> None:
    for name in names:
        idp.admin_create_user(
            UserPoolId=pool_id,
            Username=name,
            UserAttributes=[{"Name": "email", "Value": f"{name}@example.com"}],
            MessageAction="SUPPRESS",
        )


def user_links(text: str, pool_id: str) -> list[str]:
    return re.findall(rf'href="[^"]*/_emulator/pools/{pool_id}/users/([^"]+)"', text)


def test_home_lists_every_pool_with_its_page_and_documents(
    console: Console, cognito_emulator: EmulatorServer, cognito_pool: PoolConfig
) -> None:
    other = cognito_emulator.bootstrap(pool_name="other")
    url = console.url

    page = console.get("/_emulator/")

    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert "<title>Pools · Cognito emulator console</title>" in page.text
    for pool_id, name in (
        (cognito_pool.user_pool_id, "cognito-kit"),
        (other.user_pool_id, "other"),
    ):
        assert f'<a href="{url}/_emulator/pools/{pool_id}">{name}</a>' in page.text
        assert f'<a href="{url}/{pool_id}/.well-known/jwks.json">JWKS</a>' in page.text
        assert f'<a href="{url}/{pool_id}/.well-known/openid-configuration">' in page.text
    assert f"<code>endpoint_url={url}</code>" in page.text
    assert "Rate quotas are off" in page.text


def test_home_of_an_empty_emulator_says_so(console: Console) -> None:
    page = console.get("/_emulator/")

    assert "<p>No user pools yet.</p>" in page.text
    assert ".well-known" not in page.text


def test_home_lists_the_control_api_with_its_methods(console: Console) -> None:
    text = console.get("/_emulator/").text

    for methods, path in [
        ("GET", "/_emulator/health"),
        ("GET", "/_emulator/outbox"),
        ("POST", "/_emulator/clock"),
        ("POST", "/_emulator/keys/rotate"),
        ("DELETE, GET, POST", "/_emulator/faults"),
        ("POST", "/_emulator/reset"),
    ]:
        assert f"<td>{methods}</td>" in text
        assert f"<code>{path}</code>" in text
    assert '<a href="/_emulator/health"><code>/_emulator/health</code></a>' in text


def test_every_page_has_the_nav_bar_and_says_where_it_is(
    console: Console, cognito_pool: PoolConfig, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    create_users(cognito_idp_client, cognito_pool.user_pool_id, ["alice"])
    pool = f"/_emulator/pools/{cognito_pool.user_pool_id}"
    pages = {
        "/_emulator/": ("Pools", "Pools"),
        pool: ("Pool cognito-kit", "Pools"),
        f"{pool}/clients/{cognito_pool.client_id}": ("App client cognito-kit-app", "Pools"),
        user_path(cognito_pool.user_pool_id, "alice"): ("User alice", "Pools"),
        "/_emulator/messages": ("Outbox", "Outbox"),
        "/_emulator/tokens": ("Token inspector", "Tokens"),
        "/_emulator/clock-and-faults": ("Clock &amp; faults", "Clock &amp; faults"),
    }

    for path, (title, section) in pages.items():
        text = console.get(path).text
        assert f"<title>{title} · Cognito emulator console</title>" in text, path
        assert f"<h1>{title}</h1>" in text, path
        current = re.findall(r'<a href="[^"]*"\s*aria-current="page">([^<]*)</a>', text)
        assert current == [section], path
        for label, route in (("Outbox", "messages"), ("Tokens", "tokens")):
            assert f'<a href="{console.url}/_emulator/{route}"' in text and f">{label}</a>" in text


def test_pool_page_shows_settings_clients_groups_and_resource_servers(
    console: Console, cognito_pool: PoolConfig, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    pool_id = cognito_pool.user_pool_id
    cognito_idp_client.create_group(
        UserPoolId=pool_id, GroupName="admins", Precedence=1, Description="Run the place"
    )

    text = console.get(f"/_emulator/pools/{pool_id}").text

    assert f"<dt>Pool id</dt><dd><code>{pool_id}</code></dd>" in text
    assert "<dt>Auto-verified</dt><dd>email</dd>" in text
    assert "at least 8 characters, uppercase, lowercase, number, symbol" in text
    assert "OPTIONAL; authenticator apps" in text
    assert "case-insensitive" in text
    client_page = f"{console.url}/_emulator/pools/{pool_id}/clients"
    assert f'<a href="{client_page}/{cognito_pool.client_id}">cognito-kit-app</a>' in text
    assert (
        f'<a href="{client_page}/{cognito_pool.machine_client_id}">cognito-kit-machine</a>' in text
    )
    assert "<tr><td>admins</td><td>1</td><td>Run the place</td></tr>" in text
    assert "<code>cognito-kit/users.read</code>, <code>cognito-kit/users.write</code>" in text
    assert "<p>No users yet.</p>" in text


def test_users_come_in_pages_of_60_with_a_next_link(
    console: Console, cognito_pool: PoolConfig, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    pool_id = cognito_pool.user_pool_id
    names = [f"user{index:02d}" for index in range(61)]
    create_users(cognito_idp_client, pool_id, names)

    first = console.get(f"/_emulator/pools/{pool_id}")
    [next_link] = re.findall(r'<a href="([^"]*)#users" rel="next">Next page</a>', first.text)
    second = console.get(urlsplit(html.unescape(next_link)).path, **_query(next_link))

    first_names, second_names = user_links(first.text, pool_id), user_links(second.text, pool_id)
    assert len(first_names) == 60
    assert sorted(first_names + second_names) == names
    assert 'rel="next"' not in second.text
    assert ">First page</a>" in second.text
    assert ">First page</a>" not in first.text


def test_a_word_in_the_filter_box_finds_usernames_starting_with_it(
    console: Console, cognito_pool: PoolConfig, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    pool_id = cognito_pool.user_pool_id
    create_users(cognito_idp_client, pool_id, ["alice", "alina", "bob"])

    by_word = console.get(f"/_emulator/pools/{pool_id}", filter="ali")
    by_expression = console.get(f"/_emulator/pools/{pool_id}", filter='email ^= "bob"')
    nobody = console.get(f"/_emulator/pools/{pool_id}", filter="zed")

    assert sorted(user_links(by_word.text, pool_id)) == ["alice", "alina"]
    assert 'value="ali"' in by_word.text
    assert user_links(by_expression.text, pool_id) == ["bob"]
    assert "<p>No user matches this filter.</p>" in nobody.text


def test_a_filter_cognito_refuses_is_shown_on_the_page(
    console: Console, cognito_pool: PoolConfig
) -> None:
    page = console.get(f"/_emulator/pools/{cognito_pool.user_pool_id}", filter='shoe = "9"')

    assert page.status_code == 400
    assert flash(page) == (
        "ListUsers refused this: InvalidParameterException: Invalid search attribute: shoe"
    )
    assert "<h2>App clients</h2>" in page.text  # the rest of the pool is still shown


def test_a_pool_that_does_not_exist_is_a_404_page_naming_it(console: Console) -> None:
    page = console.get("/_emulator/pools/us-east-1_nothere")

    assert page.status_code == 404
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert "<h1>ResourceNotFoundException</h1>" in page.text
    assert flash(page) == "User pool us-east-1_nothere does not exist."


def test_client_page_shows_ids_flows_token_lifetimes_and_oauth_settings(
    console: Console, cognito_pool: PoolConfig
) -> None:
    pool_id, client_id = cognito_pool.user_pool_id, cognito_pool.client_id

    page = console.get(f"/_emulator/pools/{pool_id}/clients/{client_id}")

    text = page.text
    assert f"<dt>Client id</dt><dd><code>{client_id}</code></dd>" in text
    assert f"<summary>Show the secret</summary><code>{cognito_pool.client_secret}</code>" in text
    assert (
        "<code>ALLOW_USER_PASSWORD_AUTH</code>, <code>ALLOW_ADMIN_USER_PASSWORD_AUTH</code>" in text
    )
    assert "<dt>Access token</dt><dd>1 h</dd>" in text
    assert "<dt>Refresh token</dt><dd>30 d</dd>" in text
    assert "<dt>Grants</dt><dd>code</dd>" in text
    assert "<code>http://localhost:8000/auth/callback</code>" in text
    [login_link] = re.findall(r'<a href="([^"]*)">Open the managed login page</a>', text)
    login = console.get(urlsplit(html.unescape(login_link)).path, **_query(login_link))
    assert login.status_code == 302
    assert "/domains/kit/login?" in login.headers["location"]
    assert _query(login_link) == {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": "http://localhost:8000/auth/callback",
        "scope": "openid email profile aws.cognito.signin.user.admin",
    }


def test_client_page_of_a_public_client_without_oauth(
    console: Console, cognito_pool: PoolConfig, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    pool_id = cognito_pool.user_pool_id
    client_id = cognito_idp_client.create_user_pool_client(UserPoolId=pool_id, ClientName="spa")[
        "UserPoolClient"
    ]["ClientId"]

    text = console.get(f"/_emulator/pools/{pool_id}/clients/{client_id}").text

    assert "<dt>Client secret</dt>\n  <dd>none (a public client)</dd>" in text
    assert "none listed: refresh, SRP and custom auth only" in text
    assert "<p>OAuth is off for this client: it signs in through the API only.</p>" in text


def _query(link: str) -> dict[str, str]:
    return {
        name: values[0] for name, values in parse_qs(urlsplit(html.unescape(link)).query).items()
    }
