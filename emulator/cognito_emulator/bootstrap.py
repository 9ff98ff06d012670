"""The pool a fresh emulator starts with: the kit's pool definition, and the settings an app
needs to reach it.

Created through the same operations (CreateUserPool, CreateResourceServer, CreateUserPoolDomain,
CreateUserPoolClient, CreateGroup) a boto3 client would send, so the emulator's fidelity layer
sees them exactly as it would see a user's own setup, and the service's provisioning creates the
very same pool on AWS (`pool_definition`).

The pool's domain is served under the emulator's own address, at `{endpoint}/domains/{prefix}`.
Its prefix comes from the pool name ("cognito-kit" gives "kit": Cognito refuses prefixes holding
"cognito"); a prefix another pool of the emulator holds gets the first free "-2", "-3", ...
The app client's callback and sign-out URLs are under the service's URL (http://localhost:8000
unless the caller says where its service runs). No Lambda triggers unless the caller names the
functions (the service's own, in `nox -s dev`).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from urllib.parse import urlencode

from cognito_emulator.pool_definition import (
    DEFAULT_CLIENT_NAME,
    DEFAULT_POOL_NAME,
    DEFAULT_SERVICE_URL,
    NO_TRIGGERS,
    SWAGGER_REDIRECT_PATH,
    CognitoCall,
    TriggerFunctions,
    create_pool,
    domain_prefix_for,
)

DOMAINS_PATH = "/domains"
LOGIN_SCOPES = ("openid", "email")


@dataclass(frozen=True)
class PoolConfig:
    """What an app needs to talk to one bootstrapped pool."""

    region: str
    user_pool_id: str
    client_id: str
    client_secret: str
    endpoint_url: str
    domain: str | None = None
    """The pool's domain prefix; its pages and OAuth endpoints are under `domain_url`."""
    machine_client_id: str | None = None
    machine_client_secret: str | None = None
    service_url: str = DEFAULT_SERVICE_URL
    """Where the service runs, as its app client's callback and sign-out URLs have it."""

    @property
    def domain_url(self) -> str | None:
        """Where the emulator serves the pool's domain (`https://{prefix}.auth.{region}.
        amazoncognito.com` on AWS): /login, /oauth2/authorize, /oauth2/token, ..."""
        if self.domain is None:
            return None
        return f"{self.endpoint_url}{DOMAINS_PATH}/{self.domain}"

    @property
    def login_url(self) -> str | None:
        """The managed login page for the app client, back to Swagger UI's redirect page."""
        if self.domain_url is None:
            return None
        query = urlencode(
            {
                "client_id": self.client_id,
                "response_type": "code",
                "scope": " ".join(LOGIN_SCOPES),
                "redirect_uri": f"{self.service_url}{SWAGGER_REDIRECT_PATH}",
            }
        )
        return f"{self.domain_url}/login?{query}"

    def as_env(self) -> dict[str, str]:
        """The service's settings, with dummy AWS credentials boto3 needs to sign requests. The
        machine client's tokens are among those the service accepts."""
        env = {
            "AWS_REGION": self.region,
            "AWS_COGNITO_USER_POOL_ID": self.user_pool_id,
            "AWS_COGNITO_APP_CLIENT_ID": self.client_id,
            "AWS_COGNITO_APP_CLIENT_SECRET": self.client_secret,
            "AWS_COGNITO_ENDPOINT_URL": self.endpoint_url,
        }
        if self.domain_url is not None:
            env["AWS_COGNITO_DOMAIN"] = self.domain_url
        if self.machine_client_id is not None and self.machine_client_secret is not None:
            env["AWS_COGNITO_MACHINE_CLIENT_ID"] = self.machine_client_id
            env["AWS_COGNITO_MACHINE_CLIENT_SECRET"] = self.machine_client_secret
            env["AWS_COGNITO_ACCEPTED_CLIENT_IDS"] = self.machine_client_id
        env["SERVICE_PUBLIC_URL"] = self.service_url
        return {**env, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}

    def env_file_text(self) -> str:
        return "".join(f"{key}={value}\n" for key, value in self.as_env().items())


def bootstrap(
    dispatch: CognitoCall,
    *,
    region: str,
    endpoint_url: str,
    pool_name: str = DEFAULT_POOL_NAME,
    client_name: str = DEFAULT_CLIENT_NAME,
    domain_prefix: str | None = None,
    service_url: str = DEFAULT_SERVICE_URL,
    triggers: TriggerFunctions = NO_TRIGGERS,
) -> PoolConfig:
    """Creates the defined pool through the emulator's `dispatch`, for a service at
    `service_url` (no trailing slash), calling the functions `triggers` names by ARN; the
    settings to reach it. Without a `domain_prefix`, the first free one derived from the pool
    name."""
    prefix = domain_prefix or _free_domain_prefix(dispatch, domain_prefix_for(pool_name))
    created = create_pool(
        dispatch,
        pool_name=pool_name,
        client_name=client_name,
        domain_prefix=prefix,
        service_url=service_url,
        triggers=triggers,
    )
    return PoolConfig(
        region=region,
        user_pool_id=created.user_pool_id,
        client_id=created.client_id,
        client_secret=created.client_secret,
        endpoint_url=endpoint_url,
        domain=created.domain_prefix,
        machine_client_id=created.machine_client_id,
        machine_client_secret=created.machine_client_secret,
        service_url=service_url,
    )


def _free_domain_prefix(dispatch: CognitoCall, base: str) -> str:
    """`base`, or `base-2`, `base-3`, ...: the first no pool holds (DescribeUserPoolDomain of
    an unknown domain answers an empty DomainDescription)."""
    candidates = itertools.chain([base], (f"{base}-{n}" for n in itertools.count(2)))
    return next(
        candidate
        for candidate in candidates
        if not dispatch("DescribeUserPoolDomain", {"Domain": candidate})["DomainDescription"]
    )
