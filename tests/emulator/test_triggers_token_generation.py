"""The pre token generation trigger: its events, per version and source, and its answers applied
to the tokens as Cognito applies them.

Source: user-pool-lambda-pre-token-generation.md (Amazon Cognito developer guide): "Pre token
generation Lambda trigger sources", "Pre token generation Lambda trigger parameters", "Claims and
scopes reference" and its notes, the version one and two examples (handlers and test events,
written out below). Events Cognito really sends are quoted from public code where they were
captured (cited at each). What the guide leaves open is marked "ours".
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import jwt
import pytest
from botocore.exceptions import ClientError
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.pytest_plugin import CognitoLambdas, CognitoLoginPage, CognitoUser
from cognito_emulator.pytest_plugin import secret_hash as compute_secret_hash
from cognito_emulator.server import EmulatorServer
from cognito_emulator.triggers import token_generation
from cognito_emulator.triggers.functions import LambdaContext
from tests.emulator.oauth_harness import (
    CALLBACK,
    LoginPool,
    create_login_pool,
    fragment_of,
)

Event = dict[str, Any]
API_SCOPE = "aws.cognito.signin.user.admin"
UNRECOGNIZABLE = ("InvalidLambdaResponseException", "Unrecognizable lambda output")

# A version 1 event as Cognito sent it (TokenGeneration_RefreshTokens), quoted in the README of
# awslabs/visual-asset-management-system: no clientMetadata without ClientMetadata, the
# groupConfiguration of a user whose groups have no IAM role, and a null response.
CAPTURED_V1_EVENT: Event = {
    "version": "1",
    "triggerSource": "TokenGeneration_RefreshTokens",
    "region": "us-east-1",
    "userPoolId": "YOUR USER POOL ID",
    "userName": "YOUR USER",
    "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": "YOUR CLIENT ID"},
    "request": {
        "userAttributes": {
            "sub": "YOUR SUB",
            "cognito:user_status": "CONFIRMED",
            "email_verified": "true",
            "email": "YOUR EMAIL",
        },
        "groupConfiguration": {
            "groupsToOverride": ["super-admin", "group1"],
            "iamRolesToOverride": [],
            "preferredRole": None,
        },
    },
    "response": {"claimsOverrideDetails": None},
}
# The guide's test event for its first version two example. Its preferredRole (a list) and
# response ([]) differ from what Cognito sends (a string or null; null, as above): only the
# names of its members are compared.
DOCUMENTED_V2_EVENT: Event = {
    "version": "2",
    "triggerSource": "TokenGeneration_Authentication",
    "region": "us-east-1",
    "userPoolId": "us-east-1_EXAMPLE",
    "userName": "JaneDoe",
    "callerContext": {
        "awsSdkVersion": "aws-sdk-unknown-unknown",
        "clientId": "1example23456789",
    },
    "request": {
        "userAttributes": {
            "sub": "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111",
            "cognito:user_status": "CONFIRMED",
            "email_verified": "true",
            "phone_number_verified": "true",
            "phone_number": "+12065551212",
            "family_name": "Zoe",
            "email": "Jane.Doe@example.com",
        },
        "groupConfiguration": {
            "groupsToOverride": ["group-1", "group-2", "group-3"],
            "iamRolesToOverride": [
                "arn:aws:iam::123456789012:role/sns_caller1",
                "arn:aws:iam::123456789012:role/sns_caller2",
                "arn:aws:iam::123456789012:role/sns_caller3",
            ],
            "preferredRole": ["arn:aws:iam::123456789012:role/sns_caller"],
        },
        "scopes": ["aws.cognito.signin.user.admin", "openid", "email", "phone"],
    },
    "response": {"claimsAndScopeOverrideDetails": []},
}
# The guide's version one examples: "Add a new claim and suppress an existing claim" and
# "Modify the user's group membership".
V1_ADD_AND_SUPPRESS: Event = {
    "claimsOverrideDetails": {
        "claimsToAddOrOverride": {
            "my_first_attribute": "first_value",
            "my_second_attribute": "second_value",
        },
        "claimsToSuppress": ["email"],
    }
}
V1_GROUPS: Event = {
    "claimsOverrideDetails": {
        "groupOverrideDetails": {
            "groupsToOverride": ["group-A", "group-B", "group-C"],
            "iamRolesToOverride": [
                "arn:aws:iam::XXXXXXXXXXXX:role/sns_callerA",
                "arn:aws:iam::XXXXXXXXX:role/sns_callerB",
                "arn:aws:iam::XXXXXXXXXX:role/sns_callerC",
            ],
            "preferredRole": "arn:aws:iam::XXXXXXXXXXX:role/sns_caller",
        }
    }
}
# The guide's version two example "Add and suppress claims, scopes, and groups".
V2_CLAIMS_SCOPES_GROUPS: Event = {
    "claimsAndScopeOverrideDetails": {
        "idTokenGeneration": {
            "claimsToAddOrOverride": {"family_name": "Doe"},
            "claimsToSuppress": ["email", "phone_number"],
        },
        "accessTokenGeneration": {
            "scopesToAdd": ["openid", "email", "solar-system-data/asteroids.add"],
            "scopesToSuppress": ["phone_number", "aws.cognito.signin.user.admin"],
        },
        "groupOverrideDetails": {
            "groupsToOverride": ["new-group-A", "new-group-B", "new-group-C"],
            "iamRolesToOverride": [
                "arn:aws:iam::123456789012:role/new_roleA",
                "arn:aws:iam::123456789012:role/new_roleB",
                "arn:aws:iam::123456789012:role/new_roleC",
            ],
            "preferredRole": "arn:aws:iam::123456789012:role/new_role",
        },
    }
}
# The JSON value of the guide's "Add claims with complex objects" example.
JSON_CLAIM = {
    "first_json_block": {"key_A": "value_A", "key_B": "value_B"},
    "second_json_block": {
        "key_C": {"subkey_D": ["value_D", "value_E"], "subkey_F": "value_F"},
        "key_G": "value_G",
    },
}


class Function:
    """An in-process pre token generation function: it keeps every event it gets and answers
    with `response` (the event's own response when None)."""

    def __init__(self, response: dict[str, Any] | None = None) -> None:
        self.response = response
        self.events: list[Event] = []

    def __call__(self, event: Event, context: LambdaContext) -> Event:
        self.events.append(copy.deepcopy(event))
        if self.response is not None:
            event["response"] = copy.deepcopy(self.response)
        return event

    @property
    def sources(self) -> list[str]:
        return [event["triggerSource"] for event in self.events]


@pytest.fixture
def use_function(
    cognito_lambdas: CognitoLambdas, cognito_pool: PoolConfig
) -> Callable[..., Function]:
    """Make `Function(response)` the pool's pre token generation trigger (`version` V1_0 to
    V3_0)."""

    def use(
        response: dict[str, Any] | None = None,
        version: str = "V1_0",
        *,
        pool_id: str | None = None,
    ) -> Function:
        function = Function(response)
        cognito_lambdas.register("pre-token", function)
        cognito_lambdas.set_triggers(
            pool_id or cognito_pool.user_pool_id,
            PreTokenGeneration="pre-token",
            PreTokenGenerationVersion=version,
        )
        return function

    return use


def claims(token: str) -> dict[str, Any]:
    decoded: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return decoded


def sign_in(
    idp: CognitoIdentityProviderClient, pool: PoolConfig, user: CognitoUser, **extra: Any
) -> dict[str, Any]:
    """USER_PASSWORD_AUTH: the AuthenticationResult."""
    answer = idp.initiate_auth(
        ClientId=pool.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={
            "USERNAME": user.username,
            "PASSWORD": user.password,
            "SECRET_HASH": compute_secret_hash(user.username, pool.client_id, pool.client_secret),
        },
        **extra,
    )
    return dict(answer["AuthenticationResult"])


def refresh(
    idp: CognitoIdentityProviderClient, pool: PoolConfig, user: CognitoUser, refresh_token: str
) -> dict[str, Any]:
    answer = idp.initiate_auth(
        ClientId=pool.client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={
            "REFRESH_TOKEN": refresh_token,
            "SECRET_HASH": compute_secret_hash(user.username, pool.client_id, pool.client_secret),
        },
    )
    return dict(answer["AuthenticationResult"])


def attributes_of(idp: CognitoIdentityProviderClient, pool: PoolConfig, username: str) -> Event:
    """The userAttributes of the user's events: its attributes and cognito:user_status."""
    described = idp.admin_get_user(UserPoolId=pool.user_pool_id, Username=username)
    attributes = {item["Name"]: item["Value"] for item in described["UserAttributes"]}
    return {**attributes, "cognito:user_status": described["UserStatus"]}


def refusal(call: Callable[[], Any]) -> tuple[str, str]:
    with pytest.raises(ClientError) as raised:
        call()
    error = raised.value.response["Error"]
    return error["Code"], error["Message"]


def members(event: Event) -> dict[str, Any]:
    """The names of an event's members, level by level (not the user's attribute names)."""
    return {
        "event": sorted(event),
        "callerContext": sorted(event["callerContext"]),
        "request": sorted(event["request"]),
        "groupConfiguration": sorted(event["request"]["groupConfiguration"]),
        "response": sorted(event["response"]),
    }


# -- events ---------------------------------------------------------------------------------------


def test_a_version_1_event_is_the_one_cognito_sends(
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_user: CognitoUser,
    use_function: Callable[..., Function],
) -> None:
    cognito_idp_client.admin_add_user_to_group(
        UserPoolId=cognito_pool.user_pool_id, Username=cognito_user.username, GroupName="admin"
    )
    function = use_function()

    sign_in(cognito_idp_client, cognito_pool, cognito_user)

    (event,) = function.events
    assert event == {
        "version": "1",
        "triggerSource": "TokenGeneration_Authentication",
        "region": cognito_emulator.region,
        "userPoolId": cognito_pool.user_pool_id,
        "userName": cognito_user.username,
        "callerContext": {
            "awsSdkVersion": "aws-sdk-unknown-unknown",
            "clientId": cognito_pool.client_id,
        },
        "request": {
            "userAttributes": attributes_of(
                cognito_idp_client, cognito_pool, cognito_user.username
            ),
            "groupConfiguration": {
                "groupsToOverride": ["admin"],
                "iamRolesToOverride": [],
                "preferredRole": None,
            },
        },
        "response": {"claimsOverrideDetails": None},
    }
    assert members(event) == members(CAPTURED_V1_EVENT)
    assert event["request"]["userAttributes"]["sub"] == cognito_user.sub


@pytest.mark.parametrize("version", ["V2_0", "V3_0"])
def test_version_2_and_3_events_add_the_scopes(
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_user: CognitoUser,
    use_function: Callable[..., Function],
    version: str,
) -> None:
    function = use_function(version=version)

    sign_in(cognito_idp_client, cognito_pool, cognito_user)

    (event,) = function.events
    assert event["version"] == version[1]
    assert event["request"] == {
        "userAttributes": attributes_of(cognito_idp_client, cognito_pool, cognito_user.username),
        # An API sign-in's only scope (the guide: "Amazon Cognito user pools API
        # authentication, which only assigns the scope aws.cognito.signin.user.admin").
        "scopes": [API_SCOPE],
        "groupConfiguration": {
            "groupsToOverride": [],
            "iamRolesToOverride": [],
            "preferredRole": None,
        },
    }
    assert event["response"] == {"claimsAndScopeOverrideDetails": None}
    assert members(event) == members(DOCUMENTED_V2_EVENT)


def test_client_metadata_of_initiate_auth_is_not_passed(
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_user: CognitoUser,
    use_function: Callable[..., Function],
) -> None:
    # "Amazon Cognito doesn't include data from the ClientMetadata parameter in
    # AdminInitiateAuth and InitiateAuth API operations in the request that it passes to the
    # pre token generation function."
    function = use_function()

    sign_in(cognito_idp_client, cognito_pool, cognito_user, ClientMetadata={"app": "web"})

    assert "clientMetadata" not in function.events[0]["request"]


def test_a_new_password_challenge_has_its_source_and_the_answers_client_metadata(
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
    use_function: Callable[..., Function],
) -> None:
    # TokenGeneration_NewPasswordChallenge: "Called after the user is created by an admin.
    # This flow is invoked when the user has to change a temporary password." ClientMetadata:
    # "use the ClientMetadata parameter in the AdminRespondToAuthChallenge and
    # RespondToAuthChallenge API operations".
    cognito_idp_client.admin_create_user(
        UserPoolId=cognito_pool.user_pool_id,
        Username="zoe",
        TemporaryPassword="Temp0rary!",
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "email", "Value": "zoe@example.com"}],
    )
    function = use_function({"claimsOverrideDetails": {"claimsToAddOrOverride": {"n": "1"}}})
    hashed = compute_secret_hash("zoe", cognito_pool.client_id, cognito_pool.client_secret)
    challenge = cognito_idp_client.initiate_auth(
        ClientId=cognito_pool.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "zoe", "PASSWORD": "Temp0rary!", "SECRET_HASH": hashed},
    )
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    assert function.events == []

    tokens = cognito_idp_client.respond_to_auth_challenge(
        ClientId=cognito_pool.client_id,
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=challenge["Session"],
        ChallengeResponses={
            "USERNAME": "zoe",
            "NEW_PASSWORD": "Perm4nent-Passw0rd!",
            "SECRET_HASH": hashed,
        },
        ClientMetadata={"origin": "welcome-email"},
    )["AuthenticationResult"]

    (event,) = function.events
    assert event["triggerSource"] == "TokenGeneration_NewPasswordChallenge"
    assert event["request"]["clientMetadata"] == {"origin": "welcome-email"}
    assert event["request"]["userAttributes"]["cognito:user_status"] == "CONFIRMED"
    assert claims(tokens["IdToken"])["n"] == "1"


def test_a_pool_without_the_trigger_builds_no_event(
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_user: CognitoUser,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_event(*args: Any) -> None:
        raise AssertionError("an event was built for a pool without the trigger")

    monkeypatch.setattr(token_generation, "user_attributes", no_event)

    tokens = sign_in(cognito_idp_client, cognito_pool, cognito_user)
    refreshed = refresh(cognito_idp_client, cognito_pool, cognito_user, tokens["RefreshToken"])

    assert claims(refreshed["AccessToken"])["scope"] == API_SCOPE


# -- version 1 answers ----------------------------------------------------------------------------


def test_version_1_adds_and_suppresses_id_token_claims_only(
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_user: CognitoUser,
    use_function: Callable[..., Function],
) -> None:
    use_function(V1_ADD_AND_SUPPRESS)

    tokens = sign_in(cognito_idp_client, cognito_pool, cognito_user)

    id_claims = claims(tokens["IdToken"])
    assert (id_claims["my_first_attribute"], id_claims["my_second_attribute"]) == (
        "first_value",
        "second_value",
    )
    assert "email" not in id_claims
    assert claims(cognito_user.id_token)["email"] == cognito_user.email  # there without it
    access_claims = claims(tokens["AccessToken"])
    assert set(access_claims) == set(claims(cognito_user.access_token))


def test_version_1_group_override_sets_groups_in_both_tokens_and_roles_in_the_id_token(
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_user: CognitoUser,
    use_function: Callable[..., Function],
) -> None:
    # "Your groupOverrideDetails object replaces the cognito:groups claim in access tokens and
    # ID tokens"; cognito:roles and cognito:preferred_role are ID token claims.
    cognito_idp_client.admin_add_user_to_group(
        UserPoolId=cognito_pool.user_pool_id, Username=cognito_user.username, GroupName="admin"
    )
    use_function(V1_GROUPS)

    tokens = sign_in(cognito_idp_client, cognito_pool, cognito_user)

    details = V1_GROUPS["claimsOverrideDetails"]["groupOverrideDetails"]
    id_claims, access_claims = claims(tokens["IdToken"]), claims(tokens["AccessToken"])
    assert id_claims["cognito:groups"] == details["groupsToOverride"]
    assert id_claims["cognito:roles"] == details["iamRolesToOverride"]
    assert id_claims["cognito:preferred_role"] == details["preferredRole"]
    assert access_claims["cognito:groups"] == details["groupsToOverride"]
    assert "cognito:roles" not in access_claims and "cognito:preferred_role" not in access_claims


@pytest.mark.parametrize("override", [None, {}, {"groupsToOverride": []}])
def test_an_empty_or_null_group_override_suppresses_the_groups(
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_user: CognitoUser,
    use_function: Callable[..., Function],
    override: dict[str, Any] | None,
) -> None:
    # "If you provide an empty or null object in the response, then Amazon Cognito suppresses
    # the groups."
    cognito_idp_client.admin_add_user_to_group(
        UserPoolId=cognito_pool.user_pool_id, Username=cognito_user.username, GroupName="admin"
    )
    use_function({"claimsOverrideDetails": {"groupOverrideDetails": override}})

    tokens = sign_in(cognito_idp_client, cognito_pool, cognito_user)

    assert "cognito:groups" not in claims(tokens["IdToken"])
    assert "cognito:groups" not in claims(tokens["AccessToken"])


def test_an_answer_without_group_override_keeps_the_users_groups(
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_user: CognitoUser,
    use_function: Callable[..., Function],
) -> None:
    cognito_idp_client.admin_add_user_to_group(
        UserPoolId=cognito_pool.user_pool_id, Username=cognito_user.username, GroupName="admin"
    )
    use_function(V1_ADD_AND_SUPPRESS)

    tokens = sign_in(cognito_idp_client, cognito_pool, cognito_user)

    assert claims(tokens["IdToken"])["cognito:groups"] == ["admin"]
    assert claims(tokens["AccessToken"])["cognito:groups"] == ["admin"]


def test_suppressing_cognito_groups_suppresses_the_roles_too(
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_user: CognitoUser,
    use_function: Callable[..., Function],
) -> None:
    # Note 3: "To suppress the cognito:preferred_role and cognito:roles claims, add
    # cognito:groups to claimsToSuppress". A version 1 claimsToSuppress is the ID token's.
    details = {**V1_GROUPS["claimsOverrideDetails"], "claimsToSuppress": ["cognito:groups"]}
    use_function({"claimsOverrideDetails": details})

    tokens = sign_in(cognito_idp_client, cognito_pool, cognito_user)

    id_claims = claims(tokens["IdToken"])
    assert not {"cognito:groups", "cognito:roles", "cognito:preferred_role"} & set(id_claims)
    assert claims(tokens["AccessToken"])["cognito:groups"] == ["group-A", "group-B", "group-C"]


def test_a_claim_both_added_and_suppressed_is_suppressed(
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_user: CognitoUser,
    use_function: Callable[..., Function],
) -> None:
    # "If your function both suppresses and replaces a claim value, then Amazon Cognito
    # suppresses the claim."
    use_function(
        {
            "claimsOverrideDetails": {
                "claimsToAddOrOverride": {"email": "other@example.com", "tier": "gold"},
                "claimsToSuppress": ["email", "tier"],
            }
        }
    )

    id_claims = claims(sign_in(cognito_idp_client, cognito_pool, cognito_user)["IdToken"])

    assert not {"email", "tier"} & set(id_claims)


# -- version 2 and 3 answers ----------------------------------------------------------------------


@pytest.mark.parametrize("version", ["V2_0", "V3_0"])
def test_version_2_changes_claims_scopes_and_groups_of_both_tokens(
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_user: CognitoUser,
    use_function: Callable[..., Function],
    version: str,
) -> None:
    use_function(V2_CLAIMS_SCOPES_GROUPS, version)

    tokens = sign_in(cognito_idp_client, cognito_pool, cognito_user)

    id_claims, access_claims = claims(tokens["IdToken"]), claims(tokens["AccessToken"])
    assert id_claims["family_name"] == "Doe"
    assert "email" not in id_claims
    assert id_claims["cognito:groups"] == ["new-group-A", "new-group-B", "new-group-C"]
    assert id_claims["cognito:preferred_role"] == "arn:aws:iam::123456789012:role/new_role"
    assert access_claims["scope"] == "openid email solar-system-data/asteroids.add"
    assert access_claims["cognito:groups"] == ["new-group-A", "new-group-B", "new-group-C"]
    assert "family_name" not in access_claims
    # "Removal of aws.cognito.signin.user.admin prevents API requests by the user to read and
    # modify their own profile with the Amazon Cognito user pools API."
    assert refusal(lambda: cognito_idp_client.get_user(AccessToken=tokens["AccessToken"])) == (
        "NotAuthorizedException",
        "Access Token does not have required scopes",
    )


def test_version_2_claims_take_complex_values_and_an_access_token_its_own_aud(
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_user: CognitoUser,
    use_function: Callable[..., Function],
) -> None:
    # The guide's "Add claims with complex objects" example; note 4: "You can add an aud claim
    # to access tokens, but its value must match the app client ID of the current session."
    added = {
        "aud": cognito_pool.client_id,
        "booleanTest": False,
        "longTest": 9223372036854775807,
        "exponentTest": 1.7976931348623157e308,
        "ArrayTest": ["test", 9223372036854775807, 1.7976931348623157e308, True],
        "jsonTest": JSON_CLAIM,
    }
    use_function(
        {
            "claimsAndScopeOverrideDetails": {
                "idTokenGeneration": {
                    "claimsToAddOrOverride": added,
                    "claimsToSuppress": ["email"],
                },
                "accessTokenGeneration": {
                    "claimsToAddOrOverride": added,
                    "claimsToSuppress": ["email"],
                    "scopesToAdd": ["MyAPI.read", "MyAPI.write", "MyAPI.admin"],
                    "scopesToSuppress": ["aws.cognito.signin.user.admin"],
                },
            }
        },
        "V2_0",
    )

    tokens = sign_in(cognito_idp_client, cognito_pool, cognito_user)

    id_claims, access_claims = claims(tokens["IdToken"]), claims(tokens["AccessToken"])
    for token_claims in (id_claims, access_claims):
        assert {name: token_claims[name] for name in added if name != "aud"} == {
            name: value for name, value in added.items() if name != "aud"
        }
    assert access_claims["aud"] == cognito_pool.client_id
    assert id_claims["aud"] == cognito_pool.client_id
    assert access_claims["scope"] == "MyAPI.read MyAPI.write MyAPI.admin"


def test_version_2_id_and_access_changes_stay_in_their_token(
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_user: CognitoUser,
    use_function: Callable[..., Function],
) -> None:
    use_function(
        {
            "claimsAndScopeOverrideDetails": {
                "idTokenGeneration": {"claimsToAddOrOverride": {"for_id": "i"}},
                "accessTokenGeneration": {"claimsToAddOrOverride": {"for_access": "a"}},
            }
        },
        "V2_0",
    )

    tokens = sign_in(cognito_idp_client, cognito_pool, cognito_user)

    id_claims, access_claims = claims(tokens["IdToken"]), claims(tokens["AccessToken"])
    assert (id_claims["for_id"], access_claims["for_access"]) == ("i", "a")
    assert "for_access" not in id_claims and "for_id" not in access_claims


def test_a_version_1_pool_ignores_a_version_2_answer_and_the_reverse(
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_user: CognitoUser,
    use_function: Callable[..., Function],
) -> None:
    # Ours: each version reads its own container (claimsOverrideDetails for "A V1_0 trigger
    # event", claimsAndScopeOverrideDetails for V2_0 and V3_0).
    both = {**V1_ADD_AND_SUPPRESS, **V2_CLAIMS_SCOPES_GROUPS}
    use_function({"claimsAndScopeOverrideDetails": both["claimsAndScopeOverrideDetails"]})
    v1_tokens = sign_in(cognito_idp_client, cognito_pool, cognito_user)
    use_function({"claimsOverrideDetails": both["claimsOverrideDetails"]}, "V2_0")
    v2_tokens = sign_in(cognito_idp_client, cognito_pool, cognito_user)

    for tokens in (v1_tokens, v2_tokens):
        id_claims = claims(tokens["IdToken"])
        assert id_claims["email"] == cognito_user.email
        assert not {"family_name", "my_first_attribute"} & set(id_claims)
        assert claims(tokens["AccessToken"])["scope"] == API_SCOPE


def test_claims_cognito_owns_are_left_as_it_made_them(
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_user: CognitoUser,
    use_function: Callable[..., Function],
) -> None:
    # "Claims and scopes reference": No, No, No for these; every other cognito: claim too, and
    # dev: attributes may only be suppressed. The guide does not say what an answer naming them
    # gets: ours, they are left as Cognito made them.
    fixed = [
        "sub", "iss", "aud", "token_use", "exp", "iat", "auth_time", "jti", "origin_jti",
        "event_id", "client_id", "username", "version", "scope", "acr", "amr", "azp", "nbf",
        "nonce", "at_hash", "identities", "device_key", "cognito:username", "cognito:groups",
        "cognito:roles", "cognito:preferred_role", "cognito:anything", "dev:custom:tier",
    ]  # fmt: skip
    tampering = {
        "claimsToAddOrOverride": {**dict.fromkeys(fixed, "x"), "aud": "another-client"},
        "claimsToSuppress": [name for name in fixed if name != "cognito:groups"],
    }
    use_function(
        {
            "claimsAndScopeOverrideDetails": {
                "idTokenGeneration": tampering,
                "accessTokenGeneration": tampering,
            }
        },
        "V2_0",
    )

    tokens = sign_in(cognito_idp_client, cognito_pool, cognito_user)

    for token, untouched in (
        (tokens["IdToken"], cognito_user.id_token),
        (tokens["AccessToken"], cognito_user.access_token),
    ):
        changed, before = claims(token), claims(untouched)
        assert set(changed) == set(before)
        assert "x" not in changed.values() and "another-client" not in changed.values()
        for name in ("sub", "iss", "aud", "token_use", "client_id", "username", "scope"):
            assert changed.get(name) == before.get(name), name
        assert changed["exp"] - changed["iat"] == before["exp"] - before["iat"]
        assert str(uuid.UUID(changed["jti"])) == changed["jti"]


# -- wrong answers --------------------------------------------------------------------------------


def test_a_dev_attribute_may_be_suppressed_but_never_added(
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_user: CognitoUser,
    use_function: Callable[..., Function],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Cognito: "dev: attributes may only be suppressed" ("Claims and scopes reference"); an
    attempt to add one is left out and logged (ours: the guide does not say what Cognito
    answers)."""
    use_function(
        {
            "claimsAndScopeOverrideDetails": {
                "idTokenGeneration": {"claimsToAddOrOverride": {"dev:tier": "gold"}},
                "accessTokenGeneration": {"claimsToAddOrOverride": {"DEV:tier": "gold"}},
            }
        },
        "V2_0",
    )

    tokens = sign_in(cognito_idp_client, cognito_pool, cognito_user)

    assert "dev:tier" not in claims(tokens["IdToken"])
    assert claims(tokens["AccessToken"])["DEV:tier"] == "gold"  # prefixes compare exactly
    assert [r.getMessage() for r in caplog.records if r.name == "cognito_emulator.triggers"] == [
        f"PreTokenGeneration trigger of pool {cognito_pool.user_pool_id}: claim 'dev:tier' of "
        "the id token cannot be added or overridden; left as Cognito made it"
    ]


def test_each_claim_left_alone_is_logged_with_what_was_asked(
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_user: CognitoUser,
    use_function: Callable[..., Function],
    caplog: pytest.LogCaptureFixture,
) -> None:
    use_function(
        {
            "claimsAndScopeOverrideDetails": {
                "accessTokenGeneration": {
                    "claimsToAddOrOverride": {"sub": "someone-else"},
                    "claimsToSuppress": ["iss"],
                }
            }
        },
        "V2_0",
    )

    sign_in(cognito_idp_client, cognito_pool, cognito_user)

    pool = cognito_pool.user_pool_id
    assert [r.getMessage() for r in caplog.records if r.name == "cognito_emulator.triggers"] == [
        f"PreTokenGeneration trigger of pool {pool}: claim 'sub' of the access token cannot be "
        "added or overridden; left as Cognito made it",
        f"PreTokenGeneration trigger of pool {pool}: claim 'iss' of the access token cannot be "
        "suppressed; left as Cognito made it",
    ]


def test_the_log_says_which_claim_had_a_value_of_a_wrong_type(
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_user: CognitoUser,
    use_function: Callable[..., Function],
    caplog: pytest.LogCaptureFixture,
) -> None:
    use_function({"claimsOverrideDetails": {"claimsToAddOrOverride": {"tier": 3}}})

    assert (
        refusal(lambda: sign_in(cognito_idp_client, cognito_pool, cognito_user)) == UNRECOGNIZABLE
    )
    assert [r.getMessage() for r in caplog.records if r.name == "cognito_emulator.triggers"] == [
        f"PreTokenGeneration trigger of pool {cognito_pool.user_pool_id} answered wrongly: "
        "claimsToAddOrOverride.tier has a value of a wrong type"
    ]


@pytest.mark.parametrize(
    ("version", "response"),
    [
        # "Response objects to version one events can return strings."
        ("V1_0", {"claimsOverrideDetails": {"claimsToAddOrOverride": {"n": 1}}}),
        ("V1_0", {"claimsOverrideDetails": {"claimsToAddOrOverride": {"flag": True}}}),
        ("V1_0", {"claimsOverrideDetails": "all of them"}),
        ("V1_0", {"claimsOverrideDetails": {"claimsToSuppress": "email"}}),
        ("V1_0", {"claimsOverrideDetails": {"groupOverrideDetails": {"groupsToOverride": "a"}}}),
        ("V1_0", {"claimsOverrideDetails": {"groupOverrideDetails": {"preferredRole": 7}}}),
        ("V2_0", {"claimsAndScopeOverrideDetails": []}),
        ("V2_0", {"claimsAndScopeOverrideDetails": {"idTokenGeneration": ["x"]}}),
        ("V2_0", {"claimsAndScopeOverrideDetails": {"groupOverrideDetails": ["admin"]}}),
        (
            "V2_0",
            {"claimsAndScopeOverrideDetails": {"accessTokenGeneration": {"scopesToAdd": "a"}}},
        ),
        # "You can't add scope values that contain one or more blank-space characters."
        (
            "V2_0",
            {"claimsAndScopeOverrideDetails": {"accessTokenGeneration": {"scopesToAdd": ["a b"]}}},
        ),
        # Arrays "of strings, numbers, booleans, or a combination of any of these".
        (
            "V2_0",
            {
                "claimsAndScopeOverrideDetails": {
                    "accessTokenGeneration": {"claimsToAddOrOverride": {"a": [{"b": 1}]}}
                }
            },
        ),
        (
            "V2_0",
            {
                "claimsAndScopeOverrideDetails": {
                    "idTokenGeneration": {"claimsToAddOrOverride": {"a": None}}
                }
            },
        ),
        # "In the ID token, you can populate complex objects to the values of claims except for
        # phone_number_verified, email_verified, updated_at, and address."
        (
            "V2_0",
            {
                "claimsAndScopeOverrideDetails": {
                    "idTokenGeneration": {"claimsToAddOrOverride": {"address": {"street": "1"}}}
                }
            },
        ),
        (
            "V3_0",
            {
                "claimsAndScopeOverrideDetails": {
                    "idTokenGeneration": {"claimsToAddOrOverride": {"email_verified": [True]}}
                }
            },
        ),
    ],
)
def test_an_answer_of_the_wrong_shape_is_an_unrecognizable_output(
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_user: CognitoUser,
    use_function: Callable[..., Function],
    version: str,
    response: dict[str, Any],
) -> None:
    use_function(response, version)

    assert (
        refusal(lambda: sign_in(cognito_idp_client, cognito_pool, cognito_user)) == UNRECOGNIZABLE
    )


def test_complex_values_of_the_simple_id_claims_are_fine_in_the_access_token(
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_user: CognitoUser,
    use_function: Callable[..., Function],
) -> None:
    address = {"street_address": "1 Main St", "locality": "Springfield"}
    use_function(
        {
            "claimsAndScopeOverrideDetails": {
                "idTokenGeneration": {"claimsToAddOrOverride": {"email_verified": False}},
                "accessTokenGeneration": {"claimsToAddOrOverride": {"address": address}},
            }
        },
        "V2_0",
    )

    tokens = sign_in(cognito_idp_client, cognito_pool, cognito_user)

    assert claims(tokens["IdToken"])["email_verified"] is False
    assert claims(tokens["AccessToken"])["address"] == address


def test_a_function_that_raises_refuses_the_sign_in(
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_user: CognitoUser,
    cognito_lambdas: CognitoLambdas,
) -> None:
    def refuse(event: Event, context: LambdaContext) -> Event:
        raise ValueError("No tokens today")

    cognito_lambdas.register("refuse", refuse)
    cognito_lambdas.set_triggers(cognito_pool.user_pool_id, PreTokenGeneration="refuse")

    assert refusal(lambda: sign_in(cognito_idp_client, cognito_pool, cognito_user)) == (
        "UserLambdaValidationException",
        "PreTokenGeneration failed with error No tokens today.",
    )


# -- refresh --------------------------------------------------------------------------------------


def test_a_refresh_runs_the_trigger_again(
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
    cognito_user: CognitoUser,
    use_function: Callable[..., Function],
) -> None:
    # TokenGeneration_RefreshTokens: "Called when a user tries to refresh the identity and
    # access tokens."
    function = use_function(version="V2_0")
    tokens = sign_in(cognito_idp_client, cognito_pool, cognito_user)
    function.response = {
        "claimsAndScopeOverrideDetails": {
            "idTokenGeneration": {"claimsToAddOrOverride": {"refreshed": True}},
            "accessTokenGeneration": {"scopesToAdd": ["reports/read"]},
        }
    }

    refreshed = refresh(cognito_idp_client, cognito_pool, cognito_user, tokens["RefreshToken"])

    assert function.sources == ["TokenGeneration_Authentication", "TokenGeneration_RefreshTokens"]
    assert function.events[1]["request"]["scopes"] == [API_SCOPE]
    assert claims(refreshed["IdToken"])["refreshed"] is True
    assert claims(refreshed["AccessToken"])["scope"] == f"{API_SCOPE} reports/read"
    assert "refreshed" not in claims(tokens["IdToken"])


# -- the managed login pages ----------------------------------------------------------------------


def test_tokens_from_the_login_page_are_hosted_auth_and_refresh_through_the_token_endpoint(
    cognito_pool: PoolConfig,
    cognito_user: CognitoUser,
    cognito_login_page: CognitoLoginPage,
    use_function: Callable[..., Function],
) -> None:
    # TokenGeneration_HostedAuth: "Called during authentication from the Amazon Cognito managed
    # login sign-in page." The event's scopes are "the user pool standard and custom scopes that
    # your user requested, and that you authorized your app client to issue".
    function = use_function(
        {
            "claimsAndScopeOverrideDetails": {
                "idTokenGeneration": {"claimsToAddOrOverride": {"plan": "pro"}},
                "accessTokenGeneration": {"scopesToSuppress": ["email"]},
            }
        },
        "V2_0",
    )

    tokens = cognito_login_page.sign_in(cognito_user.username, cognito_user.password)

    (event,) = function.events
    assert event["triggerSource"] == "TokenGeneration_HostedAuth"
    assert sorted(event["request"]["scopes"]) == sorted(["openid", "email", "profile", API_SCOPE])
    assert tokens.id_token is not None and claims(tokens.id_token)["plan"] == "pro"
    assert "email" not in claims(tokens.access_token)["scope"].split()
    domain_url = cognito_pool.domain_url
    assert domain_url is not None and tokens.refresh_token is not None
    basic = (cognito_pool.client_id, cognito_pool.client_secret)
    # userInfo releases what the token's scopes allow: without `email`, not the email.
    user_info = httpx.get(
        f"{domain_url}/oauth2/userInfo",
        headers={"Authorization": f"Bearer {tokens.access_token}"},
    )
    assert user_info.json() == {"sub": cognito_user.sub, "username": cognito_user.username}

    refreshed = httpx.post(
        f"{domain_url}/oauth2/token",
        data={"grant_type": "refresh_token", "refresh_token": tokens.refresh_token},
        auth=basic,
    )

    assert refreshed.status_code == 200, refreshed.text
    assert function.sources[1] == "TokenGeneration_RefreshTokens"
    assert function.events[1]["request"]["scopes"] == event["request"]["scopes"]
    assert claims(refreshed.json()["id_token"])["plan"] == "pro"


def test_a_trigger_failure_at_the_token_endpoint_is_an_oauth_error(
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    cognito_user: CognitoUser,
    cognito_lambdas: CognitoLambdas,
) -> None:
    # Ours: token-endpoint.md lists no error for a failed trigger; invalid_request carries
    # Cognito's message.
    def refuse(event: Event, context: LambdaContext) -> Event:
        raise ValueError("Not from the web")

    cognito_lambdas.register("refuse", refuse)
    cognito_lambdas.set_triggers(cognito_pool.user_pool_id, PreTokenGeneration="refuse")
    code = cognito_emulator.authorize_through_login_page(
        cognito_user.username,
        cognito_user.password,
        user_pool_id=cognito_pool.user_pool_id,
        client_id=cognito_pool.client_id,
    )
    assert code.code_verifier is not None

    answer = httpx.post(
        f"{cognito_pool.domain_url}/oauth2/token",
        data={
            "grant_type": "authorization_code",
            "code": code.code,
            "redirect_uri": code.redirect_uri,
            "code_verifier": code.code_verifier,
        },
        auth=(cognito_pool.client_id, cognito_pool.client_secret),
    )

    assert (answer.status_code, answer.json()) == (
        400,
        {
            "error": "invalid_request",
            "error_description": "PreTokenGeneration failed with error Not from the web.",
        },
    )


@pytest.fixture
def login_pool(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> LoginPool:
    pool = create_login_pool(cognito_emulator, cognito_idp_client)
    pool.add_user()
    return pool


def test_the_implicit_grant_is_hosted_auth(
    login_pool: LoginPool, cognito_lambdas: CognitoLambdas
) -> None:
    function = Function(V1_ADD_AND_SUPPRESS)
    cognito_lambdas.register("pre-token", function)
    cognito_lambdas.set_triggers(login_pool.pool_id, PreTokenGeneration="pre-token")
    query = login_pool.authorize_query(response_type="token", scope="openid email")

    location = login_pool.browser().sign_in(query).headers["location"]

    assert location.startswith(f"{CALLBACK}#")
    assert function.sources == ["TokenGeneration_HostedAuth"]
    assert function.events[0]["callerContext"]["clientId"] == login_pool.client_id
    id_claims = claims(fragment_of(location)["id_token"])
    assert id_claims["my_first_attribute"] == "first_value"
    assert "email" not in id_claims


# -- machines -------------------------------------------------------------------------------------


@pytest.fixture
def machine_token(cognito_pool: PoolConfig) -> Iterator[Callable[[str], httpx.Response]]:
    """POST a client credentials request of the pool's machine client with this extra form
    text (already form-encoded)."""
    assert cognito_pool.machine_client_id and cognito_pool.machine_client_secret
    basic = (cognito_pool.machine_client_id, cognito_pool.machine_client_secret)
    with httpx.Client(auth=basic) as client:

        def post(extra: str) -> httpx.Response:
            return client.post(
                f"{cognito_pool.domain_url}/oauth2/token",
                content=f"grant_type=client_credentials{extra}",
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )

        yield post


def test_a_version_3_function_shapes_a_machines_token(
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    use_function: Callable[..., Function],
    machine_token: Callable[[str], httpx.Response],
) -> None:
    # TokenGeneration_ClientCredentials: "Your user pool only sends this event when your event
    # version is V3_0". The metadata is the guide's example ("Client metadata for
    # machine-to-machine (M2M) client credentials").
    function = use_function(
        {
            "claimsAndScopeOverrideDetails": {
                "accessTokenGeneration": {
                    "claimsToAddOrOverride": {"tenant": "acme", "limits": {"rps": 10}},
                    "scopesToAdd": ["reports/read"],
                }
            }
        },
        "V3_0",
    )

    answer = machine_token(
        "&aws_client_metadata=%7B%22environment%22%3A%20%22dev%22,%20%22language%22%3A%20%22en-US%22%7D"
    )

    assert answer.status_code == 200, answer.text
    machine = cognito_pool.machine_client_id
    (event,) = function.events
    # Ours for userName, userAttributes and groupConfiguration: the guide shows no such event.
    assert event == {
        "version": "3",
        "triggerSource": "TokenGeneration_ClientCredentials",
        "region": cognito_emulator.region,
        "userPoolId": cognito_pool.user_pool_id,
        "userName": machine,
        "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": machine},
        "request": {
            "userAttributes": {},
            "scopes": event["request"]["scopes"],
            "groupConfiguration": {
                "groupsToOverride": [],
                "iamRolesToOverride": [],
                "preferredRole": None,
            },
            "clientMetadata": {"environment": "dev", "language": "en-US"},
        },
        "response": {"claimsAndScopeOverrideDetails": None},
    }
    access_claims = claims(answer.json()["access_token"])
    assert event["request"]["scopes"] == access_claims["scope"].split()[:-1]
    assert access_claims["scope"].split()[-1] == "reports/read"
    assert (access_claims["tenant"], access_claims["limits"]) == ("acme", {"rps": 10})
    assert access_claims["sub"] == machine


@pytest.mark.parametrize("version", ["V1_0", "V2_0"])
def test_versions_1_and_2_leave_machines_tokens_alone(
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    use_function: Callable[..., Function],
    version: str,
) -> None:
    function = use_function(
        {"claimsAndScopeOverrideDetails": {"accessTokenGeneration": {"scopesToAdd": ["x/y"]}}},
        version,
    )
    assert cognito_pool.machine_client_id is not None

    tokens = cognito_emulator.client_credentials_token(
        user_pool_id=cognito_pool.user_pool_id, client_id=cognito_pool.machine_client_id
    )

    assert function.events == []
    assert "x/y" not in claims(tokens.access_token)["scope"].split()


def test_a_version_3_group_override_gives_a_machine_no_groups(
    cognito_pool: PoolConfig,
    use_function: Callable[..., Function],
    machine_token: Callable[[str], httpx.Response],
) -> None:
    # cognito:groups is a claim of users only ("Identity type: User").
    use_function(V2_CLAIMS_SCOPES_GROUPS, "V3_0")

    answer = machine_token("")

    assert answer.status_code == 200, answer.text
    assert "cognito:groups" not in claims(answer.json()["access_token"])


@pytest.mark.parametrize("metadata", ["not-json", "%5B%22a%22%5D", "%7B%22n%22%3A%201%7D"])
def test_client_metadata_must_be_a_json_object_of_strings(
    cognito_pool: PoolConfig,
    use_function: Callable[..., Function],
    machine_token: Callable[[str], httpx.Response],
    metadata: str,
) -> None:
    # Ours: the guide says only that the object is passed URL-encoded.
    function = use_function(version="V3_0")

    answer = machine_token(f"&aws_client_metadata={metadata}")

    assert (answer.status_code, answer.json()) == (
        400,
        {
            "error": "invalid_request",
            "error_description": "aws_client_metadata must be a JSON object of strings.",
        },
    )
    assert function.events == []
