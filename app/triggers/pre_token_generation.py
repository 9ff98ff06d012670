"""PreTokenGeneration trigger (event version V2_0): members of the admin group get this API's
resource-server scopes in their access tokens, so a person and a machine client pass the admin
routes by the same scope check (`require_admin`, app/api/deps.py).

The V2_0 event (user-pool-lambda-pre-token-generation.md) lists the user's groups in
request.groupConfiguration.groupsToOverride; the answer's
response.claimsAndScopeOverrideDetails.accessTokenGeneration.scopesToAdd puts scopes in the
access token's `scope` claim. Cognito calls it whenever it issues tokens — a sign-in, a refresh
(TokenGeneration_RefreshTokens), the managed login pages — so a user taken out of the group
loses the scopes at their next refresh; a token already issued keeps them until it expires.

Only V2_0 and V3_0 events can change an access token, and "in user pools with the Essentials or
Plus feature plan" only (same page): a V1_0 event is answered unchanged and the misconfiguration
logged; admins then still pass the admin routes by their group, machines by their scopes.
"""

import functools
import logging
from typing import Any

from app.core.config import ResourceServerSettings

logger = logging.getLogger(__name__)

# The admin routes' group and resource-server scope names (app/api/routes/admin.py).
ADMIN_GROUP = "admin"
ADMIN_SCOPE_NAMES = ("users.read", "users.write")
ACCESS_TOKEN_EVENT_VERSIONS = frozenset({"2", "3"})


class AdminScopes:
    """The handler, for one resource server."""

    def __init__(self, settings: ResourceServerSettings) -> None:
        self.scopes = [settings.resource_server_scope(name) for name in ADMIN_SCOPE_NAMES]

    def __call__(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        if event["version"] not in ACCESS_TOKEN_EVENT_VERSIONS:
            logger.error(
                "PreTokenGeneration sent a version %s event, which cannot add scopes: configure "
                "the trigger with LambdaVersion V2_0 (Essentials or Plus feature plan)",
                event["version"],
            )
            return event
        # V3_0 also calls it for client-credentials grants, which have no user and no groups.
        groups = (event["request"].get("groupConfiguration") or {}).get("groupsToOverride") or []
        if ADMIN_GROUP in groups:
            event["response"]["claimsAndScopeOverrideDetails"] = {
                "accessTokenGeneration": {"scopesToAdd": list(self.scopes)}
            }
        return event


@functools.cache
def _from_environment() -> AdminScopes:
    return AdminScopes(ResourceServerSettings())


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The Lambda entry point (`app.triggers.pre_token_generation.handler`): the resource server
    of AWS_COGNITO_RESOURCE_SERVER_ID (default cognito-kit)."""
    return _from_environment()(event, context)
