"""What `nox -s dev` prints once the stack is up: besides the URLs (the pool's login page among
them), where the service's log is (a 502's cause is written there), how to make a user an
admin, and what moving the emulator's clock does to the service."""

from pathlib import Path

from cognito_emulator.pytest_plugin import idp_client
from devstack.__main__ import banner
from devstack.ports import free_port
from devstack.stack import Stack


def test_the_banner_names_the_login_page_log_admin_command_and_clock(tmp_path: Path) -> None:
    """The service binds 127.0.0.1 but is shown on localhost: Swagger UI's authorization code
    sign-in returns to the origin the page was opened on, and the pool's callback URLs are on
    localhost (Cognito allows plain http only there)."""
    port = free_port()
    stack = Stack(service_port=port, emulator_port=free_port(), log_dir=tmp_path)
    stack.start_emulator()
    try:
        lines = banner(stack).splitlines()
        pool, emulator_url = stack.pool, stack.emulator_url
    finally:
        stack.stop()

    assert pool is not None
    assert lines[0] == (
        f"Service:   http://localhost:{port}  (Swagger UI: http://localhost:{port}/docs)"
    )
    assert lines[1] == (
        f"Emulator:  {emulator_url}  (console: {emulator_url}/_emulator/, "
        f"codes sent: {emulator_url}/_emulator/messages)"
    )
    assert lines[3] == (
        f"Login:     {emulator_url}/domains/kit/login?client_id={pool.client_id}"
        "&response_type=code&scope=openid+email"
        f"&redirect_uri=http%3A%2F%2Flocalhost%3A{port}%2Fdocs%2Foauth2-redirect"
        "  (the pool's login page)"
    )
    assert lines[5:] == [
        "State:     in memory (gone when the stack stops)",
        "Triggers:  cognito-kit-post-confirmation, cognito-kit-pre-token-generation  "
        "(app/triggers/, run in this process)",
        f"Log:       {tmp_path / f'service-{port}.log'}  (the service's: why a request failed)",
        "Sign up in Swagger UI, read the code from the outbox, verify, Authorize, GET /users/me.",
        f"Admin:     nox -s dev -- admin USERNAME --port {port}  (then sign in again)",
        "Clock:     moving the emulator's (POST /_emulator/clock) leaves the service's: tokens",
        "           issued then look expired or not valid yet to it, and logins answer 502.",
        "Ctrl-C stops both.",
    ]


def test_the_service_runs_with_its_public_url_and_the_pool_sends_browsers_back_there(
    tmp_path: Path,
) -> None:
    port = free_port()
    stack = Stack(service_port=port, emulator_port=free_port(), log_dir=tmp_path)
    stack.start_emulator()
    try:
        assert stack.pool is not None
        environment = stack.service_env()
        app_client = idp_client(
            stack.emulator_url, stack.emulator.region
        ).describe_user_pool_client(
            UserPoolId=stack.pool.user_pool_id, ClientId=stack.pool.client_id
        )["UserPoolClient"]
        machine_client_id = stack.pool.machine_client_id
    finally:
        stack.stop()

    assert stack.service_url == f"http://127.0.0.1:{port}"
    assert environment["SERVICE_PUBLIC_URL"] == f"http://localhost:{port}"
    assert environment["AWS_COGNITO_ACCEPTED_CLIENT_IDS"] == machine_client_id
    assert app_client["CallbackURLs"] == [
        f"http://localhost:{port}/auth/callback",
        f"http://localhost:{port}/docs/oauth2-redirect",
    ]
    assert app_client["LogoutURLs"] == [f"http://localhost:{port}/"]
