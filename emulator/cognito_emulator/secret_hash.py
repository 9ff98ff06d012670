"""SECRET_HASH: how a client with a secret proves it knows it, on every unauthenticated call.

SECRET_HASH = base64(HMAC-SHA256(key=client_secret, msg=username + client_id)).
Plain moto ignores it on SignUp, ConfirmSignUp and USER_PASSWORD_AUTH; the emulator checks it
wherever Cognito does and answers with Cognito's messages.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from cognito_emulator.exceptions import CognitoError, NotAuthorizedException


def compute_secret_hash(client_id: str, client_secret: str, username: str) -> str:
    digest = hmac.new(
        client_secret.encode("utf-8"), (username + client_id).encode("utf-8"), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode("ascii")


def require_secret_present(client_id: str, client_secret: str | None, provided: str | None) -> None:
    """Refuse a call from a client with a secret that sent no SECRET_HASH at all."""
    if client_secret is not None and not provided:
        raise NotAuthorizedException(
            f"Client {client_id} is configured for secret but secret was not received"
        )


def require_secret_hash(
    client_id: str, client_secret: str | None, provided: str | None, username: str
) -> None:
    """Refuse the call unless `provided` is the SECRET_HASH of `username` for this client.

    A client without a secret needs none (and whatever it sends is ignored, as in Cognito).
    """
    if client_secret is None:
        return
    require_secret_present(client_id, client_secret, provided)
    assert provided is not None
    expected = compute_secret_hash(client_id, client_secret, username)
    if not hmac.compare_digest(expected.encode("ascii"), provided.encode("utf-8", "replace")):
        raise NotAuthorizedException(f"Unable to verify secret hash for client {client_id}")


def require_client_secret(
    client_id: str,
    client_secret: str | None,
    provided: object,
    refusal: type[CognitoError] = NotAuthorizedException,
) -> None:
    """Refuse a call that authenticates its client with the secret itself (RevokeToken,
    GetTokensFromRefreshToken) unless `provided` is that secret; `refusal` is the operation's
    error for it (RevokeToken's is UnauthorizedException)."""
    if client_secret is None:
        return
    if not isinstance(provided, str) or not provided:
        raise refusal(f"Client {client_id} is configured for secret but secret was not received")
    if not hmac.compare_digest(provided.encode("utf-8"), client_secret.encode("utf-8")):
        raise refusal("Invalid client secret")
