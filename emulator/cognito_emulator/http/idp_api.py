"""The cognito-idp JSON API at `POST /`: injected faults, quotas, then one backend call.

This is the hot path: one header lookup, one JSON parse, one backend call under the app's lock
(`EmulatorApp.run_locked`) and one JSON encode. Every answer, errors included, is in the AWS
JSON 1.1 wire format, and a bug is a logged 500 `InternalErrorException` that shows the client
no traceback.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from cognito_emulator.exceptions import CognitoError, TooManyRequestsException
from cognito_emulator.http import wire

if TYPE_CHECKING:
    from cognito_emulator.http.app import EmulatorApp

logger = logging.getLogger(__name__)


async def answer(request: Request) -> Response:
    emulator: EmulatorApp = request.app
    body = await request.body()
    request_id = wire.new_request_id()
    try:
        operation = wire.operation(request.headers)
        params = wire.parse_body(body)
        fault = emulator.faults.draw(operation)
        if fault is not None:
            if fault.latency_ms:
                await asyncio.sleep(fault.latency_ms / 1000)
            if fault.error_code is not None:
                return wire.api_error(fault.status, fault.error_code, fault.message, request_id)
        if emulator.quotas is not None and not emulator.quotas.allow(operation):
            raise TooManyRequestsException("Rate exceeded")
        answer = await emulator.run_locked(
            functools.partial(emulator.backend.dispatch, operation, params)
        )
        return wire.api_response(answer, request_id)
    except (CognitoError, wire.WireError) as error:
        return wire.api_error(error.status, error.code, error.message, request_id)
    except Exception:
        target = request.headers.get("x-amz-target", "")
        logger.exception("Internal error answering POST / %s", target)
        return wire.api_error(500, "InternalErrorException", "Internal server error.", request_id)
