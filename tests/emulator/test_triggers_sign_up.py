"""PreSignUp and PostConfirmation triggers: Cognito's events, and their answers applied.

The expected events are AWS's documented shapes written out (user-pool-lambda-pre-sign-up.md and
user-pool-lambda-post-confirmation.md, with the common parameters of
cognito-user-pools-working-with-lambda-triggers.md): version, triggerSource, region, userPoolId,
userName, callerContext, request, response. A PreSignUp event's response starts with the three
flags false (aws_lambda_events' example-cognito-event-userpools-presignup.json fixture).
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.pytest_plugin import CognitoLambdas, secret_hash
from cognito_emulator.server import EmulatorServer
from tests.emulator.oauth_harness import CALLBACK, alert, create_login_pool
from tests.emulator.oauth_harness import PASSWORD as LOGIN_PASSWORD
from tests.emulator.trigger_harness import error_of

PASSWORD = "Passw0rd!"


class Recorder:
    """A handler that records each event it gets and answers with `answer(event)`."""

    def __init__(self, answer: Any = None) -> None:
        self.events: list[dict[str, Any]] = []
        self._answer = answer

    def __call__(self, event: dict[str, Any], context: Any) -> Any:
        self.events.append(event)
        return self._answer(event) if self._answer is not None else event


def confirming(event: dict[str, Any]) -> dict[str, Any]:
    event["response"].update(autoConfirmUser=True, autoVerifyEmail=True)
    return event


def refusing(event: dict[str, Any], context: Any) -> dict[str, Any]:
    raise ValueError("Registration from this domain is not allowed.")


def sign_up(
    client: CognitoIdentityProviderClient, pool: PoolConfig, username: str, **extra: Any
) -> dict[str, Any]:
    return dict(
        client.sign_up(
            ClientId=pool.client_id,
            SecretHash=secret_hash(username, pool.client_id, pool.client_secret),
            Username=username,
            Password=PASSWORD,
            UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}],
            **extra,
        )
    )


def user_exists(client: CognitoIdentityProviderClient, pool: PoolConfig, username: str) -> bool:
    try:
        client.admin_get_user(UserPoolId=pool.user_pool_id, Username=username)
    except client.exceptions.UserNotFoundException:
        return False
    return True


# -- PreSignUp -------------------------------------------------------------------------------------


def test_pre_sign_up_gets_cognitos_event_with_validation_data_and_client_metadata(
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_lambdas: CognitoLambdas,
) -> None:
    handler = Recorder()
    cognito_lambdas.register("pre-sign-up", handler)
    cognito_lambdas.set_triggers(cognito_pool.user_pool_id, PreSignUp="pre-sign-up")

    sign_up(
        cognito_idp_client,
        cognito_pool,
        "ann",
        ValidationData=[{"Name": "invite", "Value": "abc"}],
        ClientMetadata={"source": "web"},
    )

    assert handler.events == [
        {
            "version": "1",
            "triggerSource": "PreSignUp_SignUp",
            "region": "us-east-1",
            "userPoolId": cognito_pool.user_pool_id,
            "userName": "ann",
            "callerContext": {
                "awsSdkVersion": "aws-sdk-unknown-unknown",
                "clientId": cognito_pool.client_id,
            },
            "request": {
                "userAttributes": {"email": "ann@example.com"},
                "validationData": {"invite": "abc"},
                "clientMetadata": {"source": "web"},
            },
            "response": {
                "autoConfirmUser": False,
                "autoVerifyEmail": False,
                "autoVerifyPhone": False,
            },
        }
    ]


def test_without_validation_data_the_event_has_null_and_no_client_metadata(
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_lambdas: CognitoLambdas,
) -> None:
    """validationData is nullable in the event (Powertools' PreSignupTriggerSchema: ZodNullable),
    clientMetadata optional."""
    handler = Recorder()
    cognito_lambdas.register("pre-sign-up", handler)
    cognito_lambdas.set_triggers(cognito_pool.user_pool_id, PreSignUp="pre-sign-up")

    sign_up(cognito_idp_client, cognito_pool, "ann")

    assert handler.events[0]["request"] == {
        "userAttributes": {"email": "ann@example.com"},
        "validationData": None,
    }


def test_a_raising_pre_sign_up_refuses_with_its_message_and_creates_nothing(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_lambdas: CognitoLambdas,
) -> None:
    """The message, then a period: "PreSignUp failed with error Registration from this domain
    is not allowed.." (aws-amplify/amplify-ui-android#314)."""
    cognito_lambdas.register("pre-sign-up", refusing)
    cognito_lambdas.set_triggers(cognito_pool.user_pool_id, PreSignUp="pre-sign-up")

    assert error_of(lambda: sign_up(cognito_idp_client, cognito_pool, "ann")) == (
        "UserLambdaValidationException",
        "PreSignUp failed with error Registration from this domain is not allowed..",
    )
    assert not user_exists(cognito_idp_client, cognito_pool, "ann")
    assert cognito_emulator.outbox(cognito_pool.user_pool_id) == []


def test_auto_confirm_and_auto_verify_confirm_at_once_and_send_no_code(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_lambdas: CognitoLambdas,
) -> None:
    """autoConfirmUser confirms, autoVerifyEmail marks the email verified
    (user-pool-lambda-pre-sign-up.md); a confirmed user is sent no confirmation code, and the
    user can sign in at once."""
    cognito_lambdas.register("pre-sign-up", Recorder(confirming))
    cognito_lambdas.set_triggers(cognito_pool.user_pool_id, PreSignUp="pre-sign-up")

    answer = sign_up(cognito_idp_client, cognito_pool, "ann")

    assert answer["UserConfirmed"] is True
    assert "CodeDeliveryDetails" not in answer
    assert cognito_emulator.outbox(cognito_pool.user_pool_id) == []
    user = cognito_idp_client.admin_get_user(UserPoolId=cognito_pool.user_pool_id, Username="ann")
    assert user["UserStatus"] == "CONFIRMED"
    assert {"Name": "email_verified", "Value": "true"} in user["UserAttributes"]
    signed_in = cognito_idp_client.initiate_auth(
        ClientId=cognito_pool.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={
            "USERNAME": "ann",
            "PASSWORD": PASSWORD,
            "SECRET_HASH": secret_hash("ann", cognito_pool.client_id, cognito_pool.client_secret),
        },
    )
    assert "AccessToken" in signed_in["AuthenticationResult"]


def test_auto_confirm_alone_leaves_the_email_unverified(
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_lambdas: CognitoLambdas,
) -> None:
    def confirm_only(event: dict[str, Any]) -> dict[str, Any]:
        event["response"]["autoConfirmUser"] = True
        return event

    cognito_lambdas.register("pre-sign-up", Recorder(confirm_only))
    cognito_lambdas.set_triggers(cognito_pool.user_pool_id, PreSignUp="pre-sign-up")

    assert sign_up(cognito_idp_client, cognito_pool, "ann")["UserConfirmed"] is True
    user = cognito_idp_client.admin_get_user(UserPoolId=cognito_pool.user_pool_id, Username="ann")
    assert user["UserStatus"] == "CONFIRMED"
    assert not any(a["Name"] == "email_verified" for a in user["UserAttributes"])


def test_auto_verify_of_a_missing_phone_number_refuses_the_sign_up(
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_lambdas: CognitoLambdas,
) -> None:
    """Cognito: "If autoVerifyPhone is set to true, the phone_number attribute must have a valid,
    non-null value. Otherwise an error will occur and the user will not be able to complete
    sign-up" (user-pool-lambda-pre-sign-up.md)."""

    def verify_phone(event: dict[str, Any]) -> dict[str, Any]:
        event["response"].update(autoConfirmUser=True, autoVerifyPhone=True)
        return event

    cognito_lambdas.register("pre-sign-up", Recorder(verify_phone))
    cognito_lambdas.set_triggers(cognito_pool.user_pool_id, PreSignUp="pre-sign-up")

    code, message = error_of(lambda: sign_up(cognito_idp_client, cognito_pool, "ann"))

    assert code == "InvalidParameterException"
    assert "phone_number" in message
    assert not user_exists(cognito_idp_client, cognito_pool, "ann")


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param(lambda event: None, id="no-answer"),
        pytest.param(lambda event: "OK", id="not-an-object"),
        pytest.param(lambda event: {"request": event["request"]}, id="no-response"),
        pytest.param(
            lambda event: {**event, "response": {"autoConfirmUser": "yes"}}, id="string-flag"
        ),
        pytest.param(lambda event: {**event, "response": []}, id="response-not-an-object"),
    ],
)
def test_an_answer_of_the_wrong_shape_is_unrecognizable_and_creates_nothing(
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_lambdas: CognitoLambdas,
    answer: Any,
) -> None:
    """InvalidLambdaResponseException "Unrecognizable lambda output"
    (amazon-cognito-identity-js#633: a Python handler that does not return the event)."""
    cognito_lambdas.register("pre-sign-up", Recorder(answer))
    cognito_lambdas.set_triggers(cognito_pool.user_pool_id, PreSignUp="pre-sign-up")

    assert error_of(lambda: sign_up(cognito_idp_client, cognito_pool, "ann")) == (
        "InvalidLambdaResponseException",
        "Unrecognizable lambda output",
    )
    assert not user_exists(cognito_idp_client, cognito_pool, "ann")


def test_a_function_nobody_registered_is_an_unexpected_lambda_error(
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_lambdas: CognitoLambdas,
) -> None:
    cognito_lambdas.set_triggers(cognito_pool.user_pool_id, PreSignUp="not-deployed")

    assert error_of(lambda: sign_up(cognito_idp_client, cognito_pool, "ann")) == (
        "UnexpectedLambdaException",
        "PreSignUp invocation failed due to error ResourceNotFoundException.",
    )
    assert not user_exists(cognito_idp_client, cognito_pool, "ann")


def test_a_name_taken_while_the_trigger_ran_is_refused_after_it(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_lambdas: CognitoLambdas,
) -> None:
    """The function runs without the emulator's lock (it may call the emulator back); a sign-up
    that took the same name meanwhile wins, and the first is refused as Cognito refuses a taken
    username."""
    callback = boto3.client(
        "cognito-idp",
        region_name="us-east-1",
        endpoint_url=cognito_emulator.endpoint_url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )

    def sign_up_the_same_name_first(event: dict[str, Any], context: Any) -> dict[str, Any]:
        if event["request"]["clientMetadata"] == {"first": "yes"}:
            sign_up(callback, cognito_pool, "ann", ClientMetadata={"first": "no"})
        return event

    cognito_lambdas.register("pre-sign-up", sign_up_the_same_name_first)
    cognito_lambdas.set_triggers(cognito_pool.user_pool_id, PreSignUp="pre-sign-up")

    outcome = error_of(
        lambda: sign_up(cognito_idp_client, cognito_pool, "ann", ClientMetadata={"first": "yes"})
    )

    assert outcome == ("UsernameExistsException", "User already exists")
    assert len(cognito_emulator.outbox(cognito_pool.user_pool_id, "ann")) == 1


def test_admin_create_user_gets_its_own_source_and_its_answer_is_ignored(
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_lambdas: CognitoLambdas,
) -> None:
    """PreSignUp_AdminCreateUser; "autoVerifyPhone, autoVerifyEmail and autoConfirmUser are
    ignored by Amazon Cognito when the Pre Sign-up lambda is triggered by the AdminCreateUser
    API" (user-pool-lambda-pre-sign-up.md); no app client: CLIENT_ID_NOT_APPLICABLE (as in
    CustomMessage_AdminCreateUser events logged from real pools)."""
    handler = Recorder(confirming)
    cognito_lambdas.register("pre-sign-up", handler)
    cognito_lambdas.set_triggers(cognito_pool.user_pool_id, PreSignUp="pre-sign-up")

    cognito_idp_client.admin_create_user(
        UserPoolId=cognito_pool.user_pool_id,
        Username="bob",
        UserAttributes=[{"Name": "email", "Value": "bob@example.com"}],
        ClientMetadata={"by": "admin"},
        MessageAction="SUPPRESS",
    )

    [event] = handler.events
    assert event["triggerSource"] == "PreSignUp_AdminCreateUser"
    assert event["callerContext"]["clientId"] == "CLIENT_ID_NOT_APPLICABLE"
    assert event["request"] == {
        "userAttributes": {"email": "bob@example.com"},
        "validationData": None,
        "clientMetadata": {"by": "admin"},
    }
    user = cognito_idp_client.admin_get_user(UserPoolId=cognito_pool.user_pool_id, Username="bob")
    assert user["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    assert not any(a["Name"] == "email_verified" for a in user["UserAttributes"])


def test_a_raising_pre_sign_up_refuses_admin_create_user(
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_lambdas: CognitoLambdas,
) -> None:
    cognito_lambdas.register("pre-sign-up", refusing)
    cognito_lambdas.set_triggers(cognito_pool.user_pool_id, PreSignUp="pre-sign-up")

    outcome = error_of(
        lambda: cognito_idp_client.admin_create_user(
            UserPoolId=cognito_pool.user_pool_id, Username="bob", MessageAction="SUPPRESS"
        )
    )

    assert outcome[0] == "UserLambdaValidationException"
    assert not user_exists(cognito_idp_client, cognito_pool, "bob")


# -- PostConfirmation ------------------------------------------------------------------------------


def confirm(
    server: EmulatorServer,
    client: CognitoIdentityProviderClient,
    pool: PoolConfig,
    username: str,
    **extra: Any,
) -> None:
    client.confirm_sign_up(
        ClientId=pool.client_id,
        SecretHash=secret_hash(username, pool.client_id, pool.client_secret),
        Username=username,
        ConfirmationCode=server.latest_code(pool.user_pool_id, username),
        **extra,
    )


def test_post_confirmation_gets_the_confirmed_users_attributes(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_lambdas: CognitoLambdas,
) -> None:
    """The user's attributes as they are once confirmed, with sub and cognito:user_status (the
    PostConfirmation_ConfirmSignUp events logged from real pools carry both), and ConfirmSignUp's
    ClientMetadata."""
    handler = Recorder()
    cognito_lambdas.register("post-confirmation", handler)
    cognito_lambdas.set_triggers(cognito_pool.user_pool_id, PostConfirmation="post-confirmation")
    sub = sign_up(cognito_idp_client, cognito_pool, "ann")["UserSub"]

    confirm(
        cognito_emulator, cognito_idp_client, cognito_pool, "ann", ClientMetadata={"app": "web"}
    )

    assert handler.events == [
        {
            "version": "1",
            "triggerSource": "PostConfirmation_ConfirmSignUp",
            "region": "us-east-1",
            "userPoolId": cognito_pool.user_pool_id,
            "userName": "ann",
            "callerContext": {
                "awsSdkVersion": "aws-sdk-unknown-unknown",
                "clientId": cognito_pool.client_id,
            },
            "request": {
                "userAttributes": {
                    "sub": sub,
                    "email": "ann@example.com",
                    "email_verified": "true",
                    "cognito:user_status": "CONFIRMED",
                },
                "clientMetadata": {"app": "web"},
            },
            "response": {},
        }
    ]


def test_a_raising_post_confirmation_fails_the_call_but_the_user_stays_confirmed(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_lambdas: CognitoLambdas,
) -> None:
    """Cognito: "Amazon Cognito invokes this trigger after a new user is confirmed"
    (user-pool-lambda-post-confirmation.md): the confirmation stands, and confirming again is
    refused as for any confirmed user."""

    def failing(event: dict[str, Any], context: Any) -> dict[str, Any]:
        raise RuntimeError("database is down")

    cognito_lambdas.register("post-confirmation", failing)
    cognito_lambdas.set_triggers(cognito_pool.user_pool_id, PostConfirmation="post-confirmation")
    sign_up(cognito_idp_client, cognito_pool, "ann")

    assert error_of(lambda: confirm(cognito_emulator, cognito_idp_client, cognito_pool, "ann")) == (
        "UserLambdaValidationException",
        "PostConfirmation failed with error database is down.",
    )
    user = cognito_idp_client.admin_get_user(UserPoolId=cognito_pool.user_pool_id, Username="ann")
    assert user["UserStatus"] == "CONFIRMED"


def test_auto_confirmed_users_reach_post_confirmation_with_sign_ups_client_metadata(
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_lambdas: CognitoLambdas,
) -> None:
    """SignUp is among the operations whose ClientMetadata reaches the post confirmation
    trigger (user-pool-lambda-post-confirmation.md): a PreSignUp answer that confirms runs it."""
    post = Recorder()
    cognito_lambdas.register("pre-sign-up", Recorder(confirming))
    cognito_lambdas.register("post-confirmation", post)
    cognito_lambdas.set_triggers(
        cognito_pool.user_pool_id, PreSignUp="pre-sign-up", PostConfirmation="post-confirmation"
    )

    sign_up(cognito_idp_client, cognito_pool, "ann", ClientMetadata={"plan": "free"})

    [event] = post.events
    assert event["triggerSource"] == "PostConfirmation_ConfirmSignUp"
    assert event["request"]["clientMetadata"] == {"plan": "free"}
    assert event["request"]["userAttributes"]["cognito:user_status"] == "CONFIRMED"
    assert event["request"]["userAttributes"]["email_verified"] == "true"


def test_admin_confirm_sign_up_runs_post_confirmation_without_a_client(
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_lambdas: CognitoLambdas,
) -> None:
    handler = Recorder()
    cognito_lambdas.register("post-confirmation", handler)
    cognito_lambdas.set_triggers(cognito_pool.user_pool_id, PostConfirmation="post-confirmation")
    sign_up(cognito_idp_client, cognito_pool, "ann")

    cognito_idp_client.admin_confirm_sign_up(
        UserPoolId=cognito_pool.user_pool_id, Username="ANN", ClientMetadata={"by": "support"}
    )

    [event] = handler.events
    assert (event["triggerSource"], event["userName"]) == ("PostConfirmation_ConfirmSignUp", "ann")
    assert event["callerContext"]["clientId"] == "CLIENT_ID_NOT_APPLICABLE"
    assert event["request"]["clientMetadata"] == {"by": "support"}
    assert event["request"]["userAttributes"]["cognito:user_status"] == "CONFIRMED"


def test_confirm_forgot_password_runs_post_confirmation_with_its_source(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_lambdas: CognitoLambdas,
) -> None:
    handler = Recorder()
    sign_up(cognito_idp_client, cognito_pool, "ann")
    confirm(cognito_emulator, cognito_idp_client, cognito_pool, "ann")
    cognito_lambdas.register("post-confirmation", handler)
    cognito_lambdas.set_triggers(cognito_pool.user_pool_id, PostConfirmation="post-confirmation")
    hashed = secret_hash("ann", cognito_pool.client_id, cognito_pool.client_secret)
    cognito_idp_client.forgot_password(
        ClientId=cognito_pool.client_id, SecretHash=hashed, Username="ann"
    )

    cognito_idp_client.confirm_forgot_password(
        ClientId=cognito_pool.client_id,
        SecretHash=hashed,
        Username="ann",
        Password="N3w-Passw0rd!",
        ConfirmationCode=cognito_emulator.latest_code(cognito_pool.user_pool_id, "ann"),
        ClientMetadata={"reset": "1"},
    )

    [event] = handler.events
    assert event["triggerSource"] == "PostConfirmation_ConfirmForgotPassword"
    assert event["request"]["clientMetadata"] == {"reset": "1"}


def test_a_post_confirmation_handler_may_call_the_emulator_back(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_lambdas: CognitoLambdas,
) -> None:
    """The common PostConfirmation handler adds the user to a group with AdminAddUserToGroup:
    the function runs while the emulator serves other requests, as Lambda does."""
    callback = boto3.client(
        "cognito-idp",
        region_name="us-east-1",
        endpoint_url=cognito_emulator.endpoint_url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )

    def add_to_admins(event: dict[str, Any], context: Any) -> dict[str, Any]:
        callback.admin_add_user_to_group(
            UserPoolId=event["userPoolId"], Username=event["userName"], GroupName="admin"
        )
        return event

    cognito_lambdas.register("post-confirmation", add_to_admins)
    cognito_lambdas.set_triggers(cognito_pool.user_pool_id, PostConfirmation="post-confirmation")
    sign_up(cognito_idp_client, cognito_pool, "ann")

    confirm(cognito_emulator, cognito_idp_client, cognito_pool, "ann")

    groups = cognito_idp_client.admin_list_groups_for_user(
        UserPoolId=cognito_pool.user_pool_id, Username="ann"
    )["Groups"]
    assert [group["GroupName"] for group in groups] == ["admin"]


# -- on the managed login pages --------------------------------------------------------------------


def test_a_sign_up_page_auto_confirmed_by_pre_sign_up_signs_the_user_in_at_once(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_lambdas: CognitoLambdas,
) -> None:
    """Cognito: "The first time that you sign up and confirm your details, Amazon Cognito grants
    access to your app after you finish this process" (cognito-user-pools-hosted-ui-user-sign-
    up.md): with nothing left to confirm, that is right after the sign-up form."""
    login_pool = create_login_pool(cognito_emulator, cognito_idp_client)
    cognito_lambdas.register("pre-sign-up", Recorder(confirming))
    cognito_lambdas.set_triggers(login_pool.pool_id, PreSignUp="pre-sign-up")
    browser = login_pool.browser()

    answer = browser.submit(
        browser.get("/signup", login_pool.authorize_query()),
        {"username": "bob", "password": LOGIN_PASSWORD, "email": "bob@example.com"},
    )

    assert answer.status_code == 302
    assert answer.headers["location"].startswith(f"{CALLBACK}?code=")
    assert login_pool.user_status("bob") == "CONFIRMED"
    assert cognito_emulator.outbox(login_pool.pool_id) == []


def test_a_sign_up_page_refused_by_pre_sign_up_shows_cognitos_message(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_lambdas: CognitoLambdas,
) -> None:
    login_pool = create_login_pool(cognito_emulator, cognito_idp_client)
    cognito_lambdas.register("pre-sign-up", refusing)
    cognito_lambdas.set_triggers(login_pool.pool_id, PreSignUp="pre-sign-up")
    browser = login_pool.browser()

    answer = browser.submit(
        browser.get("/signup", login_pool.authorize_query()),
        {"username": "bob", "password": LOGIN_PASSWORD, "email": "bob@example.com"},
    )

    assert answer.status_code == 400
    assert alert(answer.text) == (
        "PreSignUp failed with error Registration from this domain is not allowed.."
    )
