"""NEW_PASSWORD_REQUIRED: an administrator's user signs in with the temporary password and
chooses their own (API_AdminCreateUser, API_RespondToAuthChallenge; the rules and their sources
are in flows/new_password_challenge.py)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError

from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.server import EmulatorServer
from tests.emulator.challenge_harness import hashed, password_sign_in, respond

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
    from mypy_boto3_cognito_idp.type_defs import AttributeTypeTypeDef

TEMPORARY = "Temp-Passw0rd!"
CHOSEN = "Chosen-Passw0rd!"
DAY = 24 * 3600


def admin_created(
    idp: CognitoIdentityProviderClient, pool: PoolConfig, username: str, *, email: bool = True
) -> None:
    attributes: list[AttributeTypeTypeDef] = (
        [{"Name": "email", "Value": f"{username}@example.com"}] if email else []
    )
    idp.admin_create_user(
        UserPoolId=pool.user_pool_id,
        Username=username,
        TemporaryPassword=TEMPORARY,
        UserAttributes=attributes,
        MessageAction="SUPPRESS",
    )


def refused(call: Any, **kwargs: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as raised:
        call(**kwargs)
    error = raised.value.response["Error"]
    return error["Code"], error["Message"]


def test_the_temporary_password_asks_for_a_new_one(
    cognito_idp_client: CognitoIdentityProviderClient, cognito_pool: PoolConfig
) -> None:
    admin_created(cognito_idp_client, cognito_pool, "newbie")

    challenge = password_sign_in(cognito_idp_client, cognito_pool, "newbie", TEMPORARY)

    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    assert "AuthenticationResult" not in challenge
    assert challenge["ChallengeParameters"] == {
        "USER_ID_FOR_SRP": "newbie",
        "requiredAttributes": "[]",
        "userAttributes": '{"email":"newbie@example.com"}',
    }


def test_the_new_password_signs_the_user_in_and_confirms_them(
    cognito_idp_client: CognitoIdentityProviderClient, cognito_pool: PoolConfig
) -> None:
    admin_created(cognito_idp_client, cognito_pool, "newbie")
    challenge = password_sign_in(cognito_idp_client, cognito_pool, "newbie", TEMPORARY)

    answer = respond(cognito_idp_client, cognito_pool, challenge, "newbie", NEW_PASSWORD=CHOSEN)

    token = answer["AuthenticationResult"]["AccessToken"]
    assert cognito_idp_client.get_user(AccessToken=token)["Username"] == "newbie"
    user = cognito_idp_client.admin_get_user(
        UserPoolId=cognito_pool.user_pool_id, Username="newbie"
    )
    assert user["UserStatus"] == "CONFIRMED"
    assert password_sign_in(cognito_idp_client, cognito_pool, "newbie", CHOSEN)[
        "AuthenticationResult"
    ]
    assert refused(
        password_sign_in,
        idp=cognito_idp_client,
        pool=cognito_pool,
        username="newbie",
        password=TEMPORARY,
    ) == ("NotAuthorizedException", "Incorrect username or password.")


def test_admin_initiate_auth_and_admin_respond_to_auth_challenge(
    cognito_idp_client: CognitoIdentityProviderClient, cognito_pool: PoolConfig
) -> None:
    admin_created(cognito_idp_client, cognito_pool, "newbie")
    challenge = cognito_idp_client.admin_initiate_auth(
        UserPoolId=cognito_pool.user_pool_id,
        ClientId=cognito_pool.client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={
            "USERNAME": "newbie",
            "PASSWORD": TEMPORARY,
            "SECRET_HASH": hashed(cognito_pool, "newbie"),
        },
    )
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"

    answer = cognito_idp_client.admin_respond_to_auth_challenge(
        UserPoolId=cognito_pool.user_pool_id,
        ClientId=cognito_pool.client_id,
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=challenge["Session"],
        ChallengeResponses={
            "USERNAME": "newbie",
            "NEW_PASSWORD": CHOSEN,
            "SECRET_HASH": hashed(cognito_pool, "newbie"),
        },
    )

    assert answer["AuthenticationResult"]["TokenType"] == "Bearer"


def test_the_password_policy_refuses_a_weak_new_password_and_the_session_stays_answerable(
    cognito_idp_client: CognitoIdentityProviderClient, cognito_pool: PoolConfig
) -> None:
    admin_created(cognito_idp_client, cognito_pool, "newbie")
    challenge = password_sign_in(cognito_idp_client, cognito_pool, "newbie", TEMPORARY)

    assert refused(
        respond,
        idp=cognito_idp_client,
        pool=cognito_pool,
        challenge=challenge,
        username="newbie",
        NEW_PASSWORD="Sh0rt!",
    ) == (
        "InvalidPasswordException",
        "Password did not conform with policy: Password not long enough",
    )
    user = cognito_idp_client.admin_get_user(
        UserPoolId=cognito_pool.user_pool_id, Username="newbie"
    )
    assert user["UserStatus"] == "FORCE_CHANGE_PASSWORD"

    answer = respond(cognito_idp_client, cognito_pool, challenge, "newbie", NEW_PASSWORD=CHOSEN)
    assert answer["AuthenticationResult"]["AccessToken"]


def test_a_missing_required_attribute_is_asked_for_and_must_be_given(
    cognito_idp_client: CognitoIdentityProviderClient, cognito_pool: PoolConfig
) -> None:
    """The kit's pool requires email (aws-sdk-js#1290 for Cognito's message)."""
    admin_created(cognito_idp_client, cognito_pool, "newbie", email=False)
    challenge = password_sign_in(cognito_idp_client, cognito_pool, "newbie", TEMPORARY)
    assert json.loads(challenge["ChallengeParameters"]["requiredAttributes"]) == [
        "userAttributes.email"
    ]

    assert refused(
        respond,
        idp=cognito_idp_client,
        pool=cognito_pool,
        challenge=challenge,
        username="newbie",
        NEW_PASSWORD=CHOSEN,
    ) == ("InvalidParameterException", "Invalid attributes given, email is missing")

    answer = respond(
        cognito_idp_client,
        cognito_pool,
        challenge,
        "newbie",
        NEW_PASSWORD=CHOSEN,
        **{"userAttributes.email": "newbie@example.com"},
    )
    assert answer["AuthenticationResult"]["AccessToken"]
    user = cognito_idp_client.admin_get_user(
        UserPoolId=cognito_pool.user_pool_id, Username="newbie"
    )
    assert {"Name": "email", "Value": "newbie@example.com"} in user["UserAttributes"]


def test_a_required_attribute_that_has_a_value_cannot_be_changed(
    cognito_idp_client: CognitoIdentityProviderClient, cognito_pool: PoolConfig
) -> None:
    """ "In a NEW_PASSWORD_REQUIRED challenge response, you can't modify a required attribute
    that already has a value" (API_RespondToAuthChallenge); the message as a real pool gives it
    to the AWS CLI."""
    admin_created(cognito_idp_client, cognito_pool, "newbie")
    challenge = password_sign_in(cognito_idp_client, cognito_pool, "newbie", TEMPORARY)

    assert refused(
        respond,
        idp=cognito_idp_client,
        pool=cognito_pool,
        challenge=challenge,
        username="newbie",
        NEW_PASSWORD=CHOSEN,
        **{"userAttributes.email": "other@example.com"},
    ) == ("NotAuthorizedException", "Cannot modify an already provided email")


def test_an_attribute_the_pool_does_not_require_may_be_set(
    cognito_idp_client: CognitoIdentityProviderClient, cognito_pool: PoolConfig
) -> None:
    admin_created(cognito_idp_client, cognito_pool, "newbie")
    challenge = password_sign_in(cognito_idp_client, cognito_pool, "newbie", TEMPORARY)

    respond(
        cognito_idp_client,
        cognito_pool,
        challenge,
        "newbie",
        NEW_PASSWORD=CHOSEN,
        **{"userAttributes.name": "New Bie"},
    )

    user = cognito_idp_client.admin_get_user(
        UserPoolId=cognito_pool.user_pool_id, Username="newbie"
    )
    assert {"Name": "name", "Value": "New Bie"} in user["UserAttributes"]


def test_the_temporary_password_expires_after_the_pools_validity(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
) -> None:
    """TemporaryPasswordValidityDays is 7 in the kit's pool (and Cognito's default)."""
    admin_created(cognito_idp_client, cognito_pool, "newbie")
    cognito_emulator.advance_clock(7 * DAY - 60)
    assert password_sign_in(cognito_idp_client, cognito_pool, "newbie", TEMPORARY)[
        "ChallengeName"
    ] == ("NEW_PASSWORD_REQUIRED")

    cognito_emulator.advance_clock(60)

    assert refused(
        password_sign_in,
        idp=cognito_idp_client,
        pool=cognito_pool,
        username="newbie",
        password=TEMPORARY,
    ) == (
        "NotAuthorizedException",
        "Temporary password has expired and must be reset by an administrator.",
    )
    assert refused(
        password_sign_in,
        idp=cognito_idp_client,
        pool=cognito_pool,
        username="newbie",
        password="Wrong-Passw0rd!",
    ) == ("NotAuthorizedException", "Incorrect username or password.")


def test_an_administrator_resets_an_expired_temporary_password(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
) -> None:
    """AdminSetUserPassword with Permanent false gives a new temporary password, valid from
    then; AdminCreateUser RESEND "resets the expiration limit on the user's account"."""
    admin_created(cognito_idp_client, cognito_pool, "newbie")
    cognito_emulator.advance_clock(8 * DAY)
    cognito_idp_client.admin_set_user_password(
        UserPoolId=cognito_pool.user_pool_id,
        Username="newbie",
        Password="Again-Passw0rd!",
        Permanent=False,
    )
    assert password_sign_in(cognito_idp_client, cognito_pool, "newbie", "Again-Passw0rd!")[
        "ChallengeName"
    ] == ("NEW_PASSWORD_REQUIRED")

    cognito_emulator.advance_clock(8 * DAY)
    cognito_idp_client.admin_create_user(
        UserPoolId=cognito_pool.user_pool_id,
        Username="newbie",
        TemporaryPassword="Resent-Passw0rd!",
        MessageAction="RESEND",
    )
    assert password_sign_in(cognito_idp_client, cognito_pool, "newbie", "Resent-Passw0rd!")[
        "ChallengeName"
    ] == ("NEW_PASSWORD_REQUIRED")


def test_a_pool_with_a_shorter_validity(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
) -> None:
    described = cognito_idp_client.describe_user_pool(UserPoolId=cognito_pool.user_pool_id)
    policies = described["UserPool"]["Policies"]
    policies["PasswordPolicy"]["TemporaryPasswordValidityDays"] = 1
    cognito_idp_client.update_user_pool(
        UserPoolId=cognito_pool.user_pool_id,
        Policies=policies,
        AutoVerifiedAttributes=["email"],
    )
    admin_created(cognito_idp_client, cognito_pool, "newbie")

    cognito_emulator.advance_clock(DAY)

    assert refused(
        password_sign_in,
        idp=cognito_idp_client,
        pool=cognito_pool,
        username="newbie",
        password=TEMPORARY,
    )[1] == ("Temporary password has expired and must be reset by an administrator.")


def test_the_session_belongs_to_its_user_is_used_once_and_expires(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_pool: PoolConfig,
) -> None:
    admin_created(cognito_idp_client, cognito_pool, "newbie")
    admin_created(cognito_idp_client, cognito_pool, "other")
    challenge = password_sign_in(cognito_idp_client, cognito_pool, "newbie", TEMPORARY)

    assert refused(
        respond,
        idp=cognito_idp_client,
        pool=cognito_pool,
        challenge=challenge,
        username="other",
        NEW_PASSWORD=CHOSEN,
    ) == ("NotAuthorizedException", "Invalid session for the user.")

    challenge = password_sign_in(cognito_idp_client, cognito_pool, "newbie", TEMPORARY)
    respond(cognito_idp_client, cognito_pool, challenge, "newbie", NEW_PASSWORD=CHOSEN)
    assert refused(
        respond,
        idp=cognito_idp_client,
        pool=cognito_pool,
        challenge=challenge,
        username="newbie",
        NEW_PASSWORD="Another-Passw0rd!",
    ) == ("NotAuthorizedException", "Invalid session for the user, session can only be used once.")

    challenge = password_sign_in(cognito_idp_client, cognito_pool, "other", TEMPORARY)
    cognito_emulator.advance_clock(3 * 60)
    assert refused(
        respond,
        idp=cognito_idp_client,
        pool=cognito_pool,
        challenge=challenge,
        username="other",
        NEW_PASSWORD=CHOSEN,
    ) == ("NotAuthorizedException", "Invalid session for the user, session is expired.")


def test_the_answers_secret_hash_is_checked(
    cognito_idp_client: CognitoIdentityProviderClient, cognito_pool: PoolConfig
) -> None:
    admin_created(cognito_idp_client, cognito_pool, "newbie")
    challenge = password_sign_in(cognito_idp_client, cognito_pool, "newbie", TEMPORARY)

    assert refused(
        cognito_idp_client.respond_to_auth_challenge,
        ClientId=cognito_pool.client_id,
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=challenge["Session"],
        ChallengeResponses={
            "USERNAME": "newbie",
            "NEW_PASSWORD": CHOSEN,
            "SECRET_HASH": hashed(cognito_pool, "other"),
        },
    ) == (
        "NotAuthorizedException",
        f"Unable to verify secret hash for client {cognito_pool.client_id}",
    )


def test_the_answer_names_the_user_by_an_alias_in_another_case(
    cognito_idp_client: CognitoIdentityProviderClient, cognito_pool: PoolConfig
) -> None:
    """The kit's pool compares usernames without case; the answer's SECRET_HASH is over the
    name it gives."""
    admin_created(cognito_idp_client, cognito_pool, "newbie")
    challenge = password_sign_in(cognito_idp_client, cognito_pool, "NewBie", TEMPORARY)
    assert challenge["ChallengeParameters"]["USER_ID_FOR_SRP"] == "newbie"

    answer = respond(cognito_idp_client, cognito_pool, challenge, "NEWBIE", NEW_PASSWORD=CHOSEN)

    assert answer["AuthenticationResult"]["AccessToken"]
