"""Each pool's JWKS and OpenID configuration, where token verifiers fetch them."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from cognito_emulator.exceptions import CognitoError
from cognito_emulator.http.wire import json_error, json_response

if TYPE_CHECKING:
    from cognito_emulator.http.app import EmulatorApp


async def jwks(request: Request) -> Response:
    emulator: EmulatorApp = request.app
    return _pool_document(lambda: emulator.jwks(request.path_params["pool_id"]))


async def openid_configuration(request: Request) -> Response:
    emulator: EmulatorApp = request.app
    # jwks_uri on the host the client used, so that it is reachable from where it was asked.
    base_url = str(request.base_url).rstrip("/")
    return _pool_document(
        lambda: emulator.openid_configuration(request.path_params["pool_id"], base_url)
    )


def _pool_document(read: Callable[[], dict[str, Any]]) -> Response:
    try:
        return json_response(read())
    except CognitoError as error:
        if error.code != "ResourceNotFoundException":
            raise
        # The document of a pool that does not exist is a URL that names nothing: 404.
        return json_error(404, error.code, error.message)


ROUTES = [
    Route("/{pool_id}/.well-known/jwks.json", jwks, methods=["GET"]),
    Route("/{pool_id}/.well-known/openid-configuration", openid_configuration, methods=["GET"]),
]
