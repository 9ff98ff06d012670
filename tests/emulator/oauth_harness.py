"""A pool with a domain, a resource server and OAuth app clients, for the token endpoint tests.

Codes are issued straight into the emulator's outstanding codes (what the login pages do once a
user has signed in), so these tests exercise the token side alone. Pools, domains, resource
servers and clients are made with boto3, as a user makes them.
"""

from __future__ import annotations

import base64
import json
import urllib.request
from dataclasses import dataclass
from typing import Any

import httpx
import jwt
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

from cognito_emulator.server import EmulatorServer

DOMAIN = "kit-test"
CALLBACK = "https://app.example/callback"
USERNAME = "alice"
PASSWORD = "Correct-Horse-9"
USER_SCOPES = ("openid", "email", "phone", "profile", "aws.cognito.signin.user.admin", "api/read")
M2M_SCOPES = ("api/read", "api/write")
PKCE_VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
# RFC 7636 Appendix B: the S256 challenge of the verifier above.
PKCE_CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


@dataclass(frozen=True)
class OAuthPool:
    server: EmulatorServer
    idp: CognitoIdentityProviderClient
    pool_id: str
    web_client_id: str
    web_client_secret: str
    spa_client_id: str
    m2m_client_id: str
    m2m_client_secret: str
    user_sub: str

    @property
    def domain_url(self) -> str:
        return f"{self.server.endpoint_url}/domains/{DOMAIN}"

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

    def now(self) -> float:
        return self.server.backend.clock.now()

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
    pool_id = idp.create_user_pool(
        PoolName="oauth",
        Schema=[{"Name": "tier", "AttributeDataType": "String", "Mutable": True}],
    )["UserPool"]["Id"]
    idp.create_user_pool_domain(UserPoolId=pool_id, Domain=DOMAIN)
    idp.create_resource_server(
        UserPoolId=pool_id,
        Identifier="api",
        Name="API",
        Scopes=[
            {"ScopeName": "read", "ScopeDescription": "Read"},
            {"ScopeName": "write", "ScopeDescription": "Write"},
        ],
    )
    web = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="web",
        GenerateSecret=True,
        AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthFlows=["code"],
        AllowedOAuthScopes=list(USER_SCOPES),
        CallbackURLs=[CALLBACK],
        SupportedIdentityProviders=["COGNITO"],
    )["UserPoolClient"]
    spa = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="spa",
        AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthFlows=["code", "implicit"],
        AllowedOAuthScopes=list(USER_SCOPES),
        CallbackURLs=[CALLBACK],
        SupportedIdentityProviders=["COGNITO"],
    )["UserPoolClient"]
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
    user = idp.admin_create_user(
        UserPoolId=pool_id,
        Username=USERNAME,
        MessageAction="SUPPRESS",
        UserAttributes=[
            {"Name": "email", "Value": "alice@example.com"},
            {"Name": "email_verified", "Value": "True"},
            {"Name": "phone_number", "Value": "+15555550100"},
            {"Name": "phone_number_verified", "Value": "false"},
            {"Name": "name", "Value": "Alice Liddell"},
            {"Name": "address", "Value": "1 Wonderland Way"},
            {"Name": "custom:tier", "Value": "gold"},
        ],
    )["User"]
    idp.admin_set_user_password(
        UserPoolId=pool_id, Username=USERNAME, Password=PASSWORD, Permanent=True
    )
    sub = next(a["Value"] for a in user["Attributes"] if a["Name"] == "sub")
    return OAuthPool(
        server=server,
        idp=idp,
        pool_id=pool_id,
        web_client_id=web["ClientId"],
        web_client_secret=web["ClientSecret"],
        spa_client_id=spa["ClientId"],
        m2m_client_id=m2m["ClientId"],
        m2m_client_secret=m2m["ClientSecret"],
        user_sub=sub,
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
