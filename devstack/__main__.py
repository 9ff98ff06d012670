"""`python -m devstack`: the service on the emulator, for trying it out in Swagger UI;
`python -m devstack admin USERNAME`: a user of the running stack joins the admin group."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from pathlib import Path

from app.triggers import POST_CONFIRMATION_FUNCTION, PRE_TOKEN_GENERATION_FUNCTION
from devstack.admin import AdminCommandError, make_admin
from devstack.fresh import FreshStartError, start_fresh
from devstack.stack import (
    DEFAULT_DATABASE_URL,
    DEFAULT_STATE_DIR,
    Stack,
    StackStartError,
    default_log_dir,
    env_file_path,
)

DEFAULT_SERVICE_PORT = 8000


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["admin"]:
        return admin(argv[1:])
    parser = argparse.ArgumentParser(
        prog="python -m devstack",
        description="Run the service on the Cognito emulator. `admin USERNAME [--port N]` "
        "instead puts a user of the running stack in the admin group.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument(
        "--port", type=int, default=DEFAULT_SERVICE_PORT, help="service port (8000)"
    )
    parser.add_argument("--emulator-port", type=int, default=9229, help="emulator port (9229)")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn workers (1)")
    parser.add_argument("--database-url", help="default: $DATABASE_URL or sqlite:///./app.db")
    parser.add_argument("--fixed-code", help="every confirmation code equals this (load runs)")
    parser.add_argument(
        "--state-dir",
        type=Path,
        default=DEFAULT_STATE_DIR,
        help=f"where the emulator keeps pools, users and tokens between runs ({DEFAULT_STATE_DIR})",
    )
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="start over: delete the emulator's state and the SQLite database first (another "
        "database is kept)",
    )
    args = parser.parse_args(argv)
    database_url = args.database_url or os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    if args.fresh:
        try:
            removed = start_fresh(args.state_dir, database_url)
        except FreshStartError as error:
            print(f"devstack: {error}", file=sys.stderr)
            return 2
        print(f"Starting fresh: deleted {', '.join(removed) or 'nothing (nothing was kept)'}")

    try:
        stack = Stack(
            host=args.host,
            service_port=args.port,
            emulator_port=args.emulator_port,
            workers=args.workers,
            database_url=database_url,
            fixed_code=args.fixed_code,
            state_dir=args.state_dir,
        )
    except ValueError as error:  # the state directory cannot be used: the message says why
        print(f"devstack: {error}", file=sys.stderr)
        return 2
    # SIGTERM, even while starting, unwinds like Ctrl-C: the finally below stops the service.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        try:
            stack.start()
        except (StackStartError, OSError) as error:
            print(f"devstack: {error}", file=sys.stderr)
            return 2
        print(banner(stack), flush=True)
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        stack.stop()
    return 0


def banner(stack: Stack) -> str:
    """What a started stack tells the person who ran it: where things are, how to use them."""
    assert stack.pool is not None
    port = "" if stack.service_port == DEFAULT_SERVICE_PORT else f" --port {stack.service_port}"
    state = (
        "in memory (gone when the stack stops)"
        if stack.state_dir is None
        else f"{stack.state_dir}  (kept between runs, as is the database; --fresh starts over)"
    )
    return (
        f"Service:   {stack.public_url}  (Swagger UI: {stack.public_url}/docs)\n"
        f"Emulator:  {stack.emulator_url}  (console: {stack.emulator_url}/_emulator/, "
        f"codes sent: {stack.emulator_url}/_emulator/messages)\n"
        f"Pool:      {stack.pool.user_pool_id}  client {stack.pool.client_id}\n"
        f"Login:     {stack.pool.login_url}  (the pool's login page)\n"
        f"Database:  {stack.database_url}\n"
        f"State:     {state}\n"
        f"Triggers:  {POST_CONFIRMATION_FUNCTION}, {PRE_TOKEN_GENERATION_FUNCTION}  (app/triggers/,"
        " run in this process)\n"
        f"Log:       {stack.service_log}  (the service's: why a request failed)\n"
        "Sign up in Swagger UI, read the code from the outbox, verify, Authorize, GET /users/me.\n"
        f"Admin:     nox -s dev -- admin USERNAME{port}  (then sign in again)\n"
        "Clock:     moving the emulator's (POST /_emulator/clock) leaves the service's: tokens\n"
        "           issued then look expired or not valid yet to it, and logins answer 502.\n"
        "Ctrl-C stops both."
    )


def admin(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m devstack admin",
        description="Put a user of the running dev stack in the pool's admin group.",
    )
    parser.add_argument("username")
    parser.add_argument(
        "--port", type=int, default=DEFAULT_SERVICE_PORT, help="the stack's service port (8000)"
    )
    args = parser.parse_args(argv)
    try:
        print(make_admin(env_file_path(default_log_dir(), args.port), args.username))
    except AdminCommandError as error:
        print(f"devstack admin: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
