"""The AWS JSON 1.1 wire format at `/`: what boto3 and raw HTTP clients see."""

from __future__ import annotations

import logging

import httpx
import pytest
from botocore.exceptions import ClientError
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.server import EmulatorServer

TARGET = "AWSCognitoIdentityProviderService."
JSON_11 = "application/x-amz-json-1.1"


def call(http: httpx.Client, operation: str | None, content: bytes) -> httpx.Response:
    headers = {"Content-Type": JSON_11}
    if operation is not None:
        headers["X-Amz-Target"] = TARGET + operation
    return http.post("/", content=content, headers=headers)


def test_success_is_json_11_with_a_request_id(
    cognito_pool: PoolConfig, cognito_idp_client: CognitoIdentityProviderClient
) -> None:
    described = cognito_idp_client.describe_user_pool(UserPoolId=cognito_pool.user_pool_id)

    assert described["UserPool"]["Id"] == cognito_pool.user_pool_id
    metadata = described["ResponseMetadata"]
    assert metadata["HTTPStatusCode"] == 200
    assert metadata["HTTPHeaders"]["content-type"] == JSON_11
    assert len(metadata["RequestId"]) == 36


def test_cognito_errors_reach_boto3_with_code_message_and_status(
    cognito_idp_client: CognitoIdentityProviderClient,
) -> None:
    with pytest.raises(cognito_idp_client.exceptions.ResourceNotFoundException) as raised:
        cognito_idp_client.describe_user_pool(UserPoolId="us-east-1_missing")

    response = raised.value.response
    assert response["Error"]["Code"] == "ResourceNotFoundException"
    assert "us-east-1_missing" in response["Error"]["Message"]
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-errortype"] == (
        "ResourceNotFoundException"
    )
    assert response["ResponseMetadata"]["RequestId"]


def test_error_body_is_aws_json(emulator_http: httpx.Client) -> None:
    response = call(emulator_http, "DescribeUserPool", b'{"UserPoolId": "us-east-1_missing"}')

    assert response.status_code == 400
    assert response.headers["content-type"] == JSON_11
    assert response.headers["x-amzn-errortype"] == "ResourceNotFoundException"
    assert response.headers["x-amzn-requestid"]
    body = response.json()
    assert body["__type"] == "ResourceNotFoundException"
    assert body["message"]


@pytest.mark.parametrize(
    ("operation", "content", "code"),
    [
        ("ListUserPools", b"{not json", "SerializationException"),
        ("ListUserPools", b"[1, 2]", "SerializationException"),
        ("ListUserPools", b"\xff\xfe", "SerializationException"),
        (None, b"{}", "UnknownOperationException"),
        ("NoSuchOperation", b"{}", "UnknownOperationException"),
    ],
)
def test_malformed_requests_are_400_never_500(
    emulator_http: httpx.Client, operation: str | None, content: bytes, code: str
) -> None:
    response = call(emulator_http, operation, content)

    assert response.status_code == 400
    assert response.json()["__type"] == code
    assert response.headers["x-amzn-errortype"] == code


@pytest.mark.parametrize(
    "content",
    [
        b"[" * 100_000,
        b'{"a":' * 100_000,
        b'{"MaxResults": 10, "Unmodelled": ' + b"[" * 33 + b"]" * 33 + b"}",
        # Deep enough to pass json.loads and then break moto's re-encoding of the body.
        b'{"MaxResults": 10, "Unmodelled": ' + b"[" * 970 + b"]" * 970 + b"}",
    ],
    ids=["arrays-1e5", "objects-1e5", "33-levels", "970-levels"],
)
def test_deeply_nested_json_is_a_serialization_error(
    emulator_http: httpx.Client, content: bytes
) -> None:
    response = call(emulator_http, "ListUserPools", content)

    assert response.status_code == 400
    assert response.json() == {
        "__type": "SerializationException",
        "message": "Request body is JSON nested more than 32 levels deep",
    }


def test_json_nested_32_levels_deep_is_read(emulator_http: httpx.Client) -> None:
    content = b'{"MaxResults": 10, "Unmodelled": ' + b"[" * 31 + b"]" * 31 + b"}"

    response = call(emulator_http, "ListUserPools", content)

    assert response.status_code == 200
    assert response.json() == {"UserPools": []}


def test_target_of_another_service_is_refused(emulator_http: httpx.Client) -> None:
    response = emulator_http.post(
        "/", content=b"{}", headers={"X-Amz-Target": "DynamoDB_20120810.ListTables"}
    )

    assert response.status_code == 400
    assert response.json()["__type"] == "UnknownOperationException"


def test_empty_body_means_no_parameters(emulator_http: httpx.Client) -> None:
    response = call(emulator_http, "ListUserPools", b"")

    # Reaches the backend, which names the missing parameter rather than failing to parse.
    assert response.status_code == 400
    assert response.json() == {
        "__type": "InvalidParameterException",
        "message": "1 validation error detected: Value null at 'maxResults' failed to satisfy "
        "constraint: Member must not be null",
    }


def test_unexpected_exception_is_500_and_logged_with_traceback(
    cognito_emulator: EmulatorServer,
    cognito_idp_client: CognitoIdentityProviderClient,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(operation: str, body: dict[str, object]) -> dict[str, object]:
        raise RuntimeError("bug in the emulator")

    monkeypatch.setattr(cognito_emulator.backend, "dispatch", broken)
    with (
        caplog.at_level(logging.ERROR, logger="cognito_emulator.http.idp_api"),
        pytest.raises(ClientError) as raised,
    ):
        cognito_idp_client.list_user_pools(MaxResults=10)

    assert raised.value.response["Error"]["Code"] == "InternalErrorException"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    assert "bug in the emulator" not in raised.value.response["Error"]["Message"]
    [record] = [r for r in caplog.records if r.name == "cognito_emulator.http.idp_api"]
    assert record.exc_info is not None
    assert "ListUserPools" in record.getMessage()


def test_unknown_paths_are_404_json(emulator_http: httpx.Client) -> None:
    response = emulator_http.get("/no/such/thing")

    assert response.status_code == 404
    assert "/_emulator/" in response.json()["message"]
