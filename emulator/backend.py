"""EmulatorBackend: moto keeps Cognito's state, this overlay makes it behave like Cognito.

`dispatch(operation, body)` takes the X-Amz-Target suffix and the parsed JSON body and returns
the JSON response. The operations where plain moto is loose (sign-up and confirmation codes,
SECRET_HASH, auth flows, token lifetimes and revocation, access-token calls) are answered here;
every other operation goes to moto's own cognito-idp request handler, so the whole moto API
surface stays available to boto3 users.

Isolation from other moto users in the same process: the emulator runs its own moto backend
instance (account 000000000000), not one registered in moto's global BackendDict, so a test's
own `mock_aws` neither sees nor resets the emulator's pools, and `reset()` wipes only ours. Its
pools are a subclass of moto's pool whose token hooks go to the emulator's issuer; moto's classes
are never patched.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import json
import secrets
import string
import types
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import botocore.session
from moto.cognitoidp.models import (
    CognitoIdpBackend,
    CognitoIdpUser,
    CognitoIdpUserPool,
    CognitoIdpUserPoolClient,
    RegionAgnosticBackend,
    UserStatus,
)
from moto.cognitoidp.responses import CognitoIdpResponse
from moto.cognitoidp.utils import validate_username_format
from moto.core.exceptions import JsonRESTError, ServiceException
from moto.core.utils import camelcase_to_underscores

from emulator import moto_boundary
from emulator.clock import Clock
from emulator.codes import CODE_MISMATCH, CodeBook, Medium, Purpose, delivery_details
from emulator.exceptions import (
    CodeMismatchException,
    CognitoError,
    InvalidParameterException,
    InvalidPasswordException,
    NotAuthorizedException,
    PasswordResetRequiredException,
    ResourceNotFoundException,
    UnauthorizedException,
    UnknownOperationException,
    UnsupportedOperationException,
    UnsupportedTokenTypeException,
    UsernameExistsException,
    UserNotConfirmedException,
    UserNotFoundException,
    error_for_code,
)
from emulator.keys import KeyStore
from emulator.secret_hash import require_secret_hash, require_secret_present
from emulator.srp import DEFAULT_AUTH_SESSION_MINUTES, SrpChallenges
from emulator.tokens import Principal, TokenFamily, TokenIssuer, TokenLedger, TokenLifetimes

EMULATOR_ACCOUNT_ID = "000000000000"
# moto keeps a session per challenge (SRP, MFA, NEW_PASSWORD_REQUIRED); keep only the newest.
MAX_MOTO_SESSIONS = 10_000

USER_AUTH_FLOWS = frozenset(
    {"USER_SRP_AUTH", "REFRESH_TOKEN_AUTH", "REFRESH_TOKEN", "CUSTOM_AUTH", "USER_PASSWORD_AUTH"}
)
ADMIN_AUTH_FLOWS = frozenset(
    {
        "ADMIN_NO_SRP_AUTH",
        "ADMIN_USER_PASSWORD_AUTH",
        "REFRESH_TOKEN_AUTH",
        "REFRESH_TOKEN",
        "USER_SRP_AUTH",
        "CUSTOM_AUTH",
    }
)
ALL_AUTH_FLOWS = (
    "USER_SRP_AUTH",
    "REFRESH_TOKEN_AUTH",
    "REFRESH_TOKEN",
    "CUSTOM_AUTH",
    "ADMIN_NO_SRP_AUTH",
    "USER_PASSWORD_AUTH",
    "ADMIN_USER_PASSWORD_AUTH",
    "USER_AUTH",
)
REFRESH_FLOWS = frozenset({"REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"})
ADMIN_PASSWORD_FLOWS = frozenset({"ADMIN_NO_SRP_AUTH", "ADMIN_USER_PASSWORD_AUTH"})
# Which ExplicitAuthFlows values (current ALLOW_* name first, then the legacy name) enable a flow.
FLOW_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "USER_PASSWORD_AUTH": ("ALLOW_USER_PASSWORD_AUTH", "USER_PASSWORD_AUTH"),
    "ADMIN_USER_PASSWORD_AUTH": ("ALLOW_ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"),
    "ADMIN_NO_SRP_AUTH": ("ALLOW_ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"),
    "REFRESH_TOKEN_AUTH": ("ALLOW_REFRESH_TOKEN_AUTH",),
    "REFRESH_TOKEN": ("ALLOW_REFRESH_TOKEN_AUTH",),
    "USER_SRP_AUTH": ("ALLOW_USER_SRP_AUTH",),
    "CUSTOM_AUTH": ("ALLOW_CUSTOM_AUTH", "CUSTOM_AUTH_FLOW_ONLY"),
}
# A client created without ExplicitAuthFlows gets these, as in Cognito.
DEFAULT_EXPLICIT_AUTH_FLOWS = (
    "ALLOW_REFRESH_TOKEN_AUTH",
    "ALLOW_USER_SRP_AUTH",
    "ALLOW_CUSTOM_AUTH",
)
PASSWORD_SYMBOLS = frozenset("^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ")
INCORRECT_CREDENTIALS = "Incorrect username or password."
USER_CLIENT_NOT_FOUND = "Username/client id combination not found."
LEGACY_RECOVERY = ("verified_phone_number", "verified_email")
_RECOVERY_CHANNELS: dict[str, tuple[str, Medium]] = {
    "verified_email": ("email", "EMAIL"),
    "verified_phone_number": ("phone_number", "SMS"),
}
_VERIFIABLE_ATTRIBUTES: tuple[tuple[str, Medium], ...] = (
    ("email", "EMAIL"),
    ("phone_number", "SMS"),
)

Handler = Callable[[dict[str, Any]], dict[str, Any]]


class EmulatorBackend:
    """The emulator's state and behaviour; called for one API request at a time."""

    def __init__(
        self,
        region: str = "us-east-1",
        *,
        clock: Clock | None = None,
        fixed_code: str | None = None,
        keys_dir: Path | None = None,
    ) -> None:
        moto_boundary.check()
        _required_members()  # load botocore's model now, not on the first request
        self.region = region
        self.clock = clock if clock is not None else Clock()
        self._keys = KeyStore(keys_dir)
        self._stable_pool_ids = keys_dir is not None
        self._ledger = TokenLedger()
        self._tokens = TokenIssuer(region, self._keys, self.clock, self._ledger)
        self._codes = CodeBook(self.clock, fixed_code=fixed_code)
        self._srp = SrpChallenges(self.clock)
        self._moto = _EmulatorMotoBackend(self)
        self._aliases: dict[tuple[str, str], str] = {}
        self._handlers: dict[str, Handler] = {
            "SignUp": self._sign_up,
            "ConfirmSignUp": self._confirm_sign_up,
            "ResendConfirmationCode": self._resend_confirmation_code,
            "ForgotPassword": self._forgot_password,
            "ConfirmForgotPassword": self._confirm_forgot_password,
            "InitiateAuth": self._initiate_auth,
            "AdminInitiateAuth": self._admin_initiate_auth,
            "RespondToAuthChallenge": self._respond_to_auth_challenge,
            "AdminRespondToAuthChallenge": self._respond_to_auth_challenge,
            "GetUser": self._get_user,
            "ChangePassword": self._change_password,
            "GlobalSignOut": self._global_sign_out,
            "AdminUserGlobalSignOut": self._admin_user_global_sign_out,
            "RevokeToken": self._revoke_token,
            "DeleteUser": self._delete_user,
            "AdminDeleteUser": self._admin_delete_user,
            "AdminDisableUser": self._admin_disable_user,
            "AdminResetUserPassword": self._admin_reset_user_password,
            "UpdateUserAttributes": self._update_user_attributes,
            "DeleteUserAttributes": self._delete_user_attributes,
            "GetUserAttributeVerificationCode": self._get_user_attribute_verification_code,
            "VerifyUserAttribute": self._verify_user_attribute,
            "DeleteUserPool": self._delete_user_pool,
        }

    # ----------------------------------------------------------------- public API (SEAM.md)

    def dispatch(self, operation: str, body: dict[str, Any]) -> dict[str, Any]:
        """Answer one cognito-idp call; raises only CognitoError for what a caller causes."""
        handler = self._handlers.get(operation)
        _check_request(operation, body, overlaid=handler is not None)
        try:
            if handler is not None:
                return handler(body)
            if isinstance(body.get("AccessToken"), str):
                return self._moto_call_with_access_token(operation, body)
            return self._moto_call(operation, body)
        except CognitoError:
            raise
        except JsonRESTError as error:
            code = (error.error_type or "InternalErrorException").split("#")[-1]
            raise error_for_code(code, error.message, int(error.code)) from error
        except ServiceException as error:
            raise error_for_code(str(error.code), str(error.message)) from error

    def jwks(self, pool_id: str) -> dict[str, Any]:
        self._pool(pool_id)
        return self._keys.jwks(pool_id)

    def openid_configuration(self, pool_id: str, base_url: str) -> dict[str, Any]:
        self._pool(pool_id)
        return {
            "issuer": self._tokens.issuer(pool_id),
            "jwks_uri": f"{base_url.rstrip('/')}/{pool_id}/.well-known/jwks.json",
            "id_token_signing_alg_values_supported": ["RS256"],
            "response_types_supported": ["code", "token"],
            "scopes_supported": ["openid", "email", "phone", "profile"],
            "subject_types_supported": ["public"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        }

    def outbox(
        self, pool_id: str | None = None, username: str | None = None
    ) -> list[dict[str, Any]]:
        return self._codes.outbox(pool_id, username)

    def rotate_keys(self, pool_id: str) -> str:
        self._pool(pool_id)
        return self._keys.rotate(pool_id)

    def reset(self) -> None:
        """Wipe the emulator's pools, users, tokens, codes and outbox; clock offset back to 0."""
        self._moto = _EmulatorMotoBackend(self)
        self._keys.clear()
        self._ledger.clear()
        self._codes.clear()
        self._srp.clear()
        self._aliases.clear()
        self.clock.reset()

    def pool_ids(self) -> list[str]:
        return list(self._moto.user_pools)

    def stats(self) -> dict[str, int]:
        """Sizes of the emulator's bounded bookkeeping (to watch memory stay flat)."""
        pools = self._moto.user_pools.values()
        return {
            "pools": len(self._moto.user_pools),
            "users": sum(len(pool.users) for pool in pools),
            "token_families": len(self._ledger),
            "outbox_messages": self._codes.outbox_size(),
            "outstanding_codes": self._codes.outstanding_size(),
            "moto_sessions": len(self._moto.sessions),
            "srp_challenges": len(self._srp),
            "moto_stored_tokens": sum(
                len(pool.access_tokens) + len(pool.id_tokens) + len(pool.refresh_tokens)
                for pool in pools
            ),
        }

    # ----------------------------------------------------------------- sign-up and codes

    def _sign_up(self, body: dict[str, Any]) -> dict[str, Any]:
        pool, client = self._client(_required(body, "ClientId"))
        username = _required(body, "Username")
        password = _required(body, "Password")
        require_secret_hash(client.id, _secret(client), body.get("SecretHash"), username)
        if (pool.extended_config.get("AdminCreateUserConfig") or {}).get(
            "AllowAdminCreateUserOnly"
        ):
            raise NotAuthorizedException("SignUp is not permitted for this user pool")
        if self._find_user(pool, username) is not None:
            raise UsernameExistsException("User already exists")
        _check_password_policy(pool, password)
        user = self._create_user(pool, username, password, list(body.get("UserAttributes") or []))
        response: dict[str, Any] = {"UserConfirmed": False, "UserSub": user.id}
        delivery = self._send_verification_code(pool, user, "sign_up")
        if delivery is not None:
            response["CodeDeliveryDetails"] = delivery
        return response

    def _confirm_sign_up(self, body: dict[str, Any]) -> dict[str, Any]:
        pool, client = self._client(_required(body, "ClientId"))
        username = _required(body, "Username")
        code = _required(body, "ConfirmationCode")
        require_secret_hash(client.id, _secret(client), body.get("SecretHash"), username)
        user = self._find_user(pool, username)
        if user is None:
            if _prevents_user_existence_errors(client):
                raise CodeMismatchException(CODE_MISMATCH)
            raise UserNotFoundException(USER_CLIENT_NOT_FOUND)
        if user.status == UserStatus.CONFIRMED:
            raise NotAuthorizedException("User cannot be confirmed. Current status is CONFIRMED")
        self._codes.redeem(pool.id, user.username, "sign_up", code)
        user.status = UserStatus.CONFIRMED
        channel = _verification_channel(pool, user)
        if channel is not None:
            user.update_attributes([{"Name": f"{channel[2]}_verified", "Value": "true"}])
        return {}

    def _user_asking_for_a_code(
        self, body: dict[str, Any]
    ) -> tuple[CognitoIdpUserPool, CognitoIdpUser | None, dict[str, Any]]:
        """The pool and user of a ResendConfirmationCode or ForgotPassword request, with the
        answer an unknown user gets: a plausible delivery when the client hides which users
        exist (the user is then None), else UserNotFoundException."""
        pool, client = self._client(_required(body, "ClientId"))
        username = _required(body, "Username")
        require_secret_hash(client.id, _secret(client), body.get("SecretHash"), username)
        user = self._find_user(pool, username)
        if user is None and not _prevents_user_existence_errors(client):
            raise UserNotFoundException(USER_CLIENT_NOT_FOUND)
        return pool, user, {"CodeDeliveryDetails": _plausible_delivery(username)}

    def _resend_confirmation_code(self, body: dict[str, Any]) -> dict[str, Any]:
        pool, user, unknown_user_answer = self._user_asking_for_a_code(body)
        if user is None:
            return unknown_user_answer
        if user.status == UserStatus.CONFIRMED:
            raise InvalidParameterException("User is already confirmed.")
        delivery = self._send_verification_code(pool, user, "resend")
        if delivery is None:
            raise InvalidParameterException("Cannot resend codes. Auto verification not turned on.")
        return {"CodeDeliveryDetails": delivery}

    def _forgot_password(self, body: dict[str, Any]) -> dict[str, Any]:
        pool, user, unknown_user_answer = self._user_asking_for_a_code(body)
        if user is None:
            return unknown_user_answer
        mechanisms = _recovery_mechanisms(pool)
        if mechanisms[:1] == ["admin_only"]:
            raise NotAuthorizedException("Contact administrator to reset password.")
        if not user.enabled:
            raise NotAuthorizedException("User is disabled.")
        return {"CodeDeliveryDetails": self._send_recovery_code(pool, user, mechanisms)}

    def _admin_reset_user_password(self, body: dict[str, Any]) -> dict[str, Any]:
        """moto marks the user RESET_REQUIRED; Cognito also sends the code to reset with."""
        pool = self._pool(_required(body, "UserPoolId"))
        user = self._existing_user(pool, _required(body, "Username"))
        response = self._moto_call("AdminResetUserPassword", body)
        if user.status == UserStatus.RESET_REQUIRED:
            self._send_recovery_code(pool, user, _recovery_mechanisms(pool))
        return response

    def _send_recovery_code(
        self, pool: CognitoIdpUserPool, user: CognitoIdpUser, mechanisms: list[str]
    ) -> dict[str, str]:
        for mechanism in mechanisms:
            if mechanism not in _RECOVERY_CHANNELS:
                continue
            attribute, medium = _RECOVERY_CHANNELS[mechanism]
            destination = user.attribute_lookup.get(attribute)
            if destination and user.attribute_lookup.get(f"{attribute}_verified") == "true":
                return self._codes.issue(
                    pool.id, user.username, "forgot_password", destination, medium, attribute
                )
        raise InvalidParameterException(
            "Cannot reset password for the user as there is no registered/verified email or "
            "phone_number"
        )

    def _confirm_forgot_password(self, body: dict[str, Any]) -> dict[str, Any]:
        pool, client = self._client(_required(body, "ClientId"))
        username = _required(body, "Username")
        code = _required(body, "ConfirmationCode")
        password = _required(body, "Password")
        require_secret_hash(client.id, _secret(client), body.get("SecretHash"), username)
        user = self._find_user(pool, username)
        if user is None:
            if _prevents_user_existence_errors(client):
                raise CodeMismatchException(CODE_MISMATCH)
            raise UserNotFoundException(USER_CLIENT_NOT_FOUND)
        _check_password_policy(pool, password)
        self._codes.redeem(pool.id, user.username, "forgot_password", code)
        user.password = password
        if user.status == UserStatus.RESET_REQUIRED:
            user.status = UserStatus.CONFIRMED
        return {}

    def _send_verification_code(
        self, pool: CognitoIdpUserPool, user: CognitoIdpUser, purpose: Purpose
    ) -> dict[str, str] | None:
        channel = _verification_channel(pool, user)
        if channel is None:
            return None
        destination, medium, attribute = channel
        return self._codes.issue(pool.id, user.username, purpose, destination, medium, attribute)

    # ----------------------------------------------------------------- authentication

    def _initiate_auth(self, body: dict[str, Any]) -> dict[str, Any]:
        pool, client = self._client(_required(body, "ClientId"))
        flow = _required(body, "AuthFlow")
        params = _auth_parameters(body, "AuthParameters")
        _check_auth_flow(client, flow, USER_AUTH_FLOWS)
        if flow in REFRESH_FLOWS:
            return self._refresh(pool, client, params)
        if flow == "USER_PASSWORD_AUTH":
            return self._password_auth(pool, client, params, "InitiateAuth", body)
        if flow == "USER_SRP_AUTH":
            return self._srp_challenge(pool, client, params)
        return self._moto_call("InitiateAuth", body)

    def _admin_initiate_auth(self, body: dict[str, Any]) -> dict[str, Any]:
        pool = self._pool(_required(body, "UserPoolId"))
        client_id = _required(body, "ClientId")
        client = pool.clients.get(client_id)
        if client is None:
            raise ResourceNotFoundException(f"User pool client {client_id} does not exist.")
        flow = _required(body, "AuthFlow")
        params = _auth_parameters(body, "AuthParameters")
        _check_auth_flow(client, flow, ADMIN_AUTH_FLOWS)
        if flow in REFRESH_FLOWS:
            return self._refresh(pool, client, params)
        if flow in ADMIN_PASSWORD_FLOWS:
            return self._password_auth(pool, client, params, "AdminInitiateAuth", body)
        if flow == "USER_SRP_AUTH":
            return self._srp_challenge(pool, client, params)
        username = params.get("USERNAME") or ""
        require_secret_hash(client.id, _secret(client), params.get("SECRET_HASH"), username)
        return self._moto_call("AdminInitiateAuth", body)

    def _password_auth(
        self,
        pool: CognitoIdpUserPool,
        client: CognitoIdpUserPoolClient,
        params: dict[str, str],
        operation: str,
        body: dict[str, Any],
    ) -> dict[str, Any]:
        username = params.get("USERNAME")
        password = params.get("PASSWORD")
        if not username:
            raise InvalidParameterException("Missing required parameter USERNAME")
        if password is None:
            raise InvalidParameterException("Missing required parameter PASSWORD")
        require_secret_hash(client.id, _secret(client), params.get("SECRET_HASH"), username)
        user = self._find_user(pool, username)
        if user is None:
            if _prevents_user_existence_errors(client):
                raise NotAuthorizedException(INCORRECT_CREDENTIALS)
            raise UserNotFoundException("User does not exist.")
        if not user.enabled:
            raise NotAuthorizedException("User is disabled.")
        if user.password != password:
            raise NotAuthorizedException(INCORRECT_CREDENTIALS)
        if user.status == UserStatus.UNCONFIRMED:
            raise UserNotConfirmedException("User is not confirmed.")
        if user.status == UserStatus.RESET_REQUIRED:
            raise PasswordResetRequiredException("Password reset required for the user")
        if _needs_challenge(pool, user):
            # moto answers NEW_PASSWORD_REQUIRED and MFA challenges; its tokens come from our hooks.
            return self._moto_call(operation, body)
        return self._signed_in(pool, client, user)

    def _signed_in(
        self, pool: CognitoIdpUserPool, client: CognitoIdpUserPoolClient, user: CognitoIdpUser
    ) -> dict[str, Any]:
        """The answer to a completed sign-in: a new token family from the emulator's issuer."""
        result = self._tokens.sign_in(
            pool.id, client.id, self._principal(client, user), _lifetimes(client)
        )
        return {"ChallengeParameters": {}, "AuthenticationResult": result}

    def _srp_challenge(
        self, pool: CognitoIdpUserPool, client: CognitoIdpUserPoolClient, params: dict[str, str]
    ) -> dict[str, Any]:
        """USER_SRP_AUTH's first step: a PASSWORD_VERIFIER challenge the emulator can check
        (plain moto accepts any signature). A client that hides user existence gets a decoy
        challenge for an unknown user, which no answer passes."""
        username = params.get("USERNAME")
        srp_a = params.get("SRP_A")
        if not username:
            raise InvalidParameterException("Missing required parameter USERNAME")
        if not srp_a:
            raise InvalidParameterException("Missing required parameter SRP_A")
        require_secret_hash(client.id, _secret(client), params.get("SECRET_HASH"), username)
        user = self._find_user(pool, username)
        if user is None and not _prevents_user_existence_errors(client):
            raise UserNotFoundException("User does not exist.")
        if user is not None:
            _check_can_sign_in(user)
        challenge = self._srp.start(
            pool_id=pool.id,
            client_id=client.id,
            user_id_for_srp=user.username if user is not None else username,
            password=user.password if user is not None else None,
            srp_a=srp_a,
            session_minutes=float(
                client.extended_config.get("AuthSessionValidity") or DEFAULT_AUTH_SESSION_MINUTES
            ),
        )
        return {"ChallengeName": "PASSWORD_VERIFIER", "ChallengeParameters": challenge}

    def _srp_verify(
        self,
        pool: CognitoIdpUserPool,
        client: CognitoIdpUserPoolClient,
        responses: dict[str, str],
    ) -> dict[str, Any]:
        """PASSWORD_VERIFIER: tokens only for a signature that proves the user's password."""
        for name in (
            "USERNAME",
            "PASSWORD_CLAIM_SECRET_BLOCK",
            "PASSWORD_CLAIM_SIGNATURE",
            "TIMESTAMP",
        ):
            if not responses.get(name):
                raise InvalidParameterException(f"Missing required parameter {name}")
        pending = self._srp.take(
            responses["PASSWORD_CLAIM_SECRET_BLOCK"], pool_id=pool.id, client_id=client.id
        )
        user = self._find_user(pool, pending.user_id_for_srp)
        if user is not None and self._find_user(pool, responses["USERNAME"]) is not user:
            user = None  # the answer names another user than the challenge
        self._srp.verify(
            pending,
            password=user.password if user is not None else None,
            timestamp=responses["TIMESTAMP"],
            signature=responses["PASSWORD_CLAIM_SIGNATURE"],
        )
        assert user is not None  # verify() refuses when there is no user
        _check_can_sign_in(user)
        if _needs_challenge(pool, user):
            # The password is proven; moto answers NEW_PASSWORD_REQUIRED and MFA challenges from
            # a session of its own (its tokens come from our hooks).
            session = str(uuid.uuid4())
            self._moto.sessions[session] = (user.username, pool)
            return self._moto_call(
                "RespondToAuthChallenge",
                {
                    "ClientId": client.id,
                    "ChallengeName": "PASSWORD_VERIFIER",
                    "ChallengeResponses": {
                        **responses,
                        "USERNAME": user.username,
                        "PASSWORD_CLAIM_SECRET_BLOCK": session,
                    },
                },
            )
        return self._signed_in(pool, client, user)

    def _refresh(
        self, pool: CognitoIdpUserPool, client: CognitoIdpUserPoolClient, params: dict[str, str]
    ) -> dict[str, Any]:
        refresh_token = params.get("REFRESH_TOKEN")
        if not refresh_token:
            raise InvalidParameterException("Missing required parameter REFRESH_TOKEN")
        secret = _secret(client)
        provided_hash = params.get("SECRET_HASH")
        require_secret_present(client.id, secret, provided_hash)
        family = self._tokens.find_refresh_family(refresh_token, client.id)
        # The hash is over the username the token belongs to (for email-as-username pools that
        # is the sub-like username, not the email), as Cognito checks it.
        require_secret_hash(client.id, secret, provided_hash, family.username)
        user = pool.users.get(family.username)
        self._tokens.ensure_refreshable(family)
        if user is None:
            raise NotAuthorizedException("Refresh Token has been revoked")
        if not user.enabled:
            raise NotAuthorizedException("User is disabled.")
        result = self._tokens.refresh(family, self._principal(client, user), _lifetimes(client))
        return {"ChallengeParameters": {}, "AuthenticationResult": result}

    def _respond_to_auth_challenge(self, body: dict[str, Any]) -> dict[str, Any]:
        client_id = _required(body, "ClientId")
        pool, client = self._client(client_id)
        if "UserPoolId" in body and body["UserPoolId"] != pool.id:
            self._pool(body["UserPoolId"])
            raise ResourceNotFoundException(f"User pool client {client_id} does not exist.")
        responses = _auth_parameters(body, "ChallengeResponses")
        username = responses.get("USERNAME") or ""
        require_secret_hash(client.id, _secret(client), responses.get("SECRET_HASH"), username)
        if body.get("ChallengeName") == "PASSWORD_VERIFIER":
            return self._srp_verify(pool, client, responses)
        operation = (
            "AdminRespondToAuthChallenge" if "UserPoolId" in body else "RespondToAuthChallenge"
        )
        return self._moto_call(operation, body)

    def sign_in_for_moto(
        self, pool: CognitoIdpUserPool, client_id: str, username: str
    ) -> dict[str, Any]:
        """Tokens for a sign-in moto completed itself (after a challenge), from our issuer."""
        client = pool.clients[client_id]
        user = self._find_user(pool, username)
        if user is None:
            raise UserNotFoundException("User does not exist.")
        return self._tokens.sign_in(
            pool.id, client.id, self._principal(client, user), _lifetimes(client)
        )

    def refresh_for_moto(self, pool: CognitoIdpUserPool, refresh_token: str) -> dict[str, Any]:
        family = self._ledger.by_refresh_token(refresh_token)
        if family is None:
            raise NotAuthorizedException("Invalid Refresh Token")
        self._tokens.ensure_refreshable(family)
        client = pool.clients[family.client_id]
        user = pool.users.get(family.username)
        if user is None:
            raise NotAuthorizedException("Refresh Token has been revoked")
        return self._tokens.refresh(family, self._principal(client, user), _lifetimes(client))

    def revoke_user_tokens(self, pool_id: str, username: str) -> None:
        self._tokens.revoke_user(pool_id, username)

    # ----------------------------------------------------------------- access-token operations

    def _authenticated(
        self, body: dict[str, Any]
    ) -> tuple[TokenFamily, CognitoIdpUserPool, CognitoIdpUser]:
        family = self._tokens.verify_access_token(_required(body, "AccessToken"))
        pool = self._moto.user_pools.get(family.pool_id)
        user = pool.users.get(family.username) if pool is not None else None
        if pool is None or user is None:
            raise UserNotFoundException("User does not exist.")
        if not user.enabled:
            raise NotAuthorizedException("User is disabled.")
        return family, pool, user

    def _get_user(self, body: dict[str, Any]) -> dict[str, Any]:
        _, _, user = self._authenticated(body)
        response: dict[str, Any] = {
            "Username": user.username,
            "UserAttributes": [dict(attribute) for attribute in user.attributes],
        }
        mfa_settings = [
            name
            for name, enabled in (
                ("SOFTWARE_TOKEN_MFA", user.software_token_mfa_enabled),
                ("SMS_MFA", user.sms_mfa_enabled),
            )
            if enabled
        ]
        if mfa_settings:
            response["UserMFASettingList"] = mfa_settings
        if user.preferred_mfa_setting:
            response["PreferredMfaSetting"] = user.preferred_mfa_setting
        return response

    def _change_password(self, body: dict[str, Any]) -> dict[str, Any]:
        _, pool, user = self._authenticated(body)
        previous = _required(body, "PreviousPassword")
        proposed = _required(body, "ProposedPassword")
        if user.password != previous:
            raise NotAuthorizedException(INCORRECT_CREDENTIALS)
        _check_password_policy(pool, proposed)
        user.password = proposed
        return {}

    def _global_sign_out(self, body: dict[str, Any]) -> dict[str, Any]:
        _, pool, user = self._authenticated(body)
        self._tokens.revoke_user(pool.id, user.username)
        return {}

    def _admin_user_global_sign_out(self, body: dict[str, Any]) -> dict[str, Any]:
        pool = self._pool(_required(body, "UserPoolId"))
        user = self._existing_user(pool, _required(body, "Username"))
        self._tokens.revoke_user(pool.id, user.username)
        return {}

    def _revoke_token(self, body: dict[str, Any]) -> dict[str, Any]:
        token = _required(body, "Token")
        client_id = _required(body, "ClientId")
        _, client = self._client(client_id)
        secret = _secret(client)
        if secret is not None and body.get("ClientSecret") != secret:
            raise UnauthorizedException(
                f"Client {client_id} is configured for secret but secret was not received"
                if not body.get("ClientSecret")
                else "Invalid client secret"
            )
        if client.extended_config.get("EnableTokenRevocation") is False:
            raise UnsupportedOperationException("Token revocation is not enabled for this client.")
        family = self._ledger.by_refresh_token(token)
        if family is None:
            if token.count(".") == 2:
                raise UnsupportedTokenTypeException("Only refresh tokens can be revoked.")
            # RFC 7009: revoking a token that is unknown or already invalid succeeds.
            return {}
        if family.client_id != client_id:
            raise UnauthorizedException("Refresh Token has different Client.")
        self._tokens.revoke(family)
        return {}

    def _delete_user(self, body: dict[str, Any]) -> dict[str, Any]:
        _, pool, user = self._authenticated(body)
        self._remove_user(pool, user)
        return {}

    def _admin_delete_user(self, body: dict[str, Any]) -> dict[str, Any]:
        pool = self._pool(_required(body, "UserPoolId"))
        self._remove_user(pool, self._existing_user(pool, _required(body, "Username")))
        return {}

    def _admin_disable_user(self, body: dict[str, Any]) -> dict[str, Any]:
        """Cognito's AdminDisableUser also revokes the user's tokens; moto's does not."""
        pool = self._pool(_required(body, "UserPoolId"))
        user = self._existing_user(pool, _required(body, "Username"))
        user.enabled = False
        self._tokens.revoke_user(pool.id, user.username)
        return {}

    def _update_user_attributes(self, body: dict[str, Any]) -> dict[str, Any]:
        _, pool, user = self._authenticated(body)
        attributes = list(body.get("UserAttributes") or [])
        self._moto.admin_update_user_attributes(pool.id, user.username, attributes)
        names = {attribute.get("Name") for attribute in attributes}
        auto_verified = pool.extended_config.get("AutoVerifiedAttributes") or []
        deliveries = []
        for attribute, medium in _VERIFIABLE_ATTRIBUTES:
            if attribute not in names or f"{attribute}_verified" in names:
                continue
            user.update_attributes([{"Name": f"{attribute}_verified", "Value": "false"}])
            value = user.attribute_lookup.get(attribute)
            if attribute in auto_verified and value:
                deliveries.append(
                    self._codes.issue(
                        pool.id, user.username, "verify_attribute", value, medium, attribute
                    )
                )
        return {"CodeDeliveryDetailsList": deliveries} if deliveries else {}

    def _delete_user_attributes(self, body: dict[str, Any]) -> dict[str, Any]:
        _, pool, user = self._authenticated(body)
        names = list(body.get("UserAttributeNames") or [])
        self._moto.admin_delete_user_attributes(pool.id, user.username, names)
        return {}

    def _get_user_attribute_verification_code(self, body: dict[str, Any]) -> dict[str, Any]:
        _, pool, user = self._authenticated(body)
        attribute = _required(body, "AttributeName")
        medium: Medium = "EMAIL" if attribute == "email" else "SMS"
        value = user.attribute_lookup.get(attribute)
        if attribute not in ("email", "phone_number") or not value:
            raise InvalidParameterException(f"Invalid attribute name {attribute} for verification.")
        details = self._codes.issue(
            pool.id, user.username, "verify_attribute", value, medium, attribute
        )
        return {"CodeDeliveryDetails": details}

    def _verify_user_attribute(self, body: dict[str, Any]) -> dict[str, Any]:
        _, pool, user = self._authenticated(body)
        attribute = _required(body, "AttributeName")
        code = _required(body, "Code")
        self._codes.redeem(pool.id, user.username, "verify_attribute", code, attribute)
        user.update_attributes([{"Name": f"{attribute}_verified", "Value": "true"}])
        return {}

    def _delete_user_pool(self, body: dict[str, Any]) -> dict[str, Any]:
        pool_id = _required(body, "UserPoolId")
        self._pool(pool_id)
        response = self._moto_call("DeleteUserPool", body)
        self._keys.forget(pool_id, delete_file=True)
        self._ledger.forget_pool(pool_id)
        return response

    # ----------------------------------------------------------------- moto pass-through

    def _moto_call(self, operation: str, body: dict[str, Any]) -> dict[str, Any]:
        try:
            return _MotoRequest(self._moto, operation, body).run()
        finally:
            sessions = self._moto.sessions
            while len(sessions) > MAX_MOTO_SESSIONS:
                del sessions[next(iter(sessions))]

    def _moto_call_with_access_token(self, operation: str, body: dict[str, Any]) -> dict[str, Any]:
        """moto finds the user by looking the token up in pool.access_tokens; we never store access
        tokens, so a verified one is registered there for the duration of the call only."""
        family, pool, user = self._authenticated(body)
        token = body["AccessToken"]
        pool.access_tokens[token] = (family.client_id, user.username)
        try:
            return self._moto_call(operation, body)
        finally:
            pool.access_tokens.pop(token, None)

    # ----------------------------------------------------------------- lookups

    def _pool(self, pool_id: str) -> CognitoIdpUserPool:
        pool = self._moto.user_pools.get(pool_id)
        if pool is None:
            raise ResourceNotFoundException(f"User pool {pool_id} does not exist.")
        return pool

    def _client(self, client_id: str) -> tuple[CognitoIdpUserPool, CognitoIdpUserPoolClient]:
        for pool in self._moto.user_pools.values():
            client = pool.clients.get(client_id)
            if client is not None:
                return pool, client
        raise ResourceNotFoundException(f"User pool client {client_id} does not exist.")

    def _find_user(self, pool: CognitoIdpUserPool, username: str) -> CognitoIdpUser | None:
        """By username, or by a UsernameAttributes alias (email/phone) through a checked cache,
        instead of moto's scan over every user on each lookup."""
        user = pool.users.get(username)
        if user is not None:
            return user
        alias_attributes = pool.extended_config.get("UsernameAttributes") or []
        if not alias_attributes:
            return None

        def matches(candidate: CognitoIdpUser) -> bool:
            lookup = candidate.attribute_lookup
            return any(lookup.get(attribute) == username for attribute in alias_attributes)

        cached = self._aliases.get((pool.id, username))
        user = pool.users.get(cached) if cached is not None else None
        if user is not None and matches(user):
            return user
        for candidate in pool.users.values():
            if matches(candidate):
                self._aliases[(pool.id, username)] = candidate.username
                return candidate
        return None

    def _existing_user(self, pool: CognitoIdpUserPool, username: str) -> CognitoIdpUser:
        user = self._find_user(pool, username)
        if user is None:
            raise UserNotFoundException("User does not exist.")
        return user

    def _create_user(
        self,
        pool: CognitoIdpUserPool,
        username: str,
        password: str,
        attributes: list[dict[str, str]],
    ) -> CognitoIdpUser:
        """SignUp's user as moto makes it (username attributes included), minus moto's policy."""
        alias_attributes = pool.extended_config.get("UsernameAttributes") or []
        if alias_attributes:
            for attribute in alias_attributes:
                if validate_username_format(username, _format=attribute):
                    attributes = [a for a in attributes if a.get("Name") != attribute]
                    attributes.append({"Name": attribute, "Value": username})
                    break
            else:
                raise InvalidParameterException(
                    "Username should be either an email or a phone number."
                )
        user = CognitoIdpUser(
            user_pool_id=pool.id,
            username=None if alias_attributes else username,
            password=password,
            status=UserStatus.UNCONFIRMED,
            attributes=attributes,
        )
        pool.users[user.username] = user
        return user

    def _remove_user(self, pool: CognitoIdpUserPool, user: CognitoIdpUser) -> None:
        self._moto.admin_delete_user(pool.id, user.username)
        self._tokens.revoke_user(pool.id, user.username)
        self._codes.forget_user(pool.id, user.username)

    def _principal(self, client: CognitoIdpUserPoolClient, user: CognitoIdpUser) -> Principal:
        readable = client.extended_config.get("ReadAttributes")
        lookup: dict[str, str] = user.attribute_lookup
        if readable:
            allowed = set(readable)
            attributes = {name: value for name, value in lookup.items() if name in allowed}
        else:
            attributes = {
                name: value for name, value in lookup.items() if not name.startswith("dev:")
            }
        groups = tuple(sorted(group.group_name for group in user.groups))
        return Principal(sub=user.id, username=user.username, groups=groups, attributes=attributes)

    def new_pool_id(self, region: str, name: str, random_id: str) -> str:
        """Pool ids shaped like Cognito's (`{region}_` + 9 alphanumerics; moto's are 32 hex
        digits), so code that parses or validates them behaves as against AWS. With keys_dir,
        they derive from the pool's name and creation order, so a restarted emulator that
        re-creates its pools gets the same ids and finds their keys (and so the tokens issued
        before the restart still verify); otherwise they are random."""
        for sequence in range(len(self._moto.user_pools) + 1):
            if self._stable_pool_ids:
                seed = hashlib.sha256(f"{region}\0{name}\0{sequence}".encode()).digest()
            else:
                seed = secrets.token_bytes(8)
            number = int.from_bytes(seed[:8], "big")
            suffix = ""
            for _ in range(9):
                number, index = divmod(number, 62)
                suffix += _BASE62[index]
            candidate = f"{region}_{suffix}"
            if candidate not in self._moto.user_pools:
                return candidate
        return random_id


_BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase


# --------------------------------------------------------------------- moto subclasses


def _moto_pool_init_without_bundled_key() -> Callable[..., None]:
    """moto's own CognitoIdpUserPool.__init__, run with `load_resource` and `jwk` resolving to
    stubs, so it skips importing moto's bundled private key: that import costs ~110 ms per pool
    (it recovers the RSA primes) for a key the emulator must never use. moto's code and module
    stay untouched; moto_boundary checks the names this relies on."""
    original = CognitoIdpUserPool.__init__
    namespace = dict(original.__globals__)
    namespace["load_resource"] = lambda _path: {}
    namespace["jwk"] = types.SimpleNamespace(
        RSAKey=types.SimpleNamespace(import_key=lambda _data: None)
    )
    return types.FunctionType(
        original.__code__, namespace, original.__name__, original.__defaults__, None
    )


_MOTO_POOL_INIT = _moto_pool_init_without_bundled_key()


class _EmulatorUserPool(CognitoIdpUserPool):
    """A moto pool whose tokens come from the emulator's issuer, never from moto's bundled key."""

    def __init__(
        self,
        overlay: EmulatorBackend,
        moto_backend: _EmulatorMotoBackend,
        name: str,
        extended_config: dict[str, Any],
    ) -> None:
        _MOTO_POOL_INIT(
            self, moto_backend.account_id, moto_backend.region_name, name, extended_config
        )
        del self.json_web_key  # never loaded (see above), and never to be used
        stable_id = overlay.new_pool_id(self.region, name, self.id)
        self.arn = self.arn.removesuffix(self.id) + stable_id
        self.id = stable_id
        self._overlay = overlay
        self._moto_backend = moto_backend
        self._pending_sign_in: dict[str, Any] | None = None

    @property
    def backend(self) -> CognitoIdpBackend:
        return self._moto_backend

    def create_jwt(self, *args: Any, **kwargs: Any) -> tuple[str, int]:
        raise RuntimeError("moto's bundled signing key must never sign emulator tokens")

    # moto's own sign-in path (after challenges) calls create_refresh_token, then either
    # create_tokens_from_refresh_token or create_access_token + create_id_token: the first call
    # signs in through the emulator and the following ones hand out that sign-in's tokens.
    def create_refresh_token(self, client_id: str, username: str) -> tuple[str, str]:
        result = self._overlay.sign_in_for_moto(self, client_id, username)
        family = self._overlay._ledger.by_refresh_token(result["RefreshToken"])
        assert family is not None
        self._pending_sign_in = {**result, "origin_jti": family.origin_jti}
        return result["RefreshToken"], family.origin_jti

    def create_tokens_from_refresh_token(self, refresh_token: str) -> tuple[str, str, int]:
        pending = self._pending_sign_in
        if pending is not None and pending["RefreshToken"] == refresh_token:
            self._pending_sign_in = None
            return pending["AccessToken"], pending["IdToken"], pending["ExpiresIn"]
        result = self._overlay.refresh_for_moto(self, refresh_token)
        return result["AccessToken"], result["IdToken"], result["ExpiresIn"]

    def create_access_token(
        self, client_id: str, username: str, origin_jti: str
    ) -> tuple[str, int]:
        pending = self._pending_tokens(origin_jti)
        return pending["AccessToken"], pending["ExpiresIn"]

    def create_id_token(self, client_id: str, username: str, origin_jti: str) -> tuple[str, int]:
        pending = self._pending_tokens(origin_jti)
        self._pending_sign_in = None
        return pending["IdToken"], pending["ExpiresIn"]

    def _pending_tokens(self, origin_jti: str) -> dict[str, Any]:
        pending = self._pending_sign_in
        if pending is None or pending["origin_jti"] != origin_jti:
            raise RuntimeError("moto asked for tokens outside a sign-in")
        return pending

    def sign_out(self, username: str) -> None:
        user = self._get_user(username)
        self._overlay.revoke_user_tokens(self.id, user.username if user else username)


class _EmulatorMotoBackend(CognitoIdpBackend):
    """The emulator's private moto backend: not in moto's BackendDict, so mock_aws leaves it be."""

    def __init__(self, overlay: EmulatorBackend) -> None:
        super().__init__(overlay.region, EMULATOR_ACCOUNT_ID)
        self._overlay = overlay

    def create_user_pool(self, name: str, extended_config: dict[str, Any]) -> CognitoIdpUserPool:
        pool = _EmulatorUserPool(self._overlay, self, name, extended_config)
        self.user_pools[pool.id] = pool
        return pool


class _OnlyBackend(RegionAgnosticBackend):
    """moto's region-agnostic lookups, confined to the emulator's backend."""

    def __init__(self, backend: CognitoIdpBackend) -> None:
        super().__init__(backend.account_id, backend.region_name)
        self._backend = backend

    def _find_backend_by_access_token(self, access_token: str) -> CognitoIdpBackend:
        return self._backend

    def _find_backend_by_access_token_or_session(
        self, access_token: str, session: str
    ) -> CognitoIdpBackend:
        return self._backend

    def _find_backend_for_clientid(self, client_id: str) -> CognitoIdpBackend:
        return self._backend


_MOTO_OPERATIONS = frozenset(
    name
    for name, member in vars(CognitoIdpResponse).items()
    if inspect.isfunction(member) and not name.startswith("_")
)


class _MotoRequest(CognitoIdpResponse):
    """moto's cognito-idp request handler fed a parsed body instead of an HTTP request."""

    def __init__(self, backend: CognitoIdpBackend, operation: str, body: dict[str, Any]) -> None:
        super().__init__()
        self._backend = backend
        self._operation = operation
        self.body = json.dumps(body)
        self.querystring = {}
        self.uri_match = {}
        self.headers = {"Content-Type": "application/x-amz-json-1.1"}
        self.response_headers = {}
        self.current_account = backend.account_id
        self.region = backend.region_name

    @property
    def backend(self) -> CognitoIdpBackend:
        return self._backend

    def _get_region_agnostic_backend(self) -> RegionAgnosticBackend:
        return _OnlyBackend(self._backend)

    def _get_action(self) -> str:
        return self._operation

    def run(self) -> dict[str, Any]:
        result = getattr(self, camelcase_to_underscores(self._operation))()
        if result is None:
            return {}
        _, _, body = self.serialized(result)
        return json.loads(body) if body else {}


# --------------------------------------------------------------------- helpers


@functools.cache
def _required_members() -> dict[str, tuple[str, ...]]:
    """Each cognito-idp operation's required top-level request members, from botocore's model."""
    model = botocore.session.get_session().get_service_model("cognito-idp")
    required: dict[str, tuple[str, ...]] = {}
    for name in model.operation_names:
        shape = model.operation_model(name).input_shape
        required[name] = tuple(shape.required_members) if shape is not None else ()
    return required


def _check_request(operation: str, body: dict[str, Any], *, overlaid: bool) -> None:
    """Refuse, as AWS's request validation does, unknown operations and missing members, so
    neither reaches moto (which would fail with a KeyError, an HTTP 500)."""
    required = _required_members().get(operation)
    if required is None or not (
        overlaid or camelcase_to_underscores(operation) in _MOTO_OPERATIONS
    ):
        raise UnknownOperationException(
            f"Operation {operation} is not supported by the Cognito emulator."
        )
    for member in required:
        if body.get(member) is None:
            raise InvalidParameterException(
                f"1 validation error detected: Value null at '{member[:1].lower()}{member[1:]}' "
                "failed to satisfy constraint: Member must not be null"
            )


def _required(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value:
        raise InvalidParameterException(
            f"1 validation error detected: Value at '{name[:1].lower()}{name[1:]}' failed to "
            "satisfy constraint: Member must not be null"
        )
    return value


def _auth_parameters(body: dict[str, Any], name: str) -> dict[str, str]:
    value = body.get(name) or {}
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise InvalidParameterException(f"{name} must be a map of strings.")
    return value


def _secret(client: CognitoIdpUserPoolClient) -> str | None:
    return str(client.secret) if client.generate_secret else None


def _prevents_user_existence_errors(client: CognitoIdpUserPoolClient) -> bool:
    """PreventUserExistenceErrors defaults to LEGACY for clients created through the API."""
    return client.extended_config.get("PreventUserExistenceErrors") == "ENABLED"


def _lifetimes(client: CognitoIdpUserPoolClient) -> TokenLifetimes:
    return TokenLifetimes.from_client_config(client.extended_config)


def _check_auth_flow(
    client: CognitoIdpUserPoolClient, flow: str, operation_flows: frozenset[str]
) -> None:
    if flow not in ALL_AUTH_FLOWS:
        raise InvalidParameterException(
            f"1 validation error detected: Value '{flow}' at 'authFlow' failed to satisfy "
            f"constraint: Member must satisfy enum value set: [{', '.join(ALL_AUTH_FLOWS)}]"
        )
    if flow not in operation_flows:
        raise InvalidParameterException("Initiate Auth method not supported.")
    configured = client.extended_config.get("ExplicitAuthFlows") or DEFAULT_EXPLICIT_AUTH_FLOWS
    legacy = not any(value.startswith("ALLOW_") for value in configured)
    if legacy and (flow in REFRESH_FLOWS or flow == "USER_SRP_AUTH"):
        return  # legacy flow names always allow refresh and SRP
    if any(permission in configured for permission in FLOW_PERMISSIONS.get(flow, ())):
        return
    if flow in ADMIN_PASSWORD_FLOWS:
        raise InvalidParameterException("Auth flow not enabled for this client")
    raise InvalidParameterException(f"{flow} flow not enabled for this client")


def _check_can_sign_in(user: CognitoIdpUser) -> None:
    """Refuse a user who may not sign in whatever the password (checked at both SRP steps)."""
    if not user.enabled:
        raise NotAuthorizedException("User is disabled.")
    if user.status == UserStatus.UNCONFIRMED:
        raise UserNotConfirmedException("User is not confirmed.")
    if user.status == UserStatus.RESET_REQUIRED:
        raise PasswordResetRequiredException("Password reset required for the user")


def _needs_challenge(pool: CognitoIdpUserPool, user: CognitoIdpUser) -> bool:
    return bool(
        user.status == UserStatus.FORCE_CHANGE_PASSWORD
        or user.software_token_mfa_enabled
        or user.sms_mfa_enabled
        or pool.mfa_config == "ON"
    )


def _check_password_policy(pool: CognitoIdpUserPool, password: str) -> None:
    """The pool's PasswordPolicy with Cognito's messages (unset requirements are off)."""
    policy = (pool.extended_config.get("Policies") or {}).get("PasswordPolicy") or {}
    checks = (
        (len(password) >= int(policy.get("MinimumLength", 8)), "Password not long enough"),
        (
            not policy.get("RequireLowercase") or any(c.islower() for c in password),
            "Password must have lowercase characters",
        ),
        (
            not policy.get("RequireUppercase") or any(c.isupper() for c in password),
            "Password must have uppercase characters",
        ),
        (
            not policy.get("RequireNumbers") or any(c.isdigit() for c in password),
            "Password must have numeric characters",
        ),
        (
            not policy.get("RequireSymbols") or any(c in PASSWORD_SYMBOLS for c in password),
            "Password must have symbol characters",
        ),
    )
    for passed, problem in checks:
        if not passed:
            raise InvalidPasswordException(f"Password did not conform with policy: {problem}")


def _verification_channel(
    pool: CognitoIdpUserPool, user: CognitoIdpUser
) -> tuple[str, Medium, str] | None:
    """(destination, medium, attribute) a sign-up code goes to: an auto-verified attribute."""
    auto_verified = pool.extended_config.get("AutoVerifiedAttributes") or []
    email = user.attribute_lookup.get("email")
    if "email" in auto_verified and email:
        return email, "EMAIL", "email"
    phone = user.attribute_lookup.get("phone_number")
    if "phone_number" in auto_verified and phone:
        return phone, "SMS", "phone_number"
    return None


def _recovery_mechanisms(pool: CognitoIdpUserPool) -> list[str]:
    setting = pool.extended_config.get("AccountRecoverySetting") or {}
    mechanisms = setting.get("RecoveryMechanisms") or []
    if not mechanisms:
        return list(LEGACY_RECOVERY)
    ordered = sorted(mechanisms, key=lambda mechanism: mechanism.get("Priority", 0))
    return [str(mechanism.get("Name")) for mechanism in ordered]


def _plausible_delivery(username: str) -> dict[str, str]:
    """What Cognito answers for an unknown user when it hides user existence: a made-up address."""
    address = username if "@" in username else f"{username}@example.com"
    return delivery_details(address, "EMAIL", "email")
