"""Swagger UI, served from the package (offline), and the OpenAPI document's security scheme as
the settings make it: the password flow (/users/login) always, and with web sign-in configured
the authorization-code flow with PKCE through the pool's login page, whose code Swagger UI
redeems at /auth/token.

Both follow the settings the service runs with, read at the first request (or the first
`openapi()` call), never at import: `app.main` is imported before any environment is known.
"""

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from app.api.deps import bearer_token
from app.core.config import Settings
from app.core.web_sign_in import SCOPES, missing_settings

DOCS_URL = "/docs"
OAUTH2_REDIRECT_URL = "/docs/oauth2-redirect"
# Where FastAPIOffline mounts the Swagger UI and ReDoc files it ships.
OFFLINE_STATIC_URL = "/static-offline-docs"
TOKEN_URL = "/auth/token"
SCOPE_DESCRIPTIONS = {
    "openid": "The ID token (needed: the service signs the user in from it)",
    "email": "The email address in the ID token",
    "profile": "The profile attributes in the ID token",
    "aws.cognito.signin.user.admin": "The user's own Cognito operations (logout, password change)",
}
AUTHORIZE_HELP_WITH_LOGIN_PAGE = (
    "**authorizationCode**: leave **client_secret** empty and press **Authorize**: the pool's "
    "login page opens, then brings you back here (these docs must be open at the service's "
    "SERVICE_PUBLIC_URL). **password**: enter a verified user's **username** and **password**; "
    "leave **client_secret** empty. Either way the service holds the app client's secret."
)


def _web_sign_in_on(settings: Settings) -> bool:
    return not missing_settings(settings)


def install_docs(application: FastAPI, settings: Callable[[], Settings]) -> None:
    """/docs and its OAuth 2.0 redirect page, and the security scheme of `application`'s
    OpenAPI document; `settings` is called when they are first needed."""
    generate = application.openapi

    def openapi() -> dict[str, Any]:
        schema = generate()
        try:
            current = settings()
        except ValidationError:
            # No settings (a tool exporting the document without an environment): the document
            # the code alone defines. The service itself does not start without them.
            return schema
        if _web_sign_in_on(current):
            _offer_authorization_code(schema, current)
        return schema

    application.openapi = openapi  # type: ignore[method-assign]

    @application.get(DOCS_URL, include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        current = settings()
        init_oauth = None
        if _web_sign_in_on(current):
            init_oauth = {
                "clientId": current.AWS_COGNITO_APP_CLIENT_ID,
                "usePkceWithAuthorizationCodeGrant": True,
                "scopes": list(SCOPES),
            }
        return get_swagger_ui_html(
            openapi_url=f"{root}{application.openapi_url}",
            title=f"{application.title} - Swagger UI",
            oauth2_redirect_url=f"{root}{OAUTH2_REDIRECT_URL}",
            swagger_js_url=f"{root}{OFFLINE_STATIC_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{OFFLINE_STATIC_URL}/swagger-ui.css",
            swagger_favicon_url=f"{root}{OFFLINE_STATIC_URL}/favicon.png",
            swagger_ui_parameters=application.swagger_ui_parameters,
            init_oauth=init_oauth,
        )

    @application.get(OAUTH2_REDIRECT_URL, include_in_schema=False)
    async def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()


def _offer_authorization_code(schema: dict[str, Any], settings: Settings) -> None:
    """The authorization-code flow beside the password flow of the service's scheme (web
    sign-in is on, so the domain is set)."""
    domain = settings.AWS_COGNITO_DOMAIN or ""
    scheme = schema["components"]["securitySchemes"][bearer_token.scheme_name]
    scheme["description"] = AUTHORIZE_HELP_WITH_LOGIN_PAGE
    scheme["flows"]["authorizationCode"] = {
        "authorizationUrl": f"{domain.rstrip('/')}/oauth2/authorize",
        "tokenUrl": TOKEN_URL,
        "scopes": {scope: SCOPE_DESCRIPTIONS[scope] for scope in SCOPES},
    }
