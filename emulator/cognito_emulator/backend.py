"""EmulatorBackend: moto keeps Cognito's state, the flows make it behave like Cognito.

`dispatch(operation, body)` takes the X-Amz-Target suffix and the parsed JSON body and returns
the JSON response. The operations where plain moto is loose (sign-up and confirmation codes,
SECRET_HASH, auth flows, token lifetimes and revocation, access-token calls) are answered by the
flows (`flows/`); every other operation goes to moto's own cognito-idp request handler (through
`moto_adapter`), so the whole moto API surface stays available to boto3 users.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from cognito_emulator import moto_boundary
from cognito_emulator.backend_lock import BackendLock
from cognito_emulator.challenge_sessions import ChallengeSessions
from cognito_emulator.clock import OFFSET_KEY, Clock
from cognito_emulator.codes import CodeBook
from cognito_emulator.flows.access_token import AccessTokenFlows
from cognito_emulator.flows.administration import AdministrationFlows
from cognito_emulator.flows.authentication import AuthenticationFlows
from cognito_emulator.flows.code_delivery import CodeSender
from cognito_emulator.flows.custom_auth import CustomAuthFlow, CustomAuthState
from cognito_emulator.flows.managed_login import ManagedLoginFlows
from cognito_emulator.flows.mfa_challenges import MfaCodes
from cognito_emulator.flows.mfa_settings import MfaSettingsFlows
from cognito_emulator.flows.oauth_grants import OAuthGrantFlows
from cognito_emulator.flows.oauth_settings import OAuthSettingsFlows
from cognito_emulator.flows.pool_settings import PoolSettingsFlows
from cognito_emulator.flows.refresh import RefreshFlows
from cognito_emulator.flows.sign_in_challenges import PendingChallenge, SignInChallenges
from cognito_emulator.flows.sign_in_completion import SignInCompletion
from cognito_emulator.flows.sign_up import SignUpFlows
from cognito_emulator.flows.user_auth import UserAuthFlow, UserAuthState
from cognito_emulator.flows.user_migration import UserMigrationFlow
from cognito_emulator.keys import KeyStore
from cognito_emulator.moto_adapter import MotoAdapter
from cognito_emulator.oauth import AuthorizationCodes
from cognito_emulator.pool_ids import PoolIds
from cognito_emulator.srp import SrpChallenges
from cognito_emulator.state.durable import DurableState
from cognito_emulator.state.records import Touched
from cognito_emulator.token_ledger import TokenLedger
from cognito_emulator.tokens import TokenIssuer
from cognito_emulator.triggers import lambda_config as lambda_config_rules
from cognito_emulator.triggers.functions import TIMEOUT_SECONDS as LAMBDA_TIMEOUT_SECONDS
from cognito_emulator.triggers.functions import LambdaFunctions
from cognito_emulator.triggers.invocation import PoolTriggers
from cognito_emulator.usernames import UserDirectory
from cognito_emulator.validation import check_request, input_shapes

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
        state_dir: Path | None = None,
        lambda_endpoint: str | None = None,
        lambda_timeout_seconds: float = LAMBDA_TIMEOUT_SECONDS,
    ) -> None:
        """With `state_dir`, the state is loaded from there and every call's changes saved to it
        (`state/`); StateDirError when that directory cannot be used."""
        moto_boundary.check()
        input_shapes()  # load botocore's model now, not on the first request
        self.region = region
        self.clock = clock if clock is not None else Clock()
        # Held by every call from the HTTP app and EmulatorServer; triggers run without it.
        self.lock = BackendLock()
        self.lambdas = LambdaFunctions(
            region=region, endpoint_url=lambda_endpoint, timeout_seconds=lambda_timeout_seconds
        )
        self.triggers = PoolTriggers(self.lambdas, region, self.lock)
        touched: Touched = set()
        self._keys = KeyStore(keys_dir, touched=touched)
        self._ledger = TokenLedger(touched=touched)
        self._tokens = TokenIssuer(region, self._keys, self.clock, self._ledger)
        self._codes = CodeBook(self.clock, fixed_code=fixed_code, touched=touched)
        self._srp = SrpChallenges(self.clock)
        self._users = UserDirectory()
        self._authorization_codes = AuthorizationCodes(self.clock)
        self._moto = MotoAdapter(
            region, new_pool_id=PoolIds(stable=keys_dir is not None).new, touched=touched
        )
        pool_settings = PoolSettingsFlows(self._moto)
        triggers = self.triggers
        migration = UserMigrationFlow(self._moto, self._users, triggers)
        sign_up = SignUpFlows(self._moto, self._users, self._codes, triggers, migration)
        self._challenge_sessions = ChallengeSessions[CustomAuthState](self.clock)
        self._custom_auth = CustomAuthFlow(
            self._users, SrpChallenges(self.clock), self._challenge_sessions, triggers
        )
        completion = SignInCompletion(self._tokens, triggers)
        self._sign_in_sessions = ChallengeSessions[PendingChallenge](self.clock)
        self._user_auth_sessions = ChallengeSessions[UserAuthState](self.clock)
        self._sign_in_challenges = SignInChallenges(
            self._moto,
            self._users,
            self._sign_in_sessions,
            MfaCodes(CodeSender(self._codes, triggers), self.clock),
            completion,
            self.clock,
        )
        authentication = self._authentication = AuthenticationFlows(
            self._moto,
            self._users,
            self._srp,
            triggers,
            migration,
            self._custom_auth,
            RefreshFlows(self._tokens, triggers, self._moto),
            self._sign_in_challenges,
            completion,
            UserAuthFlow(
                self._users,
                self._srp,
                self._user_auth_sessions,
                CodeSender(self._codes, triggers),
                self._sign_in_challenges,
                completion,
                triggers,
            ),
        )
        access_token = self._access_token = AccessTokenFlows(
            self._moto, self._users, self._tokens, self._codes, triggers
        )
        administration = self._administration = AdministrationFlows(
            self._moto, self._users, self._tokens, self._codes, self._keys, triggers, self.clock
        )
        self.oauth_grants = OAuthGrantFlows(
            self._moto, self._users, self._tokens, self._authorization_codes, triggers
        )
        self.managed_login = ManagedLoginFlows(
            self._moto,
            self._users,
            sign_up,
            self._authorization_codes,
            self.oauth_grants,
            self.clock,
            triggers,
            migration,
            MfaCodes(CodeSender(self._codes, triggers), self.clock),
        )
        self._handlers: dict[str, Handler] = {
            **OAuthSettingsFlows(self._moto).handlers(),
            **MfaSettingsFlows(
                self._moto, self._users, self._tokens, self.clock, self._sign_in_challenges
            ).handlers(),
            "AdminGetUser": administration.admin_get_user,
            "CreateUserPool": pool_settings.create_user_pool,
            "UpdateUserPool": pool_settings.update_user_pool,
            "SignUp": sign_up.sign_up,
            "ConfirmSignUp": sign_up.confirm_sign_up,
            "AdminConfirmSignUp": sign_up.admin_confirm_sign_up,
            "AdminCreateUser": administration.admin_create_user,
            "AdminSetUserPassword": administration.admin_set_user_password,
            "ResendConfirmationCode": sign_up.resend_confirmation_code,
            "ForgotPassword": sign_up.forgot_password,
            "ConfirmForgotPassword": sign_up.confirm_forgot_password,
            "AdminResetUserPassword": sign_up.admin_reset_user_password,
            "InitiateAuth": authentication.initiate_auth,
            "AdminInitiateAuth": authentication.admin_initiate_auth,
            "RespondToAuthChallenge": authentication.respond_to_auth_challenge,
            "AdminRespondToAuthChallenge": authentication.respond_to_auth_challenge,
            "GetUser": access_token.get_user,
            "ChangePassword": access_token.change_password,
            "UpdateUserAttributes": access_token.update_user_attributes,
            "DeleteUserAttributes": access_token.delete_user_attributes,
            "GetUserAttributeVerificationCode": access_token.get_user_attribute_verification_code,
            "VerifyUserAttribute": access_token.verify_user_attribute,
            "DeleteUser": access_token.delete_user,
            "GlobalSignOut": access_token.global_sign_out,
            "AdminUserGlobalSignOut": access_token.admin_user_global_sign_out,
            "RevokeToken": access_token.revoke_token,
            "GetTokensFromRefreshToken": authentication.refresh.get_tokens_from_refresh_token,
            "AdminDeleteUser": administration.admin_delete_user,
            "AdminDisableUser": administration.admin_disable_user,
            "DeleteUserPool": administration.delete_user_pool,
        }

        self.state = DurableState(
            state_dir, [self.clock, self._keys, self._moto, self._ledger, self._codes], touched
        )
        self.state.open()
        self.lock.before_release = self.state.commit

    def dispatch(self, operation: str, body: dict[str, Any]) -> dict[str, Any]:
        """Answer one cognito-idp call; raises only CognitoError for what a caller causes."""
        handler = self._handlers.get(operation)
        check_request(operation, body, self._serves)
        if handler is not None:
            return handler(body)
        if isinstance(body.get("AccessToken"), str):
            return self._access_token.pass_to_moto(operation, body)
        return self._administration.pass_to_moto(operation, body)

    def jwks(self, pool_id: str) -> dict[str, Any]:
        self._moto.pool(pool_id)
        return self._keys.jwks(pool_id)

    def openid_configuration(self, pool_id: str, base_url: str) -> dict[str, Any]:
        """The pool's discovery document with the fields of Cognito's, in its alphabetical
        order (as a real pool's, quoted in micronaut-security's test fixture
        EmbeddedServerOpenIdProviderMetadataFetcherCodeGeneratorSpec: no
        code_challenge_methods_supported). The OAuth endpoints, on the host the caller used,
        are listed once the pool has a domain: they exist only then."""
        pool = self._moto.pool(pool_id)
        base = base_url.rstrip("/")
        document: dict[str, Any] = {
            "id_token_signing_alg_values_supported": ["RS256"],
            "issuer": self._tokens.issuer(pool_id),
            "jwks_uri": f"{base}/{pool_id}/.well-known/jwks.json",
            "response_types_supported": ["code", "token"],
            "scopes_supported": ["openid", "email", "phone", "profile"],
            "subject_types_supported": ["public"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        }
        if pool.domain is not None:
            # The emulator serves a domain's pages under http.app.DOMAIN_PATH.
            domain_url = f"{base}/domains/{pool.domain}"
            document["authorization_endpoint"] = f"{domain_url}/oauth2/authorize"
            document["end_session_endpoint"] = f"{domain_url}/logout"
            document["revocation_endpoint"] = f"{domain_url}/oauth2/revoke"
            document["token_endpoint"] = f"{domain_url}/oauth2/token"
            document["userinfo_endpoint"] = f"{domain_url}/oauth2/userInfo"
        return dict(sorted(document.items()))

    def outbox(
        self, pool_id: str | None = None, username: str | None = None
    ) -> list[dict[str, Any]]:
        """Messages sent, oldest first; `username` names a user as the pool does (any
        capitalization in a case-insensitive pool, an email or phone alias)."""
        pool = self._moto.find_pool(pool_id) if pool_id is not None else None
        if pool is not None and username is not None:
            user = self._users.find(pool, username)
            username = (
                user.username if user is not None else self._users.stored_username(pool, username)
            )
        return self._codes.outbox(pool_id, username)

    def set_lambda_config(self, pool_id: str, lambda_config: dict[str, Any]) -> dict[str, Any]:
        """Give a pool these triggers, its other settings kept; the LambdaConfig as stored."""
        config = lambda_config_rules.normalized(lambda_config)
        self._moto.pool(pool_id).set_lambda_config(config)
        return config

    def advance_clock(self, seconds: object) -> float:
        """Move the clock (`Clock.advance`: ValueError naming the allowed range); saved."""
        now = self.clock.advance(seconds)
        self.state.touched.add(OFFSET_KEY)
        return now

    def rotate_keys(self, pool_id: str) -> str:
        self._moto.pool(pool_id)
        return self._keys.rotate(pool_id)

    def reset(self) -> None:
        """Wipe the emulator's pools, users, tokens, codes and outbox; clock offset back to 0."""
        self._moto.reset()
        self._keys.clear()
        self._ledger.clear()
        self._codes.clear()
        self._srp.clear()
        self._challenge_sessions.clear()
        self._sign_in_sessions.clear()
        self._user_auth_sessions.clear()
        self._custom_auth.srp.clear()
        self._users.clear()
        self._authorization_codes.clear()
        self.managed_login.clear()
        self.clock.reset()
        self.state.wipe()

    def pool_ids(self) -> list[str]:
        return self._moto.pool_ids()

    def stats(self) -> dict[str, int]:
        """Sizes of the emulator's bounded bookkeeping (to watch memory stay flat)."""
        moto = self._moto.sizes()
        return {
            "pools": moto["pools"],
            "users": moto["users"],
            "token_families": len(self._ledger),
            "outbox_messages": self._codes.outbox_size(),
            "outstanding_codes": self._codes.outstanding_size(),
            "moto_sessions": moto["moto_sessions"],
            "srp_challenges": len(self._srp) + len(self._custom_auth.srp),
            "challenge_sessions": (
                len(self._challenge_sessions)
                + len(self._sign_in_sessions)
                + len(self._user_auth_sessions)
            ),
            "moto_stored_tokens": moto["moto_stored_tokens"],
        }

    def _serves(self, operation: str) -> bool:
        return operation in self._handlers or self._moto.serves(operation)
