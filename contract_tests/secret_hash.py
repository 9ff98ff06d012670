"""An independent SECRET_HASH, written from the AWS documentation rather than imported.

Cognito defines SECRET_HASH as Base64(HMAC-SHA256(key=client secret, message=username + client id)),
both encoded as UTF-8. The contract computes it here so a shared mistake in the app and the
emulator cannot hide behind each other.
"""

from __future__ import annotations

import base64
import hashlib
import hmac


def reference_secret_hash(username: str, client_id: str, client_secret: str) -> str:
    digest = hmac.new(
        client_secret.encode("utf-8"), (username + client_id).encode("utf-8"), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode("ascii")
