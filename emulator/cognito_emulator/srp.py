"""USER_SRP_AUTH: Cognito's SRP-6a password proof, server side, and its pending challenges.

Plain moto accepts any signature: it answers USER_SRP_AUTH with a random SRP_B and completes the
PASSWORD_VERIFIER challenge whatever PASSWORD_CLAIM_SIGNATURE is sent, so anyone can sign in as
anyone over SRP. The emulator does what Cognito does:

- SRP-6a over the 3072-bit group of RFC 5054 with g = 2 and SHA-256, k = H(N | g);
  x = H(salt | H(pool_name + USER_ID_FOR_SRP + ":" + password)), v = g^x, B = k*v + g^b,
  u = H(A | B), S = (A * v^u)^b. Numbers are hashed as big-endian hex with a leading 00 byte
  when the top bit is set, the padding Cognito's own SDKs use (not RFC 5054's PAD).
- The client proves S with PASSWORD_CLAIM_SIGNATURE = base64(HMAC-SHA256(key, pool_name +
  USER_ID_FOR_SRP + SECRET_BLOCK bytes + TIMESTAMP)), key = HKDF-SHA256(ikm=S, salt=u,
  info="Caldera Derived Key") cut to 16 bytes; pool_name is the pool id without its region.
- TIMESTAMP reads like "Wed Nov 26 05:00:00 UTC 2026". Cognito parses it and signs its own
  rendering of the parsed time, so a zero-padded day ("Nov 05") or a wrong weekday fails the
  proof (NotAuthorizedException), while text that does not parse at all is an
  InvalidParameterException.

The emulator keeps the user's plaintext password (moto does), so v is computed per challenge.
Each user's salt is stable: an HMAC of the pool and USER_ID_FOR_SRP under a key made when the
emulator starts, so there is no per-user table to grow or clean. A challenge lives in memory,
keyed by its SECRET_BLOCK, until answered (once: a replay is refused) or until its app client's
AuthSessionValidity (minutes, default 3) passes on the emulator clock; at most
`MAX_PENDING_CHALLENGES` are kept, the oldest dropped first.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import hmac
import re
import secrets
from collections import OrderedDict
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from cognito_emulator.clock import Clock
from cognito_emulator.exceptions import (
    INCORRECT_CREDENTIALS,
    InvalidParameterException,
    NotAuthorizedException,
)

N_HEX = (
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C"
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF"
)
N = int(N_HEX, 16)
G = 2
HKDF_INFO = b"Caldera Derived Key"
DEFAULT_AUTH_SESSION_MINUTES = 3
MAX_PENDING_CHALLENGES = 10_000
# An expired challenge is remembered this much longer, so a late answer hears "expired".
EXPIRED_REMEMBERED_SECONDS = 900.0
SESSION_EXPIRED = "Invalid session for the user, session is expired."
TIMESTAMP_FORMAT_ERROR = "TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english."

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_HEX = re.compile(r"[0-9a-fA-F]{1,2048}")
_TIMESTAMP = re.compile(
    r"([A-Za-z]{3}) ([A-Za-z]{3}) (\d{1,2}) (\d{1,2}):(\d{1,2}):(\d{1,2}) "
    r"([A-Za-z]{1,5}|[+-]\d{2}:?\d{2}) (\d{4})"
)


def _pad_hex(value: int) -> str:
    """Hex of a non-negative number, as Cognito hashes it: whole bytes, with a 00 byte in front
    when the top bit is set (the two's-complement form of Java's BigInteger)."""
    text = f"{value:x}"
    if len(text) % 2:
        return "0" + text
    if text[0] in "89abcdef":
        return "00" + text
    return text


def _hash_hex(hex_text: str) -> int:
    return int.from_bytes(hashlib.sha256(bytes.fromhex(hex_text)).digest(), "big")


K = _hash_hex(_pad_hex(N) + _pad_hex(G))


def pool_name(pool_id: str) -> str:
    """The part of a pool id after the region: what SRP hashes and signs."""
    return pool_id.split("_", 1)[-1]


def password_exponent(pool_id: str, user_id_for_srp: str, password: str, salt_hex: str) -> int:
    """x = H(salt | H(pool_name + USER_ID_FOR_SRP + ":" + password))."""
    identity = f"{pool_name(pool_id)}{user_id_for_srp}:{password}".encode()
    inner = hashlib.sha256(identity).hexdigest()
    return _hash_hex(_pad_hex(int(salt_hex, 16)) + inner)


def scrambler(big_a: int, big_b: int) -> int:
    """u = H(A | B)."""
    return _hash_hex(_pad_hex(big_a) + _pad_hex(big_b))


def derive_key(premaster: int, u: int) -> bytes:
    """HKDF-SHA256(ikm=S, salt=u, info="Caldera Derived Key"), first 16 bytes."""
    hkdf = HKDF(
        algorithm=hashes.SHA256(), length=16, salt=bytes.fromhex(_pad_hex(u)), info=HKDF_INFO
    )
    return hkdf.derive(bytes.fromhex(_pad_hex(premaster)))


def claim_signature(
    key: bytes, pool_id: str, user_id_for_srp: str, secret_block: bytes, timestamp: str
) -> bytes:
    message = (
        pool_name(pool_id).encode() + user_id_for_srp.encode() + secret_block + timestamp.encode()
    )
    return hmac.new(key, message, hashlib.sha256).digest()


def canonical_timestamp(timestamp: str) -> str | None:
    """Cognito's own rendering of a TIMESTAMP, or None when it names no real time (which can
    then never match). InvalidParameterException when it does not parse at all."""
    match = _TIMESTAMP.fullmatch(timestamp)
    weekdays = [name.lower() for name in WEEKDAYS]
    months = [name.lower() for name in MONTHS]
    if match is None or match[1].lower() not in weekdays or match[2].lower() not in months:
        raise InvalidParameterException(TIMESTAMP_FORMAT_ERROR)
    try:
        moment = datetime.datetime(
            int(match[8]),
            months.index(match[2].lower()) + 1,
            int(match[3]),
            int(match[4]),
            int(match[5]),
            int(match[6]),
        )
    except ValueError:
        return None
    return (
        f"{WEEKDAYS[moment.weekday()]} {MONTHS[moment.month - 1]} {moment.day} "
        f"{moment:%H:%M:%S} UTC {moment.year}"
    )


def parse_srp_a(srp_a: str) -> int:
    """The client's public value A; refused unless it is hex and A mod N != 0."""
    big_a = int(srp_a, 16) if _HEX.fullmatch(srp_a) else 0
    if big_a % N == 0:
        raise InvalidParameterException("SRP_A is not a valid SRP public value.")
    return big_a


@dataclass(frozen=True, slots=True)
class PendingChallenge:
    """One PASSWORD_VERIFIER challenge awaiting its answer. `exponent` is None for a decoy (an
    unknown user in a client that hides user existence): no answer can prove it."""

    pool_id: str
    client_id: str
    user_id_for_srp: str
    salt: str
    big_a: int
    b: int
    big_b: int
    verifier: int
    exponent: int | None
    secret_block: bytes
    expires_at: float


class SrpChallenges:
    """Pending PASSWORD_VERIFIER challenges: issued by `start`, answered once via `take` and
    `verify`; bounded, and expiring on the emulator clock."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._salt_key = secrets.token_bytes(32)
        self._pending: OrderedDict[str, PendingChallenge] = OrderedDict()

    def __len__(self) -> int:
        return len(self._pending)

    def clear(self) -> None:
        self._pending.clear()

    def salt(self, pool_id: str, user_id_for_srp: str) -> str:
        """The user's SRP salt (128 bits, hex without leading zeros, so that every client SDK
        reads it as the same bytes): the same for every challenge of this user."""
        digest = hmac.new(
            self._salt_key, f"{pool_id}\0{user_id_for_srp}".encode(), hashlib.sha256
        ).digest()
        return f"{int.from_bytes(digest[:16], 'big'):x}"

    def start(
        self,
        *,
        pool_id: str,
        client_id: str,
        user_id_for_srp: str,
        password: str | None,
        srp_a: str,
        session_minutes: float = DEFAULT_AUTH_SESSION_MINUTES,
    ) -> dict[str, str]:
        """A PASSWORD_VERIFIER challenge's parameters; `password` None makes a decoy."""
        big_a = parse_srp_a(srp_a)
        salt = self.salt(pool_id, user_id_for_srp)
        exponent = (
            password_exponent(pool_id, user_id_for_srp, password, salt)
            if password is not None
            else None
        )
        verifier = pow(G, exponent if exponent is not None else secrets.randbits(256), N)
        while True:
            b = secrets.randbits(256) % N
            big_b = (K * verifier + pow(G, b, N)) % N
            if b and big_b and scrambler(big_a, big_b):
                break
        block = secrets.token_bytes(96)
        secret_block = base64.b64encode(block).decode("ascii")
        self._remember(
            secret_block,
            PendingChallenge(
                pool_id=pool_id,
                client_id=client_id,
                user_id_for_srp=user_id_for_srp,
                salt=salt,
                big_a=big_a,
                b=b,
                big_b=big_b,
                verifier=verifier,
                exponent=exponent,
                secret_block=block,
                expires_at=self._clock.now() + 60 * session_minutes,
            ),
        )
        return {
            "SALT": salt,
            "SRP_B": f"{big_b:x}",
            "SECRET_BLOCK": secret_block,
            "USERNAME": user_id_for_srp,
            "USER_ID_FOR_SRP": user_id_for_srp,
        }

    def take(self, secret_block: str, *, pool_id: str, client_id: str) -> PendingChallenge:
        """The challenge a PASSWORD_CLAIM_SECRET_BLOCK answers, removed (an answer is accepted at
        most once). Unknown, already answered or another client's: NotAuthorizedException."""
        pending = self._pending.pop(secret_block, None)
        if pending is None or pending.pool_id != pool_id or pending.client_id != client_id:
            raise NotAuthorizedException(INCORRECT_CREDENTIALS)
        if self._clock.now() >= pending.expires_at:
            raise NotAuthorizedException(SESSION_EXPIRED)
        return pending

    def verify(
        self,
        pending: PendingChallenge,
        *,
        password: str | None,
        timestamp: str,
        signature: str,
    ) -> None:
        """Refuse (NotAuthorizedException) unless `signature` proves the user's current
        `password` for this challenge; None stands for a user who cannot sign in."""
        canonical = canonical_timestamp(timestamp)
        if pending.exponent is None or password is None or canonical != timestamp:
            raise NotAuthorizedException(INCORRECT_CREDENTIALS)
        # The password may have changed since the challenge was issued: only the current one.
        current = password_exponent(
            pending.pool_id, pending.user_id_for_srp, password, pending.salt
        )
        if current != pending.exponent:
            raise NotAuthorizedException(INCORRECT_CREDENTIALS)
        try:
            provided = base64.b64decode(signature, validate=True)
        except (binascii.Error, ValueError):
            raise NotAuthorizedException(INCORRECT_CREDENTIALS) from None
        u = scrambler(pending.big_a, pending.big_b)
        premaster = pow(pending.big_a * pow(pending.verifier, u, N) % N, pending.b, N)
        expected = claim_signature(
            derive_key(premaster, u),
            pending.pool_id,
            pending.user_id_for_srp,
            pending.secret_block,
            timestamp,
        )
        if not hmac.compare_digest(expected, provided):
            raise NotAuthorizedException(INCORRECT_CREDENTIALS)

    def _remember(self, secret_block: str, pending: PendingChallenge) -> None:
        now = self._clock.now()
        while self._pending:
            oldest = next(iter(self._pending.values()))
            if now < oldest.expires_at + EXPIRED_REMEMBERED_SECONDS:
                break
            self._pending.popitem(last=False)
        while len(self._pending) >= MAX_PENDING_CHALLENGES:
            self._pending.popitem(last=False)
        self._pending[secret_block] = pending
