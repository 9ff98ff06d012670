"""The pool a fresh emulator starts with: the kit's pool definition, and the settings an app
needs to reach it.

Created through the same operations (CreateUserPool, CreateUserPoolClient, CreateGroup) a boto3
client would send, so the emulator's fidelity layer sees them exactly as it would see a user's own
setup, and the service's provisioning creates the very same pool on AWS (`pool_definition`).
"""

from __future__ import annotations

from dataclasses import dataclass

from cognito_emulator.pool_definition import (
    DEFAULT_CLIENT_NAME,
    DEFAULT_POOL_NAME,
    CognitoCall,
    create_pool,
)


@dataclass(frozen=True)
class PoolConfig:
    """What an app needs to talk to one bootstrapped pool."""

    region: str
    user_pool_id: str
    client_id: str
    client_secret: str
    endpoint_url: str

    def as_env(self) -> dict[str, str]:
        """The service's settings, with dummy AWS credentials boto3 needs to sign requests."""
        return {
            "AWS_REGION": self.region,
            "AWS_COGNITO_USER_POOL_ID": self.user_pool_id,
            "AWS_COGNITO_APP_CLIENT_ID": self.client_id,
            "AWS_COGNITO_APP_CLIENT_SECRET": self.client_secret,
            "AWS_COGNITO_ENDPOINT_URL": self.endpoint_url,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
        }

    def env_file_text(self) -> str:
        return "".join(f"{key}={value}\n" for key, value in self.as_env().items())


def bootstrap(
    dispatch: CognitoCall,
    *,
    region: str,
    endpoint_url: str,
    pool_name: str = DEFAULT_POOL_NAME,
    client_name: str = DEFAULT_CLIENT_NAME,
) -> PoolConfig:
    """Creates the defined pool through the emulator's `dispatch`; the settings to reach it."""
    created = create_pool(dispatch, pool_name=pool_name, client_name=client_name)
    return PoolConfig(
        region=region,
        user_pool_id=created.user_pool_id,
        client_id=created.client_id,
        client_secret=created.client_secret,
        endpoint_url=endpoint_url,
    )
