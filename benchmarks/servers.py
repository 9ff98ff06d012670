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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3

from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.pool_definition import boto3_call, create_pool
from devstack.ports import free_port

HOST = "127.0.0.1"
REGION = "us-east-1"
COGNITO_LOCAL_PACKAGE = "cognito-local@^5"
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


def read_env_file(path: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    return {key.strip(): value.strip() for key, value in pairs}


def start_emulator(workdir: Path) -> ServerProcess:
    """`python -m cognito_emulator` as a user runs it: its bootstrap, settings from --env-file."""
    port = free_port()
    env_file = workdir / "cognito_emulator.env"
    command = [
        sys.executable, "-m", "cognito_emulator", "--host", HOST, "--port", str(port),
        "--env-file", str(env_file),
    ]  # fmt: skip
    server = _spawn("emulator", command, workdir, port)
    server.wait_until_answering("/_emulator/health")
    deadline = time.monotonic() + 10
    while not env_file.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    settings = read_env_file(env_file)
    server.pool = PoolConfig(
        region=settings["AWS_REGION"],
        user_pool_id=settings["AWS_COGNITO_USER_POOL_ID"],
        client_id=settings["AWS_COGNITO_APP_CLIENT_ID"],
        client_secret=settings["AWS_COGNITO_APP_CLIENT_SECRET"],
        endpoint_url=server.endpoint_url,
    )
    return server


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


def bootstrap_with_boto3(endpoint_url: str) -> PoolConfig:
    """The emulator's bootstrap pool and client, created through boto3 on another server."""
    created = create_pool(boto3_call(cognito_idp_client(endpoint_url)))
    return PoolConfig(
        region=REGION,
        user_pool_id=created.user_pool_id,
        client_id=created.client_id,
        client_secret=created.client_secret,
        endpoint_url=endpoint_url,
    )


def stop_all(servers: list[ServerProcess]) -> None:
    for server in servers:
        with contextlib.suppress(OSError):
            server.stop()
