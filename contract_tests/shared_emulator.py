"""One in-process emulator for the whole contract run.

Process-wide rather than a fixture because schemathesis loads the service's schema at import
time (a fixture-loaded schema breaks on newer pytest), and that service must already point at a
running emulator. Each concern gets its own pool on this one server, so nothing needs a reset.

The emulator writes each pool's private signing keys under a temporary ``keys_dir`` (its
documented persistence): the verifier properties re-sign tokens with the pool's own key, so a
rejected token is rejected for the one claim that was changed, not for its signature.
"""

from __future__ import annotations

import atexit
import functools
import json
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

if TYPE_CHECKING:
    from cognito_emulator import EmulatorServer


@functools.cache
def shared_keys_dir() -> Path:
    keys_dir = Path(tempfile.mkdtemp(prefix="contract-emulator-keys-"))
    atexit.register(shutil.rmtree, keys_dir, True)
    return keys_dir


@functools.cache
def shared_emulator() -> EmulatorServer:
    from cognito_emulator import EmulatorServer  # on first use: a moto-only run need not load it

    server = EmulatorServer(host="127.0.0.1", port=0, keys_dir=shared_keys_dir())
    server.start()
    atexit.register(server.stop)
    return server


def pool_signing_key(pool_id: str, token_use: str) -> rsa.RSAPrivateKey:
    """The private key the shared emulator signs ``token_use`` ("access"/"id") tokens with."""
    document = json.loads((shared_keys_dir() / f"{pool_id}.json").read_text(encoding="utf-8"))
    key = serialization.load_pem_private_key(document[token_use].encode("ascii"), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return key
