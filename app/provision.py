"""`nox -s provision` (`python -m app.provision`): deploy the service's user pool, write `.env`.

The pool is the kit's CloudFormation template (emulator/cognito_emulator/cloudformation/
cognito-kit.yaml), the one the emulator boots from and `aws cloudformation deploy` deploys as a
stack: its resource server, domain, app clients and "admin" group. This command deploys that
template through the cognito-idp API, with the deployer the emulator uses, rather than as a
CloudFormation stack: it runs the same against the emulator (`--endpoint-url`) and AWS, needs
no CloudFormation permissions, takes over a pool provisioned before (found by name), and writes
the app client's secret straight into `.env`. A pool deployed as a stack is the stack's: update
it with `aws cloudformation deploy` and read its outputs (README), not with this command, which
would change it behind the stack's back.

Only deletion protection, the domain prefix, the service's URL and the trigger functions are
chosen here (the template's parameters). Running it again updates rather than duplicates: the
pool of that name is found (two of that name stop it before anything changes) and its settings,
resource server and app clients (found by name) are set to the template again, keeping their ids
and secrets; the domain it has is kept; what is missing is created. A first run creates
everything.

Against real AWS it uses boto3's usual credentials (environment, profile, SSO, instance role);
the identity needs cognito-idp:ListUserPools, DescribeUserPool, CreateUserPool, UpdateUserPool,
SetUserPoolMfaConfig, ListResourceServers, CreateResourceServer, UpdateResourceServer,
DescribeUserPoolDomain, CreateUserPoolDomain, ListUserPoolClients, DescribeUserPoolClient,
CreateUserPoolClient, UpdateUserPoolClient, ListGroups, CreateGroup and UpdateGroup. With
`--endpoint-url` it provisions the emulator instead (dummy credentials if none are configured).

Lambda triggers, only when asked: `--post-confirmation-arn` and `--pre-token-generation-arn`
name the service's functions (app/triggers/) as deployed, and the pool calls them (pre token
generation with version 2 events, which needs the pool's Essentials or Plus feature plan, the
default of a new pool). Cognito also needs leave to invoke each function, given on the function
(`aws lambda add-permission --principal cognito-idp.amazonaws.com --source-arn POOL_ARN`, see the
README). A run without them leaves the pool with no triggers, and says which it removed.

Deletion protection: on for real AWS, off for an endpoint. The domain prefix, for a pool that
has no domain yet: `--domain-prefix`, else one derived from the pool name with a random suffix
("kit-3f9a2c1b"), because a prefix must be unique among all of AWS's customers in the region and
Cognito refuses one holding "aws", "amazon" or "cognito". The service's URL (`--service-url`,
default http://localhost:8000) gives the app client's callback and sign-out URLs and the
service's SERVICE_PUBLIC_URL.

The `.env` is updated in place with python-dotenv: the keys written here replace earlier values,
other lines (DATABASE_URL, ...) are kept; the file is readable by its owner only (it holds the
secrets).
"""

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError
from dotenv import dotenv_values, set_key, unset_key

from cognito_emulator.bootstrap import DOMAINS_PATH
from cognito_emulator.cloudformation import (
    Change,
    DeployedStack,
    DeployFailed,
    PoolConflict,
    TemplateError,
    boto3_call,
    find_pool,
)
from cognito_emulator.cloudformation.kit_template import (
    ADMIN_GROUP_RESOURCE,
    APP_CLIENT,
    DOMAIN,
    MACHINE_CLIENT,
    NO_TRIGGERS,
    RESOURCE_SERVER,
    USER_POOL,
    TriggerFunctions,
    deploy_kit_template,
    kit_parameters,
)
from cognito_emulator.pool_definition import (
    DEFAULT_CLIENT_NAME,
    DEFAULT_MACHINE_CLIENT_NAME,
    DEFAULT_POOL_NAME,
    DEFAULT_SERVICE_URL,
    PRE_TOKEN_GENERATION_VERSION,
    callback_urls,
    domain_prefix_problem,
    logout_urls,
    service_url_problem,
    unique_domain_prefix,
)
from cognito_emulator.triggers.functions import FUNCTION_ARN

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

ENDPOINT_KEY = "AWS_COGNITO_ENDPOINT_URL"
DOMAIN_KEY = "AWS_COGNITO_DOMAIN"
SERVICE_URL_KEY = "SERVICE_PUBLIC_URL"
# The LambdaConfig member that names no trigger: the custom senders' KMS key.
NOT_A_TRIGGER = "KMSKeyID"
OWNER_ONLY = 0o600


def _domain_prefix(value: str) -> str:
    problem = domain_prefix_problem(value)
    if problem is not None:
        raise argparse.ArgumentTypeError(f"{value!r}: {problem}")
    return value


def _service_url(value: str) -> str:
    """The URL without its trailing slashes, if Cognito and the service would take it."""
    url = value.rstrip("/")
    problem = service_url_problem(url)
    if problem is not None:
        raise argparse.ArgumentTypeError(f"{value!r}: {problem}")
    return url


def _function_arn(value: str) -> str:
    if not FUNCTION_ARN.fullmatch(value):
        raise argparse.ArgumentTypeError(
            f"{value!r}: not a Lambda function ARN "
            "(arn:aws:lambda:REGION:ACCOUNT:function:NAME, as `aws lambda get-function` shows it)"
        )
    return value


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="nox -s provision --",
        description="Create or update the service's Cognito user pool and app clients; write "
        ".env. Safe to run again: it updates what exists.",
    )
    parser.add_argument(
        "--region",
        default=os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1",
        help="AWS region (default: $AWS_REGION, $AWS_DEFAULT_REGION or us-east-1)",
    )
    parser.add_argument("--pool-name", default=DEFAULT_POOL_NAME, help="user pool name")
    parser.add_argument("--client-name", default=DEFAULT_CLIENT_NAME, help="app client name")
    parser.add_argument(
        "--domain-prefix",
        type=_domain_prefix,
        help="the domain prefix of a pool that has no domain yet, unique in the region across "
        "AWS (default: from the pool name plus a random suffix, such as kit-3f9a2c1b)",
    )
    parser.add_argument(
        "--service-url",
        type=_service_url,
        default=DEFAULT_SERVICE_URL,
        help="where browsers reach the service: sign-in returns to URL/auth/callback and "
        f"URL/docs/oauth2-redirect, sign-out to URL/ (default: {DEFAULT_SERVICE_URL})",
    )
    parser.add_argument("--env-file", type=Path, default=Path(".env"), help="file to update")
    parser.add_argument(
        "--endpoint-url", help="Cognito endpoint, e.g. the emulator's http://127.0.0.1:9229"
    )
    parser.add_argument(
        "--post-confirmation-arn",
        type=_function_arn,
        help="the deployed PostConfirmation function (app.triggers.post_confirmation.handler): "
        "it creates each confirmed user's row (default: no such trigger)",
    )
    parser.add_argument(
        "--pre-token-generation-arn",
        type=_function_arn,
        help="the deployed PreTokenGeneration function (app.triggers.pre_token_generation."
        "handler), called with V2_0 events: admins get the API's scopes; needs the Essentials "
        "or Plus feature plan (default: no such trigger)",
    )
    return parser.parse_args(argv)


def idp_client(region: str, endpoint_url: str | None) -> "CognitoIdentityProviderClient":
    session = boto3.session.Session(region_name=region)
    if endpoint_url and session.get_credentials() is None:
        session = boto3.session.Session(
            region_name=region, aws_access_key_id="testing", aws_secret_access_key="testing"
        )
    return session.client("cognito-idp", endpoint_url=endpoint_url)


def provision(
    client: "CognitoIdentityProviderClient",
    *,
    pool_name: str,
    client_name: str,
    deletion_protection: bool,
    domain_prefix: str | None = None,
    endpoint_url: str | None = None,
    service_url: str = DEFAULT_SERVICE_URL,
    triggers: TriggerFunctions = NO_TRIGGERS,
) -> tuple[dict[str, str], DeployedStack]:
    """Deploy the kit's template, calling the functions `triggers` names by ARN; returns the
    settings the service needs and what was deployed. The domain is the pool's own, else
    `domain_prefix`, else a unique one; its URL is Cognito's, or the emulator's for an
    `endpoint_url`. PoolConflict when the account's pools or clients make the pool to update
    ambiguous, DeployFailed when Cognito refuses."""
    call = boto3_call(client)
    if domain_prefix is None:
        existing = find_pool(call, pool_name)
        domain_prefix = (existing or {}).get("Domain") or unique_domain_prefix(pool_name)
    region = client.meta.region_name
    stack = deploy_kit_template(
        call,
        region=region,
        parameters=kit_parameters(
            pool_name=pool_name,
            client_name=client_name,
            machine_client_name=DEFAULT_MACHINE_CLIENT_NAME,
            service_url=service_url,
            domain_prefix=domain_prefix,
            deletion_protection=deletion_protection,
            triggers=triggers,
        ),
    )
    app_client = stack.resources[APP_CLIENT]
    machine_client = stack.resources[MACHINE_CLIENT]
    domain_url = (
        f"{endpoint_url.rstrip('/')}{DOMAINS_PATH}/{domain_prefix}"
        if endpoint_url
        else f"https://{domain_prefix}.auth.{region}.amazoncognito.com"
    )
    values = {
        "AWS_REGION": region,
        "AWS_COGNITO_USER_POOL_ID": stack.resources[USER_POOL].physical_id,
        "AWS_COGNITO_APP_CLIENT_ID": app_client.physical_id,
        "AWS_COGNITO_APP_CLIENT_SECRET": app_client.attributes["ClientSecret"],
        "AWS_COGNITO_MACHINE_CLIENT_ID": machine_client.physical_id,
        "AWS_COGNITO_MACHINE_CLIENT_SECRET": machine_client.attributes["ClientSecret"],
        "AWS_COGNITO_ACCEPTED_CLIENT_IDS": machine_client.physical_id,
        DOMAIN_KEY: domain_url,
        SERVICE_URL_KEY: service_url,
    }
    return values, stack


def summary(
    values: dict[str, str],
    stack: DeployedStack,
    env_file: Path,
    triggers: TriggerFunctions = NO_TRIGGERS,
) -> list[str]:
    """What was created, updated or kept, the triggers the pool calls (and those it no longer
    does), and where the settings went (no secrets)."""
    service_url = values[SERVICE_URL_KEY]
    deployed = stack.resources
    parts: list[tuple[Change, str]] = [
        (
            deployed[USER_POOL].change,
            f"user pool {values['AWS_COGNITO_USER_POOL_ID']} in {values['AWS_REGION']}",
        ),
        (
            deployed[RESOURCE_SERVER].change,
            f"resource server {deployed[RESOURCE_SERVER].physical_id}",
        ),
        (deployed[DOMAIN].change, f"domain {values[DOMAIN_KEY]}"),
        (
            deployed[APP_CLIENT].change,
            f"app client {values['AWS_COGNITO_APP_CLIENT_ID']} (secret written, not shown)",
        ),
        (
            deployed[MACHINE_CLIENT].change,
            f"machine client {values['AWS_COGNITO_MACHINE_CLIENT_ID']} (secret written, not shown)",
        ),
        (
            deployed[ADMIN_GROUP_RESOURCE].change,
            f"group {deployed[ADMIN_GROUP_RESOURCE].physical_id}",
        ),
    ]
    pool = deployed[USER_POOL]
    removed = _triggers_removed(
        (pool.previous or {}).get("LambdaConfig") or {}, pool.properties.get("LambdaConfig") or {}
    )
    return [
        *(f"{change.capitalize()} {part}" for change, part in parts),
        f"Sign-in returns to {' or '.join(callback_urls(service_url))}",
        f"Sign-out returns to {' '.join(logout_urls(service_url))}",
        *_trigger_lines(triggers, removed),
        f"Settings written to {env_file}",
    ]


def _trigger_lines(triggers: TriggerFunctions, removed: Sequence[str]) -> list[str]:
    called = [
        ("PostConfirmation", triggers.post_confirmation),
        (f"PreTokenGeneration ({PRE_TOKEN_GENERATION_VERSION})", triggers.pre_token_generation),
    ]
    lines = [f"Trigger {trigger} calls {arn}" for trigger, arn in called if arn is not None]
    if removed:
        lines.append(f"Removed triggers {', '.join(removed)} (not asked for this time)")
    return lines


def _triggers_removed(had: Mapping[str, Any], has: Mapping[str, Any]) -> list[str]:
    """The triggers of LambdaConfig `had` that LambdaConfig `has` does not set."""
    return sorted(_trigger_names(had) - _trigger_names(has))


def _trigger_names(lambda_config: Mapping[str, Any]) -> set[str]:
    """The triggers a LambdaConfig sets, PreTokenGenerationConfig read as PreTokenGeneration
    (both name the one function)."""
    return {
        "PreTokenGeneration" if name == "PreTokenGenerationConfig" else name
        for name in lambda_config
        if name != NOT_A_TRIGGER
    }


def update_env_file(path: Path, values: dict[str, str], *, remove: Sequence[str] = ()) -> None:
    """Set `values` in a KEY=value file, drop `remove`, keep every other line.

    An existing file is made owner-only before anything is written: python-dotenv (>= 1.2.2)
    writes each change to a new owner-only file beside it, gives that the original file's mode
    (if there was a file) and moves it into place, so the secret is never in a file others may
    read, not even for a moment.
    """
    if path.exists():
        path.chmod(OWNER_ONLY)
    for key, value in values.items():
        set_key(path, key, value, quote_mode="never")
    present = dotenv_values(path)
    for key in remove:
        if key in present:
            unset_key(path, key)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    triggers = TriggerFunctions(
        post_confirmation=args.post_confirmation_arn,
        pre_token_generation=args.pre_token_generation_arn,
    )
    try:
        values, stack = provision(
            idp_client(args.region, args.endpoint_url),
            pool_name=args.pool_name,
            client_name=args.client_name,
            deletion_protection=args.endpoint_url is None,
            domain_prefix=args.domain_prefix,
            endpoint_url=args.endpoint_url,
            service_url=args.service_url,
            triggers=triggers,
        )
    except (BotoCoreError, ClientError, PoolConflict, DeployFailed, TemplateError) as error:
        print(f"provision: {error}", file=sys.stderr)
        return 1
    if args.endpoint_url:
        values[ENDPOINT_KEY] = args.endpoint_url
        update_env_file(args.env_file, values)
    else:
        # Real AWS: a leftover emulator endpoint would silently send the service elsewhere.
        update_env_file(args.env_file, values, remove=[ENDPOINT_KEY])
    print("\n".join(summary(values, stack, args.env_file, triggers)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
