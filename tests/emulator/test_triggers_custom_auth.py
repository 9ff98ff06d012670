"""CUSTOM_AUTH: DefineAuthChallenge, CreateAuthChallenge and VerifyAuthChallengeResponse drive
the sign-in, with Cognito's events, sessions and errors.

The expected events are AWS's documented shapes written out (user-pool-lambda-define-auth-
challenge.md: request {userAttributes, session, clientMetadata, userNotFound}, response
{challengeName, issueTokens, failAuthentication}; -create-auth-challenge.md: request
{userAttributes, challengeName, session, clientMetadata, userNotFound}, response
{publicChallengeParameters, privateChallengeParameters, challengeMetadata};
-verify-auth-challenge-response.md: request {userAttributes, privateChallengeParameters,
challengeAnswer, clientMetadata, userNotFound}, response {answerCorrect}), with the common
parameters. The flow is amazon-cognito-user-pools-authentication-flow.md's "Custom authentication
flow and challenges" and "Use SRP password verification in custom authentication flow". The
quiz below is the guide's own example functions (a define that issues tokens once a custom
challenge is answered and fails after three tries; a create whose public parameters ask and
private ones answer, with challengeMetadata; a verify comparing the two).
"""

from __future__ import annotations

import copy
from typing import Any

import jwt
import pytest
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
from pycognito.aws_srp import AWSSRP

from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.pytest_plugin import CognitoLambdas, CognitoUser, idp_client
from cognito_emulator.server import EmulatorServer
from tests.emulator.trigger_harness import envelope, error_of

Event = dict[str, Any]
QUESTION = {"question": "What is 6 x 7?"}
INCORRECT = ("NotAuthorizedException", "Incorrect username or password.")
NOT_CONFIGURED = (
    "InvalidParameterException",
    "Custom auth lambda trigger is not configured for the user pool.",
)
UNRECOGNIZABLE = ("InvalidLambdaResponseException", "Unrecognizable lambda output")


class Quiz:
    """The three challenge functions, recording every event they get (as sent)."""

    def __init__(self, tries: int = 3) -> None:
        self.events: list[Event] = []
        self.tries = tries

    def _record(self, event: Event) -> None:
        self.events.append(copy.deepcopy(event))

    def define(self, event: Event, context: Any) -> Event:
        self._record(event)
        session = event["request"]["session"]
        last = session[-1] if session else None
        answered = [step for step in session if step["challengeName"] == "CUSTOM_CHALLENGE"]
        response = event["response"]
        if last is not None and last["challengeName"] == "SRP_A":
            response.update(challengeName="PASSWORD_VERIFIER", issueTokens=False)
        elif (
            last is not None
            and last["challengeName"] == "CUSTOM_CHALLENGE"
            and last["challengeResult"]
        ):
            response.update(issueTokens=True, failAuthentication=False)
        elif len(answered) >= self.tries:
            response.update(issueTokens=False, failAuthentication=True)
        else:
            response.update(
                challengeName="CUSTOM_CHALLENGE", issueTokens=False, failAuthentication=False
            )
        return event

    def create(self, event: Event, context: Any) -> Event:
        self._record(event)
        event["response"].update(
            publicChallengeParameters=QUESTION,
            privateChallengeParameters={"answer": "42"},
            challengeMetadata="QUIZ",
        )
        return event

    def verify(self, event: Event, context: Any) -> Event:
        self._record(event)
        request = event["request"]
        expected = request["privateChallengeParameters"]["answer"]
        event["response"]["answerCorrect"] = request["challengeAnswer"] == expected
        return event

    def sources(self) -> list[str]:
        return [event["triggerSource"] for event in self.events]


def set_up_quiz(lambdas: CognitoLambdas, pool_id: str, quiz: Quiz, **more: str) -> Quiz:
    lambdas.register("define", quiz.define)
    lambdas.register("create", quiz.create)
    lambdas.register("verify", quiz.verify)
    lambdas.set_triggers(
        pool_id,
        DefineAuthChallenge="define",
        CreateAuthChallenge="create",
        VerifyAuthChallengeResponse="verify",
        **more,
    )
    return quiz


def custom_client(
    idp: CognitoIdentityProviderClient, pool: PoolConfig, name: str = "custom", **settings: Any
) -> str:
    """An app client for custom sign-ins, without secret, hiding user existence unless told."""
    client_id: str = idp.create_user_pool_client(
        UserPoolId=pool.user_pool_id,
        ClientName=name,
        ExplicitAuthFlows=["ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        **{"PreventUserExistenceErrors": "ENABLED", **settings},
    )["UserPoolClient"]["ClientId"]
    return client_id


def start(idp: CognitoIdentityProviderClient, client_id: str, username: str, **extra: Any) -> Any:
    return idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="CUSTOM_AUTH",
        AuthParameters={"USERNAME": username},
        **extra,
    )


def answer(
    idp: CognitoIdentityProviderClient,
    client_id: str,
    challenge: Any,
    answer: str,
    username: str | None = None,
    **extra: Any,
) -> Any:
    return idp.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="CUSTOM_CHALLENGE",
        Session=challenge["Session"],
        ChallengeResponses={
            "USERNAME": username or challenge["ChallengeParameters"]["USERNAME"],
            "ANSWER": answer,
        },
        **extra,
    )


def attributes_of(user: CognitoUser) -> dict[str, str]:
    return {
        "sub": user.sub,
        "email": user.email,
        "email_verified": "true",
        "cognito:user_status": "CONFIRMED",
    }


def pending_sessions(server: EmulatorServer) -> int:
    return server.app.locked(lambda: server.backend.stats()["challenge_sessions"])


# -- the flow --------------------------------------------------------------------------------------


def test_a_custom_sign_in_runs_define_create_verify_with_cognitos_events(
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_user: CognitoUser,
    cognito_lambdas: CognitoLambdas,
) -> None:
    quiz = set_up_quiz(cognito_lambdas, cognito_pool.user_pool_id, Quiz())
    client_id = custom_client(cognito_idp_client, cognito_pool)
    username = cognito_user.username

    challenge = start(cognito_idp_client, client_id, username, ClientMetadata={"not": "sent"})

    assert challenge["ChallengeName"] == "CUSTOM_CHALLENGE"
    assert challenge["ChallengeParameters"] == {**QUESTION, "USERNAME": username}
    assert isinstance(challenge["Session"], str)
    result = answer(
        cognito_idp_client, client_id, challenge, "42", ClientMetadata={"channel": "web"}
    )

    claims = jwt.decode(
        result["AuthenticationResult"]["IdToken"], options={"verify_signature": False}
    )
    assert claims["sub"] == cognito_user.sub
    user = attributes_of(cognito_user)
    quiz_step = {"challengeName": "CUSTOM_CHALLENGE", "challengeResult": True}
    assert quiz.events == [
        {
            **envelope(cognito_pool, "DefineAuthChallenge_Authentication", username, client_id),
            "request": {"userAttributes": user, "session": [], "userNotFound": False},
            "response": {},
        },
        {
            **envelope(cognito_pool, "CreateAuthChallenge_Authentication", username, client_id),
            "request": {
                "userAttributes": user,
                "challengeName": "CUSTOM_CHALLENGE",
                "session": [],
                "userNotFound": False,
            },
            "response": {},
        },
        {
            **envelope(
                cognito_pool, "VerifyAuthChallengeResponse_Authentication", username, client_id
            ),
            "request": {
                "userAttributes": user,
                "privateChallengeParameters": {"answer": "42"},
                "challengeAnswer": "42",
                "clientMetadata": {"channel": "web"},
                "userNotFound": False,
            },
            "response": {},
        },
        {
            **envelope(cognito_pool, "DefineAuthChallenge_Authentication", username, client_id),
            "request": {
                "userAttributes": user,
                "session": [{**quiz_step, "challengeMetadata": "QUIZ"}],
                "clientMetadata": {"channel": "web"},
                "userNotFound": False,
            },
            "response": {},
        },
    ]


def test_each_wrong_answer_gets_a_new_challenge_until_define_fails_the_sign_in(
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_user: CognitoUser,
    cognito_lambdas: CognitoLambdas,
) -> None:
    quiz = set_up_quiz(cognito_lambdas, cognito_pool.user_pool_id, Quiz(tries=3))
    client_id = custom_client(cognito_idp_client, cognito_pool)
    challenge = start(cognito_idp_client, client_id, cognito_user.username)
    sessions = [challenge["Session"]]

    for _ in range(2):
        challenge = answer(cognito_idp_client, client_id, challenge, "41")
        assert challenge["ChallengeName"] == "CUSTOM_CHALLENGE"
        sessions.append(challenge["Session"])

    assert error_of(answer, cognito_idp_client, client_id, challenge, "41") == INCORRECT
    assert len(set(sessions)) == 3
    defines = [e for e in quiz.events if e["triggerSource"].startswith("DefineAuthChallenge")]
    wrong = {"challengeName": "CUSTOM_CHALLENGE", "challengeResult": False}
    assert [event["request"]["session"] for event in defines] == [
        [],
        [{**wrong, "challengeMetadata": "QUIZ"}],
        [{**wrong, "challengeMetadata": "QUIZ"}] * 2,
        [{**wrong, "challengeMetadata": "QUIZ"}] * 3,
    ]


def test_admin_initiate_auth_and_admin_respond_run_the_same_flow(
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_user: CognitoUser,
    cognito_lambdas: CognitoLambdas,
) -> None:
    quiz = set_up_quiz(cognito_lambdas, cognito_pool.user_pool_id, Quiz())
    client_id = custom_client(cognito_idp_client, cognito_pool)

    challenge = cognito_idp_client.admin_initiate_auth(
        UserPoolId=cognito_pool.user_pool_id,
        ClientId=client_id,
        AuthFlow="CUSTOM_AUTH",
        AuthParameters={"USERNAME": cognito_user.username},
    )
    result = cognito_idp_client.admin_respond_to_auth_challenge(
        UserPoolId=cognito_pool.user_pool_id,
        ClientId=client_id,
        ChallengeName="CUSTOM_CHALLENGE",
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": cognito_user.username, "ANSWER": "42"},
    )

    assert "AccessToken" in result["AuthenticationResult"]
    assert quiz.sources() == [
        "DefineAuthChallenge_Authentication",
        "CreateAuthChallenge_Authentication",
        "VerifyAuthChallengeResponse_Authentication",
        "DefineAuthChallenge_Authentication",
    ]


def test_define_may_issue_tokens_without_any_challenge(
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_user: CognitoUser,
    cognito_lambdas: CognitoLambdas,
) -> None:
    """ "ID, access, and refresh tokens, if the supplied parameters in the InitiateAuth call are
    sufficient to sign the user in"."""

    def trusting(event: Event, context: Any) -> Event:
        event["response"].update(issueTokens=True, failAuthentication=False)
        return event

    cognito_lambdas.register("define", trusting)
    cognito_lambdas.set_triggers(cognito_pool.user_pool_id, DefineAuthChallenge="define")
    client_id = custom_client(cognito_idp_client, cognito_pool)

    result = start(cognito_idp_client, client_id, cognito_user.username)

    assert "RefreshToken" in result["AuthenticationResult"]


def test_post_authentication_follows_a_custom_sign_in_with_the_answers_client_metadata(
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_user: CognitoUser,
    cognito_lambdas: CognitoLambdas,
) -> None:
    """A sign-in with custom challenges only runs no PreAuthentication ("preAuth is only
    triggered in the password flow", aws-amplify/amplify-js#5318); PostAuthentication follows
    every sign-in."""
    post: list[Event] = []

    def recording(event: Event, context: Any) -> Event:
        post.append(copy.deepcopy(event))
        return event

    cognito_lambdas.register("auth", recording)
    set_up_quiz(
        cognito_lambdas,
        cognito_pool.user_pool_id,
        Quiz(),
        PreAuthentication="auth",
        PostAuthentication="auth",
    )
    client_id = custom_client(cognito_idp_client, cognito_pool)

    challenge = start(cognito_idp_client, client_id, cognito_user.username)
    answer(cognito_idp_client, client_id, challenge, "42", ClientMetadata={"channel": "web"})

    assert [(e["triggerSource"], e["request"].get("clientMetadata")) for e in post] == [
        ("PostAuthentication_Authentication", {"channel": "web"})
    ]


# -- sessions --------------------------------------------------------------------------------------


def test_a_session_is_answered_once(
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_user: CognitoUser,
    cognito_lambdas: CognitoLambdas,
) -> None:
    set_up_quiz(cognito_lambdas, cognito_pool.user_pool_id, Quiz())
    client_id = custom_client(cognito_idp_client, cognito_pool)
    challenge = start(cognito_idp_client, client_id, cognito_user.username)
    answer(cognito_idp_client, client_id, challenge, "42")

    assert error_of(answer, cognito_idp_client, client_id, challenge, "42") == (
        "NotAuthorizedException",
        "Invalid session for the user, session can only be used once.",
    )


def test_a_session_expires_after_the_clients_auth_session_validity(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_user: CognitoUser,
    cognito_lambdas: CognitoLambdas,
) -> None:
    set_up_quiz(cognito_lambdas, cognito_pool.user_pool_id, Quiz())
    three = custom_client(cognito_idp_client, cognito_pool, "three")  # the default, 3 minutes
    ten = custom_client(cognito_idp_client, cognito_pool, "ten", AuthSessionValidity=10)
    early = start(cognito_idp_client, three, cognito_user.username)
    patient = start(cognito_idp_client, ten, cognito_user.username)

    cognito_emulator.advance_clock(3 * 60)

    assert error_of(answer, cognito_idp_client, three, early, "42") == (
        "NotAuthorizedException",
        "Invalid session for the user, session is expired.",
    )
    assert "AccessToken" in answer(cognito_idp_client, ten, patient, "42")["AuthenticationResult"]


def test_a_session_answers_only_its_own_client_and_user(
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_user: CognitoUser,
    cognito_lambdas: CognitoLambdas,
) -> None:
    set_up_quiz(cognito_lambdas, cognito_pool.user_pool_id, Quiz())
    client_id = custom_client(cognito_idp_client, cognito_pool)
    other_client = custom_client(cognito_idp_client, cognito_pool, "other")
    challenge = start(cognito_idp_client, client_id, cognito_user.username)
    invalid = ("NotAuthorizedException", "Invalid session for the user.")

    assert error_of(answer, cognito_idp_client, other_client, challenge, "42") == invalid
    assert error_of(answer, cognito_idp_client, client_id, challenge, "42", "someone") == invalid
    assert (
        error_of(answer, cognito_idp_client, client_id, {**challenge, "Session": "x" * 40}, "42")
        == invalid
    )
    # None of these spent it.
    assert (
        "AccessToken"
        in answer(cognito_idp_client, client_id, challenge, "42")["AuthenticationResult"]
    )


# -- users who cannot sign in ----------------------------------------------------------------------


def test_nobody_goes_through_the_challenges_but_never_gets_tokens(
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_lambdas: CognitoLambdas,
) -> None:
    """A client hiding user existence runs the functions with userNotFound true ("the service
    will not report back to the app that the user does not exist")."""
    quiz = set_up_quiz(cognito_lambdas, cognito_pool.user_pool_id, Quiz())
    client_id = custom_client(cognito_idp_client, cognito_pool)

    challenge = start(cognito_idp_client, client_id, "nobody")
    assert challenge["ChallengeParameters"] == {**QUESTION, "USERNAME": "nobody"}

    assert error_of(answer, cognito_idp_client, client_id, challenge, "42") == INCORRECT
    assert quiz.events[0] == {
        **envelope(cognito_pool, "DefineAuthChallenge_Authentication", "nobody", client_id),
        "request": {"userAttributes": {}, "session": [], "userNotFound": True},
        "response": {},
    }
    assert {event["request"]["userNotFound"] for event in quiz.events} == {True}
    assert len(quiz.events) == 4  # define, create, verify, define (which issued tokens)


def test_a_client_that_shows_user_existence_says_nobody_does_not_exist(
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_user: CognitoUser,
    cognito_lambdas: CognitoLambdas,
) -> None:
    quiz = set_up_quiz(cognito_lambdas, cognito_pool.user_pool_id, Quiz())
    client_id = custom_client(cognito_idp_client, cognito_pool, PreventUserExistenceErrors="LEGACY")

    assert error_of(start, cognito_idp_client, client_id, "nobody") == (
        "UserNotFoundException",
        "User does not exist.",
    )
    assert quiz.events == []
    start(cognito_idp_client, client_id, cognito_user.username)
    assert "userNotFound" not in quiz.events[0]["request"]


def test_a_disabled_user_is_refused_before_any_challenge(
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_user: CognitoUser,
    cognito_lambdas: CognitoLambdas,
) -> None:
    quiz = set_up_quiz(cognito_lambdas, cognito_pool.user_pool_id, Quiz())
    client_id = custom_client(cognito_idp_client, cognito_pool)
    cognito_idp_client.admin_disable_user(
        UserPoolId=cognito_pool.user_pool_id, Username=cognito_user.username
    )

    assert error_of(start, cognito_idp_client, client_id, cognito_user.username) == (
        "NotAuthorizedException",
        "User is disabled.",
    )
    assert quiz.events == []


# -- errors ----------------------------------------------------------------------------------------


def test_without_a_define_function_cognito_says_custom_auth_is_not_configured(
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_user: CognitoUser,
) -> None:
    client_id = custom_client(cognito_idp_client, cognito_pool)

    assert error_of(start, cognito_idp_client, client_id, cognito_user.username) == NOT_CONFIGURED


@pytest.mark.parametrize("missing", ["CreateAuthChallenge", "VerifyAuthChallengeResponse"])
def test_a_missing_create_or_verify_function_is_not_configured_either(
    missing: str,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_user: CognitoUser,
    cognito_lambdas: CognitoLambdas,
) -> None:
    quiz = Quiz()
    functions = {
        "DefineAuthChallenge": ("define", quiz.define),
        "CreateAuthChallenge": ("create", quiz.create),
        "VerifyAuthChallengeResponse": ("verify", quiz.verify),
    }
    del functions[missing]
    for name, handler in functions.values():
        cognito_lambdas.register(name, handler)
    cognito_lambdas.set_triggers(
        cognito_pool.user_pool_id, **{trigger: name for trigger, (name, _) in functions.items()}
    )
    client_id = custom_client(cognito_idp_client, cognito_pool)

    def sign_in() -> Any:
        challenge = start(cognito_idp_client, client_id, cognito_user.username)
        return answer(cognito_idp_client, client_id, challenge, "42")

    assert error_of(sign_in) == NOT_CONFIGURED


def test_a_client_without_allow_custom_auth_is_refused(
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_user: CognitoUser,
    cognito_lambdas: CognitoLambdas,
) -> None:
    quiz = set_up_quiz(cognito_lambdas, cognito_pool.user_pool_id, Quiz())

    assert error_of(start, cognito_idp_client, cognito_pool.client_id, cognito_user.username) == (
        "InvalidParameterException",
        "CUSTOM_AUTH flow not enabled for this client",
    )
    assert quiz.events == []


def test_a_raising_define_refuses_and_leaves_no_session_behind(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_user: CognitoUser,
    cognito_lambdas: CognitoLambdas,
) -> None:
    def raising(event: Event, context: Any) -> Event:
        raise RuntimeError("Sign-ins are paused")

    cognito_lambdas.register("define", raising)
    cognito_lambdas.set_triggers(cognito_pool.user_pool_id, DefineAuthChallenge="define")
    client_id = custom_client(cognito_idp_client, cognito_pool)

    assert error_of(start, cognito_idp_client, client_id, cognito_user.username) == (
        "UserLambdaValidationException",
        "DefineAuthChallenge failed with error Sign-ins are paused.",
    )
    assert pending_sessions(cognito_emulator) == 0


def test_a_raising_verify_refuses_the_answer_with_its_message(
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_user: CognitoUser,
    cognito_lambdas: CognitoLambdas,
) -> None:
    quiz = set_up_quiz(cognito_lambdas, cognito_pool.user_pool_id, Quiz())

    def raising(event: Event, context: Any) -> Event:
        raise RuntimeError("Answer store down")

    cognito_lambdas.register("verify", raising)
    client_id = custom_client(cognito_idp_client, cognito_pool)
    challenge = start(cognito_idp_client, client_id, cognito_user.username)

    assert error_of(answer, cognito_idp_client, client_id, challenge, "42") == (
        "UserLambdaValidationException",
        "VerifyAuthChallengeResponse failed with error Answer store down.",
    )
    assert len(quiz.events) == 2  # define and create: define never heard of the answer


@pytest.mark.parametrize(
    ("trigger", "response"),
    [
        pytest.param("define", {}, id="define says nothing"),
        pytest.param("define", {"challengeName": "SMS_MFA"}, id="define asks for SMS MFA"),
        pytest.param("define", {"issueTokens": "yes"}, id="define's issueTokens a string"),
        pytest.param(
            "create", {"publicChallengeParameters": ["a"]}, id="create's parameters a list"
        ),
    ],
)
def test_an_answer_of_the_wrong_shape_is_unrecognizable(
    trigger: str,
    response: dict[str, Any],
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_user: CognitoUser,
    cognito_lambdas: CognitoLambdas,
) -> None:
    set_up_quiz(cognito_lambdas, cognito_pool.user_pool_id, Quiz())

    def answering(event: Event, context: Any) -> Event:
        event["response"] = response
        return event

    cognito_lambdas.register(trigger, answering)
    client_id = custom_client(cognito_idp_client, cognito_pool)

    assert error_of(start, cognito_idp_client, client_id, cognito_user.username) == UNRECOGNIZABLE


def test_an_answer_without_answer_is_refused_and_keeps_the_session(
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_user: CognitoUser,
    cognito_lambdas: CognitoLambdas,
) -> None:
    set_up_quiz(cognito_lambdas, cognito_pool.user_pool_id, Quiz())
    client_id = custom_client(cognito_idp_client, cognito_pool)
    challenge = start(cognito_idp_client, client_id, cognito_user.username)

    assert error_of(
        cognito_idp_client.respond_to_auth_challenge,
        ClientId=client_id,
        ChallengeName="CUSTOM_CHALLENGE",
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": cognito_user.username},
    ) == ("InvalidParameterException", "Missing required parameter ANSWER")
    assert (
        "AccessToken"
        in answer(cognito_idp_client, client_id, challenge, "42")["AuthenticationResult"]
    )


def test_the_functions_may_call_the_emulator_back(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_user: CognitoUser,
    cognito_lambdas: CognitoLambdas,
) -> None:
    """A create function that looks the user up (AdminGetUser) while the sign-in waits."""
    quiz = set_up_quiz(cognito_lambdas, cognito_pool.user_pool_id, Quiz())
    admin = idp_client(cognito_emulator.endpoint_url, cognito_emulator.region)

    def looking_up(event: Event, context: Any) -> Event:
        found = admin.admin_get_user(UserPoolId=event["userPoolId"], Username=event["userName"])
        event = quiz.create(event, context)
        event["response"]["publicChallengeParameters"] = {"status": found["UserStatus"]}
        return event

    cognito_lambdas.register("create", looking_up)
    client_id = custom_client(cognito_idp_client, cognito_pool)

    challenge = start(cognito_idp_client, client_id, cognito_user.username)

    assert challenge["ChallengeParameters"]["status"] == "CONFIRMED"


# -- SRP inside the custom flow --------------------------------------------------------------------


def test_a_custom_flow_may_start_with_the_password_over_srp(
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_user: CognitoUser,
    cognito_lambdas: CognitoLambdas,
) -> None:
    pre: list[Event] = []

    def recording(event: Event, context: Any) -> Event:
        pre.append(copy.deepcopy(event))
        return event

    cognito_lambdas.register("pre-auth", recording)
    quiz = set_up_quiz(
        cognito_lambdas, cognito_pool.user_pool_id, Quiz(), PreAuthentication="pre-auth"
    )
    client_id = custom_client(cognito_idp_client, cognito_pool)
    srp = AWSSRP(
        username=cognito_user.username,
        password=cognito_user.password,
        pool_id=cognito_pool.user_pool_id,
        client_id=client_id,
        client=cognito_idp_client,
    )

    challenge = cognito_idp_client.initiate_auth(
        ClientId=client_id,
        AuthFlow="CUSTOM_AUTH",
        AuthParameters={**srp.get_auth_params(), "CHALLENGE_NAME": "SRP_A"},
        ClientMetadata={"app": "mobile"},
    )
    assert challenge["ChallengeName"] == "PASSWORD_VERIFIER"
    assert set(challenge["ChallengeParameters"]) == {
        "SALT",
        "SRP_B",
        "SECRET_BLOCK",
        "USERNAME",
        "USER_ID_FOR_SRP",
    }
    proof = srp.process_challenge(challenge["ChallengeParameters"], srp.get_auth_params())
    quiz_challenge = cognito_idp_client.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="PASSWORD_VERIFIER",
        Session=challenge["Session"],
        ChallengeResponses=proof,
    )
    assert quiz_challenge["ChallengeName"] == "CUSTOM_CHALLENGE"
    result = answer(cognito_idp_client, client_id, quiz_challenge, "42")

    assert "AccessToken" in result["AuthenticationResult"]
    assert [event["request"]["validationData"] for event in pre] == [{"app": "mobile"}]
    srp_a = {"challengeName": "SRP_A", "challengeResult": True}
    verified = {"challengeName": "PASSWORD_VERIFIER", "challengeResult": True}
    defines = [e for e in quiz.events if e["triggerSource"].startswith("DefineAuthChallenge")]
    assert [event["request"]["session"] for event in defines] == [
        [srp_a],
        [srp_a, verified],
        [
            srp_a,
            verified,
            {
                "challengeName": "CUSTOM_CHALLENGE",
                "challengeResult": True,
                "challengeMetadata": "QUIZ",
            },
        ],
    ]


def test_a_wrong_password_fails_a_custom_flow_at_once(
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_user: CognitoUser,
    cognito_lambdas: CognitoLambdas,
) -> None:
    quiz = set_up_quiz(cognito_lambdas, cognito_pool.user_pool_id, Quiz())
    client_id = custom_client(cognito_idp_client, cognito_pool)
    srp = AWSSRP(
        username=cognito_user.username,
        password="Not-the-password-1",
        pool_id=cognito_pool.user_pool_id,
        client_id=client_id,
        client=cognito_idp_client,
    )
    challenge = cognito_idp_client.initiate_auth(
        ClientId=client_id,
        AuthFlow="CUSTOM_AUTH",
        AuthParameters={**srp.get_auth_params(), "CHALLENGE_NAME": "SRP_A"},
    )
    proof = srp.process_challenge(challenge["ChallengeParameters"], srp.get_auth_params())

    assert (
        error_of(
            cognito_idp_client.respond_to_auth_challenge,
            ClientId=client_id,
            ChallengeName="PASSWORD_VERIFIER",
            Session=challenge["Session"],
            ChallengeResponses=proof,
        )
        == INCORRECT
    )
    assert quiz.sources() == ["DefineAuthChallenge_Authentication"]


def test_a_password_proof_sent_without_its_session_cannot_skip_the_custom_challenges(
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_user: CognitoUser,
    cognito_lambdas: CognitoLambdas,
) -> None:
    """Answered as a USER_SRP_AUTH proof, the custom flow's PASSWORD_VERIFIER gives no tokens."""
    set_up_quiz(cognito_lambdas, cognito_pool.user_pool_id, Quiz())
    client_id = custom_client(cognito_idp_client, cognito_pool)
    srp = AWSSRP(
        username=cognito_user.username,
        password=cognito_user.password,
        pool_id=cognito_pool.user_pool_id,
        client_id=client_id,
        client=cognito_idp_client,
    )
    challenge = cognito_idp_client.initiate_auth(
        ClientId=client_id,
        AuthFlow="CUSTOM_AUTH",
        AuthParameters={**srp.get_auth_params(), "CHALLENGE_NAME": "SRP_A"},
    )
    proof = srp.process_challenge(challenge["ChallengeParameters"], srp.get_auth_params())

    assert (
        error_of(
            cognito_idp_client.respond_to_auth_challenge,
            ClientId=client_id,
            ChallengeName="PASSWORD_VERIFIER",
            ChallengeResponses=proof,
        )
        == INCORRECT
    )
