"""One load run: bring up (or point at) the service, provision accounts, run Locust, judge it.

Locust runs in a subprocess only: importing it here would monkey-patch this process with gevent,
and this process hosts the emulator's server thread.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import httpx
from botocore.exceptions import BotoCoreError, ClientError
from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from cognito_emulator.pool_definition import READ_USERS_SCOPE
from devstack.ports import free_port
from load_tests.consistency import ConsistencyReport, UserRow, check_consistency, read_user_rows
from load_tests.provisioning import (
    ProvisioningError,
    ServicePool,
    provision_accounts,
    user_statuses,
)
from load_tests.run_files import (
    Account,
    read_accounts,
    read_confirmed,
    read_journeys,
    read_signed_up,
    write_accounts,
)
from load_tests.thresholds import (
    DEFAULT_P95_MS,
    evaluate,
    format_figures,
    journey_figures,
    read_stats_csv,
    with_journeys,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
STATS_PREFIX = "stats"
LOCUST_GRACE_SECONDS = 60
WEB_UI_ACCOUNTS = 200
# The locustfile's user classes (named here so this process never imports Locust), and the
# environment variable that hands the machine client's secret to the Locust processes: on the
# command line it would show in every process listing.
USER_CLASSES = ("NewUserJourney", "ReturningUser", "ReadsOnly", "MachineClient", "WebSignIn")
MACHINE_SECRET_VARIABLE = "LOAD_MACHINE_CLIENT_SECRET"


@dataclass
class RunOptions:
    """What `python -m load_tests` was asked to do (see its --help for each)."""

    users: int = 20
    spawn_rate: float = 10
    run_time: str = "60s"
    processes: int = 0
    web: bool = False
    web_port: int = 8089
    target_url: str | None = None
    emulator_url: str | None = None
    out: Path = Path("load-results")
    workers: int = 2
    database_url: str | None = None
    fixed_code: str | None = None
    accounts: int | None = None
    accounts_file: Path | None = None
    p95_bounds_ms: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_P95_MS))
    think_scale: float = 1.0
    tags: list[str] = field(default_factory=list)
    user_classes: list[str] = field(default_factory=list)
    provision_only: bool = False


@dataclass(frozen=True)
class MachineClient:
    """The pool's app client for services (client credentials grant), and the scope its load
    asks for: the service's read scope only, so a change is refused (403)."""

    client_id: str
    client_secret: str = field(repr=False)
    scope: str


class MachineClientSettings(BaseSettings):
    """The machine client of a deployed service's pool, where provisioning writes it (the
    environment or `.env`); the service itself never reads these."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    AWS_COGNITO_MACHINE_CLIENT_ID: str | None = None
    AWS_COGNITO_MACHINE_CLIENT_SECRET: SecretStr | None = None


@dataclass(frozen=True)
class Target:
    """Where the load goes and what the run may read afterwards. `domain_url` (the pool's
    domain) is what web sign-in and machine clients need; None leaves them out."""

    service_url: str
    cognito: ServicePool
    emulator_url: str
    database_url: str | None
    fresh_pool: bool
    domain_url: str | None = None
    machine_client: MachineClient | None = None

    def missing_for(self, user_class: str) -> str | None:
        """What keeps `user_class` from running against this target (None: nothing)."""
        if user_class == "WebSignIn" and self.domain_url is None:
            return "the pool has no domain (AWS_COGNITO_DOMAIN), so no login page"
        if user_class == "MachineClient" and (
            self.domain_url is None or self.machine_client is None
        ):
            return (
                "it needs the pool's domain (AWS_COGNITO_DOMAIN) and a machine client "
                "(AWS_COGNITO_MACHINE_CLIENT_ID, AWS_COGNITO_MACHINE_CLIENT_SECRET)"
            )
        return None


class SetupError(RuntimeError):
    """The run could not start (stack, settings, accounts); nothing was measured."""


def parse_run_time(text: str) -> int:
    """Locust's run-time syntax in seconds: `90`, `90s`, `1m30s`, `1h`."""
    if text.isdigit():
        return int(text)
    match = re.fullmatch(r"(?:(\d+)h)?\s*(?:(\d+)m)?\s*(?:(\d+)s)?", text.strip())
    if not match or not any(match.groups()):
        raise ValueError(f"not a run time: {text!r} (examples: 60s, 1m30s, 1h)")
    hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def locust_command(
    options: RunOptions, target: Target, out: Path, accounts_file: Path, run_id: str
) -> list[str]:
    """The Locust command line for this run (headless and bounded, or the web UI)."""
    command = [
        sys.executable, "-m", "locust", "-f", str(LOCUSTFILE),
        "--host", target.service_url,
        "--users", str(options.users), "--spawn-rate", str(options.spawn_rate),
        "--csv", str(out / STATS_PREFIX), "--html", str(out / "report.html"),
        "--logfile", str(out / "locust.log"),
        "--accounts-file", str(accounts_file), "--records-dir", str(out / "records"),
        "--run-id", run_id, "--think-scale", str(options.think_scale),
        "--emulator-url", target.emulator_url, "--pool-id", target.cognito.user_pool_id,
    ]  # fmt: skip
    if target.domain_url is not None:
        command += ["--cognito-domain", target.domain_url]
    if target.machine_client is not None:
        command += ["--machine-client-id", target.machine_client.client_id]
        command += ["--machine-scope", target.machine_client.scope]
    if options.tags:  # before other options: Locust's --tags would swallow the class names
        command += ["--tags", *options.tags]
    if options.fixed_code:
        command += ["--fixed-code", options.fixed_code]
    if options.web:
        command += ["--web-host", "127.0.0.1", "--web-port", str(options.web_port)]
    else:
        command += ["--headless", "--run-time", options.run_time, "--only-summary"]
    if options.processes:
        master_port = str(free_port())
        command += ["--processes", str(options.processes), "--master-bind-host", "127.0.0.1"]
        command += ["--master-bind-port", master_port, "--master-port", master_port]
    return command + user_classes_for(options, target)


def user_classes_for(options: RunOptions, target: Target) -> list[str]:
    """The classes named, each checked against what the target offers; none named: every class
    the target can run (nothing on Locust's command line when that is all of them)."""
    for name in options.user_classes:
        missing = target.missing_for(name)
        if missing is not None:
            raise SetupError(f"{name} cannot run here: {missing}")
    if options.user_classes:
        return options.user_classes
    runnable = [name for name in USER_CLASSES if target.missing_for(name) is None]
    if len(runnable) == len(USER_CLASSES):
        return []
    for name in sorted(set(USER_CLASSES) - set(runnable)):
        print(f"{name} left out: {target.missing_for(name)}", flush=True)
    return runnable


@contextlib.contextmanager
def local_stack(options: RunOptions, out: Path) -> Iterator[Target]:
    """Emulator in this process + service (several uvicorn workers) on 127.0.0.1.

    SQLite by default, in a fresh file per run; PostgreSQL (or any URL) when DATABASE_URL or
    --database-url says so.
    """
    from devstack import Stack  # the emulator's import cost only when a stack is wanted

    database_dir = Path(tempfile.mkdtemp(prefix="load-db-"))
    database_url = (
        options.database_url
        or os.environ.get("DATABASE_URL")
        or f"sqlite:///{database_dir / 'service.db'}"
    )
    stack = Stack(
        service_port=free_port(),
        emulator_port=0,
        workers=options.workers,
        database_url=database_url,
        fixed_code=options.fixed_code,
        log_dir=out,
    )
    try:
        try:
            stack.start()
        except Exception as error:
            raise SetupError(f"the stack did not start: {error}") from error
        pool = stack.pool
        assert pool is not None
        yield Target(
            service_url=stack.service_url,
            cognito=ServicePool(
                region=pool.region,
                user_pool_id=pool.user_pool_id,
                endpoint_url=pool.endpoint_url,
                access_key_id="testing",
                secret_access_key="testing",
            ),
            emulator_url=stack.emulator_url,
            database_url=database_url,
            fresh_pool=True,
            domain_url=pool.domain_url,
            machine_client=(
                None
                if pool.machine_client_id is None or pool.machine_client_secret is None
                else MachineClient(
                    pool.machine_client_id, pool.machine_client_secret, READ_USERS_SCOPE
                )
            ),
        )
    finally:
        stack.stop()
        shutil.rmtree(database_dir, ignore_errors=True)


@contextlib.contextmanager
def deployed_service(options: RunOptions) -> Iterator[Target]:
    """A service already running elsewhere, on the pool named by the service's own settings."""
    from pydantic import ValidationError

    from app.core.config import Settings  # the settings the deployed service reads, same names

    assert options.target_url is not None
    service_url = options.target_url.rstrip("/")
    try:
        ready = httpx.get(f"{service_url}/readyz", timeout=10).status_code == 200
    except httpx.HTTPError:
        ready = False
    if not ready:
        raise SetupError(f"{service_url}/readyz does not answer 200: is the service up?")
    try:
        settings = Settings()
    except ValidationError as error:
        raise SetupError(
            "--target-url needs the service's settings (environment or .env): "
            "AWS_REGION, AWS_COGNITO_USER_POOL_ID, AWS_COGNITO_APP_CLIENT_ID, and "
            f"AWS_COGNITO_ENDPOINT_URL unless it is real AWS\n{error}"
        ) from None
    machine = MachineClientSettings()
    yield Target(
        service_url=service_url,
        cognito=ServicePool(
            region=settings.AWS_REGION,
            user_pool_id=settings.AWS_COGNITO_USER_POOL_ID,
            endpoint_url=settings.AWS_COGNITO_ENDPOINT_URL or None,
        ),
        emulator_url=options.emulator_url or "",
        database_url=options.database_url or os.environ.get("DATABASE_URL"),
        fresh_pool=False,
        domain_url=settings.AWS_COGNITO_DOMAIN,
        machine_client=(
            None
            if machine.AWS_COGNITO_MACHINE_CLIENT_ID is None
            or machine.AWS_COGNITO_MACHINE_CLIENT_SECRET is None
            else MachineClient(
                machine.AWS_COGNITO_MACHINE_CLIENT_ID,
                machine.AWS_COGNITO_MACHINE_CLIENT_SECRET.get_secret_value(),
                settings.resource_server_scope("users.read"),
            )
        ),
    )


def accounts_for_run(
    options: RunOptions, target: Target, out: Path, run_id: str
) -> tuple[Path, list[Account]]:
    """Reuse --accounts-file when it exists; otherwise provision new accounts (and write it)."""
    if options.accounts_file is not None and options.accounts_file.exists():
        return options.accounts_file, read_accounts(options.accounts_file)
    path = options.accounts_file or out / "accounts.json"
    # One account per Locust user (they never share one); the web UI may ask for more users
    # than --users, so it gets headroom.
    default_count = max(options.users, WEB_UI_ACCOUNTS) if options.web else max(options.users, 1)
    count = options.accounts if options.accounts is not None else default_count
    started = time.perf_counter()
    try:
        accounts = provision_accounts(
            target.cognito, target.service_url, count=count, name_prefix=f"load-{run_id}-acct"
        )
    except (ProvisioningError, httpx.HTTPError, BotoCoreError, ClientError) as error:
        raise SetupError(f"provisioning accounts failed: {error}") from error
    write_accounts(path, accounts)
    print(
        f"provisioned {len(accounts)} accounts in {time.perf_counter() - started:.1f} s → {path}",
        flush=True,
    )
    return path, accounts


def locust_environment(target: Target | None = None) -> dict[str, str]:
    """This environment, with the repository importable (the locustfile imports load_tests)
    and the target's machine client secret."""
    paths = [str(REPO_ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    if target is not None and target.machine_client is not None:
        environment[MACHINE_SECRET_VARIABLE] = target.machine_client.client_secret
    return environment


def run_locust(command: list[str], timeout: float | None, environment: dict[str, str]) -> int:
    """Run Locust to its end; on Ctrl-C or SIGTERM (web mode) or an overrun, stop it cleanly."""
    process = subprocess.Popen(command, cwd=REPO_ROOT, env=environment)
    try:
        return process.wait(timeout=timeout)
    except (KeyboardInterrupt, subprocess.TimeoutExpired) as reason:
        if isinstance(reason, subprocess.TimeoutExpired):
            print(f"locust overran its run time by {LOCUST_GRACE_SECONDS} s: stopping it")
        # SIGTERM, not SIGINT: Locust shuts down cleanly on it (stats, CSV, HTML report), and a
        # SIGINT may be ignored by a process started in the background by a shell.
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        return 0 if isinstance(reason, KeyboardInterrupt) else 124


def user_rows(target: Target) -> list[UserRow] | None:
    """The service's user rows now; None when the database cannot be read."""
    if target.database_url is None:
        return None
    from app.models import User  # the service's own table name

    return read_user_rows(target.database_url, str(User.__tablename__))


def consistency_report(
    target: Target, out: Path, accounts: list[Account], rows_before: list[UserRow] | None
) -> ConsistencyReport | None:
    """Confirmed users, and users signed up, against the service's rows; None when the
    database cannot be read."""
    rows = user_rows(target)
    if rows is None:
        return None
    records = out / "records"
    confirmed = [*read_confirmed(records), *(account.username for account in accounts)]
    signed_up = read_signed_up(records)
    cognito_confirmed = None
    if target.fresh_pool:
        statuses = user_statuses(target.cognito)
        cognito_confirmed = [name for name, status in statuses.items() if status == "CONFIRMED"]
        signed_up += list(statuses)
    return check_consistency(
        confirmed,
        rows,
        cognito_confirmed=cognito_confirmed,
        rows_before=rows_before,
        signed_up=signed_up,
        machine_client_ids=[target.machine_client.client_id] if target.machine_client else [],
    )


def judge_run(
    options: RunOptions, out: Path, locust_exit: int, locust_seconds: float
) -> tuple[list[str], bool]:
    """The figures table and every reason to fail, read from Locust's CSV and the records."""
    summary: list[str] = []
    failed = False
    stats_csv = out / f"{STATS_PREFIX}_stats.csv"
    if stats_csv.exists():
        run_seconds = locust_seconds if options.web else parse_run_time(options.run_time)
        journeys = journey_figures(read_journeys(out / "records"), run_seconds)
        figures = read_stats_csv(stats_csv)
        if journeys.requests:
            figures = with_journeys(figures, journeys)
        summary.append(format_figures(figures))
        if journeys.requests:
            summary.append(
                f"journeys/s: {journeys.requests_per_second:.2f} over {run_seconds:.0f} s "
                f"(complete new-user journeys: {journeys.requests})"
            )
        if not options.web:
            breaches = evaluate(figures, options.p95_bounds_ms)
            summary += [f"FAIL {breach}" for breach in breaches]
            failed = bool(breaches)
    elif not options.web:
        summary.append(f"FAIL no stats from locust ({stats_csv} missing)")
        failed = True
    if locust_exit != 0 and not failed:
        # e.g. an exception in the locustfile: not a failed request, but the run is not sound
        summary.append(
            f"FAIL locust exited with {locust_exit} (see {out / 'stats_exceptions.csv'} "
            f"and {out / 'locust.log'})"
        )
        failed = True
    return summary, failed


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def run(options: RunOptions) -> int:
    """0 when the run passed; 1 when it failed a check; 2 when it could not be set up.

    SIGTERM is handled like Ctrl-C, so a stopped run still stops Locust and the service instead
    of leaving them running without a parent.
    """
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        return _run(options)
    except KeyboardInterrupt:
        print("load test interrupted", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous)


def _run(options: RunOptions) -> int:
    run_id = uuid.uuid4().hex[:6]
    started = time.perf_counter()
    out = options.out
    out.mkdir(parents=True, exist_ok=True)
    try:
        with (
            deployed_service(options) if options.target_url else local_stack(options, out)
        ) as target:
            print(
                f"service {target.service_url} ready after {time.perf_counter() - started:.1f} s;"
                f" results in {out}",
                flush=True,
            )
            # What the target cannot run is refused (or left out) before accounts are made.
            options = replace(options, user_classes=user_classes_for(options, target))
            accounts_file, accounts = accounts_for_run(options, target, out, run_id)
            if options.provision_only:
                return 0
            command = locust_command(options, target, out, accounts_file, run_id)
            rows_before = user_rows(target)
            if options.web:
                print(f"Locust web UI: http://127.0.0.1:{options.web_port}  (Ctrl-C stops)")
                timeout = None
            else:
                timeout = parse_run_time(options.run_time) + LOCUST_GRACE_SECONDS
            locust_started = time.perf_counter()
            locust_exit = run_locust(command, timeout, locust_environment(target))
            locust_seconds = time.perf_counter() - locust_started
            print(f"locust ran {locust_seconds:.1f} s", flush=True)
            summary, failed = judge_run(options, out, locust_exit, locust_seconds)
            report = consistency_report(target, out, accounts, rows_before)
            if report is None:
                summary.append("consistency check skipped: no DATABASE_URL for the service")
            else:
                verdict = "consistency OK: " if report.ok else "FAIL consistency: "
                summary.append(verdict + report.describe())
                failed |= not report.ok
    except SetupError as error:
        print(f"load test could not start: {error}", file=sys.stderr)
        return 2
    summary.append(
        f"{'FAILED' if failed else 'PASSED'} in {time.perf_counter() - started:.0f} s; "
        f"CSV and HTML report in {out}"
    )
    text = "\n".join(summary)
    (out / "summary.txt").write_text(text + "\n")
    print(text)
    return 1 if failed else 0
