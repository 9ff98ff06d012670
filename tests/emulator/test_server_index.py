"""`GET /`: the HTML index of what the emulator serves (`POST /` stays the API)."""

from __future__ import annotations

import httpx
import pytest

from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.server import EmulatorServer


def test_index_links_every_pool_to_its_documents(
    emulator_http: httpx.Client, cognito_emulator: EmulatorServer, cognito_pool: PoolConfig
) -> None:
    other_pool = cognito_emulator.bootstrap(pool_name="other")
    url = cognito_emulator.endpoint_url

    response = emulator_http.get("/")

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    for pool_id in (cognito_pool.user_pool_id, other_pool.user_pool_id):
        assert f'<a href="{url}/{pool_id}/.well-known/jwks.json">' in response.text
        assert f'<a href="{url}/{pool_id}/.well-known/openid-configuration">' in response.text
    assert f"endpoint_url={url}" in response.text
    assert "<script" not in response.text
    assert "https://" not in response.text  # no CDN: the page works offline


def test_index_of_an_empty_emulator_says_so(emulator_http: httpx.Client) -> None:
    response = emulator_http.get("/")

    assert "No user pools yet." in response.text
    assert ".well-known" not in response.text


def test_index_lists_the_control_routes_with_their_methods(emulator_http: httpx.Client) -> None:
    text = emulator_http.get("/").text

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


def test_index_escapes_what_it_shows_and_runs_no_script(
    emulator_http: httpx.Client, cognito_emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    hostile = '"><img src=x onerror=alert(1)>'
    monkeypatch.setattr(cognito_emulator.backend, "pool_ids", lambda: [hostile])

    text = emulator_http.get("/").text

    assert hostile not in text
    assert "<code>&#34;&gt;&lt;img src=x onerror=alert(1)&gt;</code>" in text


def test_browser_at_root_gets_the_index_linking_the_control_api_while_post_stays_the_api(
    emulator_http: httpx.Client,
) -> None:
    page = emulator_http.get("/", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    api = emulator_http.post(
        "/",
        json={"MaxResults": 1},
        headers={
            "X-Amz-Target": "AWSCognitoIdentityProviderService.ListUserPools",
            "Content-Type": "application/x-amz-json-1.1",
        },
    )

    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    for path in ("/_emulator/health", "/_emulator/outbox", "/_emulator/faults"):
        assert f'<a href="{path}"><code>{path}</code></a>' in page.text
    assert api.status_code == 200
    assert api.headers["content-type"] == "application/x-amz-json-1.1"
    assert api.json() == {"UserPools": []}


def test_unknown_path_leads_to_the_index(emulator_http: httpx.Client) -> None:
    response = emulator_http.get("/docs")

    assert response.status_code == 404
    assert response.json() == {
        "__type": "NotFound",
        "message": "No route for '/docs': the API is POST /, pool documents are "
        "/{pool_id}/.well-known/jwks.json and /{pool_id}/.well-known/openid-configuration, "
        "a pool domain's login pages and OAuth endpoints are under /domains/{domain}/ "
        "(/oauth2/authorize, /login, /oauth2/token, ...), the control API is under "
        "/_emulator/, and GET / in a browser lists them all",
    }
