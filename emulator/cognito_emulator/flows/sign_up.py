"""Sign-up, confirmation codes and password recovery.

SignUp, ConfirmSignUp, ResendConfirmationCode, ForgotPassword, ConfirmForgotPassword and
AdminResetUserPassword. Plain moto accepts any code and sends none; here each code is issued to
the user's verification or recovery channel (recorded in the outbox), expires and works once.
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
from cognito_emulator.moto_adapter import MotoAdapter, Pool, User
from cognito_emulator.secret_hash import require_secret_hash
from cognito_emulator.usernames import UserDirectory
from cognito_emulator.validation import required

USER_CLIENT_NOT_FOUND = "Username/client id combination not found."


@dataclass(frozen=True, slots=True)
class SignUpFlows:
    moto: MotoAdapter
    users: UserDirectory
    codes: CodeBook

    def sign_up(self, body: dict[str, Any]) -> dict[str, Any]:
        pool, client = self.moto.pool_of_client(required(body, "ClientId"))
        username = required(body, "Username")
        password = required(body, "Password")
        require_secret_hash(client.id, client.secret, body.get("SecretHash"), username)
        if not policy.sign_up_allowed(pool):
            raise NotAuthorizedException("SignUp is not permitted for this user pool")
        if self.users.find(pool, username) is not None:
            raise UsernameExistsException("User already exists")
        policy.check_password(pool, password)
        user = self.moto.create_unconfirmed_user(
            pool,
            self.users.stored_username(pool, username),
            password,
            list(body.get("UserAttributes") or []),
        )
        response: dict[str, Any] = {"UserConfirmed": False, "UserSub": user.sub}
        delivery = self._send_verification_code(pool, user, "sign_up")
        if delivery is not None:
            response["CodeDeliveryDetails"] = delivery
        return response

    def confirm_sign_up(self, body: dict[str, Any]) -> dict[str, Any]:
        pool, user = self._user_redeeming_a_code(body)
        if user.status == "CONFIRMED":
            raise NotAuthorizedException("User cannot be confirmed. Current status is CONFIRMED")
        self.codes.redeem(pool.id, user.username, "sign_up", body["ConfirmationCode"])
        user.status = "CONFIRMED"
        channel = policy.verification_channel(pool, user)
        if channel is not None:
            user.set_attributes([{"Name": f"{channel.attribute}_verified", "Value": "true"}])
        return {}

    def resend_confirmation_code(self, body: dict[str, Any]) -> dict[str, Any]:
        pool, user, unknown_user_answer = self._user_asking_for_a_code(body)
        if user is None:
            return unknown_user_answer
        if user.status == "CONFIRMED":
            raise InvalidParameterException("User is already confirmed.")
        delivery = self._send_verification_code(pool, user, "resend")
        if delivery is None:
            raise InvalidParameterException("Cannot resend codes. Auto verification not turned on.")
        return {"CodeDeliveryDetails": delivery}

    def forgot_password(self, body: dict[str, Any]) -> dict[str, Any]:
        pool, user, unknown_user_answer = self._user_asking_for_a_code(body)
        if user is None:
            return unknown_user_answer
        if policy.recovery_mechanisms(pool)[:1] == ["admin_only"]:
            raise NotAuthorizedException("Contact administrator to reset password.")
        if not user.enabled:
            raise NotAuthorizedException("User is disabled.")
        return {"CodeDeliveryDetails": self._send_recovery_code(pool, user)}

    def confirm_forgot_password(self, body: dict[str, Any]) -> dict[str, Any]:
        pool, user = self._user_redeeming_a_code(body, "Password")
        password = body["Password"]
        policy.check_password(pool, password)
        self.codes.redeem(pool.id, user.username, "forgot_password", body["ConfirmationCode"])
        user.password = password
        if user.status == "RESET_REQUIRED":
            user.status = "CONFIRMED"
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
        self._send(pool, user, "forgot_password", channel)
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
        self, body: dict[str, Any]
    ) -> tuple[Pool, User | None, dict[str, Any]]:
        """The pool and user of a ResendConfirmationCode or ForgotPassword request, with the
        answer an unknown user gets: a plausible delivery when the client hides which users
        exist (the user is then None), else UserNotFoundException."""
        pool, client = self.moto.pool_of_client(required(body, "ClientId"))
        username = required(body, "Username")
        require_secret_hash(client.id, client.secret, body.get("SecretHash"), username)
        user = self.users.find(pool, username)
        if user is None and not policy.prevents_user_existence_errors(client):
            raise UserNotFoundException(USER_CLIENT_NOT_FOUND)
        return pool, user, {"CodeDeliveryDetails": _plausible_delivery(username)}

    def _send_verification_code(
        self, pool: Pool, user: User, purpose: Purpose
    ) -> dict[str, str] | None:
        channel = policy.verification_channel(pool, user)
        return self._send(pool, user, purpose, channel) if channel is not None else None

    def _send_recovery_code(self, pool: Pool, user: User) -> dict[str, str]:
        return self._send(pool, user, "forgot_password", policy.recovery_channel(pool, user))

    def _send(
        self, pool: Pool, user: User, purpose: Purpose, channel: policy.Channel
    ) -> dict[str, str]:
        return self.codes.issue(
            pool.id, user.username, purpose, channel.destination, channel.medium, channel.attribute
        )


def _plausible_delivery(username: str) -> dict[str, str]:
    """What Cognito answers for an unknown user when it hides user existence: a made-up address."""
    address = username if "@" in username else f"{username}@example.com"
    return delivery_details(address, "EMAIL", "email")
