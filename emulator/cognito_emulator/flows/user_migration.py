"""Users a pool does not have yet, brought in by its UserMigration function
(cognito-user-pools-import-using-lambda.md): at a sign-in with a password, or at ForgotPassword.

"After the Lambda function returns successfully, Amazon Cognito creates the user in the user
pool" with the attributes the function answered; a sign-in then goes on as for any user of the
pool (the password typed is the user's password, and a user left RESET_REQUIRED is told to reset
it), and ForgotPassword sends the new user its code. The function runs before anything is
created, so one that raises leaves the pool as it was.
"""

from __future__ import annotations

from dataclasses import dataclass

from cognito_emulator.exceptions import AliasExistsException
from cognito_emulator.moto_adapter import AppClient, MotoAdapter, Pool, User
from cognito_emulator.triggers.authentication import MigrationSource, user_migration
from cognito_emulator.triggers.invocation import PoolTriggers
from cognito_emulator.usernames import UserDirectory


@dataclass(frozen=True, slots=True)
class UserMigrationFlow:
    moto: MotoAdapter
    users: UserDirectory
    triggers: PoolTriggers

    def at_sign_in(
        self,
        pool: Pool,
        client: AppClient,
        username: str,
        password: str,
        validation_data: dict[str, str] | None,
    ) -> User | None:
        """The user migrated for a password sign-in as `username` (UserMigration_Authentication),
        None when the pool has no UserMigration function."""
        return self._migrate(
            pool,
            client,
            username,
            "UserMigration_Authentication",
            password=password,
            validation_data=validation_data,
            client_metadata=None,
        )

    def at_forgot_password(
        self,
        pool: Pool,
        client: AppClient,
        username: str,
        client_metadata: dict[str, str] | None,
    ) -> User | None:
        """The user migrated for ForgotPassword as `username` (UserMigration_ForgotPassword),
        RESET_REQUIRED and without a password until the reset; None without a function."""
        return self._migrate(
            pool,
            client,
            username,
            "UserMigration_ForgotPassword",
            password=None,
            validation_data=None,
            client_metadata=client_metadata,
        )

    def _migrate(
        self,
        pool: Pool,
        client: AppClient,
        username: str,
        source: MigrationSource,
        *,
        password: str | None,
        validation_data: dict[str, str] | None,
        client_metadata: dict[str, str] | None,
    ) -> User | None:
        answer = user_migration(
            self.triggers,
            pool,
            source,
            username=username,
            client_id=client.id,
            password=password,
            validation_data=validation_data,
            client_metadata=client_metadata,
        )
        if answer is None:
            return None
        # The function ran with the backend's lock let go: another request may have created
        # the user meanwhile, and then that user is the one signing in.
        existing = self.users.find(pool, username)
        if existing is not None:
            return existing
        stored, attributes = self.moto.new_user(
            pool,
            self.users.stored_username(pool, username),
            [{"Name": name, "Value": value} for name, value in answer.attributes.items()],
        )
        self._take_aliases(pool, attributes, answer.force_alias_creation)
        at_sign_in = source == "UserMigration_Authentication"
        status = answer.final_user_status if at_sign_in else "RESET_REQUIRED"
        return self.moto.create_user(
            pool, stored, password, attributes, status=status, sms_mfa=answer.enable_sms_mfa
        )

    def _take_aliases(
        self, pool: Pool, attributes: list[dict[str, str]], force_alias_creation: bool
    ) -> None:
        """An email or phone number that signs in (the pool's UsernameAttributes) another user
        already has: refused (AliasExistsException, AdminCreateUser's answer), or, with
        forceAliasCreation, taken from that user ("The previous user will no longer be able to
        log in using that alias")."""
        values = {item["Name"]: item["Value"] for item in attributes}
        for attribute in pool.username_attributes:
            value = values.get(attribute)
            holder = self.users.find(pool, value) if value else None
            if holder is None:
                continue
            if not force_alias_creation:
                raise AliasExistsException(f"An account with the given {attribute} already exists.")
            verified = f"{attribute}_verified"
            taken = [attribute, verified] if holder.attribute(verified) is not None else [attribute]
            self.moto.delete_attributes(pool, holder, taken)
