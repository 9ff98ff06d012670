"""Start the emulator in-process and the service as a uvicorn subprocess pointed at it.

The emulator runs in this process (its state lives here); the service runs in its own process,
with as many uvicorn workers as asked, so it is exercised exactly as it is deployed: configured
through the environment only, its database migrated first (the service refuses one that is not).

The service's Lambda triggers (app/triggers/) run in this process too, as the emulator's
in-process functions, and the pool calls them as a deployed pool calls them on AWS: the
PostConfirmation handler writes to the service's database (the same DATABASE_URL), the
PreTokenGeneration handler gives admins the API's scopes.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType

import httpx
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

import app
from app.core.config import DatabaseSettings, ResourceServerSettings
from app.core.migrations import migrate
from app.triggers import POST_CONFIRMATION_FUNCTION, PRE_TOKEN_GENERATION_FUNCTION
from app.triggers.post_confirmation import PostConfirmation
from app.triggers.pre_token_generation import AdminScopes
from cognito_emulator import EmulatorServer, PoolConfig
from cognito_emulator.cloudformation.kit_template import TriggerFunctions
from cognito_emulator.server import KEEP_ALIVE_SECONDS

# The service runs from the checkout (it is not installed; see pyproject.toml).
CHECKOUT = Path(app.__file__).resolve().parent.parent

DEFAULT_DATABASE_URL = "sqlite:///./app.db"
# Where `nox -s dev` keeps the emulator's pools, users and tokens between runs (beside app.db).
DEFAULT_STATE_DIR = Path(".devstack/emulator-state")
OWNER_ONLY = 0o600
SERVICE_TRIGGERS = TriggerFunctions(
    post_confirmation=POST_CONFIRMATION_FUNCTION,
    pre_token_generation=PRE_TOKEN_GENERATION_FUNCTION,
)


def default_log_dir() -> Path:
    return Path(tempfile.gettempdir())


def service_log_path(log_dir: Path, service_port: int) -> Path:
    """Where the service's output goes (uvicorn's log, and why a login answered 502)."""
    return log_dir / f"service-{service_port}.log"


def env_file_path(log_dir: Path, service_port: int) -> Path:
    """Where a running stack keeps its pool's settings (`python -m devstack admin` reads them)."""
    return log_dir / f"devstack-{service_port}.env"


class StackStartError(RuntimeError):
    """The service did not come up; the message carries the tail of its output."""


class Stack:
    """Emulator + service on 127.0.0.1, started and stopped together."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        service_port: int = 8000,
        emulator_port: int = 9229,
        workers: int = 1,
        database_url: str | None = None,
        fixed_code: str | None = None,
        quotas: str | None = None,
        log_dir: Path | None = None,
        state_dir: Path | None = None,
    ) -> None:
        """`state_dir`: the emulator's durable state (`--state-dir`); in memory without one.
        StateDirError (a ValueError) when that directory cannot be used."""
        self.host = host
        self.service_port = service_port
        self.workers = workers
        self.database_url = database_url or os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
        self.log_dir = log_dir or default_log_dir()
        self.state_dir = state_dir
        self.emulator = EmulatorServer(
            host=host, port=emulator_port, fixed_code=fixed_code, quotas=quotas, state_dir=state_dir
        )
        self.pool: PoolConfig | None = None
        self._post_confirmation: PostConfirmation | None = None
        self._service: subprocess.Popen[bytes] | None = None
        self.service_log = service_log_path(self.log_dir, service_port)
        self.env_file = env_file_path(self.log_dir, service_port)

    @property
    def service_url(self) -> str:
        """Where the service listens."""
        return f"http://{self.host}:{self.service_port}"

    @property
    def public_url(self) -> str:
        """Where browsers reach the service: localhost, whatever address it binds, because the
        pool's callback URLs are there (Cognito allows plain http only to localhost) and
        Swagger UI's sign-in must return to the origin it was opened on."""
        return f"http://localhost:{self.service_port}"

    @property
    def emulator_url(self) -> str:
        return self.emulator.endpoint_url

    def service_env(self) -> dict[str, str]:
        """The environment the service runs with: the pool's settings (SERVICE_PUBLIC_URL, the
        public URL, among them) and the database."""
        if self.pool is None:
            raise RuntimeError("the stack is not started")
        return {**os.environ, **self.pool.as_env(), "DATABASE_URL": self.database_url}

    def start(self, timeout: float = 60.0) -> None:
        try:
            migrate(self.database_url)
        except SQLAlchemyError as error:
            shown = make_url(self.database_url).render_as_string(hide_password=True)
            raise StackStartError(f"migrating {shown} failed: {error}") from error
        self.start_emulator()
        command = [
            sys.executable, "-m", "uvicorn", "app.main:app", "--app-dir", str(CHECKOUT),
            "--host", self.host, "--port", str(self.service_port),
            "--workers", str(self.workers), "--no-access-log",
            "--timeout-keep-alive", str(KEEP_ALIVE_SECONDS),
        ]  # fmt: skip
        with self.service_log.open("wb") as log:
            self._service = subprocess.Popen(
                command, env=self.service_env(), stdout=log, stderr=subprocess.STDOUT
            )
        self._wait_until_ready(timeout)

    def start_emulator(self) -> None:
        """The emulator with the kit's pool, its callback URLs on the service's public URL and
        its triggers the service's handlers, whose settings go to the env file (owner-only from
        the start: it holds the app client's secret) for `python -m devstack admin`."""
        self.emulator.start()
        self.register_triggers()
        self.pool = self.emulator.bootstrap(
            service_url=self.public_url, trigger_functions=SERVICE_TRIGGERS
        )
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.env_file.unlink(missing_ok=True)
        fd = os.open(self.env_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY)
        with os.fdopen(fd, "w") as env_file:
            env_file.write(self.pool.env_file_text())

    def register_triggers(self) -> None:
        """The service's handlers as the emulator's functions, on the settings the service
        reads (its DATABASE_URL given here, the rest from the environment or .env)."""
        self._post_confirmation = PostConfirmation(DatabaseSettings(DATABASE_URL=self.database_url))
        self.emulator.register_lambda(POST_CONFIRMATION_FUNCTION, self._post_confirmation)
        self.emulator.register_lambda(
            PRE_TOKEN_GENERATION_FUNCTION, AdminScopes(ResourceServerSettings())
        )

    def _wait_until_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        assert self._service is not None
        while time.monotonic() < deadline:
            if self._service.poll() is not None:
                break
            try:
                if httpx.get(f"{self.service_url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        self.stop()
        tail = self.service_log.read_text(errors="replace")[-3000:]
        raise StackStartError(f"the service did not become ready on {self.service_url}:\n{tail}")

    def stop(self) -> None:
        if self._service is not None and self._service.poll() is None:
            self._service.terminate()
            try:
                self._service.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self._service.kill()
                self._service.wait()
        self._service = None
        self.env_file.unlink(missing_ok=True)
        self.emulator.stop()
        if self._post_confirmation is not None:
            self._post_confirmation.close()
            self._post_confirmation = None

    def __enter__(self) -> Stack:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
