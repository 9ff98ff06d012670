"""The Cognito servers under test, each in its own process on a free 127.0.0.1 port.

Separate processes so no server shares a GIL with the load generator or with another server.
Every server gets the same pool and app client: the emulator from its own bootstrap, the others
through boto3 with the emulator's bootstrap request bodies, so settings cannot drift apart.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3

from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.cloudformation import Template, boto3_call, template_from_body
from cognito_emulator.cloudformation.kit_template import (
    APP_CLIENT,
    DOMAIN,
    MACHINE_CLIENT,
    RESOURCE_SERVER,
    USER_POOL,
    deploy_kit_template,
    kit_parameters,
    kit_template,
)
from cognito_emulator.pool_definition import DEFAULT_POOL_NAME
from devstack.ports import free_port

HOST = "127.0.0.1"
DURABLE_EMULATOR = "emulator-state-dir"
REGION = "us-east-1"
COGNITO_LOCAL_PACKAGE = "cognito-local@^5"
CHECKOUT = Path(__file__).resolve().parent.parent
NPM_INSTALL_SECONDS = 240


class ServerStartError(RuntimeError):
    """A server did not come up; the message carries the tail of its log."""


@dataclass
class ServerProcess:
    """One running server: its process, where it listens, its log, its pool once bootstrapped."""

    name: str
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path
    host: str = HOST
    pool: PoolConfig | None = field(default=None)

    @property
    def endpoint_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def require_pool(self) -> PoolConfig:
        if self.pool is None:
            raise RuntimeError(f"{self.name} has no bootstrapped pool")
        return self.pool

    def rss_bytes(self) -> int:
        """Resident set size of the server process, from /proc (Linux)."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        raise RuntimeError(f"no VmRSS for {self.name} (pid {self.process.pid})")

    def cpu_seconds(self) -> float:
        """User + system CPU time the server process has used, from /proc (Linux)."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        utime, stime = int(fields[11]), int(fields[12])  # stat(5) fields 14 and 15
        return (utime + stime) / os.sysconf("SC_CLK_TCK")

    def log_tail(self, chars: int = 3000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:] if self.log_path.exists() else ""

    def wait_until_answering(self, path: str, timeout: float = 60.0) -> None:
        """Any HTTP answer on `path` means the server is accepting requests."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            connection = http.client.HTTPConnection(self.host, self.port, timeout=2)
            try:
                connection.request("GET", path)
                connection.getresponse().read()
                return
            except OSError:
                time.sleep(0.1)
            finally:
                connection.close()
        self.stop()
        raise ServerStartError(
            f"{self.name} did not start on {self.endpoint_url}:\n{self.log_tail()}"
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _spawn(
    name: str, command: list[str], workdir: Path, port: int, env: dict[str, str] | None = None
) -> ServerProcess:
    log_path = workdir / f"{name}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    return ServerProcess(name=name, port=port, process=process, log_path=log_path)


def checkout_on_python_path() -> dict[str, str]:
    """This process's environment, the checkout first on PYTHONPATH (the server runs in the
    benchmark's log directory, where `benchmarks` is not importable by itself)."""
    paths = [str(CHECKOUT), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}


def read_env_file(path: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    return {key.strip(): value.strip() for key, value in pairs}


def start_emulator(
    workdir: Path, lambdas: Mapping[str, str] | None = None, *, state_dir: Path | None = None
) -> ServerProcess:
    """`python -m cognito_emulator` as a user runs it: its bootstrap, settings from --env-file;
    `lambdas` ({NAME: "module:function"}) as its `--lambda` options, the modules imported from
    this checkout; with `state_dir`, durable (`--state-dir`, named DURABLE_EMULATOR)."""
    port = free_port()
    name = "emulator" if state_dir is None else DURABLE_EMULATOR
    env_file = workdir / f"{name}.env"
    command = [
        sys.executable, "-m", "cognito_emulator", "--host", HOST, "--port", str(port),
        "--env-file", str(env_file),
    ]  # fmt: skip
    if state_dir is not None:
        command += ["--state-dir", str(state_dir)]
    for function, reference in (lambdas or {}).items():
        command += ["--lambda", f"{function}={reference}"]
    env = checkout_on_python_path() if lambdas else None
    server = _spawn(name, command, workdir, port, env=env)
    server.wait_until_answering("/_emulator/health")
    deadline = time.monotonic() + 10
    while not env_file.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    server.pool = pool_from_env(read_env_file(env_file), server.endpoint_url)
    return server


def pool_from_env(settings: dict[str, str], endpoint_url: str) -> PoolConfig:
    """The pool an --env-file describes; its domain is the last segment of AWS_COGNITO_DOMAIN
    (`{endpoint}/domains/{prefix}`)."""
    domain_url = settings.get("AWS_COGNITO_DOMAIN")
    return PoolConfig(
        region=settings["AWS_REGION"],
        user_pool_id=settings["AWS_COGNITO_USER_POOL_ID"],
        client_id=settings["AWS_COGNITO_APP_CLIENT_ID"],
        client_secret=settings["AWS_COGNITO_APP_CLIENT_SECRET"],
        endpoint_url=endpoint_url,
        domain=urlsplit(domain_url).path.rsplit("/", 1)[-1] if domain_url else None,
        machine_client_id=settings.get("AWS_COGNITO_MACHINE_CLIENT_ID"),
        machine_client_secret=settings.get("AWS_COGNITO_MACHINE_CLIENT_SECRET"),
    )


def moto_server_command() -> list[str]:
    """The moto_server console script of the interpreter running the benchmark."""
    script = Path(sys.executable).with_name("moto_server")
    return [str(script)] if script.exists() else [sys.executable, "-m", "moto.server"]


def start_moto_server(workdir: Path) -> ServerProcess:
    port = free_port()
    command = [*moto_server_command(), "-H", HOST, "-p", str(port)]
    server = _spawn("moto_server", command, workdir, port)
    server.wait_until_answering("/moto-api/")
    server.pool = bootstrap_with_boto3(server.endpoint_url)
    return server


def cognito_local_binary(cache_dir: Path) -> tuple[Path | None, str]:
    """cognito-local from PATH or the benchmark's npm cache; installed there on first use.

    Returns the binary, or None and why not (no npm, install failed): it is an optional column.
    """
    on_path = shutil.which("cognito-local")
    if on_path:
        return Path(on_path), "found on PATH"
    binary = cache_dir / "node_modules" / ".bin" / "cognito-local"
    if binary.exists():
        return binary, f"cached in {cache_dir}"
    npm = shutil.which("npm")
    if npm is None:
        return None, "npm is not installed"
    cache_dir.mkdir(parents=True, exist_ok=True)
    command = [npm, "install", "--prefix", str(cache_dir), "--no-audit", "--no-fund"]
    try:
        subprocess.run(
            [*command, COGNITO_LOCAL_PACKAGE],
            capture_output=True,
            check=True,
            timeout=NPM_INSTALL_SECONDS,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
        output = getattr(error, "stderr", b"") or b""
        return None, f"npm install {COGNITO_LOCAL_PACKAGE} failed: {output.decode()[-300:]}"
    if not binary.exists():
        return None, f"npm install {COGNITO_LOCAL_PACKAGE} gave no cognito-local binary"
    return binary, f"installed into {cache_dir}"


def cognito_local_version(binary: Path) -> str:
    """The version in the package.json above the (symlinked) binary, or "unknown"."""
    for directory in binary.resolve().parents:
        manifest = directory / "package.json"
        if manifest.exists():
            package = json.loads(manifest.read_text())
            if package.get("name") == "cognito-local":
                return str(package.get("version", "unknown"))
    return "unknown"


def start_cognito_local(binary: Path, workdir: Path) -> ServerProcess:
    """cognito-local keeps its state in ./.cognito of its working directory: a fresh one."""
    port = free_port()
    state_dir = workdir / "cognito-local"
    (state_dir / ".cognito").mkdir(parents=True, exist_ok=True)
    config = {
        "ServerConfig": {"hostname": HOST, "port": port},
        # its default makes every pool take emails as usernames; the other servers do not
        "UserPoolDefaults": {"UsernameAttributes": []},
    }
    (state_dir / ".cognito" / "config.json").write_text(json.dumps(config))
    env = {**os.environ, "PORT": str(port), "HOST": HOST}
    server = _spawn("cognito-local", [str(binary)], state_dir, port, env=env)
    server.wait_until_answering("/")
    server.pool = bootstrap_with_boto3(server.endpoint_url)
    return server


def cognito_idp_client(endpoint_url: str) -> Any:
    return boto3.client(
        "cognito-idp",
        endpoint_url=endpoint_url,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


# What the benchmark servers' pool leaves out of the kit's template: what cognito-local lacks
# (resource servers, domains, SetUserPoolMfaConfig), and the OAuth side, which only the
# emulator's section measures.
LEFT_OUT_RESOURCES = (RESOURCE_SERVER, DOMAIN, MACHINE_CLIENT)
LEFT_OUT_POOL_PROPERTIES = ("MfaConfiguration", "EnabledMfas")
OAUTH_PROPERTIES = (
    "AllowedOAuthFlowsUserPoolClient",
    "AllowedOAuthFlows",
    "AllowedOAuthScopes",
    "CallbackURLs",
    "LogoutURLs",
    "SupportedIdentityProviders",
)


def password_side_template(lambda_config: Mapping[str, str] | None = None) -> Template:
    """The kit's template less `LEFT_OUT_RESOURCES`, the pool's MFA and the app client's OAuth
    side; with `lambda_config` as the pool's triggers, if given."""
    body = kit_template().edited_body()
    resources = body["Resources"]
    for logical_id in LEFT_OUT_RESOURCES:
        del resources[logical_id]
    pool = resources[USER_POOL]["Properties"]
    for name in LEFT_OUT_POOL_PROPERTIES:
        del pool[name]
    if lambda_config:
        pool["LambdaConfig"] = dict(lambda_config)
    client = resources[APP_CLIENT]["Properties"]
    for name in OAUTH_PROPERTIES:
        del client[name]
    del body["Outputs"]  # they name the machine client and the domain
    return template_from_body(body, "cognito-kit (password side)")


def bootstrap_with_boto3(
    endpoint_url: str,
    lambda_config: Mapping[str, str] | None = None,
    pool_name: str = DEFAULT_POOL_NAME,
) -> PoolConfig:
    """The emulator's bootstrap pool and app client, deployed through boto3 on another server:
    the template's password side only (`password_side_template`). A pool of `pool_name` that
    exists already is updated, as deploying does."""
    stack = deploy_kit_template(
        boto3_call(cognito_idp_client(endpoint_url)),
        region=REGION,
        parameters=kit_parameters(pool_name=pool_name, deletion_protection=False),
        template=password_side_template(lambda_config),
    )
    app_client = stack.resources[APP_CLIENT]
    return PoolConfig(
        region=REGION,
        user_pool_id=stack.resources[USER_POOL].physical_id,
        client_id=app_client.physical_id,
        client_secret=app_client.attributes["ClientSecret"],
        endpoint_url=endpoint_url,
    )


def stop_all(servers: list[ServerProcess]) -> None:
    for server in servers:
        with contextlib.suppress(OSError):
            server.stop()
