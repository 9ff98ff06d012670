"""The service's Lambda triggers in the test's emulator, wired as `nox -s dev` wires them: the
handlers registered under the kit's function names, and a pool bootstrapped to call them."""

from app.core.config import ResourceServerSettings
from app.triggers import POST_CONFIRMATION_FUNCTION, PRE_TOKEN_GENERATION_FUNCTION
from app.triggers.post_confirmation import PostConfirmation
from app.triggers.pre_token_generation import AdminScopes
from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.pytest_plugin import CognitoLambdas
from cognito_emulator.server import EmulatorServer
from devstack.stack import SERVICE_TRIGGERS


def pool_calling_the_service_triggers(
    emulator: EmulatorServer, lambdas: CognitoLambdas, post_confirmation: PostConfirmation
) -> PoolConfig:
    """A new pool whose PostConfirmation trigger is `post_confirmation` and whose
    PreTokenGeneration trigger (V2_0) is the service's, for the default resource server."""
    lambdas.register(POST_CONFIRMATION_FUNCTION, post_confirmation)
    lambdas.register(
        PRE_TOKEN_GENERATION_FUNCTION, AdminScopes(ResourceServerSettings(_env_file=None))
    )
    return emulator.bootstrap(trigger_functions=SERVICE_TRIGGERS)
