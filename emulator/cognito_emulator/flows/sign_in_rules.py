"""What every sign-in flow (password, SRP, USER_AUTH, custom challenges, the login page's form)
does alike: whether a user's account lets them sign in at all, whatever they prove, with
Cognito's answers; what a sign-in as nobody is told; and running the pool's PreAuthentication
function."""

from __future__ import annotations

from cognito_emulator import policy
from cognito_emulator.exceptions import (
    INCORRECT_CREDENTIALS,
    CognitoError,
    NotAuthorizedException,
    PasswordResetRequiredException,
    UserNotConfirmedException,
    UserNotFoundException,
)
from cognito_emulator.moto_adapter import AppClient, Pool, User
from cognito_emulator.triggers.authentication import pre_authentication
from cognito_emulator.triggers.invocation import PoolTriggers
from cognito_emulator.usernames import USER_NOT_FOUND, UserDirectory


def check_status_allows_sign_in(user: User) -> None:
    """Refuse a user who has not confirmed the account, or must reset the password first."""
    if user.status == "UNCONFIRMED":
        raise UserNotConfirmedException("User is not confirmed.")
    if user.status == "RESET_REQUIRED":
        raise PasswordResetRequiredException("Password reset required for the user")


def check_can_sign_in(user: User) -> None:
    """Refuse a disabled user, then one whose status does not allow signing in."""
    if not user.enabled:
        raise NotAuthorizedException("User is disabled.")
    check_status_allows_sign_in(user)


def no_such_user(client: AppClient) -> CognitoError:
    """The answer to a sign-in as nobody: hidden behind a wrong password when the client hides
    which users exist."""
    if policy.prevents_user_existence_errors(client):
        return NotAuthorizedException(INCORRECT_CREDENTIALS)
    return UserNotFoundException(USER_NOT_FOUND)


def pre_authenticated(
    triggers: PoolTriggers,
    users: UserDirectory,
    pool: Pool,
    client: AppClient,
    username: str,
    user: User | None,
    validation_data: dict[str, str] | None,
) -> User | None:
    """Run PreAuthentication for a sign-in as `username` (for nobody only when the client hides
    user existence, with userNotFound); the user as they are once it has answered."""
    hides = policy.prevents_user_existence_errors(client)
    if user is None and not hides:
        return None
    pre_authentication(
        triggers,
        pool,
        username=username,
        client_id=client.id,
        user=user,
        validation_data=validation_data,
        hides_user_existence=hides,
    )
    # The function ran with the backend's lock let go: the user may have changed or gone.
    return users.find(pool, user.username) if user is not None else None


def signing_in(
    triggers: PoolTriggers,
    users: UserDirectory,
    pool: Pool,
    client: AppClient,
    username: str,
    validation_data: dict[str, str] | None,
) -> User | None:
    """Who a sign-in that starts with a username alone (USER_SRP_AUTH, USER_AUTH) is for, once
    PreAuthentication has run: a user who may sign in, or None for nobody where the client hides
    user existence (the flow then goes on as a decoy); else UserNotFoundException."""
    user = pre_authenticated(
        triggers, users, pool, client, username, users.find(pool, username), validation_data
    )
    if user is None and not policy.prevents_user_existence_errors(client):
        raise UserNotFoundException(USER_NOT_FOUND)
    if user is not None:
        check_can_sign_in(user)
    return user
