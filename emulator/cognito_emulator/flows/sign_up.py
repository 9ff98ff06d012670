"""Sign-up, confirmation codes and password recovery.

SignUp, ConfirmSignUp, AdminConfirmSignUp, ResendConfirmationCode, ForgotPassword,
ConfirmForgotPassword and AdminResetUserPassword. Plain moto accepts any code and sends none;
here each code is issued to the user's verification or recovery channel (recorded in the
outbox), expires and works once. The pool's PreSignUp, PostConfirmation and CustomMessage
triggers run where Cognito runs them (`triggers.sign_up`, `triggers.messages`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cognito_emulator import policy
from cognito_emulator.codes import CODE_MISMATCH, CodeBook, Purpose, delivery_details
from cognito_emulator.exceptions import (
    CodeMismatchException,
    InvalidParameterException,
    NotAuthorizedException,
    UsernameExistsException,
    UserNotFoundException,
)
from cognito_emulator.flows.code_delivery import CodeSender
from cognito_emulator.flows.user_migration import UserMigrationFlow
from cognito_emulator.moto_adapter import MotoAdapter, Pool, User
from cognito_emulator.secret_hash import require_secret_hash
from cognito_emulator.triggers.invocation import PoolTriggers, attribute_map
from cognito_emulator.triggers.messages import CustomMessageSource
from cognito_emulator.triggers.sign_up import PreSignUpAnswer, post_confirmation, pre_sign_up
from cognito_emulator.usernames import UserDirectory
from cognito_emulator.validation import required, string_map

USER_CLIENT_NOT_FOUND = "Username/client id combination not found."


@dataclass(frozen=True, slots=True)
class SignUpFlows:
    moto: MotoAdapter
    users: UserDirectory
    codes: CodeBook
    triggers: PoolTriggers
    migration: UserMigrationFlow

    def sign_up(self, body: dict[str, Any]) -> dict[str, Any]:
        pool, client = self.moto.pool_of_client(required(body, "ClientId"))
        username = required(body, "Username")
        password = required(body, "Password")
        require_secret_hash(client.id, client.secret, body.get("SecretHash"), username)
        if not policy.sign_up_allowed(pool):
            raise NotAuthorizedException("SignUp is not permitted for this user pool")
        self._check_username_free(pool, username)
        policy.check_password(pool, password)
        stored, attributes = self.moto.new_user(
            pool, self.users.stored_username(pool, username), list(body.get("UserAttributes") or [])
        )
        client_metadata = string_map(body, "ClientMetadata") or None
        answer = pre_sign_up(
            self.triggers,
            pool,
            "PreSignUp_SignUp",
            username=stored,
            client_id=client.id,
            attributes=attribute_map(attributes),
            validation_data=attribute_map(list(body.get("ValidationData") or [])) or None,
            client_metadata=client_metadata,
        )
        self._check_username_free(pool, username)  # the trigger ran without the lock
        _check_auto_verified_attributes_present(answer, attribute_map(attributes))
        user = self.moto.create_user(pool, stored, password, attributes)
        response: dict[str, Any] = {"UserConfirmed": answer.auto_confirm_user, "UserSub": user.sub}
        verified = [
            {"Name": f"{name}_verified", "Value": "true"}
            for name, on in (
                ("email", answer.auto_verify_email),
                ("phone_number", answer.auto_verify_phone),
            )
            if on
        ]
        if verified:
            user.set_attributes(verified)
        if answer.auto_confirm_user:
            user.status = "CONFIRMED"
            post_confirmation(
                self.triggers,
                pool,
                "PostConfirmation_ConfirmSignUp",
                user=user,
                client_id=client.id,
                client_metadata=client_metadata,
            )
            return response
        delivery = self._send_verification_code(
            pool, user, "sign_up", "CustomMessage_SignUp", client.id, client_metadata
        )
        if delivery is not None:
            response["CodeDeliveryDetails"] = delivery
        return response

    def confirm_sign_up(self, body: dict[str, Any]) -> dict[str, Any]:
        pool, user = self._user_redeeming_a_code(body)
        if user.status == "CONFIRMED":
            raise NotAuthorizedException("User cannot be confirmed. Current status is CONFIRMED")
        self.codes.redeem(pool.id, user.username, "sign_up", body["ConfirmationCode"])
        self._confirm(pool, user, body["ClientId"], string_map(body, "ClientMetadata") or None)
        return {}

    def admin_confirm_sign_up(self, body: dict[str, Any]) -> dict[str, Any]:
        """moto confirms the user; then the PostConfirmation trigger runs, as after
        ConfirmSignUp (user-pool-lambda-post-confirmation.md lists AdminConfirmSignUp's
        ClientMetadata among its inputs)."""
        pool = self.moto.pool(required(body, "UserPoolId"))
        user = self.users.existing(pool, required(body, "Username"))
        self.moto.call("AdminConfirmSignUp", {**body, "Username": user.username})
        post_confirmation(
            self.triggers,
            pool,
            "PostConfirmation_ConfirmSignUp",
            user=user,
            client_id=None,
            client_metadata=string_map(body, "ClientMetadata") or None,
        )
        return {}

    def resend_confirmation_code(self, body: dict[str, Any]) -> dict[str, Any]:
        pool, user, unknown_user_answer = self._user_asking_for_a_code(body)
        if user is None:
            return unknown_user_answer
        if user.status == "CONFIRMED":
            raise InvalidParameterException("User is already confirmed.")
        delivery = self._send_verification_code(
            pool,
            user,
            "resend",
            "CustomMessage_ResendCode",
            body["ClientId"],
            string_map(body, "ClientMetadata") or None,
        )
        if delivery is None:
            raise InvalidParameterException("Cannot resend codes. Auto verification not turned on.")
        return {"CodeDeliveryDetails": delivery}

    def forgot_password(self, body: dict[str, Any]) -> dict[str, Any]:
        pool, user, unknown_user_answer = self._user_asking_for_a_code(body, migrate=True)
        if user is None:
            return unknown_user_answer
        if policy.recovery_mechanisms(pool)[:1] == ["admin_only"]:
            raise NotAuthorizedException("Contact administrator to reset password.")
        if not user.enabled:
            raise NotAuthorizedException("User is disabled.")
        channel = policy.recovery_channel(pool, user)
        delivery = self.sender.send(
            pool,
            user,
            "forgot_password",
            channel,
            source="CustomMessage_ForgotPassword",
            client_id=body["ClientId"],
            client_metadata=string_map(body, "ClientMetadata") or None,
        )
        return {"CodeDeliveryDetails": delivery}

    def confirm_forgot_password(self, body: dict[str, Any]) -> dict[str, Any]:
        pool, user = self._user_redeeming_a_code(body, "Password")
        password = body["Password"]
        policy.check_password(pool, password)
        self.codes.redeem(pool.id, user.username, "forgot_password", body["ConfirmationCode"])
        user.password = password
        if user.status == "RESET_REQUIRED":
            user.status = "CONFIRMED"
        post_confirmation(
            self.triggers,
            pool,
            "PostConfirmation_ConfirmForgotPassword",
            user=user,
            client_id=body["ClientId"],
            client_metadata=string_map(body, "ClientMetadata") or None,
        )
        return {}

    def admin_reset_user_password(self, body: dict[str, Any]) -> dict[str, Any]:
        """Marks a confirmed user RESET_REQUIRED and sends the code to reset with (plain moto
        sends none). Every check comes first, so a refusal changes nothing."""
        pool = self.moto.pool(required(body, "UserPoolId"))
        user = self.users.existing(pool, required(body, "Username"))
        if not user.enabled:
            raise NotAuthorizedException("User is disabled")
        if user.status not in ("CONFIRMED", "RESET_REQUIRED"):
            raise NotAuthorizedException("User password cannot be reset in the current state.")
        channel = policy.recovery_channel(pool, user)
        user.status = "RESET_REQUIRED"
        self.sender.send(
            pool,
            user,
            "forgot_password",
            channel,
            source="CustomMessage_ForgotPassword",
            client_id=None,
            client_metadata=string_map(body, "ClientMetadata") or None,
        )
        return {}

    def _user_redeeming_a_code(
        self, body: dict[str, Any], *also_required: str
    ) -> tuple[Pool, User]:
        """The pool and user of a ConfirmSignUp or ConfirmForgotPassword request. An unknown
        user is told the code is wrong when the client hides which users exist."""
        pool, client = self.moto.pool_of_client(required(body, "ClientId"))
        username = required(body, "Username")
        for member in ("ConfirmationCode", *also_required):
            required(body, member)
        require_secret_hash(client.id, client.secret, body.get("SecretHash"), username)
        user = self.users.find(pool, username)
        if user is None:
            if policy.prevents_user_existence_errors(client):
                raise CodeMismatchException(CODE_MISMATCH)
            raise UserNotFoundException(USER_CLIENT_NOT_FOUND)
        return pool, user

    def _user_asking_for_a_code(
        self, body: dict[str, Any], *, migrate: bool = False
    ) -> tuple[Pool, User | None, dict[str, Any]]:
        """The pool and user of a ResendConfirmationCode or ForgotPassword request, with the
        answer an unknown user gets: a plausible delivery when the client hides which users
        exist (the user is then None), else UserNotFoundException. With `migrate`, an unknown
        user is first asked of the pool's UserMigration function (UserMigration_ForgotPassword)."""
        pool, client = self.moto.pool_of_client(required(body, "ClientId"))
        username = required(body, "Username")
        require_secret_hash(client.id, client.secret, body.get("SecretHash"), username)
        user = self.users.find(pool, username)
        if user is None and migrate:
            user = self.migration.at_forgot_password(
                pool, client, username, string_map(body, "ClientMetadata") or None
            )
        if user is None and not policy.prevents_user_existence_errors(client):
            raise UserNotFoundException(USER_CLIENT_NOT_FOUND)
        return pool, user, {"CodeDeliveryDetails": _plausible_delivery(username)}

    def _confirm(
        self, pool: Pool, user: User, client_id: str, client_metadata: dict[str, str] | None
    ) -> None:
        """Confirm the user with their verification channel verified, then tell the pool's
        PostConfirmation function."""
        user.status = "CONFIRMED"
        channel = policy.verification_channel(pool, user)
        if channel is not None:
            user.set_attributes([{"Name": f"{channel.attribute}_verified", "Value": "true"}])
        post_confirmation(
            self.triggers,
            pool,
            "PostConfirmation_ConfirmSignUp",
            user=user,
            client_id=client_id,
            client_metadata=client_metadata,
        )

    def _check_username_free(self, pool: Pool, username: str) -> None:
        if self.users.find(pool, username) is not None:
            raise UsernameExistsException("User already exists")

    def _send_verification_code(
        self,
        pool: Pool,
        user: User,
        purpose: Purpose,
        source: CustomMessageSource,
        client_id: str,
        client_metadata: dict[str, str] | None,
    ) -> dict[str, str] | None:
        channel = policy.verification_channel(pool, user)
        if channel is None:
            return None
        return self.sender.send(
            pool,
            user,
            purpose,
            channel,
            source=source,
            client_id=client_id,
            client_metadata=client_metadata,
        )

    @property
    def sender(self) -> CodeSender:
        return CodeSender(self.codes, self.triggers)


def _check_auto_verified_attributes_present(
    answer: PreSignUpAnswer, attributes: dict[str, str]
) -> None:
    """Cognito: "If autoVerifyEmail is set to true, the email attribute must have a valid,
    non-null value. Otherwise an error will occur and the user will not be able to complete
    sign-up" (user-pool-lambda-pre-sign-up.md; likewise phone_number). The error's wording is
    ours."""
    for attribute, on in (
        ("email", answer.auto_verify_email),
        ("phone_number", answer.auto_verify_phone),
    ):
        if on and not attributes.get(attribute):
            raise InvalidParameterException(
                f"The PreSignUp trigger set autoVerify for {attribute}, which the user does "
                "not have."
            )


def _plausible_delivery(username: str) -> dict[str, str]:
    """What Cognito answers for an unknown user when it hides user existence: a made-up address."""
    address = username if "@" in username else f"{username}@example.com"
    return delivery_details(address, "EMAIL", "email")
