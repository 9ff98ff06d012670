"""A browser without a browser for the web console's tests (`test_console_*`).

`Console` is one httpx client with its own cookies (the flash cookie travels in them) that
follows no redirect by itself, so each test sees the 303 an action answers. It submits the
forms the pages serve, read with the emulator's own form reader (`html_forms`): the action,
the hidden form token and the button a person would press, not URLs the test knows by heart.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode, urlsplit

import httpx
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.html_forms import HtmlForm, page_message, parse_forms
from cognito_emulator.pytest_plugin import secret_hash
from cognito_emulator.server import EmulatorServer

FORM_CONTENT_TYPE = {"Content-Type": "application/x-www-form-urlencoded"}
PASSWORD = "Passw0rd!long"


class Console:
    def __init__(self, server: EmulatorServer) -> None:
        self.url = server.endpoint_url
        self.http = httpx.Client(base_url=self.url, timeout=10)

    def close(self) -> None:
        self.http.close()

    def get(self, path: str, **params: str) -> httpx.Response:
        return self.http.get(path, params=params)

    def form(self, page: httpx.Response, *, button: str | None = None) -> HtmlForm:
        """The page's POST form whose submit button has the value `button` (an action), or its
        only POST form."""
        forms = [form for form in parse_forms(page.text) if form.method == "POST"]
        if button is not None:
            forms = [form for form in forms if form.submit_button == ("action", button)]
        assert len(forms) == 1, f"{len(forms)} forms match {button!r} on {page.url}"
        return forms[0]

    def submit(
        self,
        page_path: str,
        values: dict[str, str] | None = None,
        *,
        button: str | None = None,
        form_index: int | None = None,
    ) -> httpx.Response:
        """Open `page_path`, fill in `values` and submit the form (by button, or the
        `form_index`-th POST form); the answer, not followed."""
        page = self.get(page_path)
        assert page.status_code == 200, page.text
        if form_index is None:
            form = self.form(page, button=button)
        else:
            form = [form for form in parse_forms(page.text) if form.method == "POST"][form_index]
        return self.post(form.action, form.submission(values or {}))

    def post(
        self, action: str, fields: list[tuple[str, str]], headers: dict[str, str] | None = None
    ) -> httpx.Response:
        return self.http.post(
            action, content=urlencode(fields), headers={**FORM_CONTENT_TYPE, **(headers or {})}
        )

    def followed(self, answer: httpx.Response) -> httpx.Response:
        """The page a 303 after an action sends the browser to."""
        assert answer.status_code == 303, answer.text
        return self.get(urlsplit(answer.headers["location"]).path)


def flash(page: httpx.Response) -> str:
    """What the page says in its flash message (or its alert)."""
    return page_message(page.text)


def user_path(pool_id: str, username: str) -> str:
    return f"/_emulator/pools/{pool_id}/users/{quote(username, safe='')}"


def sign_up(
    idp: CognitoIdentityProviderClient, pool: PoolConfig, username: str, email: str | None = None
) -> None:
    """SignUp through the pool's app client: an unconfirmed user with a code in the outbox."""
    idp.sign_up(
        ClientId=pool.client_id,
        SecretHash=secret_hash(username, pool.client_id, pool.client_secret),
        Username=username,
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": email or f"{username}@example.com"}],
    )
