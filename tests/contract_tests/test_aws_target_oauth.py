"""`--cognito-target=aws` and the pool's OAuth side: the domain and the machine client come from
the service's own settings; without them, or with a login page off this machine, the OAuth
behaviours skip and say what to set (nothing is sent anywhere: building a target calls no one)."""

import pytest

from contract_tests.targets import (
    AWS_DOMAIN_SETTING,
    AWS_MACHINE_CLIENT_SETTINGS,
    AppClient,
    aws_target,
)

POOL_SETTINGS = {
    "AWS_REGION": "us-east-1",
    "AWS_COGNITO_USER_POOL_ID": "us-east-1_Example1",
    "AWS_COGNITO_APP_CLIENT_ID": "webclient",
    "AWS_COGNITO_APP_CLIENT_SECRET": "web-secret",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
}
REAL_DOMAIN = "https://kit.auth.us-east-1.amazoncognito.com"


@pytest.fixture
def pool_environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in (AWS_DOMAIN_SETTING, *AWS_MACHINE_CLIENT_SETTINGS, "AWS_COGNITO_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in POOL_SETTINGS.items():
        monkeypatch.setenv(name, value)
    return monkeypatch


def test_without_the_oauth_settings_the_oauth_behaviours_skip_naming_them(
    pool_environment: pytest.MonkeyPatch,
) -> None:
    target = aws_target()

    with pytest.raises(pytest.skip.Exception, match=r"set AWS_COGNITO_DOMAIN \(https://"):
        target.oauth_domain()
    with pytest.raises(
        pytest.skip.Exception,
        match=r"set AWS_COGNITO_MACHINE_CLIENT_ID and AWS_COGNITO_MACHINE_CLIENT_SECRET$",
    ):
        target.machine()


def test_a_real_pools_login_page_is_not_driven_its_token_endpoint_is(
    pool_environment: pytest.MonkeyPatch,
) -> None:
    pool_environment.setenv("AWS_COGNITO_DOMAIN", REAL_DOMAIN + "/")
    pool_environment.setenv("AWS_COGNITO_MACHINE_CLIENT_ID", "machineclient")
    pool_environment.setenv("AWS_COGNITO_MACHINE_CLIENT_SECRET", "machine-secret")
    target = aws_target()

    assert target.oauth_domain() == REAL_DOMAIN
    assert target.machine() == AppClient("machineclient", "machine-secret")
    with pytest.raises(pytest.skip.Exception, match="is not on this machine"):
        target.login_page()


def test_a_standalone_emulators_login_page_is_driven(
    pool_environment: pytest.MonkeyPatch,
) -> None:
    """The rehearsal: AWS_COGNITO_* from `cognito-emulator --env-file`, on 127.0.0.1."""
    pool_environment.setenv("AWS_COGNITO_DOMAIN", "http://127.0.0.1:9229/domains/kit")

    login_page = aws_target().login_page()

    assert login_page.domain_url == "http://127.0.0.1:9229/domains/kit"
