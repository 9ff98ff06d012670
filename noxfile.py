"""Every way to run the kit: `nox -l` lists the sessions; `nox` runs the default checks.

Sessions run on the interpreter nox itself runs on (Python 3.11 or newer), so `pip install nox`
with any such Python is the only prerequisite.
"""

from __future__ import annotations

import os

import nox

nox.options.download_python = "never"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["lint", "typecheck", "tests", "contract"]
nox.options.reuse_venv = "yes"


def install(session: nox.Session) -> None:
    session.install("-e", ".[dev]")


@nox.session
def dev(session: nox.Session) -> None:
    """The service on the emulator with SQLite; prints the Swagger UI and emulator URLs."""
    install(session)
    session.run("python", "-m", "devstack", *session.posargs)


@nox.session
def migrate(session: nox.Session) -> None:
    """The service's database (DATABASE_URL, environment or .env) to the latest migration:
    `alembic upgrade head`; `-- ARGS` runs `alembic ARGS` instead (`-- current`, `-- history`,
    `-- revision --autogenerate -m "..."`)."""
    install(session)
    session.run("alembic", *(session.posargs or ["upgrade", "head"]))


@nox.session
def emulator(session: nox.Session) -> None:
    """The Cognito emulator alone (`-- --help` for its options)."""
    install(session)
    session.run("python", "-m", "emulator", *session.posargs)


@nox.session
def tests(session: nox.Session) -> None:
    """Unit and integration tests (PostgreSQL too when DATABASE_URL points at it)."""
    install(session)
    session.run("python", "-m", "pytest", "tests", *session.posargs)


@nox.session
def contract(session: nox.Session) -> None:
    """Schema-driven, property-based and Cognito behaviour contract tests (offline by default)."""
    install(session)
    profile = "ci" if os.environ.get("CI") else "dev"
    session.run(
        "python", "-m", "pytest", "contract_tests", f"--hypothesis-profile={profile}",
        *session.posargs,
    )  # fmt: skip


@nox.session
def load(session: nox.Session) -> None:
    """Locust against emulator + service, headless and bounded (`-- --web` for the web UI)."""
    install(session)
    session.run("python", "-m", "load_tests", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Emulator vs moto_server, service /users/me vs /healthz, verifier cost, memory."""
    install(session)
    session.run("python", "-m", "benchmarks", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check."""
    session.install("ruff>=0.8,<1")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy over the packages."""
    install(session)
    session.run("mypy")


@nox.session
def browser(session: nox.Session) -> None:
    """Headless Chromium checks of Swagger UI (Authorize, /users/me) and the Locust web UI."""
    install(session)
    session.run("python", "-m", "load_tests.browser", *session.posargs)
