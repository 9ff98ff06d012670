"""What a pool's OAuth 2.0 side shares between its login pages and its token endpoint.

The errors OAuth answers with, the scopes a client may be granted, PKCE, and authorization codes:
issued by the login pages (`flows/managed_login.py`) once a user has signed in, redeemed once by
the token endpoint (`flows/oauth_grants.py`). A code lives 5 minutes on the emulator clock, as
Cognito's do ("The authorization code is valid for five minutes", token endpoint reference), and
is bound to the client, redirect URI, scopes, nonce and PKCE challenge of its authorize request.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass

from cognito_emulator.clock import Clock
from cognito_emulator.expiring_records import ExpiringRecords
from cognito_emulator.tokens import ACCESS_SCOPE

# The scopes Cognito defines itself; every other scope is `{resource server}/{scope}`.
STANDARD_SCOPES = ("openid", "email", "phone", "profile", ACCESS_SCOPE)
CODE_LIFETIME_SECONDS = 300
MAX_OUTSTANDING_CODES = 50_000


class OAuthError(Exception):
    """An OAuth 2.0 error (RFC 6749 §4.1.2.1, §5.2): `error` is the code clients switch on."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description
        self.status = status


@dataclass(frozen=True, slots=True)
class AuthorizationGrant:
    """What one authorization code stands for."""

    pool_id: str
    client_id: str
    redirect_uri: str
    username: str
    scopes: tuple[str, ...]
    auth_time: int
    expires_at: float
    nonce: str | None = None
    code_challenge: str | None = None


def s256_challenge(verifier: str) -> str:
    """PKCE's S256 transform (RFC 7636 §4.2): BASE64URL(SHA256(ASCII(verifier))), unpadded.

    UnicodeEncodeError for a verifier that is not ASCII: it has no S256 challenge."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def verifier_matches(challenge: str, verifier: str) -> bool:
    """Whether `verifier` is the one `challenge` was made from. The challenge came from an
    authorize request as any text, so the two are compared as UTF-8 bytes."""
    try:
        expected = s256_challenge(verifier)
    except UnicodeEncodeError:  # RFC 7636 §4.1: a verifier is unreserved ASCII characters
        return False
    return hmac.compare_digest(expected.encode(), challenge.encode())


class AuthorizationCodes:
    """Outstanding authorization codes: single use, 5 minutes, at most MAX_OUTSTANDING_CODES
    (the oldest is dropped first, and is then refused like any unknown code)."""

    def __init__(self, clock: Clock, max_codes: int = MAX_OUTSTANDING_CODES) -> None:
        self._clock = clock
        self._grants = ExpiringRecords[AuthorizationGrant](clock, max_codes)

    def __len__(self) -> int:
        return len(self._grants)

    def issue(
        self,
        *,
        pool_id: str,
        client_id: str,
        redirect_uri: str,
        username: str,
        scopes: tuple[str, ...],
        auth_time: int,
        nonce: str | None = None,
        code_challenge: str | None = None,
    ) -> str:
        return self._grants.add(
            AuthorizationGrant(
                pool_id=pool_id,
                client_id=client_id,
                redirect_uri=redirect_uri,
                username=username,
                scopes=scopes,
                auth_time=auth_time,
                expires_at=self._clock.now() + CODE_LIFETIME_SECONDS,
                nonce=nonce,
                code_challenge=code_challenge,
            )
        )

    def take(self, code: str) -> AuthorizationGrant | None:
        """The grant of an unexpired code, which is spent by asking; None for any other code."""
        return self._grants.pop(code)

    def clear(self) -> None:
        self._grants.clear()
