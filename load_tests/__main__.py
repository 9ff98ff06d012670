"""`python -m load_tests` (`nox -s load`): a bounded Locust run against emulator + service.

Exit status: 0 passed; 1 a request failed, a p95 was over its bound or the database is
inconsistent with Cognito; 2 the run could not be set up.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from load_tests.run import RunOptions, parse_run_time, run
from load_tests.thresholds import DEFAULT_P95_MS, parse_p95_option

# Eight users are the classes' weights (1+2+3+1+1): one of each, and more of the frequent ones.
SMOKE = {"users": 8, "spawn_rate": 8.0, "run_time": "15s", "processes": 2}


def _p95_option(text: str) -> tuple[str, float]:
    try:
        return parse_p95_option(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _run_time_option(text: str) -> str:
    try:
        parse_run_time(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return text


def build_parser() -> argparse.ArgumentParser:
    bounds = ", ".join(f"{name}={ms:g}" for name, ms in DEFAULT_P95_MS.items())
    parser = argparse.ArgumentParser(
        prog="python -m load_tests",
        description="Load the service with Locust: starts the emulator and the service "
        "(unless --target-url), provisions accounts, runs headless for a bounded time (or "
        "serves the web UI with --web), then checks failures, p95 bounds and that every "
        "confirmed user has exactly one database row.",
        epilog="Examples: `python -m load_tests --smoke`; "
        "`python -m load_tests --users 20 --run-time 60s NewUserJourney`; "
        "`python -m load_tests --users 50 --processes 2 ReadsOnly`; "
        "`python -m load_tests --users 10 MachineClient WebSignIn`; `python -m load_tests --web`.",
    )
    parser.add_argument(
        "user_classes",
        nargs="*",
        metavar="USER_CLASS",
        help="NewUserJourney, ReturningUser, ReadsOnly, MachineClient, WebSignIn (default: "
        "all the target can run, weighted)",
    )
    parser.add_argument("--users", "-u", type=int, default=20, help="peak users (20)")
    parser.add_argument("--spawn-rate", "-r", type=float, default=10, help="users started/s (10)")
    parser.add_argument(
        "--run-time",
        "-t",
        type=_run_time_option,
        default="60s",
        help="how long, e.g. 60s, 5m (60s)",
    )
    parser.add_argument(
        "--processes",
        type=int,
        default=0,
        help="Locust processes on this machine: a master and N workers "
        "(-1: one per core; 0: a single process)",
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="small bounded run for CI: 8 users (one of each class at least), 15 s, "
        "2 Locust processes",
    )
    parser.add_argument(
        "--web",
        action="store_true",
        help="serve the Locust web UI on 127.0.0.1 (--web-port) until Ctrl-C",
    )
    parser.add_argument("--web-port", type=int, default=8089, help="web UI port (8089)")
    parser.add_argument(
        "--target-url",
        help="a deployed service instead of a local stack; its pool comes from "
        "the service's settings (AWS_REGION, AWS_COGNITO_USER_POOL_ID, ...)",
    )
    parser.add_argument(
        "--emulator-url", help="with --target-url: the emulator that service uses (enables signup)"
    )
    parser.add_argument(
        "--out", type=Path, help="results folder (default ./load-results/<timestamp>)"
    )
    parser.add_argument("--workers", type=int, default=2, help="uvicorn workers of the service (2)")
    parser.add_argument(
        "--database-url", help="service database (default $DATABASE_URL, else a fresh SQLite file)"
    )
    parser.add_argument(
        "--fixed-code", help="the emulator gives every user this confirmation code (no outbox read)"
    )
    parser.add_argument(
        "--accounts",
        type=int,
        help="pre-provisioned accounts to create, one per user that logs in "
        "(default: --users; with --web at least 200)",
    )
    parser.add_argument(
        "--accounts-file",
        type=Path,
        help="reuse these accounts if the file exists, else write new ones there",
    )
    parser.add_argument(
        "--provision-only",
        action="store_true",
        help="with --target-url: only create the accounts (--accounts, --accounts-file), "
        "e.g. one file per Locust worker machine",
    )
    parser.add_argument(
        "--p95",
        type=_p95_option,
        action="append",
        default=[],
        metavar="NAME=MS",
        help=f"p95 bound for a request name, repeatable (defaults: {bounds})",
    )
    parser.add_argument(
        "--think-scale",
        type=float,
        default=1.0,
        help="multiplies the users' think time; 0 = none, peak throughput (1)",
    )
    parser.add_argument(
        "--tag",
        dest="tags",
        action="append",
        default=[],
        help="run only tasks with this Locust tag, repeatable "
        "(journey, signup, login, reads, machine, web)",
    )
    return parser


def options_from(args: argparse.Namespace) -> RunOptions:
    if args.provision_only and not args.target_url:
        raise SystemExit("--provision-only needs --target-url (a local stack ends with the run)")
    if args.smoke:
        for name, value in SMOKE.items():
            setattr(args, name, value)
    out = args.out or Path("load-results") / time.strftime("%Y%m%d-%H%M%S")
    return RunOptions(
        users=args.users,
        spawn_rate=args.spawn_rate,
        run_time=args.run_time,
        processes=args.processes,
        web=args.web,
        web_port=args.web_port,
        target_url=args.target_url,
        emulator_url=args.emulator_url,
        out=out,
        workers=args.workers,
        database_url=args.database_url,
        fixed_code=args.fixed_code,
        accounts=args.accounts,
        accounts_file=args.accounts_file,
        p95_bounds_ms={**DEFAULT_P95_MS, **dict(args.p95)},
        think_scale=args.think_scale,
        tags=args.tags,
        user_classes=args.user_classes,
        provision_only=args.provision_only,
    )


def main(argv: list[str] | None = None) -> int:
    return run(options_from(build_parser().parse_args(argv)))


if __name__ == "__main__":
    raise SystemExit(main())
