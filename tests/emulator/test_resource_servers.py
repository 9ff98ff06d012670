"""Resource servers: Create / Describe / List / Update / DeleteResourceServer, with the API
model's constraints on identifiers, names and scope names (moto has no Update or Delete)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

from cognito_emulator.server import EmulatorServer

SCOPES = [
    {"ScopeName": "photos.read", "ScopeDescription": "Read photos"},
    {"ScopeName": "photos.write", "ScopeDescription": "Change photos"},
]


def error_of(call: Any, **kwargs: Any) -> dict[str, str]:
    with pytest.raises(ClientError) as raised:
        call(**kwargs)
    error: dict[str, str] = raised.value.response["Error"]
    return error


@pytest.fixture
def pool_id(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> str:
    return cognito_idp_client.create_user_pool(PoolName="servers")["UserPool"]["Id"]


@pytest.fixture
def photos(pool_id: str, cognito_idp_client: CognitoIdentityProviderClient) -> str:
    cognito_idp_client.create_resource_server(
        UserPoolId=pool_id, Identifier="https://photos.example.com", Name="Photos", Scopes=SCOPES
    )
    return "https://photos.example.com"


def test_a_resource_server_is_created_described_and_listed(
    pool_id: str, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    """An API URL is a valid identifier ("You can also set an API URL like
    https://solar-system-data-api.example.com as your identifier", CreateResourceServer)."""
    expected = {
        "UserPoolId": pool_id,
        "Identifier": "https://photos.example.com",
        "Name": "Photos",
        "Scopes": SCOPES,
    }

    created = cognito_idp_client.create_resource_server(
        UserPoolId=pool_id, Identifier="https://photos.example.com", Name="Photos", Scopes=SCOPES
    )
    described = cognito_idp_client.describe_resource_server(
        UserPoolId=pool_id, Identifier="https://photos.example.com"
    )
    listed = cognito_idp_client.list_resource_servers(UserPoolId=pool_id, MaxResults=50)

    assert created["ResourceServer"] == expected
    assert described["ResourceServer"] == expected
    assert listed["ResourceServers"] == [expected]


def test_updating_replaces_the_name_and_the_scopes(
    pool_id: str, photos: str, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    """ "Updates the name and scopes of a resource server ... If you don't provide a value for
    an attribute, it is set to the default value." (UpdateResourceServer reference): scopes
    left out are gone."""
    renamed = cognito_idp_client.update_resource_server(
        UserPoolId=pool_id, Identifier=photos, Name="Photo library", Scopes=SCOPES[:1]
    )
    unscoped = cognito_idp_client.update_resource_server(
        UserPoolId=pool_id, Identifier=photos, Name="Photo library"
    )

    assert renamed["ResourceServer"] == {
        "UserPoolId": pool_id,
        "Identifier": photos,
        "Name": "Photo library",
        "Scopes": SCOPES[:1],
    }
    assert unscoped["ResourceServer"] == {
        "UserPoolId": pool_id,
        "Identifier": photos,
        "Name": "Photo library",
    }
    assert (
        cognito_idp_client.describe_resource_server(UserPoolId=pool_id, Identifier=photos)[
            "ResourceServer"
        ]
        == unscoped["ResourceServer"]
    )


def test_a_deleted_resource_server_is_gone(
    pool_id: str, photos: str, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    gone = {
        "Code": "ResourceNotFoundException",
        "Message": f"Resource server {photos} does not exist.",
    }

    cognito_idp_client.delete_resource_server(UserPoolId=pool_id, Identifier=photos)

    assert (
        error_of(cognito_idp_client.describe_resource_server, UserPoolId=pool_id, Identifier=photos)
        == gone
    )
    assert (
        error_of(cognito_idp_client.delete_resource_server, UserPoolId=pool_id, Identifier=photos)
        == gone
    )
    assert (
        error_of(
            cognito_idp_client.update_resource_server,
            UserPoolId=pool_id,
            Identifier=photos,
            Name="x",
        )
        == gone
    )
    assert (
        cognito_idp_client.list_resource_servers(UserPoolId=pool_id, MaxResults=50)[
            "ResourceServers"
        ]
        == []
    )


def test_an_unknown_pool_is_named(
    cognito_emulator: EmulatorServer, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    """moto answers ListResourceServers of an unknown pool with a server error."""
    unknown = {
        "Code": "ResourceNotFoundException",
        "Message": "User pool us-east-1_nothere does not exist.",
    }

    assert (
        error_of(
            cognito_idp_client.list_resource_servers, UserPoolId="us-east-1_nothere", MaxResults=5
        )
        == unknown
    )
    assert (
        error_of(
            cognito_idp_client.create_resource_server,
            UserPoolId="us-east-1_nothere",
            Identifier="api",
            Name="API",
        )
        == unknown
    )


def test_identifier_name_and_scope_names_follow_the_api_model(
    pool_id: str, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    """The patterns of ResourceServerIdentifierType (no space, quote or backslash),
    ResourceServerNameType (word characters, space and +=,.@-) and ResourceServerScopeNameType
    (no slash either: the full scope is `identifier/name`), every violation counted as AWS's
    front end reports them ("2 validation errors detected: Value ... at 'identifier' failed to
    satisfy constraint: Member must satisfy regular expression pattern: ...", the form quoted in
    awsdocs/aws-cloudformation-user-guide#563)."""
    error = error_of(
        cognito_idp_client.create_resource_server,
        UserPoolId=pool_id,
        Identifier="photo api",
        Name="Photos!",
        Scopes=[{"ScopeName": "photos/read", "ScopeDescription": "Read photos"}],
    )

    assert error == {
        "Code": "InvalidParameterException",
        "Message": "3 validation errors detected: "
        "Value 'photo api' at 'identifier' failed to satisfy constraint: Member must satisfy "
        r"regular expression pattern: [\x21\x23-\x5B\x5D-\x7E]+; "
        "Value 'Photos!' at 'name' failed to satisfy constraint: Member must satisfy regular "
        r"expression pattern: [\w\s+=,.@-]+; "
        "Value 'photos/read' at 'scopes.1.member.scopeName' failed to satisfy constraint: "
        r"Member must satisfy regular expression pattern: [\x21\x23-\x2E\x30-\x5B\x5D-\x7E]+",
    }
    assert (
        cognito_idp_client.list_resource_servers(UserPoolId=pool_id, MaxResults=50)[
            "ResourceServers"
        ]
        == []
    )


def test_an_overlong_scope_description_is_refused(
    pool_id: str, photos: str, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    """ResourceServerScopeDescriptionType: at most 256 characters."""
    error = error_of(
        cognito_idp_client.update_resource_server,
        UserPoolId=pool_id,
        Identifier=photos,
        Name="Photos",
        Scopes=[{"ScopeName": "photos.read", "ScopeDescription": "x" * 257}],
    )

    assert error == {
        "Code": "InvalidParameterException",
        "Message": f"1 validation error detected: Value '{'x' * 257}' at "
        "'scopes.1.member.scopeDescription' failed to satisfy constraint: Member must have "
        "length less than or equal to 256",
    }


def test_a_client_keeps_the_scopes_of_a_deleted_server_until_it_is_updated(
    pool_id: str, photos: str, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    """DeleteResourceServer: "After you delete a resource server, users can no longer generate
    access tokens with scopes that are associate with that resource server." The reference does
    not say the scopes leave the clients, so they stay listed; updating the client with them
    again is refused like any unknown scope (ScopeDoesNotExistException)."""
    scopes = [f"{photos}/photos.read"]
    client_id = cognito_idp_client.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="photos-m2m",
        GenerateSecret=True,
        AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthFlows=["client_credentials"],
        AllowedOAuthScopes=scopes,
    )["UserPoolClient"]["ClientId"]

    cognito_idp_client.delete_resource_server(UserPoolId=pool_id, Identifier=photos)
    error = error_of(
        cognito_idp_client.update_user_pool_client,
        UserPoolId=pool_id,
        ClientId=client_id,
        AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthFlows=["client_credentials"],
        AllowedOAuthScopes=scopes,
    )

    assert (
        cognito_idp_client.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)[
            "UserPoolClient"
        ]["AllowedOAuthScopes"]
        == scopes
    )
    assert error == {
        "Code": "ScopeDoesNotExistException",
        "Message": f"Invalid scope requested: {photos}/photos.read",
    }
