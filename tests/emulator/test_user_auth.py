"""USER_AUTH, choice-based sign-in: SELECT_CHALLENGE and what it offers, PREFERRED_CHALLENGE,
the password factors (PASSWORD, PASSWORD_SRP), sessions, unknown users, triggers and WEB_AUTHN.

Behaviour as documented (API_InitiateAuth, API_RespondToAuthChallenge, authentication-flows-
selection-sdk.md) and as a live pool showed it in a published spike (see flows/user_auth.py):
a user with a temporary password is offered ["PASSWORD_SRP", "PASSWORD"] and a preferred
challenge the user cannot use falls back to SELECT_CHALLENGE. Passwordless factors are in
test_user_auth_passwordless.py.
"""

from __future__ import annotations

from typing import Any

from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
from pycognito.aws_srp import AWSSRP

from cognito_emulator.pytest_plugin import CognitoLambdas
from cognito_emulator.server import EmulatorServer
from tests.emulator.user_auth_harness import (
    EMAIL_AND_SMS,
    PASSWORD,
    UserAuthPool,
    error_of,
    initiate,
    make_pool,
    make_user,
    respond,
    signed_in,
)

INCORRECT = ("NotAuthorizedException", "Incorrect username or password.")
PASSKEYS = (
    "UnsupportedOperationException",
    "The Cognito emulator does not support passkeys (WEB_AUTHN); sign in with PASSWORD, "
    "PASSWORD_SRP, EMAIL_OTP or SMS_OTP.",
)


def aws_srp(idp: CognitoIdentityProviderClient, pool: UserAuthPool, password: str) -> AWSSRP:
    """pycognito's SRP client (it signs in to real Cognito), to compute SRP_A and the proof."""
    return AWSSRP(
        username="bob",
        password=password,
        pool_id=pool.pool_id,
        client_id=pool.client_id,
        client=idp,
        client_secret=pool.client_secret,
    )


def answer_password_verifier(
    idp: CognitoIdentityProviderClient, srp: AWSSRP, challenge: Any
) -> Any:
    """PASSWORD_VERIFIER answered as USER_SRP_AUTH's is: pycognito's proof of the password."""
    assert challenge["ChallengeName"] == "PASSWORD_VERIFIER"
    responses = srp.process_challenge(challenge["ChallengeParameters"], srp.get_auth_params())
    return idp.respond_to_auth_challenge(
        ClientId=srp.client_id, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=responses
    )


# -- what is offered ------------------------------------------------------------------------------


def test_without_a_preferred_challenge_the_user_selects_among_the_factors_they_can_use(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    pool = make_pool(cognito_idp_client, EMAIL_AND_SMS)
    make_user(cognito_idp_client, pool, phone="+15555550100")

    answer = initiate(cognito_idp_client, pool)

    assert answer["ChallengeName"] == "SELECT_CHALLENGE"
    assert answer["AvailableChallenges"] == ["PASSWORD_SRP", "PASSWORD", "EMAIL_OTP", "SMS_OTP"]
    assert answer["ChallengeParameters"] == {}
    assert answer["Session"]
    assert "AuthenticationResult" not in answer


def test_one_time_passwords_are_offered_only_to_verified_addresses(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    pool = make_pool(cognito_idp_client, EMAIL_AND_SMS)
    make_user(cognito_idp_client, pool, email_verified=False, phone="+15555550100")
    make_user(cognito_idp_client, pool, "carol", email="carol@example.com")

    assert initiate(cognito_idp_client, pool)["AvailableChallenges"] == [
        "PASSWORD_SRP",
        "PASSWORD",
        "SMS_OTP",
    ]
    assert initiate(cognito_idp_client, pool, "carol")["AvailableChallenges"] == [
        "PASSWORD_SRP",
        "PASSWORD",
        "EMAIL_OTP",
    ]


def test_a_pool_without_a_sign_in_policy_offers_the_password_alone(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    pool = make_pool(cognito_idp_client)
    make_user(cognito_idp_client, pool, phone="+15555550100")

    assert initiate(cognito_idp_client, pool)["AvailableChallenges"] == ["PASSWORD_SRP", "PASSWORD"]


def test_a_user_with_a_temporary_password_is_offered_the_password_and_must_replace_it(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    pool = make_pool(cognito_idp_client, EMAIL_AND_SMS)
    make_user(cognito_idp_client, pool, permanent_password=False)

    offered = initiate(cognito_idp_client, pool, PREFERRED_CHALLENGE="EMAIL_OTP")
    answer = respond(
        cognito_idp_client,
        pool,
        "SELECT_CHALLENGE",
        offered["Session"],
        ANSWER="PASSWORD",
        PASSWORD=PASSWORD,
    )

    assert offered["ChallengeName"] == "SELECT_CHALLENGE"
    assert offered["AvailableChallenges"] == ["PASSWORD_SRP", "PASSWORD"]
    assert answer["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    assert cognito_emulator.outbox(pool.pool_id, "bob") == []


def test_the_client_must_allow_user_auth(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    pool = make_pool(cognito_idp_client, flows=("ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"))
    make_user(cognito_idp_client, pool)

    assert error_of(initiate, cognito_idp_client, pool) == (
        "InvalidParameterException",
        "USER_AUTH flow not enabled for this client",
    )


def test_admin_initiate_auth_takes_user_auth_too(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    pool = make_pool(cognito_idp_client)
    make_user(cognito_idp_client, pool)

    answer = cognito_idp_client.admin_initiate_auth(
        UserPoolId=pool.pool_id,
        ClientId=pool.client_id,
        AuthFlow="USER_AUTH",
        AuthParameters={"USERNAME": "bob", "PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": PASSWORD},
    )

    assert signed_in(cognito_idp_client, answer)


def test_a_client_with_a_secret_needs_the_secret_hash(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    pool = make_pool(cognito_idp_client, with_secret=True)
    make_user(cognito_idp_client, pool)

    assert initiate(cognito_idp_client, pool)["ChallengeName"] == "SELECT_CHALLENGE"
    assert error_of(
        cognito_idp_client.initiate_auth,
        ClientId=pool.client_id,
        AuthFlow="USER_AUTH",
        AuthParameters={"USERNAME": "bob"},
    ) == (
        "NotAuthorizedException",
        f"Client {pool.client_id} is configured for secret but secret was not received",
    )


# -- the password factors -------------------------------------------------------------------------


def test_selecting_password_with_the_password_signs_in(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    pool = make_pool(cognito_idp_client, EMAIL_AND_SMS)
    make_user(cognito_idp_client, pool)
    session = initiate(cognito_idp_client, pool)["Session"]

    answer = respond(
        cognito_idp_client, pool, "SELECT_CHALLENGE", session, ANSWER="PASSWORD", PASSWORD=PASSWORD
    )

    assert answer["ChallengeParameters"] == {}
    assert signed_in(cognito_idp_client, answer)


def test_selecting_password_with_a_wrong_password_is_refused(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    pool = make_pool(cognito_idp_client)
    make_user(cognito_idp_client, pool)
    session = initiate(cognito_idp_client, pool)["Session"]

    assert (
        error_of(
            respond,
            cognito_idp_client,
            pool,
            "SELECT_CHALLENGE",
            session,
            ANSWER="PASSWORD",
            PASSWORD="not-it",
        )
        == INCORRECT
    )


def test_the_choice_may_be_named_as_the_challenge(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    """API_RespondToAuthChallenge: "ChallengeName": "PASSWORD" with USERNAME and PASSWORD."""
    pool = make_pool(cognito_idp_client)
    make_user(cognito_idp_client, pool)
    session = initiate(cognito_idp_client, pool)["Session"]

    answer = respond(cognito_idp_client, pool, "PASSWORD", session, PASSWORD=PASSWORD)

    assert signed_in(cognito_idp_client, answer)


def test_preferring_password_signs_in_at_once_and_without_the_password_is_refused(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    pool = make_pool(cognito_idp_client, EMAIL_AND_SMS)
    make_user(cognito_idp_client, pool)

    answer = initiate(cognito_idp_client, pool, PREFERRED_CHALLENGE="PASSWORD", PASSWORD=PASSWORD)

    assert signed_in(cognito_idp_client, answer)
    assert error_of(initiate, cognito_idp_client, pool, PREFERRED_CHALLENGE="PASSWORD") == (
        "InvalidParameterException",
        "Missing required parameter PASSWORD",
    )


def test_preferring_password_srp_proves_the_password_over_srp(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    pool = make_pool(cognito_idp_client)
    make_user(cognito_idp_client, pool)
    srp = aws_srp(cognito_idp_client, pool, PASSWORD)

    challenge = initiate(
        cognito_idp_client,
        pool,
        PREFERRED_CHALLENGE="PASSWORD_SRP",
        SRP_A=srp.get_auth_params()["SRP_A"],
    )

    assert challenge["AvailableChallenges"] == ["PASSWORD_SRP", "PASSWORD"]
    assert signed_in(
        cognito_idp_client, answer_password_verifier(cognito_idp_client, srp, challenge)
    )


def test_selecting_password_srp_refuses_a_proof_of_another_password(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    pool = make_pool(cognito_idp_client)
    make_user(cognito_idp_client, pool)
    right, wrong = (
        aws_srp(cognito_idp_client, pool, PASSWORD),
        aws_srp(cognito_idp_client, pool, "not-the-password"),
    )
    sessions = [initiate(cognito_idp_client, pool)["Session"] for _ in range(2)]

    challenges = [
        respond(
            cognito_idp_client,
            pool,
            "SELECT_CHALLENGE",
            session,
            ANSWER="PASSWORD_SRP",
            SRP_A=srp.get_auth_params()["SRP_A"],
        )
        for session, srp in zip(sessions, (right, wrong), strict=True)
    ]

    assert signed_in(
        cognito_idp_client, answer_password_verifier(cognito_idp_client, right, challenges[0])
    )
    assert error_of(answer_password_verifier, cognito_idp_client, wrong, challenges[1]) == INCORRECT


# -- sessions -------------------------------------------------------------------------------------


def test_a_select_challenge_session_is_answered_once(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    pool = make_pool(cognito_idp_client)
    make_user(cognito_idp_client, pool)
    session = initiate(cognito_idp_client, pool)["Session"]
    respond(
        cognito_idp_client, pool, "SELECT_CHALLENGE", session, ANSWER="PASSWORD", PASSWORD=PASSWORD
    )

    assert error_of(
        respond,
        cognito_idp_client,
        pool,
        "SELECT_CHALLENGE",
        session,
        ANSWER="PASSWORD",
        PASSWORD=PASSWORD,
    ) == ("NotAuthorizedException", "Invalid session for the user, session can only be used once.")


def test_a_session_answers_for_its_own_user_only(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    pool = make_pool(cognito_idp_client)
    make_user(cognito_idp_client, pool)
    make_user(cognito_idp_client, pool, "carol", email="carol@example.com")
    session = initiate(cognito_idp_client, pool)["Session"]

    assert error_of(
        respond,
        cognito_idp_client,
        pool,
        "SELECT_CHALLENGE",
        session,
        "carol",
        ANSWER="PASSWORD",
        PASSWORD=PASSWORD,
    ) == ("NotAuthorizedException", "Invalid session for the user.")


def test_a_session_expires_after_the_clients_auth_session_validity(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    pool = make_pool(cognito_idp_client)
    make_user(cognito_idp_client, pool)
    late, in_time = (initiate(cognito_idp_client, pool)["Session"] for _ in range(2))
    cognito_emulator.advance_clock(179)
    respond(
        cognito_idp_client, pool, "SELECT_CHALLENGE", in_time, ANSWER="PASSWORD", PASSWORD=PASSWORD
    )
    cognito_emulator.advance_clock(1)

    assert error_of(
        respond,
        cognito_idp_client,
        pool,
        "SELECT_CHALLENGE",
        late,
        ANSWER="PASSWORD",
        PASSWORD=PASSWORD,
    ) == ("NotAuthorizedException", "Invalid session for the user, session is expired.")


def test_an_answer_that_was_not_offered_is_refused(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    pool = make_pool(cognito_idp_client)
    make_user(cognito_idp_client, pool)
    session = initiate(cognito_idp_client, pool)["Session"]

    assert error_of(
        respond, cognito_idp_client, pool, "SELECT_CHALLENGE", session, ANSWER="EMAIL_OTP"
    ) == (
        "InvalidParameterException",
        "ANSWER EMAIL_OTP is not one of the AvailableChallenges (PASSWORD_SRP, PASSWORD).",
    )


# -- users ----------------------------------------------------------------------------------------


def test_an_unknown_user_is_named_unless_the_client_hides_user_existence(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    pool = make_pool(cognito_idp_client, EMAIL_AND_SMS)

    assert error_of(initiate, cognito_idp_client, pool, "nobody") == (
        "UserNotFoundException",
        "User does not exist.",
    )


def test_an_unknown_user_of_a_client_hiding_users_gets_a_sign_in_no_answer_completes(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    pool = make_pool(cognito_idp_client, EMAIL_AND_SMS, hides_users=True)
    srp = aws_srp(cognito_idp_client, pool, PASSWORD)

    offered = initiate(cognito_idp_client, pool, "nobody")
    refused = error_of(
        respond,
        cognito_idp_client,
        pool,
        "SELECT_CHALLENGE",
        offered["Session"],
        "nobody",
        ANSWER="PASSWORD",
        PASSWORD=PASSWORD,
    )
    decoy = initiate(
        cognito_idp_client, pool, "nobody", PREFERRED_CHALLENGE="PASSWORD_SRP", SRP_A="abc123"
    )

    assert offered["ChallengeName"] == "SELECT_CHALLENGE"
    assert offered["AvailableChallenges"] == ["PASSWORD_SRP", "PASSWORD", "EMAIL_OTP", "SMS_OTP"]
    assert refused == INCORRECT
    assert decoy["ChallengeName"] == "PASSWORD_VERIFIER"
    assert error_of(answer_password_verifier, cognito_idp_client, srp, decoy) == INCORRECT


def test_a_disabled_user_cannot_start(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    pool = make_pool(cognito_idp_client)
    make_user(cognito_idp_client, pool)
    cognito_idp_client.admin_disable_user(UserPoolId=pool.pool_id, Username="bob")

    assert error_of(initiate, cognito_idp_client, pool) == (
        "NotAuthorizedException",
        "User is disabled.",
    )


def test_pre_authentication_runs_when_the_sign_in_starts(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_lambdas: CognitoLambdas,
) -> None:
    events: list[dict[str, Any]] = []

    def refuse(event: dict[str, Any], context: Any) -> dict[str, Any]:
        events.append(event)
        raise RuntimeError("not today")

    pool = make_pool(cognito_idp_client)
    make_user(cognito_idp_client, pool)
    cognito_lambdas.register("pre-auth", refuse)
    cognito_lambdas.set_triggers(pool.pool_id, PreAuthentication="pre-auth")

    assert error_of(initiate, cognito_idp_client, pool) == (
        "UserLambdaValidationException",
        "PreAuthentication failed with error not today.",
    )
    assert [event["triggerSource"] for event in events] == ["PreAuthentication_Authentication"]


# -- passkeys -------------------------------------------------------------------------------------


def test_webauthn_is_refused_as_unsupported_by_the_emulator(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    pool = make_pool(cognito_idp_client, ["PASSWORD", "WEB_AUTHN"])
    make_user(cognito_idp_client, pool)
    session = initiate(cognito_idp_client, pool)["Session"]

    assert error_of(initiate, cognito_idp_client, pool, PREFERRED_CHALLENGE="WEB_AUTHN") == PASSKEYS
    assert (
        error_of(respond, cognito_idp_client, pool, "SELECT_CHALLENGE", session, ANSWER="WEB_AUTHN")
        == PASSKEYS
    )
