"""Swagger UI's authorization-code Authorize: the OpenAPI scheme offers the pool's login page
beside the password form, /docs sets Swagger UI's OAuth up for PKCE with the app client, and
/auth/token redeems the code the login page sent to /docs/oauth2-redirect with the app client's
secret, refusing any request weaker than a public PKCE client's."""

import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.core.config import get_settings
from app.core.web_sign_in import CODE_REFUSED, REDIRECT_MISMATCH, SCOPES
from app.main import create_app
from app.models import User
from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.login_page_client import Authorization
from tests.app.service_harness import (
    CALLBACK_URL,
    DOCS_REDIRECT_URL,
    SERVICE_URL,
    Flows,
    ServiceUser,
    bearer,
    make_settings,
)

PASSWORD_FLOW = {"scopes": {}, "tokenUrl": "/users/login"}
VERIFIER_RULE = "code_verifier must be 43 to 128 characters of A-Z, a-z, 0-9, '-', '.', '_', '~'"
REDIRECT_RULE = f"redirect_uri must be {DOCS_REDIRECT_URL}: open the docs at {SERVICE_URL}/docs"
NOT_A_CODE = "The code is not an authorization code"


def authorized_for_the_docs(
    flows: Flows, user: ServiceUser, scopes: list[str] | None = None
) -> Authorization:
    """What Swagger UI holds after the login page sent it back: the code and its PKCE verifier."""
    return flows.emulator.authorize_through_login_page(
        user.username,
        user.password,
        user_pool_id=flows.pool.user_pool_id,
        client_id=flows.pool.client_id,
        redirect_uri=DOCS_REDIRECT_URL,
        scopes=list(SCOPES) if scopes is None else scopes,
    )


def swaggers_token_request(flows: Flows, authorization: Authorization) -> dict[str, str]:
    """The form Swagger UI 5 posts to the tokenUrl (authorizeAccessCodeWithFormParams; empty
    values, such as the client secret it was not given, are left out)."""
    assert authorization.code_verifier is not None
    return {
        "grant_type": "authorization_code",
        "code": authorization.code,
        "client_id": flows.pool.client_id,
        "redirect_uri": DOCS_REDIRECT_URL,
        "code_verifier": authorization.code_verifier,
    }


# ---- the OpenAPI document and /docs ----------------------------------------------------------


def test_the_scheme_offers_the_login_page_beside_the_password_form(flows: Flows) -> None:
    schemes = flows.client.get("/openapi.json").json()["components"]["securitySchemes"]

    assert schemes["Cognito"]["type"] == "oauth2"
    assert schemes["Cognito"]["flows"] == {
        "password": PASSWORD_FLOW,
        "authorizationCode": {
            "authorizationUrl": f"{flows.pool.domain_url}/oauth2/authorize",
            "tokenUrl": "/auth/token",
            "scopes": {
                "openid": "The ID token (needed: the service signs the user in from it)",
                "email": "The email address in the ID token",
                "profile": "The profile attributes in the ID token",
                "aws.cognito.signin.user.admin": (
                    "The user's own Cognito operations (logout, password change)"
                ),
            },
        },
    }
    assert schemes["Cognito"]["description"].startswith(
        "**authorizationCode**: leave **client_secret** empty and press **Authorize**"
    )


def init_oauth_of(page: str) -> Any:
    found = re.search(r"ui\.initOAuth\((.*)\)", page)
    return None if found is None else json.loads(found.group(1))


def test_the_docs_page_sets_swagger_ui_up_for_pkce_with_the_app_client(flows: Flows) -> None:
    page = flows.client.get("/docs").text

    assert init_oauth_of(page) == {
        "clientId": flows.pool.client_id,
        "usePkceWithAuthorizationCodeGrant": True,
        "scopes": ["openid", "email", "profile", "aws.cognito.signin.user.admin"],
    }
    assert "oauth2RedirectUrl: window.location.origin + '/docs/oauth2-redirect'" in page
    assert "url: '/openapi.json'" in page


def test_behind_a_prefix_the_docs_page_uses_the_prefixed_addresses(flows: Flows) -> None:
    with TestClient(flows.client.app, root_path="/kit") as client:
        page = client.get("/docs").text

    assert "oauth2RedirectUrl: window.location.origin + '/kit/docs/oauth2-redirect'" in page
    assert "url: '/kit/openapi.json'" in page
    assert '"/kit/static-offline-docs/swagger-ui-bundle.js"' in page


def test_swagger_uis_redirect_page_is_served(flows: Flows) -> None:
    page = flows.client.get("/docs/oauth2-redirect")

    assert page.status_code == 200
    assert "window.opener.swaggerUIRedirectOauth2" in page.text


def test_without_a_domain_swagger_ui_offers_the_password_form_only(
    cognito_pool: PoolConfig, database_url: str
) -> None:
    settings = make_settings(cognito_pool, database_url, AWS_COGNITO_DOMAIN=None)
    with TestClient(create_app(settings)) as client:
        schemes = client.get("/openapi.json").json()["components"]["securitySchemes"]
        page = client.get("/docs").text

    assert schemes["Cognito"]["flows"] == {"password": PASSWORD_FLOW}
    assert init_oauth_of(page) is None
    assert "oauth2RedirectUrl: window.location.origin + '/docs/oauth2-redirect'" in page


def test_without_settings_the_document_is_the_codes_own(monkeypatch: pytest.MonkeyPatch) -> None:
    """A tool exporting the document where no pool is configured still gets one."""
    for name in ("AWS_COGNITO_USER_POOL_ID", "AWS_COGNITO_APP_CLIENT_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir("/")  # no .env
    get_settings.cache_clear()

    schemes = create_app().openapi()["components"]["securitySchemes"]

    assert schemes["Cognito"]["flows"] == {"password": PASSWORD_FLOW}


# ---- /auth/token ---------------------------------------------------------------------------------


def test_swaggers_code_signs_the_user_in_with_tokens_for_every_route(flows: Flows) -> None:
    user = flows.registered_user("alice")
    form = swaggers_token_request(flows, authorized_for_the_docs(flows, user))

    answer = flows.client.post("/auth/token", data=form)

    assert answer.status_code == 200, answer.text
    tokens = answer.json()
    assert set(tokens) == {"access_token", "token_type", "expires_in", "refresh_token", "id_token"}
    assert answer.headers["cache-control"] == "no-store"
    me = flows.client.get("/users/me", headers=bearer(tokens["access_token"]))
    assert (me.status_code, me.json()["username"]) == (200, "alice")
    logout = flows.client.post("/users/logout", headers=bearer(tokens["access_token"]))
    assert logout.status_code == 204


def test_swaggers_sign_in_creates_the_row_of_a_user_the_service_never_saw(
    flows: Flows, cognito_user: Any
) -> None:
    user = ServiceUser(
        username=cognito_user.username,
        password=cognito_user.password,
        email=cognito_user.email,
        sub=cognito_user.sub,
        tokens={},
    )
    form = swaggers_token_request(flows, authorized_for_the_docs(flows, user))

    assert flows.client.post("/auth/token", data=form).status_code == 200

    with Session(flows.client.app.state.services.get().engine) as session:  # type: ignore[attr-defined]
        [row] = session.exec(select(User)).all()
    assert (row.sub, row.username, row.email) == (user.sub, user.username, user.email)


@pytest.mark.parametrize(
    ("change", "detail"),
    [
        ({"grant_type": None}, "grant_type must be authorization_code"),
        ({"grant_type": "password"}, "grant_type must be authorization_code"),
        ({"grant_type": "authorization_code\u0000"}, "grant_type must be authorization_code"),
        ({"client_id": "another-client"}, "client_id is not this service's app client"),
        (
            {"client_secret": "typed-in"},
            "Leave client_secret empty: the service adds the app client's secret itself",
        ),
        ({"code": None}, "code is required"),
        ({"code": ""}, "code is required"),
        ({"code": "é"}, NOT_A_CODE),
        ({"code": "c" * 10_000}, NOT_A_CODE),
        ({"redirect_uri": None}, REDIRECT_RULE),
        ({"redirect_uri": CALLBACK_URL}, REDIRECT_RULE),
        ({"redirect_uri": "http://127.0.0.1:8000/docs/oauth2-redirect"}, REDIRECT_RULE),
        ({"code_verifier": None}, "code_verifier is required: sign in with PKCE"),
        ({"code_verifier": ""}, "code_verifier is required: sign in with PKCE"),
        ({"code_verifier": "v" * 42}, VERIFIER_RULE),
        ({"code_verifier": "v" * 129}, VERIFIER_RULE),
        ({"code_verifier": "é" * 43}, VERIFIER_RULE),
        ({"code_verifier": "v" * 42 + "+"}, VERIFIER_RULE),
    ],
)
def test_a_token_request_weaker_than_a_pkce_clients_is_refused_and_spends_no_code(
    flows: Flows, change: dict[str, str | None], detail: str
) -> None:
    user = flows.registered_user("alice")
    form = swaggers_token_request(flows, authorized_for_the_docs(flows, user))
    changed = {name: value for name, value in (form | change).items() if value is not None}

    refused = flows.client.post("/auth/token", data=changed)

    assert (refused.status_code, refused.json()) == (400, {"detail": detail})
    assert flows.client.post("/auth/token", data=form).status_code == 200


def test_an_empty_client_id_and_client_secret_are_accepted(flows: Flows) -> None:
    user = flows.registered_user("alice")
    form = swaggers_token_request(flows, authorized_for_the_docs(flows, user))

    answer = flows.client.post("/auth/token", data=form | {"client_id": "", "client_secret": ""})

    assert answer.status_code == 200, answer.text


@pytest.mark.parametrize("name", ["grant_type", "code", "redirect_uri", "code_verifier"])
def test_a_repeated_field_is_refused(flows: Flows, name: str) -> None:
    """RFC 6749 §3.2: parameters must not be included more than once."""
    user = flows.registered_user("alice")
    form = swaggers_token_request(flows, authorized_for_the_docs(flows, user))
    fields = [*form.items(), (name, form[name])]

    answer = flows.client.post(
        "/auth/token",
        content="&".join(f"{key}={value}" for key, value in fields),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )

    assert (answer.status_code, answer.json()) == (
        400,
        {"detail": f"{name} is given more than once"},
    )


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        ('{"grant_type": "authorization_code"}', "application/json"),
        ("grant_type=%FF%FE", "application/x-www-form-urlencoded"),
        ("", "application/x-www-form-urlencoded"),
        ("\x00\x01", "text/plain"),
    ],
)
def test_a_body_that_is_not_the_form_is_refused(
    flows: Flows, content: str, content_type: str
) -> None:
    answer = flows.client.post(
        "/auth/token", content=content, headers={"Content-Type": content_type}
    )

    assert (answer.status_code, answer.json()) == (
        400,
        {"detail": "grant_type must be authorization_code"},
    )


def test_a_verifier_other_than_the_codes_is_refused(flows: Flows) -> None:
    user = flows.registered_user("alice")
    form = swaggers_token_request(flows, authorized_for_the_docs(flows, user))

    answer = flows.client.post("/auth/token", data=form | {"code_verifier": "w" * 64})

    assert (answer.status_code, answer.json()) == (400, {"detail": CODE_REFUSED})


def test_a_code_is_redeemed_once(flows: Flows) -> None:
    user = flows.registered_user("alice")
    form = swaggers_token_request(flows, authorized_for_the_docs(flows, user))
    assert flows.client.post("/auth/token", data=form).status_code == 200

    replayed = flows.client.post("/auth/token", data=form)

    assert (replayed.status_code, replayed.json()) == (400, {"detail": CODE_REFUSED})


def test_a_code_of_the_web_sign_in_is_not_redeemed_for_the_docs(flows: Flows) -> None:
    user = flows.registered_user("alice")
    for_the_callback = flows.emulator.authorize_through_login_page(
        user.username,
        user.password,
        user_pool_id=flows.pool.user_pool_id,
        client_id=flows.pool.client_id,
        redirect_uri=CALLBACK_URL,
    )
    assert for_the_callback.code_verifier is not None

    answer = flows.client.post(
        "/auth/token",
        data={
            "grant_type": "authorization_code",
            "code": for_the_callback.code,
            "redirect_uri": DOCS_REDIRECT_URL,
            "code_verifier": for_the_callback.code_verifier,
        },
    )

    assert (answer.status_code, answer.json()) == (400, {"detail": REDIRECT_MISMATCH})


def test_without_the_openid_scope_the_sign_in_says_to_tick_it(flows: Flows) -> None:
    """Swagger UI lets a person untick scopes; without openid there is no ID token."""
    user = flows.registered_user("alice")
    authorization = authorized_for_the_docs(flows, user, ["aws.cognito.signin.user.admin"])

    answer = flows.client.post("/auth/token", data=swaggers_token_request(flows, authorization))

    assert (answer.status_code, answer.json()) == (
        400,
        {
            "detail": "No ID token was issued: sign in with the openid scope (the service signs "
            "the user in from the ID token)"
        },
    )
