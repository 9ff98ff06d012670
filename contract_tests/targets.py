"""Where the Cognito contract runs: the emulator, plain moto_server, or a real user pool.

Every target is reached the same way, through a boto3 ``cognito-idp`` client, and its pool's
domain (``/oauth2/*``) over HTTP, so one test body runs unchanged on all of them. What differs is
spelled out as capabilities: only the emulator has an outbox to read confirmation codes from and
a clock to move; plain moto has no domain at all; a login page can be driven only on this
machine. The others skip, with the reason, the behaviours that need what they lack.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import boto3
import httpx
import pytest
from botocore.config import Config

from cognito_emulator.cloudformation import boto3_call
from cognito_emulator.cloudformation.kit_template import (
    APP_CLIENT,
    USER_POOL,
    deploy_kit_template,
    kit_parameters,
)
from cognito_emulator.login_page_client import LoginPageClient, is_loopback
from contract_tests.secret_hash import reference_secret_hash
from devstack.ports import free_port

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

    from cognito_emulator import EmulatorServer

TARGET_NAMES = ("emulator", "aws", "moto")
LOCAL_ACCESS_KEY = "testing"
AWS_SETTING_NAMES = (
    "AWS_REGION",
    "AWS_COGNITO_USER_POOL_ID",
    "AWS_COGNITO_APP_CLIENT_ID",
    "AWS_COGNITO_APP_CLIENT_SECRET",
)
# Optional on a real pool: without them the OAuth behaviours skip, naming what to set.
AWS_DOMAIN_SETTING = "AWS_COGNITO_DOMAIN"
AWS_MACHINE_CLIENT_SETTINGS = ("AWS_COGNITO_MACHINE_CLIENT_ID", "AWS_COGNITO_MACHINE_CLIENT_SECRET")
MOTO_HAS_NO_DOMAIN = (
    "moto: plain moto serves no pool domain (no /oauth2/* endpoints, no login pages); "
    "the behaviour is covered on the emulator"
)
# Short timeouts and a single attempt: a contract must see each answer as Cognito gave it,
# not after botocore retried a throttle or an error away.
BOTO_CONFIG = Config(
    retries={"max_attempts": 1, "mode": "standard"}, connect_timeout=5, read_timeout=15
)


class CodeOutbox(Protocol):
    """Reads the confirmation codes a target delivered (only the emulator can)."""

    def __call__(self, pool_id: str, username: str) -> list[dict[str, Any]]: ...  # pragma: no cover


class ClockControl(Protocol):
    """Moves a target's clock (only the emulator can)."""

    def __call__(self, seconds: float) -> float: ...  # pragma: no cover


@dataclass(frozen=True)
class AppClient:
    """An app client of a target's pool, with its secret (a further one a test creates, or the
    pool's machine client)."""

    client_id: str
    client_secret: str


@dataclass
class CognitoTarget:
    """One user pool and app client with a secret, reached through boto3; and the pool's domain
    with its machine client, where the target has them (``*_missing`` says why not)."""

    name: str
    client: CognitoIdentityProviderClient
    region: str
    user_pool_id: str
    client_id: str
    client_secret: str
    jwks_url: str
    outbox: CodeOutbox | None = None
    clock: ClockControl | None = None
    domain_url: str | None = None
    domain_missing: str = "the pool has no domain"
    machine_client: AppClient | None = None
    machine_client_missing: str = "the pool has no client-credentials app client"
    clock_offset: float = field(default=0.0, init=False)

    @property
    def issuer(self) -> str:
        return f"https://cognito-idp.{self.region}.amazonaws.com/{self.user_pool_id}"

    def secret_hash(self, username: str) -> str:
        return reference_secret_hash(username, self.client_id, self.client_secret)

    def require_outbox(self) -> CodeOutbox:
        """The target's outbox, or a skip: only the emulator lets a test read delivered codes."""
        if self.outbox is None:
            pytest.skip(
                f"{self.name}: no outbox to read confirmation codes from (a real pool mails "
                "them); the behaviour is covered on the emulator"
            )
        return self.outbox

    def read_code(
        self, username: str, purposes: tuple[str, ...], *, pool_id: str | None = None
    ) -> str:
        """The newest code delivered to ``username`` (in the target's pool unless ``pool_id``
        names another) for one of ``purposes``, or a skip."""
        outbox = self.require_outbox()
        codes = [
            message["code"]
            for message in outbox(pool_id or self.user_pool_id, username)
            if message["purpose"] in purposes
        ]
        if not codes:
            raise AssertionError(f"no {purposes} code was delivered to {username!r}")
        return str(codes[-1])

    def advance_clock(self, seconds: float) -> None:
        """Moves the target's clock forward, or skips: only the emulator has a clock to move."""
        if self.clock is None:
            pytest.skip(
                f"{self.name}: cannot move the clock; expiry is covered on the emulator "
                "(waiting out real lifetimes of hours is not a test)"
            )
        self.clock(seconds)
        self.clock_offset += seconds

    def now(self) -> float:
        """The target's time, epoch seconds: the emulator's clock (a test may have moved it),
        else this machine's, which a real pool's clock is assumed to agree with (NTP)."""
        return self.clock(0) if self.clock is not None else time.time()

    def restore_clock(self) -> None:
        if self.clock is not None and self.clock_offset:
            self.clock(-self.clock_offset)
        self.clock_offset = 0.0

    def oauth_domain(self) -> str:
        """Where the pool's domain serves ``/oauth2/*`` and the login pages, or a skip."""
        if self.domain_url is None:
            pytest.skip(self.domain_missing)
        return self.domain_url.rstrip("/")

    def machine(self) -> AppClient:
        """The pool's client-credentials app client, or a skip."""
        if self.machine_client is None:
            pytest.skip(self.machine_client_missing)
        return self.machine_client

    def login_page(self) -> LoginPageClient:
        """A new, signed-out browser at the pool's login page, or a skip.

        The emulator's login helper sends HTTP to this machine only; a real pool's hosted UI is
        signed in to in a browser (the authorization-code behaviours run on the emulator, or on
        a standalone emulator named by ``AWS_COGNITO_DOMAIN``).
        """
        domain = self.oauth_domain()
        if not is_loopback(domain):
            pytest.skip(
                f"{self.name}: the login page at {domain} is not on this machine, and the login "
                "helper drives pages on 127.0.0.1 only; the authorization-code behaviours run "
                "on the emulator"
            )
        return LoginPageClient(domain)

    def fetch_jwks(self) -> dict[str, Any]:
        response = httpx.get(self.jwks_url, timeout=10)
        response.raise_for_status()
        jwks: dict[str, Any] = response.json()
        return jwks


def local_client(endpoint_url: str, region: str) -> CognitoIdentityProviderClient:
    """A boto3 client for a server on 127.0.0.1, with dummy credentials (never real ones)."""
    return boto3.client(
        "cognito-idp",
        region_name=region,
        endpoint_url=endpoint_url,
        aws_access_key_id=LOCAL_ACCESS_KEY,
        aws_secret_access_key=LOCAL_ACCESS_KEY,
        config=BOTO_CONFIG,
    )


def provision_pool(client: CognitoIdentityProviderClient, name: str) -> tuple[str, str, str]:
    """Deploys the kit's template as the emulator bootstraps it, but without a domain (plain
    moto serves none); (pool, client, secret).

    The very template and deployer the emulator's bootstrap uses, here through boto3: a
    difference between moto and the emulator is then a difference in the server, not in the
    setup. The name is new each run, so the deployment creates everything.
    """
    stack = deploy_kit_template(
        boto3_call(client),
        region=client.meta.region_name,
        parameters=kit_parameters(
            pool_name=name, client_name=f"{name}-client", deletion_protection=False
        ),
    )
    app_client = stack.resources[APP_CLIENT]
    return (
        stack.resources[USER_POOL].physical_id,
        app_client.physical_id,
        app_client.attributes["ClientSecret"],
    )


class MotoServerProcess:
    """Plain ``moto_server`` in a subprocess on a free 127.0.0.1 port.

    A subprocess, not moto's in-process server: the emulator is built on moto's backends, and
    sharing them would make "plain moto" partly the emulator.
    """

    def __init__(self) -> None:
        self.port = free_port()
        self.endpoint_url = f"http://127.0.0.1:{self.port}"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 30.0) -> None:
        executable = Path(sys.executable).with_name("moto_server")
        command = (
            [str(executable)] if executable.exists() else [sys.executable, "-m", "moto.server"]
        )
        self._process = subprocess.Popen(
            [*command, "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"moto_server exited with {self._process.returncode}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"moto_server did not listen on {self.endpoint_url} in {timeout}s")

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None


def emulator_target(server: EmulatorServer, pool_name: str) -> CognitoTarget:
    """A fresh pool on the in-process emulator, with its outbox, clock, domain and machine
    client."""
    pool = server.bootstrap(pool_name=pool_name, client_name=f"{pool_name}-client")
    assert pool.machine_client_id and pool.machine_client_secret, "the bootstrap made no machine"
    return CognitoTarget(
        name="emulator",
        client=local_client(server.endpoint_url, pool.region),
        region=pool.region,
        user_pool_id=pool.user_pool_id,
        client_id=pool.client_id,
        client_secret=pool.client_secret,
        jwks_url=f"{server.endpoint_url}/{pool.user_pool_id}/.well-known/jwks.json",
        outbox=server.outbox,
        clock=server.advance_clock,
        domain_url=pool.domain_url,
        machine_client=AppClient(pool.machine_client_id, pool.machine_client_secret),
    )


def moto_target(server: MotoServerProcess, region: str = "us-east-1") -> CognitoTarget:
    client = local_client(server.endpoint_url, region)
    pool_id, client_id, secret = provision_pool(client, "contract-moto")
    return CognitoTarget(
        name="moto",
        client=client,
        region=region,
        user_pool_id=pool_id,
        client_id=client_id,
        client_secret=secret,
        jwks_url=f"{server.endpoint_url}/{pool_id}/.well-known/jwks.json",
        domain_missing=MOTO_HAS_NO_DOMAIN,
        machine_client_missing=MOTO_HAS_NO_DOMAIN,
    )


def missing_aws_settings(environ: Mapping[str, str]) -> list[str]:
    """The settings a real-pool run lacks; AWS credentials count as one item.

    Credentials are looked for in the environment only (keys or a named profile): boto3's full
    chain would also probe the EC2/ECS metadata endpoints, i.e. the network, just to say "no".
    """
    missing = [name for name in AWS_SETTING_NAMES if not environ.get(name)]
    has_keys = environ.get("AWS_ACCESS_KEY_ID") and environ.get("AWS_SECRET_ACCESS_KEY")
    if not (has_keys or environ.get("AWS_PROFILE")):
        missing.append(
            "AWS credentials (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE)"
        )
    return missing


def aws_target() -> CognitoTarget:
    """The user pool named by the service's own settings (``AWS_COGNITO_*``).

    ``AWS_COGNITO_ENDPOINT_URL``, when set, points the same run at another server (e.g. a
    standalone emulator); unset means real AWS.
    """
    missing = missing_aws_settings(os.environ)
    if missing:
        pytest.skip(
            "--cognito-target=aws needs a user pool from the environment; missing: "
            + ", ".join(missing)
        )
    region = os.environ["AWS_REGION"]
    pool_id = os.environ["AWS_COGNITO_USER_POOL_ID"]
    endpoint_url = os.environ.get("AWS_COGNITO_ENDPOINT_URL") or None
    client = boto3.client(
        "cognito-idp", region_name=region, endpoint_url=endpoint_url, config=BOTO_CONFIG
    )
    base_url = endpoint_url or f"https://cognito-idp.{region}.amazonaws.com"
    machine_id, machine_secret = (os.environ.get(name) for name in AWS_MACHINE_CLIENT_SETTINGS)
    return CognitoTarget(
        name="aws",
        client=client,
        region=region,
        user_pool_id=pool_id,
        client_id=os.environ["AWS_COGNITO_APP_CLIENT_ID"],
        client_secret=os.environ["AWS_COGNITO_APP_CLIENT_SECRET"],
        jwks_url=f"{base_url.rstrip('/')}/{pool_id}/.well-known/jwks.json",
        domain_url=os.environ.get(AWS_DOMAIN_SETTING) or None,
        domain_missing=(
            f"aws: the OAuth behaviours need the pool's domain: set {AWS_DOMAIN_SETTING} "
            "(https://PREFIX.auth.REGION.amazoncognito.com)"
        ),
        machine_client=(
            AppClient(machine_id, machine_secret) if machine_id and machine_secret else None
        ),
        machine_client_missing=(
            "aws: the client-credentials behaviours need the pool's machine client: set "
            + " and ".join(AWS_MACHINE_CLIENT_SETTINGS)
        ),
    )
