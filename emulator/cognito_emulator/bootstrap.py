"""The pool a fresh emulator starts with, and the settings an app needs to reach it.

By default the kit's template (`cloudformation/cognito-kit.yaml`), the very definition
`cognito-kit-provision` and `aws cloudformation deploy` put on AWS, deployed through the
emulator's own dispatch: the fidelity layer sees the operations exactly as it would see a user's
own setup. Or any template of the user's (`--template`), with the parameters they give.

Deploying finds what exists by name, so bootstrapping again — in the same emulator, or after a
restart on the same `--state-dir` — reuses the pool, its clients and their secrets: the settings
come out the same. The pool's domain is served under the emulator's own address, at
`{endpoint}/domains/{prefix}`. A pool that has a domain keeps it; a new one gets the prefix asked
for, or one derived from the pool name ("cognito-kit" gives "kit": Cognito refuses prefixes
holding "cognito"), the first free of it, "-2", "-3", ... The app client's callback and sign-out
URLs are under the service's URL (http://localhost:8000 unless the caller says where its service
runs). No Lambda triggers unless the caller names the functions (the service's own, in
`nox -s dev`).

The settings describe the stack's first user pool, of its clients the first without the client
credentials grant (the app client) and the first with it (the machine client), and its domain.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from cognito_emulator.cloudformation import (
    CognitoCall,
    DeployedStack,
    Template,
    TemplateError,
    deploy,
    find_pool,
)
from cognito_emulator.cloudformation.kit_template import (
    NO_TRIGGERS,
    TriggerFunctions,
    deploy_kit_template,
    kit_parameters,
)
from cognito_emulator.cloudformation.resource_types.user_pool import UserPool
from cognito_emulator.cloudformation.resource_types.user_pool_client import UserPoolClient
from cognito_emulator.cloudformation.resource_types.user_pool_domain import UserPoolDomain
from cognito_emulator.moto_adapter import EMULATOR_ACCOUNT_ID
from cognito_emulator.pool_definition import (
    DEFAULT_CLIENT_NAME,
    DEFAULT_POOL_NAME,
    DEFAULT_SERVICE_URL,
    SWAGGER_REDIRECT_PATH,
    domain_prefix_for,
)

DOMAINS_PATH = "/domains"
LOGIN_SCOPES = ("openid", "email")
MACHINE_GRANT = "client_credentials"


@dataclass(frozen=True)
class PoolConfig:
    """What an app needs to talk to one bootstrapped pool."""

    region: str
    user_pool_id: str
    client_id: str
    client_secret: str
    """Empty for an app client without a secret (a public client of a user's template)."""
    endpoint_url: str
    domain: str | None = None
    """The pool's domain prefix; its pages and OAuth endpoints are under `domain_url`."""
    machine_client_id: str | None = None
    machine_client_secret: str | None = None
    service_url: str | None = DEFAULT_SERVICE_URL
    """Where the service runs, as its app client's callback and sign-out URLs have it (None for
    a user's template: the kit's service is not what it serves)."""
    callback_url: str | None = None
    """Where the login page returns; None: Swagger UI's redirect page under `service_url`."""

    @property
    def domain_url(self) -> str | None:
        """Where the emulator serves the pool's domain (`https://{prefix}.auth.{region}.
        amazoncognito.com` on AWS): /login, /oauth2/authorize, /oauth2/token, ..."""
        if self.domain is None:
            return None
        return f"{self.endpoint_url}{DOMAINS_PATH}/{self.domain}"

    @property
    def login_url(self) -> str | None:
        """The managed login page for the app client, back to Swagger UI's redirect page (or
        the client's first callback URL)."""
        redirect_uri = self.callback_url or (
            None if self.service_url is None else f"{self.service_url}{SWAGGER_REDIRECT_PATH}"
        )
        if self.domain_url is None or redirect_uri is None:
            return None
        query = urlencode(
            {
                "client_id": self.client_id,
                "response_type": "code",
                "scope": " ".join(LOGIN_SCOPES),
                "redirect_uri": redirect_uri,
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
        }
        if self.client_secret:
            env["AWS_COGNITO_APP_CLIENT_SECRET"] = self.client_secret
        env["AWS_COGNITO_ENDPOINT_URL"] = self.endpoint_url
        if self.domain_url is not None:
            env["AWS_COGNITO_DOMAIN"] = self.domain_url
        if self.machine_client_id is not None and self.machine_client_secret is not None:
            env["AWS_COGNITO_MACHINE_CLIENT_ID"] = self.machine_client_id
            env["AWS_COGNITO_MACHINE_CLIENT_SECRET"] = self.machine_client_secret
            env["AWS_COGNITO_ACCEPTED_CLIENT_IDS"] = self.machine_client_id
        if self.service_url is not None:
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
    service_url: str = DEFAULT_SERVICE_URL,
    triggers: TriggerFunctions = NO_TRIGGERS,
    parameters: Mapping[str, str] | None = None,
) -> PoolConfig:
    """Deploys the kit's template through the emulator's `dispatch`, for a service at
    `service_url` (no trailing slash), calling the functions `triggers` names by ARN;
    `parameters` override any of the template's (DomainPrefix too: by default the pool's own
    domain, else the first free one derived from its name). The settings to reach the pool."""
    values = {
        **kit_parameters(
            pool_name=pool_name,
            client_name=client_name,
            service_url=service_url,
            deletion_protection=False,
            triggers=triggers,
        ),
        **(parameters or {}),
    }
    if not values["DomainPrefix"]:
        existing = find_pool(dispatch, values["PoolName"])
        values["DomainPrefix"] = (existing or {}).get("Domain") or _free_domain_prefix(
            dispatch, domain_prefix_for(values["PoolName"])
        )
    stack = deploy_kit_template(
        dispatch, region=region, parameters=values, account_id=EMULATOR_ACCOUNT_ID
    )
    return pool_config(
        stack, region=region, endpoint_url=endpoint_url, service_url=values["ServiceUrl"]
    )


def bootstrap_template(
    dispatch: CognitoCall,
    template: Template,
    *,
    region: str,
    endpoint_url: str,
    parameters: Mapping[str, str] | None = None,
) -> PoolConfig:
    """Deploys a user's template with the `parameters` given; the settings of its first pool.
    TemplateError also when it defines no pool with an app client."""
    stack = deploy(
        template,
        dispatch,
        region=region,
        parameters=parameters,
        account_id=EMULATOR_ACCOUNT_ID,
    )
    return pool_config(stack, region=region, endpoint_url=endpoint_url, service_url=None)


def pool_config(
    stack: DeployedStack, *, region: str, endpoint_url: str, service_url: str | None
) -> PoolConfig:
    """The settings of the stack's first pool, its app client, machine client and domain."""
    pools = stack.of_type(UserPool.name)
    if not pools:
        raise TemplateError(
            f"the template deploys no {UserPool.name}: the bootstrap's settings describe a pool"
        )
    pool_id = pools[0].physical_id
    clients = [
        client
        for client in stack.of_type(UserPoolClient.name)
        if client.properties["UserPoolId"] == pool_id
    ]
    apps = [c for c in clients if MACHINE_GRANT not in c.properties.get("AllowedOAuthFlows", [])]
    machines = [c for c in clients if c not in apps]
    if not apps:
        raise TemplateError(
            f"the template deploys no {UserPoolClient.name} for the pool {pools[0].logical_id} "
            "other than for client credentials: the bootstrap's settings describe an app client"
        )
    app = apps[0]
    machine = machines[0] if machines else None
    domain = next(
        (
            deployed.physical_id
            for deployed in stack.of_type(UserPoolDomain.name)
            if deployed.properties["UserPoolId"] == pool_id
        ),
        None,
    )
    callbacks = app.properties.get("CallbackURLs") or [None]
    return PoolConfig(
        region=region,
        user_pool_id=pool_id,
        client_id=app.physical_id,
        client_secret=app.attributes.get("ClientSecret", ""),
        endpoint_url=endpoint_url,
        domain=domain,
        machine_client_id=None if machine is None else machine.physical_id,
        machine_client_secret=None if machine is None else machine.attributes.get("ClientSecret"),
        service_url=service_url,
        callback_url=None if service_url is not None else callbacks[0],
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
