"""`GET /`: a browser at the emulator's root URL lands on the web console (`POST /` stays the
API); what the console's home page shows is in test_console_pools.py."""

from __future__ import annotations

import httpx

from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.server import EmulatorServer


def test_root_url_leads_a_browser_to_the_console(
    emulator_http: httpx.Client, cognito_emulator: EmulatorServer, cognito_pool: PoolConfig
) -> None:
    answer = emulator_http.get("/", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    console = emulator_http.get("/", follow_redirects=True)

    assert answer.status_code == 302
    assert answer.headers["location"] == "/_emulator/"
    assert console.url == f"{cognito_emulator.endpoint_url}/_emulator/"
    assert console.status_code == 200
    assert "<title>Pools · Cognito emulator console</title>" in console.text
    assert f"<code>{cognito_pool.user_pool_id}</code>" in console.text


def test_post_at_root_stays_the_api(emulator_http: httpx.Client) -> None:
    api = emulator_http.post(
        "/",
        json={"MaxResults": 1},
        headers={
            "X-Amz-Target": "AWSCognitoIdentityProviderService.ListUserPools",
            "Content-Type": "application/x-amz-json-1.1",
        },
    )

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
