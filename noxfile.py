"""Every way to run the kit: `nox -l` lists the sessions; `nox` runs the default checks.

Sessions run on the interpreter nox itself runs on (Python 3.11 or newer), so `pip install nox`
with any such Python is the only prerequisite.
"""

from __future__ import annotations

import fnmatch
import json
import os
import shutil
import time
from pathlib import Path

import nox

nox.options.download_python = "never"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["lint", "typecheck", "tests", "contract"]
nox.options.reuse_venv = "yes"


def install(session: nox.Session) -> None:
    session.install("-e", ".[service,dev]")


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
def provision(session: nox.Session) -> None:
    """The kit's user pool on AWS or any endpoint, written to an env file (`-- --help`)."""
    install(session)
    session.run("python", "-m", "app.provision", *session.posargs)


@nox.session
def emulator(session: nox.Session) -> None:
    """The Cognito emulator alone (`-- --help` for its options)."""
    install(session)
    session.run("python", "-m", "cognito_emulator", *session.posargs)


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


# The security core under mutation testing: file -> the functions (fnmatch patterns over mutmut's
# names: `function`, `Class.method` is written `xǁClassǁmethod`, `*` for the whole module).
# Paths are as in the mutation copy, where the emulator's package sits at the top (mutmut imports
# mutants only from the top of its tree). Repoint an entry when its code moves.
MUTATION_SCOPE = {
    "app/core/tokens.py": [  # token verification (not the constructor's wiring)
        "xǁTokenVerifierǁverify_access_token",
        "xǁTokenVerifierǁverify_id_token",
        "xǁTokenVerifierǁcached_access_claims",
        "xǁTokenVerifierǁ_verify",
        "xǁTokenVerifierǁ_check_claims",
        "xǁTokenVerifierǁ_claims_valid_until",
        "xǁTokenVerifierǁ_signing_key",
        "xǁTokenVerifierǁprobe_jwks",
        "xǁTokenVerifierǁ_fetch_locked",
        "xǁTokenVerifierǁ_download_keys",
        "x__require_well_formed",
        "x__cache_key",
        "x__signing_jwk",
        "x__is_number",
    ],
    "app/core/revocation.py": [  # revocation: the logout mark's check...
        "xǁRevocationCheckerǁdecides_alone",
        "xǁRevocationCheckerǁcheck",
        "xǁRevocationCheckerǁ_ask_cognito",
        "x__decision_key",
        "x_session_started_at",
    ],
    "app/crud.py": ["x_revoke_tokens_issued_before"],  # ... and its forward-only update
    "app/core/auth.py": ["*"],  # admission: the one rule...
    "app/core/user_rows.py": ["*"],  # ... on a row no older than a logout's wait...
    "app/api/deps.py": [  # ... as requests meet it: bearer token, claims, scopes, groups
        "xǁBearerTokenǁ__call__",
        "x_verified_claims",
        "x_get_authenticated",
        "x_require_scopes",
        "x_require_groups",
    ],
    "app/api/routes/users.py": ["x__sign_in"],  # ... and as sign-in meets it
    "cognito_emulator/secret_hash.py": ["*"],  # SECRET_HASH, in the emulator...
    "app/core/cognito.py": ["xǁCognitoClientǁsecret_hash"],  # ... and in the service
    "cognito_emulator/codes.py": [  # codes: issued, redeemed once, forgotten with their user
        "xǁCodeBookǁissue",
        "xǁCodeBookǁredeem",
        "xǁCodeBookǁforget_user",
        "x__slot",
    ],
    "cognito_emulator/policy.py": ["x_check_password"],  # password policy
}
MUTATION_TESTS = ["tests/app", "tests/emulator"]
MUTATION_KILL_RATE_THRESHOLD = 0.90
# mutmut's verdicts that mean a test noticed the mutant.
DETECTED = {"killed", "timeout", "caught by type check"}


def mutant_patterns() -> list[str]:
    """mutmut's mutant-name patterns for MUTATION_SCOPE: `module.function__mutmut_N`."""
    patterns = []
    for path, functions in MUTATION_SCOPE.items():
        module = path.removesuffix(".py").replace("/", ".")
        patterns += [f"{module}.{function}__mutmut_*" for function in functions]
    return patterns


@nox.session
def mutants(session: nox.Session) -> None:
    """Mutation testing (mutmut) of the security core: kill rate and survivors; fails below 90%.

    Runs in a copy of the tree under .nox (mutmut writes its `mutants/` beside the code), with
    mutmut's settings generated from MUTATION_SCOPE."""
    install(session)
    session.install("mutmut>=3.8,<3.9")
    workdir = Path(session.create_tmp()) / "mutation"
    shutil.rmtree(workdir, ignore_errors=True)  # every run from scratch: no stale verdicts
    # What the tests read besides the mutated packages: other packages, and alembic.ini.
    other_packages = ["benchmarks", "contract_tests", "devstack", "load_tests"]
    trees = {"app": "app", "emulator/cognito_emulator": "cognito_emulator", "tests": "tests"}
    for tree, copy in (trees | {package: package for package in other_packages}).items():
        shutil.copytree(tree, workdir / copy, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2("alembic.ini", workdir)
    settings = {
        "source_paths": ["app", "cognito_emulator"],
        "also_copy": [*other_packages, "alembic.ini"],
        "only_mutate": list(MUTATION_SCOPE),
        "pytest_add_cli_args_test_selection": MUTATION_TESTS,
        "pytest_add_cli_args": ["-p", "no:cacheprovider"],
    }
    mutmut_table = "\n[tool.mutmut]\n" + "".join(
        f"{key} = {json.dumps(value)}\n" for key, value in settings.items()
    )
    (workdir / "pyproject.toml").write_text(Path("pyproject.toml").read_text() + mutmut_table)
    patterns = mutant_patterns()
    started = time.monotonic()
    with session.chdir(workdir):
        session.run("mutmut", "run", *patterns, silent=True)
        results = session.run("mutmut", "results", "--all", "true", silent=True)
    elapsed = time.monotonic() - started
    verdicts = {}
    for line in str(results).splitlines():
        name, _, verdict = line.strip().rpartition(": ")
        if any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns):
            verdicts[name] = verdict
    survivors = sorted(name for name, verdict in verdicts.items() if verdict not in DETECTED)
    for name in survivors:
        session.log(f"{verdicts[name]}: {name}")
    rate = 1 - len(survivors) / len(verdicts)
    session.log(
        f"kill rate {rate:.1%}: {len(verdicts) - len(survivors)} of {len(verdicts)} mutants "
        f"killed in {elapsed:.0f} s; `mutmut show NAME` in {workdir} shows a mutant"
    )
    if rate < MUTATION_KILL_RATE_THRESHOLD:
        session.error(f"kill rate below {MUTATION_KILL_RATE_THRESHOLD:.0%}")
