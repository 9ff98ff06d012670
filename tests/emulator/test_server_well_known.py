"""Per-pool JWKS and OpenID configuration, as an app's token verifier fetches them."""

from __future__ import annotations

import httpx
import jwt
import pytest
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.pytest_plugin import CognitoUser
from cognito_emulator.server import EmulatorServer


def test_jwks_publishes_the_keys_that_sign_tokens(
    emulator_http: httpx.Client, cognito_pool: PoolConfig, cognito_user: CognitoUser
) -> None:
    response = emulator_http.get(f"/{cognito_pool.user_pool_id}/.well-known/jwks.json")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    keys = jwt.PyJWKSet.from_dict(response.json())
    by_kid = {key.key_id: key for key in keys.keys}
    for token in (cognito_user.access_token, cognito_user.id_token):
        kid = jwt.get_unverified_header(token)["kid"]
        claims = jwt.decode(
            token, by_kid[kid].key, algorithms=["RS256"], options={"verify_aud": False}
        )
        assert claims["sub"] == cognito_user.sub


def test_openid_configuration_points_at_a_reachable_jwks(
    cognito_emulator: EmulatorServer, cognito_pool: PoolConfig
) -> None:
    pool_url = f"{cognito_emulator.endpoint_url}/{cognito_pool.user_pool_id}"

    configuration = httpx.get(f"{pool_url}/.well-known/openid-configuration").json()

    assert configuration["issuer"] == (
        f"https://cognito-idp.{cognito_pool.region}.amazonaws.com/{cognito_pool.user_pool_id}"
    )
    assert configuration["jwks_uri"] == f"{pool_url}/.well-known/jwks.json"
    assert httpx.get(configuration["jwks_uri"]).json()["keys"]


def test_jwks_uri_follows_the_host_the_client_used(
    emulator_http: httpx.Client, cognito_emulator: EmulatorServer, cognito_pool: PoolConfig
) -> None:
    response = emulator_http.get(
        f"/{cognito_pool.user_pool_id}/.well-known/openid-configuration",
        headers={"Host": "cognito.test:9229"},
    )

    assert response.json()["jwks_uri"] == (
        f"http://cognito.test:9229/{cognito_pool.user_pool_id}/.well-known/jwks.json"
    )


@pytest.mark.parametrize("document", ["jwks.json", "openid-configuration"])
def test_unknown_pool_is_404(emulator_http: httpx.Client, document: str) -> None:
    response = emulator_http.get(f"/us-east-1_missing/.well-known/{document}")

    assert response.status_code == 404
    assert response.json()["__type"] == "ResourceNotFoundException"


def test_well_known_documents_only_answer_get(
    emulator_http: httpx.Client, cognito_pool: PoolConfig
) -> None:
    response = emulator_http.post(f"/{cognito_pool.user_pool_id}/.well-known/jwks.json")

    assert response.status_code == 405


def test_openid_configuration_lists_the_oauth_endpoints_of_the_pools_domain(
    emulator_http: httpx.Client, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    """The fields and order of a real pool's document (quoted in micronaut-security's fixture
    EmbeddedServerOpenIdProviderMetadataFetcherCodeGeneratorSpec), plus the revocation and
    end-session endpoints; the endpoints on the host the client used, under the domain."""
    pool_id = cognito_idp_client.create_user_pool(PoolName="with-domain")["UserPool"]["Id"]
    cognito_idp_client.create_user_pool_domain(UserPoolId=pool_id, Domain="my-app")

    response = emulator_http.get(
        f"/{pool_id}/.well-known/openid-configuration", headers={"Host": "cognito.test:9229"}
    )

    domain = "http://cognito.test:9229/domains/my-app"
    assert list(response.json().items()) == [
        ("authorization_endpoint", f"{domain}/oauth2/authorize"),
        ("end_session_endpoint", f"{domain}/logout"),
        ("id_token_signing_alg_values_supported", ["RS256"]),
        ("issuer", f"https://cognito-idp.us-east-1.amazonaws.com/{pool_id}"),
        ("jwks_uri", f"http://cognito.test:9229/{pool_id}/.well-known/jwks.json"),
        ("response_types_supported", ["code", "token"]),
        ("revocation_endpoint", f"{domain}/oauth2/revoke"),
        ("scopes_supported", ["openid", "email", "phone", "profile"]),
        ("subject_types_supported", ["public"]),
        ("token_endpoint", f"{domain}/oauth2/token"),
        ("token_endpoint_auth_methods_supported", ["client_secret_basic", "client_secret_post"]),
        ("userinfo_endpoint", f"{domain}/oauth2/userInfo"),
    ]


def test_openid_configuration_of_a_pool_without_a_domain_lists_no_oauth_endpoints(
    emulator_http: httpx.Client, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    """token-endpoint.md: "The token endpoint becomes publicly available when you add a domain
    to your user pool"; before that the document can name none."""
    pool_id = cognito_idp_client.create_user_pool(PoolName="no-domain")["UserPool"]["Id"]

    document = emulator_http.get(f"/{pool_id}/.well-known/openid-configuration").json()

    assert sorted(document) == [
        "id_token_signing_alg_values_supported",
        "issuer",
        "jwks_uri",
        "response_types_supported",
        "scopes_supported",
        "subject_types_supported",
        "token_endpoint_auth_methods_supported",
    ]


def test_the_listed_token_endpoint_answers(
    emulator_http: httpx.Client, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    pool_id = cognito_idp_client.create_user_pool(PoolName="reachable")["UserPool"]["Id"]
    cognito_idp_client.create_user_pool_domain(UserPoolId=pool_id, Domain="reachable")
    document = emulator_http.get(f"/{pool_id}/.well-known/openid-configuration").json()

    response = httpx.post(document["token_endpoint"], data={"grant_type": "client_credentials"})

    assert (response.status_code, response.json()["error"]) == (400, "invalid_client")
