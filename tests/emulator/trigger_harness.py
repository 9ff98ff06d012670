"""What the Lambda trigger tests share: Cognito's error of a refused call, and the envelope every
trigger event has (cognito-user-pools-working-with-lambda-triggers.md, common parameters)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from cognito_emulator.bootstrap import PoolConfig


def error_of(call: Any, *args: Any, **kwargs: Any) -> tuple[str, str]:
    """The code and message of the ClientError that `call(*args, **kwargs)` must raise."""
    with pytest.raises(ClientError) as raised:
        call(*args, **kwargs)
    error = raised.value.response["Error"]
    return error["Code"], error["Message"]


def envelope(pool: PoolConfig, source: str, username: str, client_id: str) -> dict[str, Any]:
    """The common parameters of every trigger event of `pool` (the emulator's region)."""
    return {
        "version": "1",
        "triggerSource": source,
        "region": "us-east-1",
        "userPoolId": pool.user_pool_id,
        "userName": username,
        "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": client_id},
    }
