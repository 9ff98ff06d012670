"""`python -m devstack`: the service on the emulator, for trying it out in Swagger UI."""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from devstack.stack import Stack, StackStartError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m devstack", description="Run the service on the Cognito emulator."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000, help="service port (8000)")
    parser.add_argument("--emulator-port", type=int, default=9229, help="emulator port (9229)")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn workers (1)")
    parser.add_argument("--database-url", help="default: $DATABASE_URL or sqlite:///./app.db")
    parser.add_argument("--fixed-code", help="every confirmation code equals this (load runs)")
    args = parser.parse_args(argv)

    stack = Stack(
        host=args.host,
        service_port=args.port,
        emulator_port=args.emulator_port,
        workers=args.workers,
        database_url=args.database_url,
        fixed_code=args.fixed_code,
    )
    try:
        stack.start()
    except (StackStartError, OSError) as error:
        print(f"devstack: {error}", file=sys.stderr)
        return 2
    assert stack.pool is not None
    print(
        f"Service:   {stack.service_url}  (Swagger UI: {stack.service_url}/docs)\n"
        f"Emulator:  {stack.emulator_url}  (outbox: {stack.emulator_url}/_emulator/outbox)\n"
        f"Pool:      {stack.pool.user_pool_id}  client {stack.pool.client_id}\n"
        f"Database:  {stack.database_url}\n"
        "Sign up in Swagger UI, read the code from the outbox, verify, Authorize, GET /users/me.\n"
        "Ctrl-C stops both.",
        flush=True,
    )
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    try:
        stopped.wait()
    except KeyboardInterrupt:
        pass
    finally:
        stack.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
