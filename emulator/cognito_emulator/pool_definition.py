"""Names and rules of the kit's pool that Python code needs, beside the pool's one definition,
the CloudFormation template `cloudformation/cognito-kit.yaml` (tests/emulator/
test_kit_template.py checks that these agree with it).

The names: the pool, its clients, its group, its resource server's scopes and the service's
callback paths. The rules: which domain prefixes and service URLs Cognito would take, checked
before anything is created (the template's AllowedPatterns say the same, in its own terms), and
how a domain prefix is derived from a pool's name.
"""

from __future__ import annotations

import re
import secrets
from urllib.parse import urlsplit

from cognito_emulator.domain_names import (
    LOOPBACK_HOSTS,
    PREFIX_DOMAIN,
    RESERVED_DOMAIN_WORDS,
    reserved_word_in,
)

DEFAULT_POOL_NAME = "cognito-kit"
DEFAULT_CLIENT_NAME = "cognito-kit-app"
DEFAULT_MACHINE_CLIENT_NAME = "cognito-kit-machine"
ADMIN_GROUP = "admin"

RESOURCE_SERVER_IDENTIFIER = "cognito-kit"
READ_USERS_SCOPE = f"{RESOURCE_SERVER_IDENTIFIER}/users.read"
WRITE_USERS_SCOPE = f"{RESOURCE_SERVER_IDENTIFIER}/users.write"
# The pre token generation event the service's function reads: version 2 changes access tokens.
PRE_TOKEN_GENERATION_VERSION = "V2_0"

# Where browsers reach the service unless told otherwise: its default local address (Cognito
# allows plain http only to localhost).
DEFAULT_SERVICE_URL = "http://localhost:8000"
AUTH_CALLBACK_PATH = "/auth/callback"
SWAGGER_REDIRECT_PATH = "/docs/oauth2-redirect"

# Room left in a 63-character prefix for a suffix that makes it unique ("-2", "-3f9a2c1b").
MAX_DERIVED_PREFIX_LENGTH = 50
FALLBACK_DOMAIN_PREFIX = "kit"
DOMAIN_SUFFIX_BYTES = 4


def domain_prefix_problem(prefix: str) -> str | None:
    """Why Cognito would refuse `prefix` as a domain prefix (None if it would not), so a caller
    can stop before creating anything."""
    if not PREFIX_DOMAIN.fullmatch(prefix):
        return "use 1 to 63 lower-case letters, digits and hyphens, not starting or ending with '-'"
    reserved = reserved_word_in(prefix)
    if reserved is not None:
        return f"Cognito refuses prefixes containing {reserved!r}"
    return None


def domain_prefix_for(pool_name: str) -> str:
    """A domain prefix Cognito accepts, from a pool name: lower-case letters, digits and inner
    hyphens, without the reserved words ("cognito-kit" gives "kit"). Not unique by itself."""
    prefix = re.sub(r"[^a-z0-9]+", "-", pool_name.lower())
    for word in RESERVED_DOMAIN_WORDS:
        prefix = prefix.replace(word, "-")
    prefix = re.sub(r"-+", "-", prefix).strip("-")[:MAX_DERIVED_PREFIX_LENGTH].strip("-")
    return prefix or FALLBACK_DOMAIN_PREFIX


def unique_domain_prefix(pool_name: str) -> str:
    """`domain_prefix_for(pool_name)` with a random suffix ("kit-3f9a2c1b"): a prefix must be
    unique among all of AWS's customers in the region."""
    return f"{domain_prefix_for(pool_name)}-{secrets.token_hex(DOMAIN_SUFFIX_BYTES)}"


def service_url_problem(url: str) -> str | None:
    """Why `url` cannot be the service's URL, under which the app client's callback and
    sign-out URLs are (None if it can): the service's SERVICE_PUBLIC_URL takes an http(s) URL
    without query, fragment or trailing slash, and "Amazon Cognito requires HTTPS over HTTP
    except for http://localhost" (developer guide, app client settings)."""
    try:
        host = urlsplit(url).hostname
    except ValueError:  # such as an unclosed IPv6 bracket
        host = None
    if (
        not host
        or not url.startswith(("http://", "https://"))
        or any(mark in url for mark in "?#")
        or any(character.isspace() for character in url)
        or url.endswith("/")
    ):
        return "use an http(s) URL without query, fragment or trailing slash"
    if url.startswith("http://") and host not in LOOPBACK_HOSTS:
        return "Cognito allows plain http only to localhost: use https"
    return None


def callback_urls(service_url: str) -> list[str]:
    """The service's web sign-in callback and Swagger UI's OAuth 2.0 redirect page."""
    return [f"{service_url}{AUTH_CALLBACK_PATH}", f"{service_url}{SWAGGER_REDIRECT_PATH}"]


def logout_urls(service_url: str) -> list[str]:
    """Where a sign-out returns: the service's root."""
    return [f"{service_url}/"]


CALLBACK_URLS = tuple(callback_urls(DEFAULT_SERVICE_URL))
"""The callback URLs of a pool defined for the service at its default URL."""
