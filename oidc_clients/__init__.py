"""Real OAuth 2.0 / OpenID Connect clients against the emulator, each given only the discovery URL.

`python -m oidc_clients` (`nox -s oidc`): a pool's OAuth side is only as good as the clients that
can use it unchanged, so these checks run a real client library's own code paths — discovery,
PKCE, ID token validation with its own JWKS handling, refresh, userinfo, revocation, client
credentials — rather than the kit's idea of them. A package of its own (not `load_tests`, which
measures load, nor `contract_tests`, which runs pytest against any Cognito): one module per client
library, sharing the emulator they are pointed at.
"""
