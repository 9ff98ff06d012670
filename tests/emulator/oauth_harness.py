"""Pools with a domain, a resource server and OAuth app clients, for the tests of the emulator's
OAuth side. Pools, domains, resource servers, clients and users are made with boto3, as a user
makes them.

- `OAuthPool` (`create_oauth_pool`), for the token endpoint, userInfo and revocation tests:
  codes are issued straight into the emulator's outstanding codes (what the login pages do once
  a user has signed in), so these tests exercise the token side alone.
- `LoginPool` (`create_login_pool`), for the managed login page tests (`test_managed_login_*`),
  with `Browser`, a browser without a browser: one httpx client with its own cookies that
  follows no redirect by itself, so every Location the pages answer with can be checked; it
  reads the form's action and CSRF token from the page, as a browser would.
"""

from __future__ import annotations

import base64
import html
import json
import re
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
import jwt
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
from mypy_boto3_cognito_idp.literals import OAuthFlowTypeType
from mypy_boto3_cognito_idp.type_defs import UserPoolClientTypeTypeDef, UserTypeTypeDef

from cognito_emulator.clock import Clock
from cognito_emulator.oauth import AuthorizationGrant
from cognito_emulator.server import EmulatorServer

DOMAIN = "login-test"
CALLBACK = "https://app.example.com/callback"
LOCAL_CALLBACK = "http://localhost:3000/callback"
SIGNED_OUT = "https://app.example.com/signed-out"
USERNAME = "alice"
EMAIL = "alice@example.com"
PASSWORD = "Correct-Horse-9"
USER_SCOPES = ("openid", "email", "phone", "profile", "aws.cognito.signin.user.admin", "api/read")
M2M_SCOPES = ("api/read", "api/write")
CLIENT_SCOPES = ("openid", "email", "profile", "aws.cognito.signin.user.admin", "orders/read")
PKCE_VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
# RFC 7636 Appendix B: the S256 challenge of the verifier above.
PKCE_CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
_FORM = re.compile(
    r'<form method="post" action="([^"]*)">\s*<input type="hidden" name="_csrf" '
    r'value="([^"]*)">'
)
_ALERT = re.compile(r'<p[^>]*role="alert"[^>]*>(.*?)</p>', re.S)
_NOTICE = re.compile(r'<p class="notice" role="status">(.*?)</p>', re.S)


# -- building a pool ------------------------------------------------------------------------------


def create_domain_pool(
    idp: CognitoIdentityProviderClient,
    pool_name: str,
    *,
    resource_server: tuple[str, str],
    scopes: dict[str, str],
    **pool_settings: Any,
) -> str:
    """A pool with the domain DOMAIN and one resource server: (identifier, name), with `scopes`
    (name → description)."""
    pool_id = idp.create_user_pool(PoolName=pool_name, **pool_settings)["UserPool"]["Id"]
    idp.create_user_pool_domain(UserPoolId=pool_id, Domain=DOMAIN)
    identifier, name = resource_server
    idp.create_resource_server(
        UserPoolId=pool_id,
        Identifier=identifier,
        Name=name,
        Scopes=[
            {"ScopeName": scope, "ScopeDescription": description}
            for scope, description in scopes.items()
        ],
    )
    return pool_id


def create_login_client(
    idp: CognitoIdentityProviderClient,
    pool_id: str,
    name: str,
    *,
    scopes: Sequence[str] = ("openid",),
    flows: Sequence[OAuthFlowTypeType] = ("code",),
    callbacks: Sequence[str] = (CALLBACK,),
    **settings: Any,
) -> UserPoolClientTypeTypeDef:
    """An app client whose users sign in on the login pages: OAuth on for `flows` and `scopes`,
    COGNITO as its identity provider; `settings` adds other CreateUserPoolClient members."""
    return idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName=name,
        AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthFlows=list(flows),
        AllowedOAuthScopes=list(scopes),
        CallbackURLs=list(callbacks),
        SupportedIdentityProviders=["COGNITO"],
        **settings,
    )["UserPoolClient"]


def create_user(
    idp: CognitoIdentityProviderClient,
    pool_id: str,
    username: str,
    password: str,
    attributes: dict[str, str],
    *,
    temporary: bool = False,
) -> UserTypeTypeDef:
    """A user an administrator created: confirmed, or with `password` as a temporary password
    (FORCE_CHANGE_PASSWORD)."""
    user = idp.admin_create_user(
        UserPoolId=pool_id,
        Username=username,
        MessageAction="SUPPRESS",
        TemporaryPassword=password,
        UserAttributes=[{"Name": name, "Value": value} for name, value in attributes.items()],
    )["User"]
    if not temporary:
        idp.admin_set_user_password(
            UserPoolId=pool_id, Username=username, Password=password, Permanent=True
        )
    return user


@dataclass(frozen=True)
class DomainPool:
    """A pool served under DOMAIN by the emulator."""

    server: EmulatorServer
    idp: CognitoIdentityProviderClient
    pool_id: str

    @property
    def domain_url(self) -> str:
        return f"{self.server.endpoint_url}/domains/{DOMAIN}"

    def now(self) -> float:
        return self.server.backend.clock.now()


# -- the token side -------------------------------------------------------------------------------


@dataclass(frozen=True)
class OAuthPool(DomainPool):
    web_client_id: str
    web_client_secret: str
    spa_client_id: str
    m2m_client_id: str
    m2m_client_secret: str
    user_sub: str

    @property
    def issuer(self) -> str:
        return f"https://cognito-idp.{self.server.region}.amazonaws.com/{self.pool_id}"

    def issue_code(
        self,
        *,
        client_id: str | None = None,
        scopes: tuple[str, ...] = USER_SCOPES,
        username: str = USERNAME,
        redirect_uri: str = CALLBACK,
        auth_time: int | None = None,
        nonce: str | None = None,
        code_challenge: str | None = None,
    ) -> str:
        """A code as the login pages issue it after `username` signed in at `auth_time`."""
        app = self.server.app
        codes = self.server.backend._authorization_codes
        signed_in_at = auth_time if auth_time is not None else int(self.now()) - 30
        return app.locked(
            lambda: codes.issue(
                pool_id=self.pool_id,
                client_id=client_id or self.web_client_id,
                redirect_uri=redirect_uri,
                username=username,
                scopes=scopes,
                auth_time=signed_in_at,
                nonce=nonce,
                code_challenge=code_challenge,
            )
        )

    def post_token(
        self,
        data: dict[str, str],
        *,
        basic: tuple[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        return _post(f"{self.domain_url}/oauth2/token", data, basic, headers)

    def post_revoke(
        self, data: dict[str, str], *, basic: tuple[str, str] | None = None
    ) -> httpx.Response:
        return _post(f"{self.domain_url}/oauth2/revoke", data, basic, None)

    def user_info(self, access_token: str) -> httpx.Response:
        return httpx.get(
            f"{self.domain_url}/oauth2/userInfo",
            headers={"Authorization": f"Bearer {access_token}"},
        )

    def redeem(self, code: str, **extra: str) -> dict[str, Any]:
        """Tokens for a code of the web client (HTTP Basic, its callback URL)."""
        response = self.post_token(
            {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK, **extra},
            basic=(self.web_client_id, self.web_client_secret),
        )
        assert response.status_code == 200, response.text
        tokens: dict[str, Any] = response.json()
        return tokens

    def sign_in(self, **code_options: Any) -> dict[str, Any]:
        """Tokens of an authorization-code sign-in of the web client."""
        return self.redeem(self.issue_code(**code_options))

    def spa_sign_in(self) -> dict[str, Any]:
        """What /oauth2/token answers for a code of the public SPA client, which names itself
        with `client_id` in the body."""
        code = self.issue_code(client_id=self.spa_client_id)
        answer: dict[str, Any] = self.post_token(
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": CALLBACK,
                "client_id": self.spa_client_id,
            }
        ).json()
        return answer

    def verify(self, token: str, client_id: str | None = None) -> dict[str, Any]:
        """The claims of a token, checked as an app checks them: against the pool's JWKS,
        RS256 only, exact issuer, `aud` for ID tokens."""
        client_id = client_id or self.web_client_id
        url = f"{self.server.endpoint_url}/{self.pool_id}/.well-known/jwks.json"
        with urllib.request.urlopen(url, timeout=5) as response:
            keys = json.load(response)["keys"]
        kid = jwt.get_unverified_header(token)["kid"]
        key = jwt.PyJWK.from_dict(next(k for k in keys if k["kid"] == kid)).key
        is_id_token = jwt.decode(token, options={"verify_signature": False})["token_use"] == "id"
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=["RS256"],
            issuer=self.issuer,
            audience=client_id if is_id_token else None,
            options={"verify_aud": is_id_token, "verify_exp": False, "verify_iat": False},
        )
        return claims


def create_oauth_pool(server: EmulatorServer, idp: CognitoIdentityProviderClient) -> OAuthPool:
    pool_id = create_domain_pool(
        idp,
        "oauth",
        resource_server=("api", "API"),
        scopes={"read": "Read", "write": "Write"},
        Schema=[{"Name": "tier", "AttributeDataType": "String", "Mutable": True}],
    )
    web = create_login_client(idp, pool_id, "web", scopes=USER_SCOPES, GenerateSecret=True)
    spa = create_login_client(idp, pool_id, "spa", scopes=USER_SCOPES, flows=("code", "implicit"))
    m2m = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="m2m",
        GenerateSecret=True,
        AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthFlows=["client_credentials"],
        AllowedOAuthScopes=list(M2M_SCOPES),
        AccessTokenValidity=15,
        TokenValidityUnits={"AccessToken": "minutes"},
    )["UserPoolClient"]
    user = create_user(
        idp,
        pool_id,
        USERNAME,
        PASSWORD,
        {
            "email": EMAIL,
            "email_verified": "True",
            "phone_number": "+15555550100",
            "phone_number_verified": "false",
            "name": "Alice Liddell",
            "address": "1 Wonderland Way",
            "custom:tier": "gold",
        },
    )
    return OAuthPool(
        server=server,
        idp=idp,
        pool_id=pool_id,
        web_client_id=web["ClientId"],
        web_client_secret=web["ClientSecret"],
        spa_client_id=spa["ClientId"],
        m2m_client_id=m2m["ClientId"],
        m2m_client_secret=m2m["ClientSecret"],
        user_sub=next(a["Value"] for a in user["Attributes"] if a["Name"] == "sub"),
    )


def basic_header(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode("ascii")


def _post(
    url: str,
    data: dict[str, str],
    basic: tuple[str, str] | None,
    headers: dict[str, str] | None,
) -> httpx.Response:
    sent = dict(headers or {})
    if basic is not None:
        sent["Authorization"] = basic_header(*basic)
    return httpx.post(url, data=data, headers=sent)


# -- the login pages ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoginPool(DomainPool):
    client_id: str  # public: code and implicit grants; ExplicitAuthFlows refresh only
    web_client_id: str  # confidential (a secret): code grant only, scopes openid and email

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
        """A user an administrator created with a verified email: confirmed, or with a
        temporary password (FORCE_CHANGE_PASSWORD)."""
        attributes = {"email": email, "email_verified": "true"}
        create_user(self.idp, self.pool_id, username, password, attributes, temporary=temporary)

    def user_status(self, username: str = USERNAME) -> str:
        return self.idp.admin_get_user(UserPoolId=self.pool_id, Username=username)["UserStatus"]

    def take_code(self, code: str) -> AuthorizationGrant | None:
        """What a code stands for (spending it), as the token endpoint reads it."""
        codes = self.server.backend._authorization_codes
        return self.server.app.locked(lambda: codes.take(code))

    def sessions(self) -> int:
        """How many login sessions the emulator holds."""
        return self.server.app.locked(lambda: len(self.server.backend.managed_login.sessions))


def create_login_pool(server: EmulatorServer, idp: CognitoIdentityProviderClient) -> LoginPool:
    pool_id = create_domain_pool(
        idp,
        "managed-login",
        resource_server=("orders", "Orders"),
        scopes={"read": "Read orders"},
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
    )
    public = create_login_client(
        idp,
        pool_id,
        "spa",
        scopes=CLIENT_SCOPES,
        flows=("code", "implicit"),
        callbacks=(CALLBACK, LOCAL_CALLBACK),
        ExplicitAuthFlows=["ALLOW_REFRESH_TOKEN_AUTH"],
        LogoutURLs=[SIGNED_OUT],
    )
    web = create_login_client(idp, pool_id, "web", scopes=("openid", "email"), GenerateSecret=True)
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


class StoppedClock(Clock):
    """The emulator clock stopped, so a bound is checked at its exact instant."""

    def __init__(self, now: float) -> None:
        super().__init__()
        self.current = now

    def now(self) -> float:
        return self.current
