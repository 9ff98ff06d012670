"""Run the emulator over HTTP: in a background thread for tests, or in the foreground for the CLI.

The server binds its own socket before uvicorn starts, so the port (ephemeral with port=0) is
known at once and "address in use" is an ordinary `OSError` in the caller, not a log line from a
thread. uvicorn runs with httptools, no access log and no lifespan: nothing on the hot path but
the app itself.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, TypedDict
from urllib.parse import quote

import uvicorn

from cognito_emulator.backend import EmulatorBackend
from cognito_emulator.bootstrap import PoolConfig, bootstrap, bootstrap_template
from cognito_emulator.cloudformation import Template, read_template
from cognito_emulator.cloudformation.kit_template import NO_TRIGGERS, TriggerFunctions
from cognito_emulator.http.app import DOMAIN_PATH, EmulatorApp
from cognito_emulator.login_page_client import (
    Authorization,
    ChallengeAnswer,
    LoginPageClient,
    OAuthTokens,
)
from cognito_emulator.moto_adapter import EMULATOR_ACCOUNT_ID
from cognito_emulator.pool_definition import (
    DEFAULT_CLIENT_NAME,
    DEFAULT_POOL_NAME,
    DEFAULT_SERVICE_URL,
)
from cognito_emulator.quotas import QuotaLimiter
from cognito_emulator.triggers.functions import TIMEOUT_SECONDS as LAMBDA_TIMEOUT_SECONDS
from cognito_emulator.triggers.functions import Handler

START_TIMEOUT_SECONDS = 10.0
STOP_TIMEOUT_SECONDS = 5.0
# An idle connection must outlive the client's own idle limit (httpx's is 5 s, uvicorn's default
# too): when the server closes first, a client that reuses the connection at that instant gets
# "connection reset by peer" (seen in CI). Clients with no idle limit (urllib3, so boto3) still
# meet that race, only 75 s later and more rarely.
KEEP_ALIVE_SECONDS = 75


class SignInOptions(TypedDict, total=False):
    """The options of `EmulatorServer.sign_in_through_login_page`, for what passes them on
    (the pytest plugin's `CognitoLoginPage`)."""

    redirect_uri: str | None
    scopes: list[str] | None
    nonce: str | None
    answer: ChallengeAnswer | None


class AuthorizeOptions(SignInOptions, total=False):
    """The options of `EmulatorServer.authorize_through_login_page`."""

    state: str | None
    pkce: bool


class EmulatorServer:
    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        region: str = "us-east-1",
        *,
        quotas: str | None = None,
        fixed_code: str | None = None,
        keys_dir: Path | None = None,
        state_dir: Path | None = None,
        log_level: str = "warning",
        lambdas: Mapping[str, Handler | str] | None = None,
        lambda_endpoint: str | None = None,
        lambda_timeout_seconds: float = LAMBDA_TIMEOUT_SECONDS,
    ) -> None:
        """`lambdas` maps Lambda function names to handlers (callables or `module:function`)
        that run in-process when a pool's LambdaConfig names `arn:...:function:NAME`; any other
        function is invoked through the Lambda Invoke API at `lambda_endpoint`, if given. A
        function that has not answered after `lambda_timeout_seconds` (Cognito's 5) fails.
        With `state_dir` the server starts from what that directory holds and saves each
        request's changes there (`--state-dir`); `stop()` lets the directory go."""
        self.host = host
        self.requested_port = port
        self.region = region
        self.log_level = log_level
        self.backend = EmulatorBackend(
            region,
            fixed_code=fixed_code,
            keys_dir=keys_dir,
            state_dir=state_dir,
            lambda_endpoint=lambda_endpoint,
            lambda_timeout_seconds=lambda_timeout_seconds,
        )
        for name, handler in (lambdas or {}).items():
            self.register_lambda(name, handler)
        self.app = EmulatorApp(self.backend, quotas=QuotaLimiter.from_preset(quotas))
        self._socket: socket.socket | None = None
        self._uvicorn: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------------------

    def bind(self) -> None:
        """Reserve the listening socket (raises OSError if the port is taken)."""
        if self._socket is not None:
            return
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((self.host, self.requested_port))
            sock.listen(2048)
        except OSError:
            sock.close()
            raise
        self._socket = sock

    @property
    def port(self) -> int:
        port: int = self._bound_address()[1]
        return port

    @property
    def bound_host(self) -> str:
        """The address the socket listens on, as the OS bound it (a hostname resolved)."""
        host: str = self._bound_address()[0]
        return host

    def _bound_address(self) -> tuple[Any, ...]:
        if self._socket is None:
            raise RuntimeError("EmulatorServer is not bound yet: call start() first")
        address: tuple[Any, ...] = self._socket.getsockname()
        return address

    @property
    def endpoint_url(self) -> str:
        """The URL clients use; a wildcard bind address is reached through loopback."""
        host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(self.host, self.host)  # noqa: S104
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}"

    def start(self) -> EmulatorServer:
        """Serve from a daemon thread; returns once the server accepts connections."""
        if self._thread is not None:
            return self
        self.bind()
        server = self._uvicorn_server()
        thread = threading.Thread(
            target=server.run,
            kwargs={"sockets": [self._socket]},
            name=f"cognito-emulator:{self.port}",
            daemon=True,
        )
        self._uvicorn, self._thread = server, thread
        thread.start()
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(
                    f"the emulator did not start on {self.host}:{self.requested_port}"
                )
            time.sleep(0.005)
        return self

    def serve_forever(self, on_ready: Callable[[], None] | None = None) -> None:
        """Serve in this thread until SIGINT/SIGTERM (the CLI); `on_ready` runs once serving."""
        self.bind()
        assert self._socket is not None
        server = self._uvicorn = self._uvicorn_server()
        if on_ready is not None:
            threading.Thread(target=_when_started, args=(server, on_ready), daemon=True).start()
        try:
            server.run(sockets=[self._socket])
        finally:
            self._close_socket()

    def stop(self) -> None:
        self.backend.lambdas.close()
        if self._uvicorn is not None:
            self._uvicorn.should_exit = True
        if self._thread is not None:
            self._thread.join(STOP_TIMEOUT_SECONDS)
        self._uvicorn = self._thread = None
        self._close_socket()
        self.app.locked(self.backend.state.close)

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _uvicorn_server(self) -> uvicorn.Server:
        config = uvicorn.Config(
            self.app,
            http="httptools",
            ws="none",
            lifespan="off",
            access_log=False,
            log_config=None,
            log_level=self.log_level,
            timeout_graceful_shutdown=1,
            timeout_keep_alive=KEEP_ALIVE_SECONDS,
            server_header=False,
        )
        return uvicorn.Server(config)

    def _close_socket(self) -> None:
        if self._socket is not None:
            with contextlib.suppress(OSError):
                self._socket.close()
            self._socket = None

    # -- the pool an app needs ------------------------------------------------------------------

    def bootstrap(
        self,
        *,
        pool_name: str | None = None,
        client_name: str | None = None,
        service_url: str | None = None,
        trigger_functions: TriggerFunctions | None = None,
        template: Template | Path | None = None,
        template_parameters: Mapping[str, str] | None = None,
    ) -> PoolConfig:
        """The kit's pool, app client and machine client, deployed from the kit's template as
        the CLI bootstraps them, or those of `template` (a user's, read from its path); the
        settings of the pool. `template_parameters` give the template's parameters.

        Deploying finds the pool by name, so a second bootstrap of the same pool name gives
        the same pool, clients and secrets, updated to what is asked now. For the kit's
        template: the pool's name (cognito-kit), its app client's name, the service's URL
        (no trailing slash) under which the app client's callback and sign-out URLs are, and
        `trigger_functions`, the Lambda functions (registered here, or reached at the lambda
        endpoint) the pool calls (none by default). TemplateError, PoolConflict, DeployFailed
        (cognito_emulator.cloudformation) when the template cannot be deployed."""
        kit_options = (pool_name, client_name, service_url, trigger_functions)
        if template is not None:
            if any(option is not None for option in kit_options):
                raise ValueError(
                    "pool_name, client_name, service_url and trigger_functions are the kit "
                    "template's: give another template's values as template_parameters"
                )
            return bootstrap_template(
                self.app.dispatch,
                template if isinstance(template, Template) else read_template(template),
                region=self.region,
                endpoint_url=self.endpoint_url,
                parameters=template_parameters,
            )
        return bootstrap(
            self.app.dispatch,
            region=self.region,
            endpoint_url=self.endpoint_url,
            pool_name=pool_name or DEFAULT_POOL_NAME,
            client_name=client_name or DEFAULT_CLIENT_NAME,
            service_url=service_url or DEFAULT_SERVICE_URL,
            triggers=(trigger_functions or NO_TRIGGERS).resolved(self.lambda_arn),
            parameters=template_parameters,
        )

    # -- the pool's OAuth side, as a browser reaches it -------------------------------------------

    def domain_url(self, domain: str) -> str:
        """Where the emulator serves a pool's domain (prefix or custom domain): its managed login
        pages and OAuth endpoints are under this URL (`.../oauth2/authorize`, `.../login`)."""
        return self.endpoint_url + DOMAIN_PATH.format(domain=quote(domain, safe=""))

    def authorize_through_login_page(
        self,
        username: str,
        password: str,
        *,
        user_pool_id: str,
        client_id: str,
        redirect_uri: str | None = None,
        scopes: list[str] | None = None,
        state: str | None = None,
        nonce: str | None = None,
        pkce: bool = True,
        answer: ChallengeAnswer | None = None,
    ) -> Authorization:
        """An authorization code for `username`, got through the pool's real login form over
        HTTP as a new, signed-out browser would get it (see `login_page_client`).

        `redirect_uri` defaults to the client's first callback URL; without `scopes` the request
        names none, and the client's allowed scopes are granted. `answer` answers the pages
        after the password (a new password, an MFA code: `login_page_client.LoginChallenge`).
        Raises LoginPageError (quoting the page) when the pages do not lead to the callback,
        AuthorizationError when they lead there with an OAuth error."""
        login_page, client = self._login_page(user_pool_id, client_id)
        return login_page.authorize(
            client_id=client_id,
            redirect_uri=redirect_uri or _first_callback_url(client),
            username=username,
            password=password,
            scopes=scopes,
            state=state,
            nonce=nonce,
            pkce=pkce,
            answer=answer,
        )

    def sign_in_through_login_page(
        self,
        username: str,
        password: str,
        *,
        user_pool_id: str,
        client_id: str,
        redirect_uri: str | None = None,
        scopes: list[str] | None = None,
        nonce: str | None = None,
        answer: ChallengeAnswer | None = None,
    ) -> OAuthTokens:
        """`authorize_through_login_page` with PKCE, then the code redeemed at /oauth2/token (with
        the client's secret when it has one): the tokens an app gets from a sign-in on the login
        page. TokenEndpointError when the token endpoint refuses."""
        login_page, client = self._login_page(user_pool_id, client_id)
        return login_page.sign_in(
            client_id=client_id,
            client_secret=client.get("ClientSecret"),
            redirect_uri=redirect_uri or _first_callback_url(client),
            username=username,
            password=password,
            scopes=scopes,
            nonce=nonce,
            answer=answer,
        )

    def client_credentials_token(
        self, *, user_pool_id: str, client_id: str, scopes: list[str] | None = None
    ) -> OAuthTokens:
        """A machine's access token: /oauth2/token's client_credentials grant for `client_id`
        (with its secret), for `scopes` or, without them, every scope the client is allowed.
        TokenEndpointError when the token endpoint refuses."""
        login_page, client = self._login_page(user_pool_id, client_id)
        form = {"grant_type": "client_credentials"}
        if scopes is not None:
            form["scope"] = " ".join(scopes)
        return login_page.token_request(
            form, client_id=client_id, client_secret=client.get("ClientSecret")
        )

    def _login_page(
        self, user_pool_id: str, client_id: str
    ) -> tuple[LoginPageClient, dict[str, Any]]:
        """A new, signed-out browser at the pool's login page, and the app client (as
        DescribeUserPoolClient describes it) that signs in there."""
        client = self._app_client(user_pool_id, client_id)
        return LoginPageClient(self.domain_url(self._domain_of(user_pool_id))), client

    def _domain_of(self, user_pool_id: str) -> str:
        pool = self.app.dispatch("DescribeUserPool", {"UserPoolId": user_pool_id})["UserPool"]
        domain: str | None = pool.get("CustomDomain") or pool.get("Domain")
        if not domain:
            raise ValueError(
                f"pool {user_pool_id} has no domain, so no login page: CreateUserPoolDomain first"
            )
        return domain

    def _app_client(self, user_pool_id: str, client_id: str) -> dict[str, Any]:
        client: dict[str, Any] = self.app.dispatch(
            "DescribeUserPoolClient", {"UserPoolId": user_pool_id, "ClientId": client_id}
        )["UserPoolClient"]
        return client

    # -- Lambda triggers ------------------------------------------------------------------------

    def register_lambda(self, name: str, handler: Handler | str) -> None:
        """Run `handler(event, context)` in-process for the Lambda function NAME (a callable, or
        `module:function` to import); it replaces one registered before under that name. Not
        undone by `reset()`: registrations are configuration, like quotas."""
        self.backend.lambdas.register(name, handler)

    def unregister_lambda(self, name: str) -> None:
        self.backend.lambdas.unregister(name)

    def set_triggers(self, pool_id: str, **functions: str) -> dict[str, Any]:
        """Point a pool's triggers at functions by name, its other settings kept:
        `set_triggers(pool_id, PreSignUp="my-fn")`; `PreTokenGeneration="fn"` with
        `PreTokenGenerationVersion="V2_0"` for version 2 events. Returns the LambdaConfig as
        DescribeUserPool shows it. Replaces every trigger the pool had."""
        version = functions.pop("PreTokenGenerationVersion", None)
        config: dict[str, Any] = {
            trigger: self.lambda_arn(name) for trigger, name in functions.items()
        }
        if version is not None:
            if "PreTokenGeneration" not in config:
                raise ValueError("PreTokenGenerationVersion needs PreTokenGeneration")
            config["PreTokenGenerationConfig"] = {
                "LambdaArn": config.pop("PreTokenGeneration"),
                "LambdaVersion": version,
            }
        return self.app.set_lambda_config(pool_id, config)

    def lambda_arn(self, name: str) -> str:
        """The ARN a pool's LambdaConfig names function NAME by, in this emulator's region."""
        return f"arn:aws:lambda:{self.region}:{EMULATOR_ACCOUNT_ID}:function:{name}"

    # -- control (same code as the HTTP control API) --------------------------------------------

    def outbox(
        self, pool_id: str | None = None, username: str | None = None
    ) -> list[dict[str, Any]]:
        return self.app.outbox(pool_id, username)

    def latest_code(self, pool_id: str, username: str) -> str:
        """The newest code sent to `username`; LookupError if none was sent."""
        messages = self.outbox(pool_id, username)
        if not messages:
            raise LookupError(f"no code was sent to {username!r} in pool {pool_id!r}")
        code: str = messages[-1]["code"]
        return code

    def advance_clock(self, seconds: float) -> float:
        return self.app.advance_clock(seconds)

    def rotate_keys(self, pool_id: str) -> str:
        return self.app.rotate_keys(pool_id)

    def add_fault(
        self,
        operation: str,
        error_code: str | None,
        *,
        count: int | None = None,
        probability: float | None = None,
        latency_ms: float | None = None,
    ) -> None:
        self.app.add_fault(
            operation, error_code, count=count, probability=probability, latency_ms=latency_ms
        )

    def clear_faults(self) -> None:
        self.app.clear_faults()

    def reset(self) -> None:
        self.app.reset()


def _first_callback_url(client: dict[str, Any]) -> str:
    callback_urls: list[str] = client.get("CallbackURLs") or []
    if not callback_urls:
        raise ValueError(
            f"app client {client['ClientId']} has no CallbackURLs: give a redirect_uri, or "
            "register one with UpdateUserPoolClient"
        )
    return callback_urls[0]


def _when_started(server: uvicorn.Server, callback: Callable[[], None]) -> None:
    while not server.started:
        if server.should_exit:
            return
        time.sleep(0.005)
    callback()
