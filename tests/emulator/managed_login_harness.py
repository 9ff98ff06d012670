"""A pool with a domain and OAuth app clients, and a browser without a browser, for the managed
login page tests (`test_managed_login_*.py`).

The pool, its domain, resource server, clients and users are made with boto3, as a user makes
them. Each `Browser` is one httpx client with its own cookies that follows no redirect by itself,
so every Location the pages answer with can be checked; it reads the form's action and CSRF
token from the page, as a browser would.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

from cognito_emulator.oauth import AuthorizationGrant
from cognito_emulator.server import EmulatorServer

DOMAIN = "login-test"
CALLBACK = "https://app.example.com/callback"
LOCAL_CALLBACK = "http://localhost:3000/callback"
SIGNED_OUT = "https://app.example.com/signed-out"
USERNAME = "alice"
EMAIL = "alice@example.com"
PASSWORD = "Correct-Horse-9"
CLIENT_SCOPES = ("openid", "email", "profile", "aws.cognito.signin.user.admin", "orders/read")
_FORM = re.compile(
    r'<form method="post" action="([^"]*)">\s*<input type="hidden" name="_csrf" '
    r'value="([^"]*)">'
)
_ALERT = re.compile(r'<p[^>]*role="alert"[^>]*>(.*?)</p>', re.S)
_NOTICE = re.compile(r'<p class="notice" role="status">(.*?)</p>', re.S)


@dataclass(frozen=True)
class LoginPool:
    server: EmulatorServer
    idp: CognitoIdentityProviderClient
    pool_id: str
    client_id: str  # public: code and implicit grants; ExplicitAuthFlows refresh only
    web_client_id: str  # confidential (a secret): code grant only, scopes openid and email

    @property
    def domain_url(self) -> str:
        return f"{self.server.endpoint_url}/domains/{DOMAIN}"

    def browser(self) -> Browser:
        """A new browser: no cookies yet."""
        return Browser(self.server.endpoint_url, self.domain_url)

    def authorize_query(self, **parameters: str | None) -> dict[str, str]:
        """The public client's code request for its first callback URL, changed by `parameters`
        (None leaves one out)."""
        query: dict[str, str | None] = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": CALLBACK,
            "state": "st-123",
            **parameters,
        }
        return {name: value for name, value in query.items() if value is not None}

    def add_user(
        self,
        username: str = USERNAME,
        *,
        password: str = PASSWORD,
        email: str = EMAIL,
        temporary: bool = False,
    ) -> None:
        """A user an administrator created: confirmed with a verified email, or with a
        temporary password (FORCE_CHANGE_PASSWORD)."""
        self.idp.admin_create_user(
            UserPoolId=self.pool_id,
            Username=username,
            MessageAction="SUPPRESS",
            TemporaryPassword=password,
            UserAttributes=[
                {"Name": "email", "Value": email},
                {"Name": "email_verified", "Value": "true"},
            ],
        )
        if not temporary:
            self.idp.admin_set_user_password(
                UserPoolId=self.pool_id, Username=username, Password=password, Permanent=True
            )

    def user_status(self, username: str = USERNAME) -> str:
        return self.idp.admin_get_user(UserPoolId=self.pool_id, Username=username)["UserStatus"]

    def take_code(self, code: str) -> AuthorizationGrant | None:
        """What a code stands for (spending it), as the token endpoint reads it."""
        codes = self.server.backend._authorization_codes
        return self.server.app.locked(lambda: codes.take(code))

    def sessions(self) -> int:
        """How many login sessions the emulator holds."""
        return self.server.app.locked(lambda: len(self.server.backend.managed_login.sessions))

    def now(self) -> float:
        return self.server.backend.clock.now()


def create_login_pool(server: EmulatorServer, idp: CognitoIdentityProviderClient) -> LoginPool:
    pool_id = idp.create_user_pool(
        PoolName="managed-login",
        Policies={
            "PasswordPolicy": {
                "MinimumLength": 8,
                "RequireUppercase": True,
                "RequireLowercase": True,
                "RequireNumbers": True,
                "RequireSymbols": True,
            }
        },
        AutoVerifiedAttributes=["email"],
        Schema=[{"Name": "email", "AttributeDataType": "String", "Required": True}],
        AccountRecoverySetting={"RecoveryMechanisms": [{"Priority": 1, "Name": "verified_email"}]},
    )["UserPool"]["Id"]
    idp.create_user_pool_domain(UserPoolId=pool_id, Domain=DOMAIN)
    idp.create_resource_server(
        UserPoolId=pool_id,
        Identifier="orders",
        Name="Orders",
        Scopes=[{"ScopeName": "read", "ScopeDescription": "Read orders"}],
    )
    public = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="spa",
        ExplicitAuthFlows=["ALLOW_REFRESH_TOKEN_AUTH"],
        AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthFlows=["code", "implicit"],
        AllowedOAuthScopes=list(CLIENT_SCOPES),
        CallbackURLs=[CALLBACK, LOCAL_CALLBACK],
        LogoutURLs=[SIGNED_OUT],
        SupportedIdentityProviders=["COGNITO"],
    )["UserPoolClient"]
    web = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="web",
        GenerateSecret=True,
        AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthFlows=["code"],
        AllowedOAuthScopes=["openid", "email"],
        CallbackURLs=[CALLBACK],
        SupportedIdentityProviders=["COGNITO"],
    )["UserPoolClient"]
    return LoginPool(server, idp, pool_id, public["ClientId"], web["ClientId"])


class Browser:
    """One browser's cookies and requests; redirects are answers to check, not to follow."""

    def __init__(self, endpoint_url: str, domain_url: str) -> None:
        self.endpoint_url = endpoint_url
        self.domain_url = domain_url
        self.http = httpx.Client(follow_redirects=False, timeout=10)

    def get(self, path: str, params: Any = None) -> httpx.Response:
        """GET a path of the pool's domain (`/oauth2/authorize`, `/login`, ...)."""
        return self.http.get(f"{self.domain_url}{path}", params=params)

    def follow(self, response: httpx.Response) -> httpx.Response:
        """GET the emulator page a redirect points at."""
        location = response.headers["location"]
        assert location.startswith("/domains/"), location
        return self.http.get(self.endpoint_url + location)

    def submit(
        self, page: httpx.Response, fields: dict[str, str], *, form: int = 0
    ) -> httpx.Response:
        """Post the page's form (the `form`-th) with its CSRF token and `fields` typed in."""
        action, token = forms(page.text)[form]
        return self.http.post(self.endpoint_url + action, data={"_csrf": token, **fields})

    def sign_in(
        self, query: dict[str, str], username: str = USERNAME, password: str = PASSWORD
    ) -> httpx.Response:
        """Authorize, follow to the sign-in page and post the credentials: the last answer."""
        authorize = self.get("/oauth2/authorize", query)
        assert authorize.status_code == 302, authorize.text
        page = self.follow(authorize)
        assert page.status_code == 200, page.text
        return self.submit(page, {"username": username, "password": password})

    @property
    def session_cookie(self) -> str | None:
        return self.http.cookies.get("cognito")


def forms(page: str) -> list[tuple[str, str]]:
    """Each form's (action, CSRF token), unescaped as a browser reads them."""
    return [(html.unescape(action), token) for action, token in _FORM.findall(page)]


def alert(page: str) -> str:
    """The message the page shows as an alert."""
    found = _ALERT.search(page)
    assert found is not None, page
    return html.unescape(found.group(1))


def notice(page: str) -> str | None:
    found = _NOTICE.search(page)
    return html.unescape(found.group(1)) if found else None


def query_of(location: str) -> dict[str, str]:
    """A redirect's query parameters (each given once)."""
    pairs = parse_qsl(urlsplit(location).query, keep_blank_values=True)
    assert len({name for name, _ in pairs}) == len(pairs), location
    return dict(pairs)


def fragment_of(location: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(location).fragment, keep_blank_values=True))


def page_path(page: str, parameters: dict[str, str]) -> str:
    """Where the pages send a browser: `/domains/{DOMAIN}/{page}?{parameters}`."""
    return f"/domains/{DOMAIN}/{page}?{urlencode(parameters)}"
