"""The sign-in triggers: PreAuthentication, PostAuthentication and UserMigration — their events
(user-pool-lambda-pre-authentication.md, user-pool-lambda-post-authentication.md,
user-pool-lambda-migrate-user.md) and what their answers say.

Which ClientMetadata reaches which trigger is the API reference's (InitiateAuth, ClientMetadata):
InitiateAuth's and AdminInitiateAuth's go to PreAuthentication and UserMigration as
`validationData` and to no other trigger; RespondToAuthChallenge's go to every trigger it runs as
`clientMetadata` (PostAuthentication's "You can pass this data ... by using the ClientMetadata
parameter in the AdminRespondToAuthChallenge and RespondToAuthChallenge API actions"). A field
with nothing to carry is left out of the event, as `userNotFound` is for app clients that do not
hide user existence ("populated when PreventUserExistenceErrors is set to ENABLED").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from cognito_emulator.exceptions import UserNotFoundException
from cognito_emulator.moto_adapter import Pool, User
from cognito_emulator.triggers.invocation import (
    PoolTriggers,
    optional_boolean,
    optional_string,
    optional_string_list,
    optional_string_map,
    user_attributes,
)

MigrationSource = Literal["UserMigration_Authentication", "UserMigration_ForgotPassword"]
MIGRATED_STATUSES = frozenset({"CONFIRMED", "RESET_REQUIRED"})
MESSAGE_ACTIONS = frozenset({"RESEND", "SUPPRESS"})
DELIVERY_MEDIUMS = frozenset({"EMAIL", "SMS"})


def pre_authentication(
    triggers: PoolTriggers,
    pool: Pool,
    *,
    username: str,
    client_id: str,
    user: User | None,
    validation_data: dict[str, str] | None,
    hides_user_existence: bool,
) -> None:
    """Ask the pool's PreAuthentication function whether `user` may try to sign in; a function
    that raises refuses the sign-in (UserLambdaValidationException). `user` None: nobody has
    `username`, and the client hides that (the only case Cognito runs the trigger for nobody)."""
    request: dict[str, Any] = {"userAttributes": user_attributes(user) if user else {}}
    if validation_data:
        request["validationData"] = validation_data
    if hides_user_existence:
        request["userNotFound"] = user is None
    triggers.invoke(
        pool,
        "PreAuthentication",
        "PreAuthentication_Authentication",
        username=user.username if user else username,
        client_id=client_id,
        request=request,
    )


def post_authentication(
    triggers: PoolTriggers,
    pool: Pool,
    *,
    user: User,
    client_id: str,
    client_metadata: Mapping[str, str] | None,
) -> None:
    """Tell the pool's PostAuthentication function that `user` signed in; a function that
    raises fails the sign-in ("A post authentication Lambda that doesn't return the request body
    to Amazon Cognito can still cause authentication to fail to complete").

    `newDeviceUsed` is set only in a pool that remembers devices ("only if the remembered
    devices value of the user pool is Always or User Opt-In"); the emulator remembers none, so
    every sign-in there is on a new device."""
    request: dict[str, Any] = {"userAttributes": user_attributes(user)}
    if pool.settings.get("DeviceConfiguration"):
        request["newDeviceUsed"] = True
    if client_metadata:
        request["clientMetadata"] = dict(client_metadata)
    triggers.invoke(
        pool,
        "PostAuthentication",
        "PostAuthentication_Authentication",
        username=user.username,
        client_id=client_id,
        request=request,
    )


@dataclass(frozen=True, slots=True)
class MigrationAnswer:
    """The user a UserMigration function vouches for, as its answer describes them."""

    attributes: dict[str, str]
    final_user_status: str
    force_alias_creation: bool
    enable_sms_mfa: bool


def user_migration(
    triggers: PoolTriggers,
    pool: Pool,
    source: MigrationSource,
    *,
    username: str,
    client_id: str,
    password: str | None,
    validation_data: dict[str, str] | None,
    client_metadata: dict[str, str] | None,
) -> MigrationAnswer | None:
    """Ask the pool's UserMigration function about `username`, whom the pool does not have;
    None when the pool has no such function. The request carries the password typed at sign-in
    ("Amazon Cognito doesn't send this value in a request that's initiated by a forgot-password
    flow").

    The answer must hold userAttributes ("This field is required"), and finalUserStatus
    CONFIRMED (the default) or RESET_REQUIRED; messageAction (RESEND, SUPPRESS) and
    desiredDeliveryMediums (EMAIL, SMS) are checked but send nothing: the welcome message they
    govern is AdminCreateUser's invitation, whose temporary password a migrated user does not
    have. An answer Cognito cannot create the user from gets its generic refusal,
    UserNotFoundException "Exception migrating user in app client {id}" (re:Post knowledge
    center, "cognito-migration-lambda-trigger-errors"; its more specific wordings are not
    reproduced)."""
    request: dict[str, Any] = {}
    if password is not None:
        request["password"] = password
    if validation_data:
        request["validationData"] = validation_data
    if client_metadata:
        request["clientMetadata"] = client_metadata
    response = triggers.invoke(
        pool,
        "UserMigration",
        source,
        username=username,
        client_id=client_id,
        request=request,
    )
    if response is None:
        return None
    attributes = optional_string_map(response, "userAttributes", "UserMigration", pool.id)
    status = optional_string(response, "finalUserStatus", "UserMigration", pool.id)
    action = optional_string(response, "messageAction", "UserMigration", pool.id)
    mediums = optional_string_list(response, "desiredDeliveryMediums", "UserMigration", pool.id)
    force_alias = optional_boolean(response, "forceAliasCreation", "UserMigration", pool.id)
    sms_mfa = optional_boolean(response, "enableSMSMFA", "UserMigration", pool.id)
    if (
        not attributes
        or (status is not None and status not in MIGRATED_STATUSES)
        or (action is not None and action not in MESSAGE_ACTIONS)
        or not DELIVERY_MEDIUMS.issuperset(mediums)
        or (sms_mfa and not attributes.get("phone_number"))
    ):
        raise migration_failed(client_id)
    return MigrationAnswer(
        attributes={name: value for name, value in attributes.items() if name != "sub"},
        final_user_status=status or "CONFIRMED",
        force_alias_creation=force_alias,
        enable_sms_mfa=sms_mfa,
    )


def migration_failed(client_id: str) -> UserNotFoundException:
    """Cognito's answer when it cannot migrate the user the function described."""
    return UserNotFoundException(f"Exception migrating user in app client {client_id}")
