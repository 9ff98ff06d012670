"""UserMigration: Cognito's events, and the user its answer creates.

The expected events are AWS's documented shape written out (user-pool-lambda-migrate-user.md:
userName, request {password, validationData, clientMetadata}, response {userAttributes,
finalUserStatus, messageAction, desiredDeliveryMediums, forceAliasCreation, enableSMSMFA}) with
the common parameters of cognito-user-pools-working-with-lambda-triggers.md. The answers follow
the guide's "Migrate user response parameters": finalUserStatus CONFIRMED (or unset) signs the
user in with the password they typed, RESET_REQUIRED answers PasswordResetRequiredException,
"The password strength policy ... will not be enforced during migration", forceAliasCreation
moves an email or phone number from the user who had it, enableSMSMFA needs a phone number.
"""

from __future__ import annotations

import copy
from typing import Any

import jwt
import pytest
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
from pycognito.aws_srp import AWSSRP

from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.pytest_plugin import CognitoLambdas, secret_hash
from cognito_emulator.server import EmulatorServer
from tests.emulator.oauth_harness import CALLBACK, create_login_pool
from tests.emulator.trigger_harness import error_of

Event = dict[str, Any]
LEGACY_PASSWORD = "legacy"  # far below the pool's password policy
LEGACY_ATTRIBUTES = {"email": "old.user@example.com", "email_verified": "true"}


class Migrator:
    """A UserMigration handler that records each event and answers with `answer` (or raises)."""

    def __init__(self, answer: dict[str, Any] | None = None, refusal: str | None = None) -> None:
        self.events: list[Event] = []
        self._answer = answer if answer is not None else {"userAttributes": LEGACY_ATTRIBUTES}
        self._refusal = refusal

    def __call__(self, event: Event, context: Any) -> Event:
        self.events.append(copy.deepcopy(event))
        if self._refusal is not None:
            raise ValueError(self._refusal)
        event["response"].update(self._answer)
        return event


def sign_in(
    idp: CognitoIdentityProviderClient,
    pool: PoolConfig,
    username: str,
    password: str = LEGACY_PASSWORD,
    **extra: Any,
) -> Any:
    return idp.initiate_auth(
        ClientId=pool.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={
            "USERNAME": username,
            "PASSWORD": password,
            "SECRET_HASH": secret_hash(username, pool.client_id, pool.client_secret),
        },
        **extra,
    )


def migrating(lambdas: CognitoLambdas, pool_id: str, handler: Migrator) -> Migrator:
    lambdas.register("migrate", handler)
    lambdas.set_triggers(pool_id, UserMigration="migrate")
    return handler


def user_or_none(idp: CognitoIdentityProviderClient, pool_id: str, username: str) -> Any:
    try:
        return idp.admin_get_user(UserPoolId=pool_id, Username=username)
    except idp.exceptions.UserNotFoundException:
        return None


def attributes(user: Any) -> dict[str, str]:
    return {item["Name"]: item["Value"] for item in user["UserAttributes"]}


# -- at sign-in ------------------------------------------------------------------------------------


def test_user_migration_gets_cognitos_event_and_its_user_signs_in_with_the_typed_password(
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_lambdas: CognitoLambdas,
) -> None:
    migrator = migrating(
        cognito_lambdas,
        cognito_pool.user_pool_id,
        Migrator(
            {
                "userAttributes": LEGACY_ATTRIBUTES,
                "finalUserStatus": "CONFIRMED",
                "messageAction": "SUPPRESS",
            }
        ),
    )

    result = sign_in(
        cognito_idp_client, cognito_pool, "old.user", ClientMetadata={"source": "old-app"}
    )

    assert migrator.events == [
        {
            "version": "1",
            "triggerSource": "UserMigration_Authentication",
            "region": "us-east-1",
            "userPoolId": cognito_pool.user_pool_id,
            "userName": "old.user",
            "callerContext": {
                "awsSdkVersion": "aws-sdk-unknown-unknown",
                "clientId": cognito_pool.client_id,
            },
            "request": {"password": LEGACY_PASSWORD, "validationData": {"source": "old-app"}},
            "response": {},
        }
    ]
    claims = jwt.decode(
        result["AuthenticationResult"]["IdToken"], options={"verify_signature": False}
    )
    assert (claims["cognito:username"], claims["email"], claims["email_verified"]) == (
        "old.user",
        "old.user@example.com",
        True,
    )
    user = cognito_idp_client.admin_get_user(
        UserPoolId=cognito_pool.user_pool_id, Username="old.user"
    )
    assert user["UserStatus"] == "CONFIRMED"
    assert attributes(user) == {"sub": claims["sub"], **LEGACY_ATTRIBUTES}

    sign_in(cognito_idp_client, cognito_pool, "old.user")  # a user of the pool now
    assert len(migrator.events) == 1


def test_admin_password_sign_in_migrates_and_then_runs_the_sign_in_triggers(
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_lambdas: CognitoLambdas,
) -> None:
    calls: list[str] = []

    def recording(event: Event, context: Any) -> Event:
        calls.append(event["triggerSource"])
        if event["triggerSource"] == "UserMigration_Authentication":
            event["response"]["userAttributes"] = LEGACY_ATTRIBUTES
        return event

    cognito_lambdas.register("all", recording)
    cognito_lambdas.set_triggers(
        cognito_pool.user_pool_id,
        UserMigration="all",
        PreAuthentication="all",
        PostAuthentication="all",
    )

    result = cognito_idp_client.admin_initiate_auth(
        UserPoolId=cognito_pool.user_pool_id,
        ClientId=cognito_pool.client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={
            "USERNAME": "old.user",
            "PASSWORD": LEGACY_PASSWORD,
            "SECRET_HASH": secret_hash(
                "old.user", cognito_pool.client_id, cognito_pool.client_secret
            ),
        },
    )

    assert "AccessToken" in result["AuthenticationResult"]
    assert calls == [
        "UserMigration_Authentication",
        "PreAuthentication_Authentication",
        "PostAuthentication_Authentication",
    ]


def test_reset_required_migrates_the_user_and_asks_for_a_password_reset(
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_lambdas: CognitoLambdas,
) -> None:
    migrating(
        cognito_lambdas,
        cognito_pool.user_pool_id,
        Migrator({"userAttributes": LEGACY_ATTRIBUTES, "finalUserStatus": "RESET_REQUIRED"}),
    )

    assert error_of(sign_in, cognito_idp_client, cognito_pool, "old.user") == (
        "PasswordResetRequiredException",
        "Password reset required for the user",
    )
    user = user_or_none(cognito_idp_client, cognito_pool.user_pool_id, "old.user")
    assert user["UserStatus"] == "RESET_REQUIRED"


def test_a_raising_user_migration_refuses_the_sign_in_and_creates_no_user(
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_lambdas: CognitoLambdas,
) -> None:
    migrating(cognito_lambdas, cognito_pool.user_pool_id, Migrator(refusal="Bad password"))

    assert error_of(sign_in, cognito_idp_client, cognito_pool, "old.user") == (
        "UserLambdaValidationException",
        "UserMigration failed with error Bad password.",
    )
    assert user_or_none(cognito_idp_client, cognito_pool.user_pool_id, "old.user") is None


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param({}, id="no userAttributes"),
        pytest.param(
            {"userAttributes": LEGACY_ATTRIBUTES, "finalUserStatus": "FORCE_CHANGE_PASSWORD"},
            id="finalUserStatus",
        ),
        pytest.param(
            {"userAttributes": LEGACY_ATTRIBUTES, "messageAction": "SEND"}, id="messageAction"
        ),
        pytest.param(
            {"userAttributes": LEGACY_ATTRIBUTES, "desiredDeliveryMediums": ["PIGEON"]},
            id="desiredDeliveryMediums",
        ),
        pytest.param(
            {"userAttributes": LEGACY_ATTRIBUTES, "enableSMSMFA": True}, id="SMS MFA, no phone"
        ),
    ],
)
def test_an_answer_cognito_cannot_migrate_from_is_refused_and_creates_no_user(
    answer: dict[str, Any],
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_lambdas: CognitoLambdas,
) -> None:
    migrating(cognito_lambdas, cognito_pool.user_pool_id, Migrator(answer))

    assert error_of(sign_in, cognito_idp_client, cognito_pool, "old.user") == (
        "UserNotFoundException",
        f"Exception migrating user in app client {cognito_pool.client_id}",
    )
    assert user_or_none(cognito_idp_client, cognito_pool.user_pool_id, "old.user") is None


def test_an_answer_of_the_wrong_shape_is_unrecognizable(
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_lambdas: CognitoLambdas,
) -> None:
    migrating(
        cognito_lambdas,
        cognito_pool.user_pool_id,
        Migrator({"userAttributes": [{"Name": "email", "Value": "old.user@example.com"}]}),
    )

    assert error_of(sign_in, cognito_idp_client, cognito_pool, "old.user") == (
        "InvalidLambdaResponseException",
        "Unrecognizable lambda output",
    )
    assert user_or_none(cognito_idp_client, cognito_pool.user_pool_id, "old.user") is None


def test_srp_sign_in_never_migrates(
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_lambdas: CognitoLambdas,
) -> None:
    """The trigger needs the password ("choose the USER_PASSWORD_AUTH authentication flow",
    amazon-cognito-user-pools-authentication-flow.md, "User migration authentication flow")."""
    migrator = migrating(cognito_lambdas, cognito_pool.user_pool_id, Migrator())
    srp = AWSSRP(
        username="old.user",
        password=LEGACY_PASSWORD,
        pool_id=cognito_pool.user_pool_id,
        client_id=cognito_pool.client_id,
        client=cognito_idp_client,
        client_secret=cognito_pool.client_secret,
    )

    challenge = cognito_idp_client.initiate_auth(
        ClientId=cognito_pool.client_id,
        AuthFlow="USER_SRP_AUTH",
        AuthParameters=srp.get_auth_params(),
    )

    assert challenge["ChallengeName"] == "PASSWORD_VERIFIER"  # the decoy for nobody
    assert migrator.events == []
    assert user_or_none(cognito_idp_client, cognito_pool.user_pool_id, "old.user") is None
    sign_in(cognito_idp_client, cognito_pool, "old.user")  # the password flow does migrate
    assert len(migrator.events) == 1


def test_enable_sms_mfa_turns_sms_mfa_on_for_the_migrated_user(
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_lambdas: CognitoLambdas,
) -> None:
    migrating(
        cognito_lambdas,
        cognito_pool.user_pool_id,
        Migrator(
            {
                "userAttributes": {**LEGACY_ATTRIBUTES, "phone_number": "+15555550123"},
                "enableSMSMFA": True,
            }
        ),
    )

    challenge = sign_in(cognito_idp_client, cognito_pool, "old.user")

    assert challenge["ChallengeName"] == "SMS_MFA"
    user = cognito_idp_client.admin_get_user(
        UserPoolId=cognito_pool.user_pool_id, Username="old.user"
    )
    assert (user["UserMFASettingList"], user["PreferredMfaSetting"]) == (["SMS_MFA"], "SMS_MFA")


def alias_pool(idp: CognitoIdentityProviderClient) -> tuple[str, str]:
    """A pool whose users sign in with their email or phone number, with one user holding the
    phone number +15555550100; its app client without secret."""
    pool_id = idp.create_user_pool(
        PoolName="aliases", UsernameAttributes=["email", "phone_number"]
    )["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    idp.admin_create_user(
        UserPoolId=pool_id,
        Username="holder@example.com",
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "phone_number", "Value": "+15555550100"}],
    )
    return pool_id, client_id


@pytest.mark.parametrize("force", [False, True])
def test_a_phone_number_another_user_signs_in_with_moves_only_when_forced(
    force: bool,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_lambdas: CognitoLambdas,
) -> None:
    pool_id, client_id = alias_pool(cognito_idp_client)
    migrating(
        cognito_lambdas,
        pool_id,
        Migrator(
            {
                "userAttributes": {"phone_number": "+15555550100"},
                "forceAliasCreation": force,
            }
        ),
    )

    def migrate() -> Any:
        return cognito_idp_client.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "new@example.com", "PASSWORD": LEGACY_PASSWORD},
        )

    if not force:
        assert error_of(migrate) == (
            "AliasExistsException",
            "An account with the given phone_number already exists.",
        )
        assert user_or_none(cognito_idp_client, pool_id, "new@example.com") is None
        return
    migrate()
    signing_in = cognito_idp_client.list_users(
        UserPoolId=pool_id, Filter='phone_number = "+15555550100"'
    )["Users"]
    assert [
        {item["Name"]: item["Value"] for item in user["Attributes"]}["email"] for user in signing_in
    ] == ["new@example.com"]
    holder = cognito_idp_client.admin_get_user(UserPoolId=pool_id, Username="holder@example.com")
    assert "phone_number" not in attributes(holder)


# -- at ForgotPassword -----------------------------------------------------------------------------


def test_forgot_password_migrates_an_unknown_user_who_then_resets_and_signs_in(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_lambdas: CognitoLambdas,
) -> None:
    """ForgotPassword for a user the pool lacks asks the migration (UserMigration_ForgotPassword:
    no password in the event), creates the user to reset whatever finalUserStatus says, and sends
    the code."""
    migrator = migrating(
        cognito_lambdas,
        cognito_pool.user_pool_id,
        Migrator({"userAttributes": LEGACY_ATTRIBUTES, "finalUserStatus": "CONFIRMED"}),
    )
    hashed = secret_hash("old.user", cognito_pool.client_id, cognito_pool.client_secret)

    sent = cognito_idp_client.forgot_password(
        ClientId=cognito_pool.client_id,
        Username="old.user",
        SecretHash=hashed,
        ClientMetadata={"reason": "forgot"},
    )

    assert migrator.events == [
        {
            "version": "1",
            "triggerSource": "UserMigration_ForgotPassword",
            "region": "us-east-1",
            "userPoolId": cognito_pool.user_pool_id,
            "userName": "old.user",
            "callerContext": {
                "awsSdkVersion": "aws-sdk-unknown-unknown",
                "clientId": cognito_pool.client_id,
            },
            "request": {"clientMetadata": {"reason": "forgot"}},
            "response": {},
        }
    ]
    assert sent["CodeDeliveryDetails"] == {
        "Destination": "o***@e***",
        "DeliveryMedium": "EMAIL",
        "AttributeName": "email",
    }
    user = cognito_idp_client.admin_get_user(
        UserPoolId=cognito_pool.user_pool_id, Username="old.user"
    )
    assert user["UserStatus"] == "RESET_REQUIRED"
    assert attributes(user)["email_verified"] == "true"
    cognito_idp_client.confirm_forgot_password(
        ClientId=cognito_pool.client_id,
        Username="old.user",
        SecretHash=hashed,
        ConfirmationCode=cognito_emulator.latest_code(cognito_pool.user_pool_id, "old.user"),
        Password="New-Passw0rd!",
    )
    signed_in = sign_in(cognito_idp_client, cognito_pool, "old.user", "New-Passw0rd!")
    assert "AccessToken" in signed_in["AuthenticationResult"]


# -- on the managed login page ---------------------------------------------------------------------


def test_the_login_page_migrates_a_user_it_does_not_know(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_lambdas: CognitoLambdas,
) -> None:
    login_pool = create_login_pool(cognito_emulator, cognito_idp_client)
    migrator = migrating(cognito_lambdas, login_pool.pool_id, Migrator())

    answer = login_pool.browser().sign_in(login_pool.authorize_query(), "old.user", LEGACY_PASSWORD)

    assert answer.status_code == 302
    assert answer.headers["location"].startswith(f"{CALLBACK}?code=")
    assert [event["request"] for event in migrator.events] == [{"password": LEGACY_PASSWORD}]
    assert [event["callerContext"]["clientId"] for event in migrator.events] == [
        login_pool.client_id
    ]
    assert login_pool.user_status("old.user") == "CONFIRMED"
