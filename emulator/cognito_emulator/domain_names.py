"""What Cognito accepts as a user pool's domain, in one place: the emulator's
CreateUserPoolDomain checks it (`flows/oauth_settings.py`), and provisioning checks a prefix
before it creates anything on AWS (`pool_definition.py`), each with its own message. Likewise
the hosts an app client's callback and sign-out URLs may reach over plain http.

A prefix is one label of CreateUserPoolDomain's DomainType pattern (lower-case letters, digits
and inner hyphens, at most 63) and holds none of the reserved words; a custom domain is a fully
qualified name of such labels.
"""

from __future__ import annotations

import re

DOMAIN_LABEL = r"[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?"
PREFIX_DOMAIN = re.compile(DOMAIN_LABEL)
CUSTOM_DOMAIN = re.compile(rf"(?=.{{1,63}}$){DOMAIN_LABEL}(?:\.{DOMAIN_LABEL})+")
RESERVED_DOMAIN_WORDS = ("aws", "amazon", "cognito")
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def reserved_word_in(prefix: str) -> str | None:
    """The first reserved word `prefix` holds (Cognito refuses it), None if it holds none."""
    return next((word for word in RESERVED_DOMAIN_WORDS if word in prefix), None)
