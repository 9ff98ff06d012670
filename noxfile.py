"""Every way to run the kit: `nox -l` lists the sessions; `nox` runs the default checks.

Sessions run on the interpreter nox itself runs on (Python 3.11 or newer), so `pip install
"nox[uv]"` with any such Python is the only prerequisite (plain `pip install nox` works too, with
pip instead of uv: slower).

Every session but lint runs in one shared environment, `.nox/kit`, with the kit installed
(`-e ".[service,dev]"`): built on first use, with the installer's progress shown, and refreshed
only when pyproject.toml changes, so a later session starts at once. nox cannot share one
environment between sessions itself (wntrblm/nox#167), so those sessions have no environment of
their own (`venv_backend="none"`) and run the kit's programs by path.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import nox

nox.options.download_python = "never"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["lint", "cfnlint", "typecheck", "tests", "contract"]
nox.options.reuse_venv = "yes"

KIT_REQUIREMENT = ".[service,dev]"
# In the kit's environment: the hash of what it was installed from (pyproject.toml and the
# requirement). A match means the environment is up to date and nothing is installed.
KIT_STAMP = "kit-installed-from"


def uv_binary() -> str | None:
    """uv from nox's own environment (`pip install "nox[uv]"`), else from PATH, else None."""
    try:
        from uv import find_uv_bin

        return str(find_uv_bin())
    except (ImportError, FileNotFoundError):
        return shutil.which("uv")


class Kit:
    """The shared environment, made ready for `session`: created if missing, (re)installed if
    pyproject.toml changed since it was installed, else used as it is (no installer runs)."""

    def __init__(self, session: nox.Session) -> None:
        self.session = session
        # .nox/kit (or beside nox's --envdir), absolute: some sessions run elsewhere (mutants).
        self.location = session.cache_dir.parent.resolve() / "kit"
        windows = os.name == "nt"
        self.bin = self.location / ("Scripts" if windows else "bin")
        self.env = {
            "VIRTUAL_ENV": str(self.location),
            "PATH": f"{self.bin}{os.pathsep}{os.environ.get('PATH', '')}",
        }
        self.python = self.bin / ("python.exe" if windows else "python")
        self.uv = uv_binary()
        self._prepare()

    def _prepare(self) -> None:
        stamp = self.location / KIT_STAMP
        wanted = hashlib.sha256(
            Path("pyproject.toml").read_bytes() + KIT_REQUIREMENT.encode()
        ).hexdigest()
        if self.python.exists() and stamp.exists() and stamp.read_text() == wanted:
            return
        if not self.python.exists():
            shutil.rmtree(self.location, ignore_errors=True)
            self.session.log(f"Creating the kit's environment in {self.location}")
            if self.uv:
                self.session.run(self.uv, "venv", "--python", sys.executable, str(self.location))
            else:
                self.session.run(sys.executable, "-m", "venv", str(self.location))
        stamp.unlink(missing_ok=True)
        self.session.log(
            f"Installing the kit ({KIT_REQUIREMENT}) with {'uv' if self.uv else 'pip'}: once, "
            "and again when pyproject.toml changes"
        )
        self.install("-e", KIT_REQUIREMENT)
        stamp.write_text(wanted)

    def install(self, *requirements: str) -> None:
        """pip-install `requirements` into the environment, with uv when there is one."""
        if self.uv:
            self.session.run(self.uv, "pip", "install", "--python", str(self.python), *requirements)
        else:
            self.session.run(str(self.python), "-m", "pip", "install", *requirements)

    def run(self, program: str, *args: str, **kwargs: Any) -> Any:
        """`program` from the kit's environment (`python`, `mypy`, ...), with it activated."""
        path = shutil.which(program, path=str(self.bin)) or str(self.bin / program)
        return self.session.run(path, *args, env=self.env, **kwargs)


def kit_session(function: Any) -> Any:
    """A session that runs in the kit's shared environment, not in one of its own."""
    return nox.session(venv_backend="none")(function)


@kit_session
def dev(session: nox.Session) -> None:
    """The service on the emulator with SQLite, on 127.0.0.1 (`-- admin USERNAME`: an admin).

    Prints the Swagger UI and emulator URLs and the service's log; `nox -s dev -- admin USERNAME`
    (another terminal) puts a user of the running stack in the admin group."""
    Kit(session).run("python", "-m", "devstack", *session.posargs)


@kit_session
def migrate(session: nox.Session) -> None:
    """The service's database (DATABASE_URL) to the latest migration (`-- ARGS`: other Alembic).

    `alembic upgrade head` on DATABASE_URL (environment or .env); `-- ARGS` runs `alembic ARGS`
    instead (`-- current`, `-- history`, `-- revision --autogenerate -m "..."`)."""
    Kit(session).run("alembic", *(session.posargs or ["upgrade", "head"]))


@kit_session
def provision(session: nox.Session) -> None:
    """The kit's user pool on AWS or any endpoint, written to an env file (`-- --help`)."""
    Kit(session).run("python", "-m", "app.provision", *session.posargs)


@kit_session
def emulator(session: nox.Session) -> None:
    """The Cognito emulator alone (`-- --help` for its options)."""
    Kit(session).run("python", "-m", "cognito_emulator", *session.posargs)


@kit_session
def tests(session: nox.Session) -> None:
    """Unit and integration tests (PostgreSQL too when DATABASE_URL points at it)."""
    Kit(session).run("python", "-m", "pytest", "tests", *session.posargs)


@kit_session
def contract(session: nox.Session) -> None:
    """Schema-driven, property-based and Cognito behaviour contract tests (offline by default)."""
    profile = "ci" if os.environ.get("CI") else "dev"
    Kit(session).run(
        "python", "-m", "pytest", "contract_tests", f"--hypothesis-profile={profile}",
        *session.posargs,
    )  # fmt: skip


@kit_session
def load(session: nox.Session) -> None:
    """Locust against emulator + service, headless and bounded (`-- --web` for the web UI)."""
    Kit(session).run("python", "-m", "load_tests", *session.posargs)


@kit_session
def bench(session: nox.Session) -> None:
    """Emulator vs moto_server, service, verifier, memory; fails on a missed target.

    `-- --no-fail` exits 0 with a missed target (exploring); `-- --help` for the options."""
    Kit(session).run("python", "-m", "benchmarks", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check (in a small environment of its own: ruff only)."""
    session.install("ruff>=0.8,<1")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def cfnlint(session: nox.Session) -> None:
    """cfn-lint over the kit's CloudFormation template, zero findings (in an environment of
    its own: cfn-lint only)."""
    session.install("cfn-lint>=1.51,<2")
    session.run("cfn-lint", "emulator/cognito_emulator/cloudformation/cognito-kit.yaml")


@kit_session
def typecheck(session: nox.Session) -> None:
    """mypy over the packages."""
    Kit(session).run("mypy")


@kit_session
def browser(session: nox.Session) -> None:
    """Headless Chromium checks of Swagger UI (password and authorization-code Authorize,
    /users/me), the Locust web UI, the emulator's login page and its web console (live outbox,
    confirming a user, the token inspector). `-- --update-docs-screenshots` refreshes the
    console screenshot in docs/ that the README shows."""
    Kit(session).run("python", "-m", "load_tests.browser", *session.posargs)


@kit_session
def oidc(session: nox.Session) -> None:
    """Real OAuth/OIDC clients against the emulator, given only its discovery URL: Authlib's
    authorization code + PKCE through the login page, ID token validation, userinfo, refresh,
    revocation and client credentials. Installs Authlib into the kit's environment first."""
    kit = Kit(session)
    kit.install("authlib>=1.7,<2", "itsdangerous>=2.1,<3")  # itsdangerous: Starlette sessions
    kit.run("python", "-m", "oidc_clients", *session.posargs)


@kit_session
def sdk(session: nox.Session) -> None:
    """Client SDKs against the emulator: amazon-cognito-identity-js and aws-amplify v6 (Node)
    and pycognito, through sign-up, SRP sign-in, TOTP, email codes, refresh and sign-out.

    Needs Node.js 20+ and npm. The Node scripts are copied to .nox/sdk and their packages
    installed there with `npm ci` from sdk_checks/node/package-lock.json (again only when the
    lock file changes), so the checkout stays clean. `-- --sdk NAME` runs one SDK only."""
    kit = Kit(session)
    source = Path("sdk_checks/node")
    node_dir = kit.location.parent / "sdk"
    node_dir.mkdir(exist_ok=True)
    for path in source.iterdir():
        if path.is_file():
            shutil.copy2(path, node_dir / path.name)
    stamp = node_dir / "node_modules" / "installed-from"
    wanted = hashlib.sha256((source / "package-lock.json").read_bytes()).hexdigest()
    if not stamp.exists() or stamp.read_text() != wanted:
        session.run(
            "npm", "ci", "--no-audit", "--no-fund", "--prefix", str(node_dir), external=True
        )
        stamp.write_text(wanted)
    kit.run("python", "-m", "sdk_checks", "--node-dir", str(node_dir), *session.posargs)


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
        "xǁTokenVerifierǁ_raise_last_fetch_failure",
        "xǁTokenVerifierǁ_download_keys",
        "x__require_well_formed",
        "x__cache_key",
        "x__signing_jwk",
        "x__is_finite_number",
        "x_is_machine_token",
    ],
    "app/core/revocation.py": [  # revocation: the logout mark's check...
        "xǁRevocationCheckerǁdecides_alone",
        "xǁRevocationCheckerǁcheck",
        "xǁRevocationCheckerǁ_ask_cognito",
        "x__decision_key",
        "x_session_started_at",
    ],
    "app/crud.py": ["x_revoke_tokens_issued_before"],  # ... and its forward-only update,
    "app/api/routes/users.py": ["x__mark_logout"],  # ... alone for a reset that meets MFA
    "app/core/auth.py": ["*"],  # admission: the one rule...
    "app/core/user_rows.py": ["*"],  # ... on a row no older than a logout's wait...
    "app/api/deps.py": [  # ... as requests meet it: bearer token, claims, user or machine,
        "xǁBearerTokenǁ__call__",  # scopes, groups
        "x_verified_claims",
        "x_get_caller",
        "x_get_authenticated",
        "x_require_scopes",
        "x_require_groups",
        "x_require_admin",
        "x__member_of_any",
    ],
    "app/api/sign_in.py": ["x_sign_in"],  # ... and as sign-in meets it (nonce included)
    "app/core/web_sign_in.py": [  # web sign-in: state cookie, state, docs' token requests
        "xǁWebSignInǁreturned",
        "xǁWebSignInǁ_pending",
        "xǁWebSignInǁcheck_docs_redemption",
        "x_missing_settings",
        "x_given_once",
        "x__tokens_of",
    ],
    "cognito_emulator/secret_hash.py": ["*"],  # SECRET_HASH, in the emulator...
    "app/core/cognito.py": ["xǁCognitoClientǁsecret_hash"],  # ... and in the service
    "cognito_emulator/codes.py": [  # codes: issued, redeemed once, forgotten with their user
        "xǁCodeBookǁissue",
        "xǁCodeBookǁredeem",
        "xǁCodeBookǁforget_user",
        "x__slot",
    ],
    "cognito_emulator/policy.py": ["x_check_password"],  # password policy
    "cognito_emulator/oauth.py": [  # OAuth: PKCE, and codes spent once within their lifetime...
        "x_s256_challenge",
        "x_verifier_matches",
        "xǁAuthorizationCodesǁissue",
        "xǁAuthorizationCodesǁtake",
    ],
    "cognito_emulator/expiring_records.py": [  # ... (the store codes and login sessions share)
        "xǁExpiringRecordsǁadd",
        "xǁExpiringRecordsǁget",
        "xǁExpiringRecordsǁpop",
        "xǁExpiringRecordsǁ_drop_expired",
    ],
    "cognito_emulator/flows/oauth_grants.py": [  # ... redeemed only by their client...
        "xǁOAuthGrantFlowsǁ_redeem_code",
        "xǁOAuthGrantFlowsǁ_client_credentials",
        "xǁOAuthGrantFlowsǁ_authenticated_client",
        "x__basic_credentials",
        "x__check_oauth_flow",
    ],
    "cognito_emulator/flows/authorize_request.py": ["x__callback"],  # ... at its callback URL
    "cognito_emulator/http/managed_login.py": ["x__csrf_matches"],  # login forms' CSRF check
    "cognito_emulator/http/console/guard.py": ["x_guarded_form"],  # the console's forms too
    "cognito_emulator/state/codec.py": [  # a state file rebuilds records, never runs code...
        "xǁRecordLoaderǁloads",
        "xǁ_AllowlistUnpicklerǁfind_class",
    ],
    "cognito_emulator/state/files.py": ["x_read_header", "x_read_frames"],  # ... nor is misread
    "cognito_emulator/triggers/token_generation.py": [  # no trigger changes a claim Cognito owns
        "xǁ_Answerǁclaims_to_add",
        "xǁ_Answerǁclaims_to_suppress",
        "xǁ_Answerǁ_may_add",
    ],
    "cognito_emulator/challenge_sessions.py": [  # a challenge's Session: its user, once, in time
        "xǁChallengeSessionsǁtake"
    ],
    "cognito_emulator/totp.py": ["*"],  # authenticator codes: RFC 6238, one step either side...
    "cognito_emulator/flows/mfa_settings.py": ["x_accept_authenticator"],  # ... set up...
    "cognito_emulator/flows/mfa_challenges.py": [  # ... and every second factor's code, once
        "xǁMfaCodesǁcheck",
        "xǁMfaCodesǁ_check_totp",
        "x_mfa_step",
    ],
    "cognito_emulator/tokens.py": [  # scope and revocation; a rotated refresh token's grace
        "xǁTokenIssuerǁverify_access_token",
        "xǁTokenIssuerǁensure_refreshable",
    ],
    "cognito_emulator/token_ledger.py": ["xǁTokenLedgerǁrotate_refresh_token"],
}
MUTATION_TESTS = ["tests/app", "tests/emulator"]
# Tests that cannot pass in the mutation copy, mutant or not: one starts the service in its own
# process from another directory, where the mutated code cannot find mutmut's settings; the
# packaging tests build a wheel from the checkout's layout, which the copy does not keep.
MUTATION_DESELECTED = [
    "tests/app/test_migrations.py::test_uvicorn_exits_at_startup_with_one_line_naming_the_command",
    "tests/emulator/test_packaging.py",
]
MUTATION_KILL_RATE_THRESHOLD = 0.90
# mutmut's verdicts that mean a test noticed the mutant.
DETECTED = {"killed", "timeout", "caught by type check"}


def mutant_patterns(paths: list[str]) -> list[str]:
    """mutmut's mutant-name patterns for MUTATION_SCOPE (only `paths` of it, when given):
    `module.function__mutmut_N`."""
    unknown = sorted(set(paths) - set(MUTATION_SCOPE))
    if unknown:
        raise ValueError(f"not in MUTATION_SCOPE: {', '.join(unknown)}")
    patterns = []
    for path, functions in MUTATION_SCOPE.items():
        if paths and path not in paths:
            continue
        module = path.removesuffix(".py").replace("/", ".")
        patterns += [f"{module}.{function}__mutmut_*" for function in functions]
    return patterns


@kit_session
def mutants(session: nox.Session) -> None:
    """Mutation testing (mutmut) of the security core: kill rate and survivors; fails below 90%.

    Runs in a copy of the tree under .nox (mutmut writes its `mutants/` beside the code), with
    mutmut's settings generated from MUTATION_SCOPE; `-- PATH ...` mutates only those files of
    it (as MUTATION_SCOPE names them, e.g. `cognito_emulator/oauth.py`)."""
    try:
        patterns = mutant_patterns(list(session.posargs))
    except ValueError as error:
        session.error(str(error))
    kit = Kit(session)
    kit.install("mutmut>=3.8,<3.9")
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
        "pytest_add_cli_args": ["-p", "no:cacheprovider"]
        + [f"--deselect={test}" for test in MUTATION_DESELECTED],
    }
    mutmut_table = "\n[tool.mutmut]\n" + "".join(
        f"{key} = {json.dumps(value)}\n" for key, value in settings.items()
    )
    (workdir / "pyproject.toml").write_text(Path("pyproject.toml").read_text() + mutmut_table)
    started = time.monotonic()
    with session.chdir(workdir):
        kit.run("mutmut", "run", *patterns, silent=True)
        results = kit.run("mutmut", "results", "--all", "true", silent=True)
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
