"""What a signed-in user does with an access token, and signing out.

GetUser, ChangePassword, UpdateUserAttributes, DeleteUserAttributes, attribute verification,
DeleteUser, GlobalSignOut, AdminUserGlobalSignOut and RevokeToken. An access token is honoured
only while it is valid, unexpired and its sign-in not revoked (plain moto honours any token it
issued, forever). Access-token operations the emulator does not overlay go to moto once the token
is verified.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cognito_emulator import policy
from cognito_emulator.codes import CodeBook, Medium
from cognito_emulator.exceptions import (
    INCORRECT_CREDENTIALS,
    InvalidParameterException,
    NotAuthorizedException,
    UnauthorizedException,
    UnsupportedOperationException,
    UnsupportedTokenTypeException,
    UserNotFoundException,
)
from cognito_emulator.flows.administration import remove_user
from cognito_emulator.flows.code_delivery import CodeSender
from cognito_emulator.moto_adapter import MotoAdapter, Pool, User
from cognito_emulator.secret_hash import require_client_secret
from cognito_emulator.token_ledger import TokenFamily
from cognito_emulator.tokens import TokenIssuer
from cognito_emulator.triggers.invocation import PoolTriggers
from cognito_emulator.usernames import USER_NOT_FOUND, UserDirectory
from cognito_emulator.validation import required, string_map

_VERIFIABLE_ATTRIBUTES: tuple[tuple[str, Medium], ...] = (
    ("email", "EMAIL"),
    ("phone_number", "SMS"),
)


@dataclass(frozen=True, slots=True)
class AccessTokenFlows:
    moto: MotoAdapter
    users: UserDirectory
    tokens: TokenIssuer
    codes: CodeBook
    triggers: PoolTriggers

    def get_user(self, body: dict[str, Any]) -> dict[str, Any]:
        _, _, user = self._authenticated(body)
        response: dict[str, Any] = {"Username": user.username, "UserAttributes": user.attributes}
        mfa_settings = user.mfa_settings
        if mfa_settings:
            response["UserMFASettingList"] = mfa_settings
        if user.preferred_mfa:
            response["PreferredMfaSetting"] = user.preferred_mfa
        return response

    def change_password(self, body: dict[str, Any]) -> dict[str, Any]:
        _, pool, user = self._authenticated(body)
        previous = required(body, "PreviousPassword")
        proposed = required(body, "ProposedPassword")
        if not user.has_password(previous):
            raise NotAuthorizedException(INCORRECT_CREDENTIALS)
        policy.check_password(pool, proposed)
        user.password = proposed
        return {}

    def update_user_attributes(self, body: dict[str, Any]) -> dict[str, Any]:
        """Changing email or phone_number unverifies it and, where the pool auto-verifies it,
        sends a code to the new address."""
        family, pool, user = self._authenticated(body)
        attributes = list(body.get("UserAttributes") or [])
        self.moto.update_attributes(pool, user, attributes)
        names = {attribute.get("Name") for attribute in attributes}
        auto_verified = policy.auto_verified_attributes(pool)
        deliveries = []
        for attribute, medium in _VERIFIABLE_ATTRIBUTES:
            if attribute not in names or f"{attribute}_verified" in names:
                continue
            user.set_attributes([{"Name": f"{attribute}_verified", "Value": "false"}])
            value = user.attribute(attribute)
            if attribute in auto_verified and value:
                deliveries.append(
                    self._sender.send_to(
                        pool,
                        user,
                        "verify_attribute",
                        value,
                        medium,
                        attribute,
                        source="CustomMessage_UpdateUserAttribute",
                        client_id=family.client_id,
                        client_metadata=string_map(body, "ClientMetadata") or None,
                    )
                )
        return {"CodeDeliveryDetailsList": deliveries} if deliveries else {}

    def delete_user_attributes(self, body: dict[str, Any]) -> dict[str, Any]:
        _, pool, user = self._authenticated(body)
        self.moto.delete_attributes(pool, user, list(body.get("UserAttributeNames") or []))
        return {}

    def get_user_attribute_verification_code(self, body: dict[str, Any]) -> dict[str, Any]:
        family, pool, user = self._authenticated(body)
        attribute = required(body, "AttributeName")
        medium: Medium = "EMAIL" if attribute == "email" else "SMS"
        value = user.attribute(attribute)
        if attribute not in ("email", "phone_number") or not value:
            raise InvalidParameterException(f"Invalid attribute name {attribute} for verification.")
        details = self._sender.send_to(
            pool,
            user,
            "verify_attribute",
            value,
            medium,
            attribute,
            source="CustomMessage_VerifyUserAttribute",
            client_id=family.client_id,
            client_metadata=string_map(body, "ClientMetadata") or None,
        )
        return {"CodeDeliveryDetails": details}

    def verify_user_attribute(self, body: dict[str, Any]) -> dict[str, Any]:
        _, pool, user = self._authenticated(body)
        attribute = required(body, "AttributeName")
        code = required(body, "Code")
        self.codes.redeem(pool.id, user.username, "verify_attribute", code, attribute)
        user.set_attributes([{"Name": f"{attribute}_verified", "Value": "true"}])
        return {}

    def delete_user(self, body: dict[str, Any]) -> dict[str, Any]:
        _, pool, user = self._authenticated(body)
        remove_user(self.moto, self.tokens, self.codes, pool, user)
        return {}

    def global_sign_out(self, body: dict[str, Any]) -> dict[str, Any]:
        _, pool, user = self._authenticated(body)
        self.tokens.revoke_user(pool.id, user.username)
        return {}

    def admin_user_global_sign_out(self, body: dict[str, Any]) -> dict[str, Any]:
        pool = self.moto.pool(required(body, "UserPoolId"))
        user = self.users.existing(pool, required(body, "Username"))
        self.tokens.revoke_user(pool.id, user.username)
        return {}

    def revoke_token(self, body: dict[str, Any]) -> dict[str, Any]:
        """RevokeToken ends the sign-in a refresh token belongs to (RFC 7009 semantics)."""
        token = required(body, "Token")
        client_id = required(body, "ClientId")
        _, client = self.moto.pool_of_client(client_id)
        require_client_secret(
            client_id, client.secret, body.get("ClientSecret"), UnauthorizedException
        )
        if not policy.token_revocation_enabled(client):
            raise UnsupportedOperationException("Token revocation is not enabled for this client.")
        family = self.tokens.ledger.by_refresh_token(token)
        if family is None:
            if token.count(".") == 2:
                raise UnsupportedTokenTypeException("Only refresh tokens can be revoked.")
            # RFC 7009: revoking a token that is unknown or already invalid succeeds.
            return {}
        if family.client_id != client_id:
            raise UnauthorizedException("Refresh Token has different Client.")
        self.tokens.revoke(family)
        return {}

    def pass_to_moto(self, operation: str, body: dict[str, Any]) -> dict[str, Any]:
        """An access-token operation the emulator does not overlay (SetUserMFAPreference, ...),
        answered by moto for the token's user once the token is verified."""
        family, pool, user = self._authenticated(body)
        return self.moto.call_with_access_token(operation, body, pool, family.client_id, user)

    @property
    def _sender(self) -> CodeSender:
        return CodeSender(self.codes, self.triggers)

    def _authenticated(self, body: dict[str, Any]) -> tuple[TokenFamily, Pool, User]:
        return signed_in_user(self.moto, self.tokens, required(body, "AccessToken"))


def signed_in_user(
    moto: MotoAdapter, tokens: TokenIssuer, access_token: str
) -> tuple[TokenFamily, Pool, User]:
    """The sign-in, pool and user of a valid access token of an enabled user (what every
    operation that takes an AccessToken requires: unexpired, not revoked, user not disabled)."""
    family = tokens.verify_access_token(access_token)
    pool = moto.find_pool(family.pool_id)
    user = pool.user(family.username) if pool is not None else None
    if pool is None or user is None:
        raise UserNotFoundException(USER_NOT_FOUND)
    if not user.enabled:
        raise NotAuthorizedException("User is disabled.")
    return family, pool, user
