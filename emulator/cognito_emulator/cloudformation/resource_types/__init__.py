"""The resource types the deployer translates into cognito-idp operations, by type name."""

from __future__ import annotations

from cognito_emulator.cloudformation.resource_types.base import ResourceType
from cognito_emulator.cloudformation.resource_types.user_pool import UserPool
from cognito_emulator.cloudformation.resource_types.user_pool_client import UserPoolClient
from cognito_emulator.cloudformation.resource_types.user_pool_domain import UserPoolDomain
from cognito_emulator.cloudformation.resource_types.user_pool_group import UserPoolGroup
from cognito_emulator.cloudformation.resource_types.user_pool_resource_server import (
    UserPoolResourceServer,
)

RESOURCE_TYPES: dict[str, ResourceType] = {
    resource_type.name: resource_type
    for resource_type in (
        UserPool(),
        UserPoolClient(),
        UserPoolGroup(),
        UserPoolDomain(),
        UserPoolResourceServer(),
    )
}
