"""Administrators' operations on users and pools, and every other request moto answers.

AdminCreateUser runs the pool's PreSignUp trigger (PreSignUp_AdminCreateUser) before moto
creates the user, so a function that raises refuses the creation. AdminCreateUser (RESEND
included: it "resets the expiration limit on the user's account", API_AdminCreateUser) and
AdminSetUserPassword with Permanent false note when the temporary password was set, on the
emulator clock, for its validity (flows/new_password_challenge.py).
AdminDeleteUser also ends the user's sign-ins and forgets their codes, AdminDisableUser ends
their sign-ins, and DeleteUserPool forgets the pool's keys and sign-ins: plain moto does none of
this. Any other request goes to moto as it is, except that in a case-insensitive pool its
Username is replaced by the username the user is stored under.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cognito_emulator.clock import Clock
from cognito_emulator.codes import CodeBook
from cognito_emulator.keys import KeyStore
from cognito_emulator.moto_adapter import MotoAdapter, Pool, User
from cognito_emulator.tokens import TokenIssuer
from cognito_emulator.triggers.invocation import PoolTriggers, attribute_map
from cognito_emulator.triggers.sign_up import pre_sign_up
from cognito_emulator.usernames import UserDirectory
from cognito_emulator.validation import required, string_map


@dataclass(frozen=True, slots=True)
class AdministrationFlows:
    moto: MotoAdapter
    users: UserDirectory
    tokens: TokenIssuer
    codes: CodeBook
    keys: KeyStore
    triggers: PoolTriggers
    clock: Clock

    def admin_create_user(self, body: dict[str, Any]) -> dict[str, Any]:
        pool = self.moto.pool(required(body, "UserPoolId"))
        username = required(body, "Username")
        creates = body.get("MessageAction") != "RESEND" and self.users.find(pool, username) is None
        if creates:
            pre_sign_up(
                self.triggers,
                pool,
                "PreSignUp_AdminCreateUser",
                username=self.users.stored_username(pool, username),
                client_id=None,
                attributes=attribute_map(list(body.get("UserAttributes") or [])),
                validation_data=attribute_map(list(body.get("ValidationData") or [])) or None,
                client_metadata=string_map(body, "ClientMetadata") or None,
            )
        response = self.pass_to_moto("AdminCreateUser", body)
        self._temporary_password_issued(pool, username)
        return response

    def admin_set_user_password(self, body: dict[str, Any]) -> dict[str, Any]:
        pool = self.moto.pool(required(body, "UserPoolId"))
        username = required(body, "Username")
        response = self.pass_to_moto("AdminSetUserPassword", body)
        if body.get("Permanent"):
            self.users.existing(pool, username).temporary_password_issued_at = None
        else:
            self._temporary_password_issued(pool, username)
        return response

    def admin_delete_user(self, body: dict[str, Any]) -> dict[str, Any]:
        pool = self.moto.pool(required(body, "UserPoolId"))
        user = self.users.existing(pool, required(body, "Username"))
        remove_user(self.moto, self.tokens, self.codes, pool, user)
        return {}

    def admin_disable_user(self, body: dict[str, Any]) -> dict[str, Any]:
        """Cognito's AdminDisableUser also revokes the user's tokens; moto's does not."""
        pool = self.moto.pool(required(body, "UserPoolId"))
        user = self.users.existing(pool, required(body, "Username"))
        user.enabled = False
        self.tokens.revoke_user(pool.id, user.username)
        return {}

    def admin_get_user(self, body: dict[str, Any]) -> dict[str, Any]:
        """moto's AdminGetUser with the user's MFA methods as GetUser reports them: moto knows
        no email MFA, and lists UserMFASettingList and PreferredMfaSetting even when empty."""
        pool = self.moto.pool(required(body, "UserPoolId"))
        user = self.users.existing(pool, required(body, "Username"))
        answer = self.pass_to_moto("AdminGetUser", body)
        answer.pop("UserMFASettingList", None)
        answer.pop("PreferredMfaSetting", None)
        if user.mfa_settings:
            answer["UserMFASettingList"] = user.mfa_settings
        if user.preferred_mfa:
            answer["PreferredMfaSetting"] = user.preferred_mfa
        return answer

    def delete_user_pool(self, body: dict[str, Any]) -> dict[str, Any]:
        pool_id = required(body, "UserPoolId")
        self.moto.pool(pool_id)
        response = self.moto.call("DeleteUserPool", body)
        self.keys.forget(pool_id, delete_file=True)
        self.tokens.ledger.forget_pool(pool_id)
        return response

    def _temporary_password_issued(self, pool: Pool, username: str) -> None:
        self.users.existing(pool, username).temporary_password_issued_at = self.clock.now()

    def pass_to_moto(self, operation: str, body: dict[str, Any]) -> dict[str, Any]:
        """moto's answer, with the request's Username naming the user as stored."""
        username = body.get("Username")
        pool_id = body.get("UserPoolId")
        if isinstance(username, str) and isinstance(pool_id, str):
            pool = self.moto.find_pool(pool_id)
            if pool is not None and not pool.case_sensitive:
                user = self.users.find(pool, username)
                stored = self.users.stored_username(pool, username)
                body = {**body, "Username": user.username if user is not None else stored}
        return self.moto.call(operation, body)


def remove_user(
    moto: MotoAdapter, tokens: TokenIssuer, codes: CodeBook, pool: Pool, user: User
) -> None:
    """Delete a user with everything the emulator keeps for them: sign-ins and codes."""
    moto.delete_user(pool, user)
    tokens.revoke_user(pool.id, user.username)
    codes.forget_user(pool.id, user.username)
