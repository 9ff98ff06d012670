"""The kit's own template, cognito-kit.yaml beside this module: the service's pool, defined once.

The emulator's default bootstrap deploys it, `cognito-kit-provision` deploys it through the
cognito-idp API, `aws cloudformation deploy --template-file` deploys it as a stack. Here: where
it is, the logical ids of its resources, and its parameters from Python values.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from cognito_emulator.cloudformation.cognito_calls import CognitoCall
from cognito_emulator.cloudformation.deployer import deploy
from cognito_emulator.cloudformation.stack import DeployedStack
from cognito_emulator.cloudformation.template import Template, read_template
from cognito_emulator.pool_definition import (
    DEFAULT_CLIENT_NAME,
    DEFAULT_MACHINE_CLIENT_NAME,
    DEFAULT_POOL_NAME,
    DEFAULT_SERVICE_URL,
)

KIT_TEMPLATE_PATH = Path(__file__).with_name("cognito-kit.yaml")
KIT_STACK_NAME = "cognito-kit"

USER_POOL = "UserPool"
RESOURCE_SERVER = "ResourceServer"
DOMAIN = "Domain"
APP_CLIENT = "AppClient"
MACHINE_CLIENT = "MachineClient"
ADMIN_GROUP_RESOURCE = "AdminGroup"


@functools.cache
def kit_template() -> Template:
    """The kit's template, read once."""
    return read_template(KIT_TEMPLATE_PATH)


@dataclass(frozen=True)
class TriggerFunctions:
    """The service's Lambda triggers the pool calls; None: no such trigger. Each is a function's
    ARN (`arn:aws:lambda:{region}:{account}:function:NAME`), or, for the emulator's bootstrap,
    a function's name until `resolved` turns it into one."""

    post_confirmation: str | None = None
    pre_token_generation: str | None = None
    """Called with version 2 events (the template's LambdaVersion V2_0)."""

    def resolved(self, arn_of: Callable[[str], str]) -> TriggerFunctions:
        """The same triggers, each function named by `arn_of(name)`."""
        return TriggerFunctions(
            post_confirmation=_mapped(self.post_confirmation, arn_of),
            pre_token_generation=_mapped(self.pre_token_generation, arn_of),
        )


NO_TRIGGERS = TriggerFunctions()


def _mapped(function: str | None, arn_of: Callable[[str], str]) -> str | None:
    return None if function is None else arn_of(function)


def kit_parameters(
    *,
    deletion_protection: bool,
    pool_name: str = DEFAULT_POOL_NAME,
    client_name: str = DEFAULT_CLIENT_NAME,
    machine_client_name: str = DEFAULT_MACHINE_CLIENT_NAME,
    service_url: str = DEFAULT_SERVICE_URL,
    domain_prefix: str | None = None,
    triggers: TriggerFunctions = NO_TRIGGERS,
) -> dict[str, str]:
    """The kit template's parameter values (`domain_prefix` None: no domain). Deletion
    protection is the caller's choice: on for a real pool that holds users, off wherever pools
    are thrown away (emulator, tests)."""
    return {
        "PoolName": pool_name,
        "AppClientName": client_name,
        "MachineClientName": machine_client_name,
        "ServiceUrl": service_url,
        "DomainPrefix": domain_prefix or "",
        "DeletionProtection": "ACTIVE" if deletion_protection else "INACTIVE",
        "PostConfirmationFunctionArn": triggers.post_confirmation or "",
        "PreTokenGenerationFunctionArn": triggers.pre_token_generation or "",
    }


def deploy_kit_template(
    call: CognitoCall,
    *,
    region: str,
    parameters: Mapping[str, str],
    account_id: str | None = None,
    template: Template | None = None,
) -> DeployedStack:
    """The kit's template (or a `template` made from it) deployed through `call` as the stack
    "cognito-kit"."""
    return deploy(
        template or kit_template(),
        call,
        region=region,
        parameters=parameters,
        stack_name=KIT_STACK_NAME,
        account_id=account_id,
    )
