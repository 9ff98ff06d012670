"""`python -m devstack admin USERNAME` (`nox -s dev -- admin USERNAME`): a user of the running dev
stack joins the pool's admin group, which the service's /admin routes require.

Users do not exist when the stack starts (they sign up in Swagger UI), so this runs against the
running stack, through the pool settings it keeps in its env file. A user in a group "populates a
cognito:groups claim to their access and identity tokens" (AdminAddUserToGroup,
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminAddUserToGroup.html):
tokens issued from then on, so the user signs in again for a token that carries the group.
"""

from __future__ import annotations

from pathlib import Path

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, ParamValidationError
from dotenv import dotenv_values

from cognito_emulator.pool_definition import ADMIN_GROUP


class AdminCommandError(Exception):
    """Why the user could not be made an admin, said for the person who asked."""


def make_admin(env_file: Path, username: str) -> str:
    """Adds `username` to the admin group of the stack whose settings are in `env_file`;
    returns what to tell the user."""
    if not env_file.exists():
        raise AdminCommandError(
            f"no running dev stack wrote {env_file}: start one with `nox -s dev` (with "
            "`-- --port N`, pass the same `--port N` here)"
        )
    settings = dotenv_values(env_file)
    endpoint_url = settings.get("AWS_COGNITO_ENDPOINT_URL")
    client = boto3.client(
        "cognito-idp",
        region_name=settings.get("AWS_REGION"),
        endpoint_url=endpoint_url,
        aws_access_key_id=settings.get("AWS_ACCESS_KEY_ID"),
        aws_secret_access_key=settings.get("AWS_SECRET_ACCESS_KEY"),
        # One attempt: a stack that is not running is said at once, not after retries.
        config=Config(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=15),
    )
    try:
        client.admin_add_user_to_group(
            UserPoolId=settings.get("AWS_COGNITO_USER_POOL_ID") or "",
            Username=username,
            GroupName=ADMIN_GROUP,
        )
    except ClientError as error:
        if error.response["Error"]["Code"] == "UserNotFoundException":
            raise AdminCommandError(
                f"the dev stack's pool has no user {username!r}: sign up (and verify) first"
            ) from error
        raise AdminCommandError(f"the emulator refused: {error}") from error
    except ParamValidationError as error:  # checked by boto3 before sending, e.g. ""
        raise AdminCommandError(f"{username!r} cannot be a username: {error}") from error
    except BotoCoreError as error:
        raise AdminCommandError(
            f"the dev stack's emulator at {endpoint_url} did not answer ({error}): is "
            "`nox -s dev` still running?"
        ) from error
    return (
        f"{username} is in the {ADMIN_GROUP!r} group: sign in again (Authorize) for a token "
        "that carries it"
    )
