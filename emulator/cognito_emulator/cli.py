"""`cognito-emulator` / `python -m cognito_emulator`: serve the emulator, print what apps need."""

from __future__ import annotations

import argparse
import contextlib
import errno
import ipaddress
import logging
import os
import re
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from cognito_emulator.quotas import QUOTA_PRESETS

if TYPE_CHECKING:
    from cognito_emulator.server import EmulatorServer

LOG_LEVELS = ("critical", "error", "warning", "info", "debug")
EXIT_USAGE = 2


def _confirmation_code(value: str) -> str:
    if not re.fullmatch(r"[0-9]{6}", value):
        raise argparse.ArgumentTypeError(f"must be 6 digits like Cognito's codes, got {value!r}")
    return value


def _lambda_handler(value: str) -> tuple[str, str]:
    """NAME=module:function, both parts checked here so that a typo is a usage error."""
    from cognito_emulator.triggers.functions import FUNCTION_NAME, HANDLER_REFERENCE

    name, separator, reference = value.partition("=")
    if (
        not separator
        or not FUNCTION_NAME.fullmatch(name)
        or not HANDLER_REFERENCE.fullmatch(reference)
    ):
        raise argparse.ArgumentTypeError(
            "must be NAME=module:function, NAME a Lambda function name (letters, digits, - and "
            f"_; e.g. pre-sign-up=app.triggers:pre_sign_up), got {value!r}"
        )
    return name, reference


def _template_parameter(value: str) -> tuple[str, str]:
    """KEY=VALUE, KEY a parameter name as CloudFormation spells them (letters and digits)."""
    name, separator, given = value.partition("=")
    if not separator or not re.fullmatch(r"[A-Za-z0-9]+", name):
        raise argparse.ArgumentTypeError(
            f"must be KEY=VALUE, KEY one of the template's parameters, got {value!r}"
        )
    return name, given


def _http_url(value: str) -> str:
    if not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", value):
        raise argparse.ArgumentTypeError(f"must be an http(s) URL, got {value!r}")
    return value.rstrip("/")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cognito-emulator",
        description="A Cognito user-pool emulator on moto, for boto3 clients (endpoint_url=...).",
    )
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (127.0.0.1); any other is reachable from the network, and "
        "nothing the emulator serves asks for credentials",
    )
    parser.add_argument("--port", type=int, default=9229, help="port (9229; 0 = any free port)")
    parser.add_argument(
        "--region", default="us-east-1", help="AWS region of pools and token issuers (us-east-1)"
    )
    parser.add_argument(
        "--no-bootstrap",
        action="store_true",
        help="start empty instead of creating a pool and an app client",
    )
    parser.add_argument(
        "--env-file",
        type=Path,
        metavar="PATH",
        help="write the bootstrapped pool's settings as KEY=value lines",
    )
    parser.add_argument(
        "--template",
        type=Path,
        metavar="PATH",
        help="bootstrap from this CloudFormation template (YAML or JSON: AWS::Cognito::UserPool, "
        "UserPoolClient, UserPoolGroup, UserPoolDomain, UserPoolResourceServer) instead of the "
        "kit's own; the settings describe its first pool and app client",
    )
    parser.add_argument(
        "--template-parameter",
        dest="template_parameters",
        action="append",
        type=_template_parameter,
        default=[],
        metavar="KEY=VALUE",
        help="a value for one of the template's parameters (repeatable), such as "
        "ServiceUrl=http://localhost:9000 for the kit's template",
    )
    parser.add_argument(
        "--quotas",
        choices=QUOTA_PRESETS,
        default="off",
        help="'aws': refuse requests past Cognito's default rate quotas (off)",
    )
    parser.add_argument(
        "--fixed-code",
        type=_confirmation_code,
        metavar="CODE",
        help="send this 6-digit code instead of random ones (load runs)",
    )
    parser.add_argument(
        "--keys-dir",
        type=Path,
        metavar="DIR",
        help="keep signing keys here so tokens survive a restart",
    )
    parser.add_argument(
        "--state-dir",
        type=Path,
        metavar="DIR",
        help="keep everything (pools, users, tokens, codes, outbox, keys, clock offset) in DIR, "
        "saved as each request completes, and start from what DIR holds; delete DIR to start "
        "fresh (default: in memory, gone when the emulator stops)",
    )
    parser.add_argument(
        "--lambda",
        dest="lambdas",
        action="append",
        type=_lambda_handler,
        default=[],
        metavar="NAME=module:function",
        help="run this Python handler in-process for Lambda function NAME, which a pool's "
        "LambdaConfig names as arn:aws:lambda:REGION:ACCOUNT:function:NAME (repeatable); the "
        "module is imported from the current directory or the installed packages",
    )
    parser.add_argument(
        "--lambda-endpoint",
        type=_http_url,
        metavar="URL",
        help="invoke functions not given with --lambda through the Lambda Invoke API here "
        "(sam local start-lambda: http://127.0.0.1:3001)",
    )
    parser.add_argument("--log-level", choices=LOG_LEVELS, default="info")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.no_bootstrap and args.env_file is not None:
        parser.error("--env-file writes the bootstrapped pool's settings: drop --no-bootstrap")
    if args.no_bootstrap and (args.template is not None or args.template_parameters):
        parser.error("--template and --template-parameter bootstrap a pool: drop --no-bootstrap")
    for option, pairs in (
        ("--template-parameter", args.template_parameters),
        ("--lambda", args.lambdas),
    ):
        names = [name for name, _ in pairs]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            parser.error(f"{option} {repeated[0]}=... is given more than once")
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        return _serve(args)
    except KeyboardInterrupt:  # Ctrl-C while starting up
        return 130


def _serve(args: argparse.Namespace) -> int:
    # here, so that --help stays instant
    from cognito_emulator.cloudformation import DeployFailed, PoolConflict, TemplateError
    from cognito_emulator.server import EmulatorServer

    if args.lambdas and os.getcwd() not in sys.path:
        # The project's own handler modules, as `python -m` and uvicorn (--app-dir) find them.
        sys.path.insert(0, os.getcwd())
    try:
        server = EmulatorServer(
            args.host,
            args.port,
            args.region,
            quotas=args.quotas,
            fixed_code=args.fixed_code,
            keys_dir=args.keys_dir,
            state_dir=args.state_dir,
            log_level=args.log_level,
            lambdas=dict(args.lambdas),
            lambda_endpoint=args.lambda_endpoint,
        )
    except (OSError, ValueError) as error:
        return _fail(f"cannot start: {error}")
    try:
        server.bind()
    except OSError as error:
        reason = "address already in use" if error.errno == errno.EADDRINUSE else error.strerror
        return _fail(
            f"cannot listen on {args.host}:{args.port}: {reason}; "
            "choose another --port (0 picks a free one)"
        )
    try:
        _announce(server, args)
    except OSError as error:
        server.stop()
        return _fail(f"cannot write --env-file: {error}")
    except (TemplateError, PoolConflict, DeployFailed) as error:
        server.stop()
        template = "the kit's template" if args.template is None else args.template
        return _fail(f"cannot deploy {template}: {error}")
    # uvicorn shuts down gracefully on SIGINT/SIGTERM, then re-raises the signal to the handler
    # that was in place; make both arrive as KeyboardInterrupt so the exit is quiet and 0.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever(on_ready=lambda: print("Press Ctrl-C to stop.", flush=True))
    print("cognito-emulator: stopped", flush=True)
    return 0


def _fail(message: str) -> int:
    print(f"cognito-emulator: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _announce(server: EmulatorServer, args: argparse.Namespace) -> None:
    url = server.endpoint_url
    bound = ipaddress.ip_address(server.bound_host)
    if not bound.is_loopback:
        print(f"cognito-emulator: warning: {_network_warning(server)}", file=sys.stderr, flush=True)
    lines = [f"Cognito emulator on {url} (region {server.region}, quotas {args.quotas})"]
    if bound.is_unspecified:
        lines.append(
            f"  Listening on all interfaces ({server.host} port {server.port}): use {url} "
            "from this machine, this machine's address from others"
        )
    lines += [
        f"  API (boto3 endpoint_url): {url}",
        f"  Console (browser):        {url}/_emulator/",
        f"  Control API:              {url}/_emulator/health",
    ]
    for name, reference in args.lambdas:
        lines.append(f"  Lambda {name}: {reference} (in-process)")
    if args.lambda_endpoint is not None:
        lines.append(f"  Other Lambda functions:   Invoke API at {args.lambda_endpoint}")
    if not args.no_bootstrap:
        pool = server.bootstrap(
            template=args.template, template_parameters=dict(args.template_parameters)
        )
        well_known = f"{url}/{pool.user_pool_id}/.well-known"
        lines += [
            f"  JWKS:                     {well_known}/jwks.json",
            f"  OpenID configuration:     {well_known}/openid-configuration",
        ]
        if pool.domain_url is not None:
            lines.append(f"  Domain (OAuth 2.0):       {pool.domain_url}")
        if pool.login_url is not None:
            lines.append(f"  Login page (browser):     {pool.login_url}")
        lines += [
            "Settings for the app:",
            *(f"  {key}={value}" for key, value in pool.as_env().items()),
        ]
        if args.env_file is not None:
            args.env_file.write_text(pool.env_file_text())
            lines.append(f"Wrote them to {args.env_file}")
    print("\n".join(lines), flush=True)


def _network_warning(server: EmulatorServer) -> str:
    """What listening beyond loopback exposes: nothing the emulator serves asks who is asking."""
    return (
        f"--host {server.host} makes the emulator reachable from other machines. Nothing it "
        "serves asks for credentials: anyone who can reach it can read confirmation codes "
        "(/_emulator/outbox), move the clock, inject faults, wipe every pool "
        "(/_emulator/reset), and call the cognito-idp API with any AWS keys. Use the default "
        "--host 127.0.0.1 unless other machines must reach it, and then only on a network "
        "you trust."
    )
