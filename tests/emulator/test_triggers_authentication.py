"""PreAuthentication and PostAuthentication: Cognito's events, where each runs, and what a
function that raises does to the sign-in.

The expected events are AWS's documented shapes written out (user-pool-lambda-pre-
authentication.md: request {userAttributes, validationData, userNotFound}, response {};
user-pool-lambda-post-authentication.md: request {userAttributes, newDeviceUsed,
clientMetadata}, response {}), with the common parameters of
cognito-user-pools-working-with-lambda-triggers.md. Which ClientMetadata reaches which trigger is
the API reference's (InitiateAuth, ClientMetadata: "passed as input to the functions for only
the following triggers: Pre signup, Pre authentication, User migration"; "doesn't pass
ClientMetadata" to Post authentication). Where each runs: PreAuthentication before the password
is checked (a real pool runs it for a wrong password too, and a raising one refuses whatever the
password: a published spike's runs C02, C10, C11), PostAuthentication after pre token generation
(dod-ccpo/atat-web-api#376) and before the tokens are returned.
"""

from __future__ import annotations

from typing import Any

import pytest
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
from pycognito.aws_srp import AWSSRP

from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.pytest_plugin import (
    CognitoLambdas,
    CognitoUser,
    idp_client,
    secret_hash,
)
from cognito_emulator.server import EmulatorServer
from tests.emulator.oauth_harness import CALLBACK, EMAIL, USERNAME, alert, create_login_pool
from tests.emulator.trigger_harness import envelope, error_of

Event = dict[str, Any]
INCORRECT = ("NotAuthorizedException", "Incorrect username or password.")


class Recorder:
    """A handler that records each event it gets, then answers with the event or raises."""

    def __init__(self, refusal: str | None = None, calls: list[str] | None = None) -> None:
        self.events: list[Event] = []
        self._refusal = refusal
        self._calls = calls

    def __call__(self, event: Event, context: Any) -> Event:
        self.events.append(event)
        if self._calls is not None:
            self._calls.append(event["triggerSource"])
        if self._refusal is not None:
            raise ValueError(self._refusal)
        return event


def password_sign_in(
    idp: CognitoIdentityProviderClient,
    pool: PoolConfig,
    username: str,
    password: str,
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


def attributes_of(user: CognitoUser) -> dict[str, str]:
    """The userAttributes Cognito sends for a confirmed user of the kit's pool."""
    return {
        "sub": user.sub,
        "email": user.email,
        "email_verified": "true",
        "cognito:user_status": "CONFIRMED",
    }


def legacy_client(idp: CognitoIdentityProviderClient, pool: PoolConfig) -> str:
    """An app client that does not hide which users exist (the API's default), without secret."""
    client_id: str = idp.create_user_pool_client(
        UserPoolId=pool.user_pool_id,
        ClientName="legacy",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    return client_id


def stat(server: EmulatorServer, name: str) -> int:
    """One of the sizes of the emulator's bookkeeping (token families, SRP challenges)."""
    return server.app.locked(server.backend.stats)[name]


# -- PreAuthentication -----------------------------------------------------------------------------


def test_pre_authentication_gets_cognitos_event_with_client_metadata_as_validation_data(
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_user: CognitoUser,
    cognito_lambdas: CognitoLambdas,
) -> None:
    pre = Recorder()
    cognito_lambdas.register("pre-auth", pre)
    cognito_lambdas.set_triggers(cognito_pool.user_pool_id, PreAuthentication="pre-auth")

    password_sign_in(
        cognito_idp_client,
        cognito_pool,
        cognito_user.username,
        cognito_user.password,
        ClientMetadata={"device": "kiosk-7"},
    )

    assert pre.events == [
        {
            **envelope(
                cognito_pool,
                "PreAuthentication_Authentication",
                cognito_user.username,
                cognito_pool.client_id,
            ),
            "request": {
                "userAttributes": attributes_of(cognito_user),
                "validationData": {"device": "kiosk-7"},
                # The kit's app client hides user existence (PreventUserExistenceErrors ENABLED).
                "userNotFound": False,
            },
            "response": {},
        }
    ]


def test_a_client_that_shows_user_existence_sends_no_user_not_found_nor_empty_validation_data(
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_user: CognitoUser,
    cognito_lambdas: CognitoLambdas,
) -> None:
    pre = Recorder()
    cognito_lambdas.register("pre-auth", pre)
    cognito_lambdas.set_triggers(cognito_pool.user_pool_id, PreAuthentication="pre-auth")
    client_id = legacy_client(cognito_idp_client, cognito_pool)

    cognito_idp_client.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": cognito_user.username, "PASSWORD": cognito_user.password},
    )

    assert [event["request"] for event in pre.events] == [
        {"userAttributes": attributes_of(cognito_user)}
    ]
    assert pre.events[0]["callerContext"]["clientId"] == client_id


def test_a_raising_pre_authentication_refuses_whatever_the_password_and_issues_nothing(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_user: CognitoUser,
    cognito_lambdas: CognitoLambdas,
) -> None:
    cognito_lambdas.register("pre-auth", Recorder(refusal="Account locked"))
    cognito_lambdas.set_triggers(cognito_pool.user_pool_id, PreAuthentication="pre-auth")
    families = stat(cognito_emulator, "token_families")
    refusal = (
        "UserLambdaValidationException",
        "PreAuthentication failed with error Account locked.",
    )

    for password in (cognito_user.password, "Wrong-password-1"):
        assert (
            error_of(
                password_sign_in, cognito_idp_client, cognito_pool, cognito_user.username, password
            )
            == refusal
        )
    assert stat(cognito_emulator, "token_families") == families


def test_a_wrong_password_still_runs_pre_authentication(
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_user: CognitoUser,
    cognito_lambdas: CognitoLambdas,
) -> None:
    pre = Recorder()
    cognito_lambdas.register("pre-auth", pre)
    cognito_lambdas.set_triggers(cognito_pool.user_pool_id, PreAuthentication="pre-auth")

    assert (
        error_of(
            password_sign_in, cognito_idp_client, cognito_pool, cognito_user.username, "Nope-1234"
        )
        == INCORRECT
    )
    assert len(pre.events) == 1


def test_nobody_runs_pre_authentication_only_where_the_client_hides_user_existence(
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_lambdas: CognitoLambdas,
) -> None:
    """ "This Lambda trigger doesn't activate when a user doesn't exist unless the
    PreventUserExistenceErrors setting of a user pool app client is set to ENABLED"."""
    pre = Recorder()
    cognito_lambdas.register("pre-auth", pre)
    cognito_lambdas.set_triggers(cognito_pool.user_pool_id, PreAuthentication="pre-auth")
    legacy = legacy_client(cognito_idp_client, cognito_pool)

    assert error_of(password_sign_in, cognito_idp_client, cognito_pool, "nobody", "Pw-12345") == (
        INCORRECT
    )
    assert error_of(
        cognito_idp_client.initiate_auth,
        ClientId=legacy,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "nobody", "PASSWORD": "Pw-12345"},
    ) == ("UserNotFoundException", "User does not exist.")

    assert pre.events == [
        {
            **envelope(
                cognito_pool, "PreAuthentication_Authentication", "nobody", cognito_pool.client_id
            ),
            "request": {"userAttributes": {}, "userNotFound": True},
            "response": {},
        }
    ]


@pytest.mark.parametrize("flow", ["ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"])
def test_admin_password_sign_ins_run_both_triggers(
    flow: str,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_user: CognitoUser,
    cognito_lambdas: CognitoLambdas,
) -> None:
    calls: list[str] = []
    cognito_lambdas.register("pre-auth", Recorder(calls=calls))
    cognito_lambdas.register("post-auth", Recorder(calls=calls))
    cognito_lambdas.set_triggers(
        cognito_pool.user_pool_id, PreAuthentication="pre-auth", PostAuthentication="post-auth"
    )

    result = cognito_idp_client.admin_initiate_auth(
        UserPoolId=cognito_pool.user_pool_id,
        ClientId=cognito_pool.client_id,
        AuthFlow=flow,  # type: ignore[arg-type]
        AuthParameters={
            "USERNAME": cognito_user.username,
            "PASSWORD": cognito_user.password,
            "SECRET_HASH": secret_hash(
                cognito_user.username, cognito_pool.client_id, cognito_pool.client_secret
            ),
        },
    )

    assert "AccessToken" in result["AuthenticationResult"]
    assert calls == ["PreAuthentication_Authentication", "PostAuthentication_Authentication"]


def test_pre_authentication_sees_what_happened_while_it_ran(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_user: CognitoUser,
    cognito_lambdas: CognitoLambdas,
) -> None:
    """The function runs with the emulator free to answer it: here it disables the user, and
    the sign-in then answers as for a disabled user."""
    admin = idp_client(cognito_emulator.endpoint_url, cognito_emulator.region)

    def disabling(event: Event, context: Any) -> Event:
        admin.admin_disable_user(UserPoolId=event["userPoolId"], Username=event["userName"])
        return event

    cognito_lambdas.register("pre-auth", disabling)
    cognito_lambdas.set_triggers(cognito_pool.user_pool_id, PreAuthentication="pre-auth")

    assert error_of(
        password_sign_in,
        cognito_idp_client,
        cognito_pool,
        cognito_user.username,
        cognito_user.password,
    ) == ("NotAuthorizedException", "User is disabled.")


# -- USER_SRP_AUTH ---------------------------------------------------------------------------------


def srp_for(idp: CognitoIdentityProviderClient, pool: PoolConfig, user: CognitoUser) -> AWSSRP:
    return AWSSRP(
        username=user.username,
        password=user.password,
        pool_id=pool.user_pool_id,
        client_id=pool.client_id,
        client=idp,
        client_secret=pool.client_secret,
    )


def test_srp_runs_pre_authentication_at_initiate_auth_and_post_authentication_at_the_proof(
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_user: CognitoUser,
    cognito_lambdas: CognitoLambdas,
) -> None:
    calls: list[str] = []
    pre, post = Recorder(calls=calls), Recorder(calls=calls)
    cognito_lambdas.register("pre-auth", pre)
    cognito_lambdas.register("post-auth", post)
    cognito_lambdas.set_triggers(
        cognito_pool.user_pool_id, PreAuthentication="pre-auth", PostAuthentication="post-auth"
    )
    srp = srp_for(cognito_idp_client, cognito_pool, cognito_user)

    challenge = cognito_idp_client.initiate_auth(
        ClientId=cognito_pool.client_id,
        AuthFlow="USER_SRP_AUTH",
        AuthParameters=srp.get_auth_params(),
        ClientMetadata={"step": "initiate"},
    )
    assert calls == ["PreAuthentication_Authentication"]
    assert pre.events[0]["request"]["validationData"] == {"step": "initiate"}

    answer = srp.process_challenge(challenge["ChallengeParameters"], srp.get_auth_params())
    result = cognito_idp_client.respond_to_auth_challenge(
        ClientId=cognito_pool.client_id,
        ChallengeName="PASSWORD_VERIFIER",
        ChallengeResponses=answer,
        ClientMetadata={"step": "respond"},
    )

    assert "AccessToken" in result["AuthenticationResult"]
    assert calls == ["PreAuthentication_Authentication", "PostAuthentication_Authentication"]
    assert post.events == [
        {
            **envelope(
                cognito_pool,
                "PostAuthentication_Authentication",
                cognito_user.username,
                cognito_pool.client_id,
            ),
            "request": {
                "userAttributes": attributes_of(cognito_user),
                "clientMetadata": {"step": "respond"},
            },
            "response": {},
        }
    ]


def test_a_raising_pre_authentication_starts_no_srp_challenge(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_user: CognitoUser,
    cognito_lambdas: CognitoLambdas,
) -> None:
    cognito_lambdas.register("pre-auth", Recorder(refusal="Not today"))
    cognito_lambdas.set_triggers(cognito_pool.user_pool_id, PreAuthentication="pre-auth")
    srp = srp_for(cognito_idp_client, cognito_pool, cognito_user)
    pending = stat(cognito_emulator, "srp_challenges")

    assert error_of(
        cognito_idp_client.initiate_auth,
        ClientId=cognito_pool.client_id,
        AuthFlow="USER_SRP_AUTH",
        AuthParameters=srp.get_auth_params(),
    ) == ("UserLambdaValidationException", "PreAuthentication failed with error Not today.")
    assert stat(cognito_emulator, "srp_challenges") == pending


# -- PostAuthentication ----------------------------------------------------------------------------


def test_post_authentication_gets_cognitos_event_without_initiate_auths_client_metadata(
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_user: CognitoUser,
    cognito_lambdas: CognitoLambdas,
) -> None:
    post = Recorder()
    cognito_lambdas.register("post-auth", post)
    cognito_lambdas.set_triggers(cognito_pool.user_pool_id, PostAuthentication="post-auth")

    password_sign_in(
        cognito_idp_client,
        cognito_pool,
        cognito_user.username,
        cognito_user.password,
        ClientMetadata={"device": "kiosk-7"},
    )

    assert post.events == [
        {
            **envelope(
                cognito_pool,
                "PostAuthentication_Authentication",
                cognito_user.username,
                cognito_pool.client_id,
            ),
            "request": {"userAttributes": attributes_of(cognito_user)},
            "response": {},
        }
    ]


def test_post_authentication_runs_after_pre_token_generation(
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_user: CognitoUser,
    cognito_lambdas: CognitoLambdas,
) -> None:
    calls: list[str] = []
    for name in ("pre-auth", "pre-token", "post-auth"):
        cognito_lambdas.register(name, Recorder(calls=calls))
    cognito_lambdas.set_triggers(
        cognito_pool.user_pool_id,
        PreAuthentication="pre-auth",
        PreTokenGeneration="pre-token",
        PostAuthentication="post-auth",
    )

    password_sign_in(cognito_idp_client, cognito_pool, cognito_user.username, cognito_user.password)

    assert calls == [
        "PreAuthentication_Authentication",
        "TokenGeneration_Authentication",
        "PostAuthentication_Authentication",
    ]


def test_a_raising_post_authentication_fails_the_sign_in_and_its_tokens_are_revoked(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_user: CognitoUser,
    cognito_lambdas: CognitoLambdas,
) -> None:
    cognito_lambdas.register("post-auth", Recorder(refusal="Audit log unavailable"))
    cognito_lambdas.set_triggers(cognito_pool.user_pool_id, PostAuthentication="post-auth")

    assert error_of(
        password_sign_in,
        cognito_idp_client,
        cognito_pool,
        cognito_user.username,
        cognito_user.password,
    ) == (
        "UserLambdaValidationException",
        "PostAuthentication failed with error Audit log unavailable.",
    )
    backend = cognito_emulator.backend
    families = cognito_emulator.app.locked(
        lambda: backend._ledger.of_user(cognito_pool.user_pool_id, cognito_user.username)
    )
    # The fixture's own sign-in, and the refused one, whose tokens nobody ever saw.
    assert sorted(family.revoked for family in families) == [False, True]


def test_a_pool_that_remembers_devices_tells_post_authentication_of_a_new_device(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_lambdas: CognitoLambdas,
) -> None:
    """newDeviceUsed is set "only if the remembered devices value of the user pool is Always or
    User Opt-In"; the emulator remembers no device, so each sign-in is on a new one."""
    pool_id = cognito_idp_client.create_user_pool(
        PoolName="devices",
        DeviceConfiguration={
            "ChallengeRequiredOnNewDevice": False,
            "DeviceOnlyRememberedOnUserPrompt": False,
        },
    )["UserPool"]["Id"]
    client_id = cognito_idp_client.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    cognito_idp_client.admin_create_user(
        UserPoolId=pool_id, Username="dee", MessageAction="SUPPRESS"
    )
    cognito_idp_client.admin_set_user_password(
        UserPoolId=pool_id, Username="dee", Password="Passw0rd!", Permanent=True
    )
    post = Recorder()
    cognito_lambdas.register("post-auth", post)
    cognito_lambdas.set_triggers(pool_id, PostAuthentication="post-auth")

    cognito_idp_client.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "dee", "PASSWORD": "Passw0rd!"},
    )

    request = post.events[0]["request"]
    assert request["newDeviceUsed"] is True
    assert request["userAttributes"]["cognito:user_status"] == "CONFIRMED"


def test_a_new_password_challenge_answered_runs_post_authentication_with_its_client_metadata(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_lambdas: CognitoLambdas,
) -> None:
    cognito_idp_client.admin_create_user(
        UserPoolId=cognito_pool.user_pool_id,
        Username="newbie",
        TemporaryPassword="Temp-Passw0rd!",
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "email", "Value": "newbie@example.com"}],  # the pool requires it
    )
    post = Recorder()
    cognito_lambdas.register("post-auth", post)
    cognito_lambdas.set_triggers(cognito_pool.user_pool_id, PostAuthentication="post-auth")
    hashed = secret_hash("newbie", cognito_pool.client_id, cognito_pool.client_secret)
    challenge = password_sign_in(cognito_idp_client, cognito_pool, "newbie", "Temp-Passw0rd!")
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    assert post.events == []

    cognito_idp_client.respond_to_auth_challenge(
        ClientId=cognito_pool.client_id,
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=challenge["Session"],
        ChallengeResponses={
            "USERNAME": "newbie",
            "NEW_PASSWORD": "Final-Passw0rd!",
            "SECRET_HASH": hashed,
        },
        ClientMetadata={"flow": "first-sign-in"},
    )

    assert [event["request"].get("clientMetadata") for event in post.events] == [
        {"flow": "first-sign-in"}
    ]


def test_a_refresh_runs_neither_trigger(
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
    cognito_user: CognitoUser,
    cognito_lambdas: CognitoLambdas,
) -> None:
    """ "Renewal of an existing authentication session also doesn't activate this trigger"."""
    calls: list[str] = []
    cognito_lambdas.register("pre-auth", Recorder(calls=calls))
    cognito_lambdas.register("post-auth", Recorder(calls=calls))
    cognito_lambdas.set_triggers(
        cognito_pool.user_pool_id, PreAuthentication="pre-auth", PostAuthentication="post-auth"
    )

    password_sign_in(cognito_idp_client, cognito_pool, cognito_user.username, cognito_user.password)
    assert len(calls) == 2

    cognito_idp_client.initiate_auth(
        ClientId=cognito_pool.client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={
            "REFRESH_TOKEN": cognito_user.refresh_token,
            "SECRET_HASH": secret_hash(
                cognito_user.username, cognito_pool.client_id, cognito_pool.client_secret
            ),
        },
    )

    assert len(calls) == 2


# -- on the managed login page ---------------------------------------------------------------------


def test_the_login_page_runs_both_triggers_with_cognitos_events(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_lambdas: CognitoLambdas,
) -> None:
    login_pool = create_login_pool(cognito_emulator, cognito_idp_client)
    login_pool.add_user()
    sub = next(
        attribute["Value"]
        for attribute in cognito_idp_client.admin_get_user(
            UserPoolId=login_pool.pool_id, Username=USERNAME
        )["UserAttributes"]
        if attribute["Name"] == "sub"
    )
    pre, post = Recorder(), Recorder()
    cognito_lambdas.register("pre-auth", pre)
    cognito_lambdas.register("post-auth", post)
    cognito_lambdas.set_triggers(
        login_pool.pool_id, PreAuthentication="pre-auth", PostAuthentication="post-auth"
    )

    answer = login_pool.browser().sign_in(login_pool.authorize_query())

    assert answer.status_code == 302
    assert answer.headers["location"].startswith(f"{CALLBACK}?code=")
    attributes = {
        "sub": sub,
        "email": EMAIL,
        "email_verified": "true",
        "cognito:user_status": "CONFIRMED",
    }
    login_envelope = {
        "version": "1",
        "region": "us-east-1",
        "userPoolId": login_pool.pool_id,
        "userName": USERNAME,
        "callerContext": {
            "awsSdkVersion": "aws-sdk-unknown-unknown",
            "clientId": login_pool.client_id,
        },
    }
    assert pre.events == [
        {
            **login_envelope,
            "triggerSource": "PreAuthentication_Authentication",
            "request": {"userAttributes": attributes},
            "response": {},
        }
    ]
    assert post.events == [
        {
            **login_envelope,
            "triggerSource": "PostAuthentication_Authentication",
            "request": {"userAttributes": attributes},
            "response": {},
        }
    ]


@pytest.mark.parametrize("trigger", ["PreAuthentication", "PostAuthentication"])
def test_a_trigger_refusing_a_login_page_sign_in_is_the_forms_message(
    trigger: str,
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_lambdas: CognitoLambdas,
) -> None:
    login_pool = create_login_pool(cognito_emulator, cognito_idp_client)
    login_pool.add_user()
    cognito_lambdas.register("refusing", Recorder(refusal="Come back tomorrow"))
    cognito_lambdas.set_triggers(login_pool.pool_id, **{trigger: "refusing"})
    browser = login_pool.browser()

    answer = browser.sign_in(login_pool.authorize_query())

    assert answer.status_code == 400
    assert alert(answer.text) == f"{trigger} failed with error Come back tomorrow."
    assert browser.session_cookie is None
    assert login_pool.sessions() == 0
