"""Signing keys: RSA-2048 pairs generated locally, two per user pool, published as a JWKS.

Plain moto signs every token with a private key that ships inside the moto package, so anyone
can forge tokens its JWKS accepts. Here each pool gets its own keys, made on this machine:
one for access tokens and one for ID tokens (different kids, as Cognito does). Rotation adds
new keys and keeps the old public halves published so tokens already issued still verify.

Key generation costs tens of milliseconds, and tests create a pool per test, so keys are made
lazily (on the first token or JWKS request for a pool) and taken from a small stock that a
background thread keeps filled. With `keys_dir`, each pool's private keys are written to
`<keys_dir>/<pool_id>.json` (mode 0600) and read back after a restart.
"""

from __future__ import annotations

import atexit
import base64
import hashlib
import json
import os
import threading
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from cognito_emulator.state.records import RecordKey, Touched

TokenUse = Literal["access", "id"]

RSA_KEY_BITS = 2048
SPARE_KEYS = 4
# Retired public keys kept published per pool after rotations; older ones are dropped.
MAX_RETIRED_KEYS = 8
KEYS_RECORD = "keys"


@dataclass(frozen=True, slots=True)
class SigningKey:
    kid: str
    private_key: rsa.RSAPrivateKey

    @classmethod
    def from_private_key(cls, private_key: rsa.RSAPrivateKey) -> SigningKey:
        """Name the key like Cognito does: base64 of a digest of the public key."""
        der = private_key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        kid = base64.b64encode(hashlib.sha256(der).digest()).decode("ascii")
        return cls(kid=kid, private_key=private_key)

    @property
    def public_key(self) -> rsa.RSAPublicKey:
        return self.private_key.public_key()

    def public_jwk(self) -> dict[str, str]:
        """The key as Cognito publishes it: exactly alg, e, kid, kty, n and use."""
        jwk = RSAAlgorithm.to_jwk(self.public_key, as_dict=True)
        return {
            "alg": "RS256",
            "e": jwk["e"],
            "kid": self.kid,
            "kty": "RSA",
            "n": jwk["n"],
            "use": "sig",
        }

    def private_pem(self) -> str:
        return self.private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode("ascii")


def generate_private_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=RSA_KEY_BITS)


class SpareKeys:
    """A small stock of freshly generated private keys, refilled by a background thread.

    Each key is handed out once, so every pool's keys are its own; the stock only moves the
    generation cost off the request path.
    """

    def __init__(self, target: int = SPARE_KEYS) -> None:
        self._target = target
        self._stock: deque[rsa.RSAPrivateKey] = deque()
        self._wanted = threading.Condition()
        self._filler: threading.Thread | None = None
        self._stopping = False

    def start(self) -> None:
        """Begin filling the stock in the background (idempotent)."""
        with self._wanted:
            self._start_filler()

    def take(self) -> rsa.RSAPrivateKey:
        with self._wanted:
            self._start_filler()
            key = self._stock.popleft() if self._stock else None
            self._wanted.notify()
        return key if key is not None else generate_private_key()

    def stop(self) -> None:
        """Let the filler finish its key and exit (a daemon thread killed inside OpenSSL at
        interpreter exit aborts the process, so this runs at exit)."""
        with self._wanted:
            self._stopping = True
            self._wanted.notify_all()
            filler = self._filler
        if filler is not None and filler is not threading.current_thread():
            filler.join(timeout=5)

    def _start_filler(self) -> None:
        if self._filler is None and not self._stopping:
            self._filler = threading.Thread(
                target=self._fill_until_stopped, name="emulator-spare-keys", daemon=True
            )
            self._filler.start()
            atexit.register(self.stop)

    def _fill_until_stopped(self) -> None:
        while True:
            with self._wanted:
                while len(self._stock) >= self._target and not self._stopping:
                    self._wanted.wait()
                if self._stopping:
                    return
            key = generate_private_key()
            with self._wanted:
                self._stock.append(key)


# Shared by every EmulatorBackend in the process: fresh keys are not state, only entropy.
DEFAULT_SPARE_KEYS = SpareKeys()


@dataclass(slots=True)
class PoolKeys:
    """The keys of one pool: the current signer for each token use, then retired keys."""

    access: SigningKey
    id: SigningKey
    retired: list[SigningKey]

    def published(self) -> list[SigningKey]:
        return [self.access, self.id, *self.retired]


class KeyStore:
    """Every pool's signing keys, made on first use, optionally persisted under `keys_dir`.

    Changes are noted in `touched` for durable state: a record per pool (`("keys", pool_id)`),
    its private keys as PEM."""

    record_kinds = (KEYS_RECORD,)
    persisted_types = ()

    def __init__(
        self,
        keys_dir: Path | None = None,
        spare: SpareKeys | None = None,
        touched: Touched | None = None,
    ) -> None:
        self._keys_dir = keys_dir
        self._touched: Touched = touched if touched is not None else set()
        self._spare = spare if spare is not None else DEFAULT_SPARE_KEYS
        self._pools: dict[str, PoolKeys] = {}
        self._by_kid: dict[str, tuple[str, SigningKey]] = {}
        self._spare.start()
        if keys_dir is not None:
            keys_dir.mkdir(parents=True, exist_ok=True)

    def signer(self, pool_id: str, token_use: TokenUse) -> SigningKey:
        keys = self._pool_keys(pool_id)
        return keys.access if token_use == "access" else keys.id

    def jwks(self, pool_id: str) -> dict[str, Any]:
        return {"keys": [key.public_jwk() for key in self._pool_keys(pool_id).published()]}

    def lookup(self, kid: str) -> tuple[str, SigningKey] | None:
        """(pool_id, key) for a kid this store published, else None."""
        return self._by_kid.get(kid)

    def rotate(self, pool_id: str) -> str:
        """New access and ID keys; the old ones stay published. Returns the new access kid."""
        keys = self._pool_keys(pool_id)
        retired = [keys.access, keys.id, *keys.retired]
        for dropped in retired[MAX_RETIRED_KEYS:]:
            self._by_kid.pop(dropped.kid, None)
        keys.retired = retired[:MAX_RETIRED_KEYS]
        keys.access = self._new_key(pool_id)
        keys.id = self._new_key(pool_id)
        self._save(pool_id, keys)
        self._touched.add((KEYS_RECORD, pool_id))
        return keys.access.kid

    def forget(self, pool_id: str, *, delete_file: bool = False) -> None:
        self._touched.add((KEYS_RECORD, pool_id))
        keys = self._pools.pop(pool_id, None)
        if keys is not None:
            for key in keys.published():
                self._by_kid.pop(key.kid, None)
        if delete_file and self._keys_dir is not None:
            self._path(pool_id).unlink(missing_ok=True)

    def clear(self) -> None:
        """Forget keys in memory; files in keys_dir stay so a pool re-created later reuses them."""
        self._pools.clear()
        self._by_kid.clear()

    def _pool_keys(self, pool_id: str) -> PoolKeys:
        keys = self._pools.get(pool_id)
        if keys is None:
            keys = self._load(pool_id)
            if keys is None:
                keys = PoolKeys(self._new_key(pool_id), self._new_key(pool_id), [])
                self._save(pool_id, keys)
            self._add(pool_id, keys)
        return keys

    def _add(self, pool_id: str, keys: PoolKeys) -> None:
        self._touched.add((KEYS_RECORD, pool_id))
        self._pools[pool_id] = keys
        for key in keys.published():
            self._by_kid[key.kid] = (pool_id, key)

    # -- durable state (state/) -------------------------------------------------------------------

    def record(self, key: RecordKey) -> dict[str, str | list[str]] | None:
        keys = self._pools.get(key[1])
        return _pem_document(keys) if keys is not None else None

    def records(self) -> Iterator[tuple[RecordKey, dict[str, str | list[str]]]]:
        for pool_id, keys in list(self._pools.items()):
            yield (KEYS_RECORD, pool_id), _pem_document(keys)

    def restore(self, records: Mapping[RecordKey, Mapping[str, str | list[str]]]) -> None:
        self.clear()
        for key, document in records.items():
            self._add(key[1], _pool_keys_from_pem(document, f"the keys of pool {key[1]}"))

    def _new_key(self, pool_id: str) -> SigningKey:
        key = SigningKey.from_private_key(self._spare.take())
        self._by_kid[key.kid] = (pool_id, key)
        return key

    def _path(self, pool_id: str) -> Path:
        assert self._keys_dir is not None
        return self._keys_dir / f"{pool_id}.json"

    def _save(self, pool_id: str, keys: PoolKeys) -> None:
        if self._keys_dir is None:
            return
        document = {"pool_id": pool_id, **_pem_document(keys)}
        path = self._path(pool_id)
        temporary = path.with_suffix(".json.tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(document, handle)
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)

    def _load(self, pool_id: str) -> PoolKeys | None:
        if self._keys_dir is None:
            return None
        path = self._path(pool_id)
        if not path.exists():
            return None
        document = json.loads(path.read_text(encoding="utf-8"))
        return _pool_keys_from_pem(document, str(path))


def _pem_document(keys: PoolKeys) -> dict[str, str | list[str]]:
    return {
        "access": keys.access.private_pem(),
        "id": keys.id.private_pem(),
        "retired": [key.private_pem() for key in keys.retired],
    }


def _pool_keys_from_pem(document: Mapping[str, Any], source: str) -> PoolKeys:
    """PoolKeys from `_pem_document`'s shape; ValueError naming `source` for a key that is not
    an RSA private key."""

    def load(pem: str) -> SigningKey:
        private_key = serialization.load_pem_private_key(pem.encode("ascii"), password=None)
        if not isinstance(private_key, rsa.RSAPrivateKey):
            raise ValueError(f"{source}: not an RSA private key")
        return SigningKey.from_private_key(private_key)

    return PoolKeys(
        access=load(document["access"]),
        id=load(document["id"]),
        retired=[load(pem) for pem in document.get("retired", [])],
    )
