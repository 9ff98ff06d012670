"""`python -m load_tests.browser` (`nox -s browser`): the pages a person uses, in headless Chromium.

1. The service's Swagger UI: Authorize with a provisioned user (the OAuth2 password form posts
   to /users/login), then execute GET /users/me and see 200 and that user's name.
2. The Locust web UI, with the stack running: the start form loads, a swarm started from it
   shows /users/me in its stats table, and stops.
3. The emulator's managed login page for the stack's pool: the authorize URL (from the pool's
   discovery document) shows the sign-in form; a wrong password is refused on the page; the
   right one lands on the app's callback with a code, which the token endpoint redeems.
4. Swagger UI's authorization-code Authorize, on the docs opened at the service's public URL
   (http://localhost:PORT, as SERVICE_PUBLIC_URL and the pool's callback URLs say): signed out
   of the pool through /auth/logout, Authorize opens the pool's login page, the sign-in comes
   back through /docs/oauth2-redirect and /auth/token, and GET /users/me answers 200.
5. The emulator's web console: its root URL lands on the console; the outbox page shows the
   code of a sign-up made through the API without being reloaded; the new user is confirmed
   from their page; a token pasted into the inspector is verified. `--update-docs-screenshots`
   also copies the outbox screenshot to docs/ for the README.

Chromium and chromedriver are Debian's (installed with apt-get when missing and run as root);
selenium drives them. Screenshots go to the out folder. Chromium gets the flags that keep it
from reaching the network on its own, and a new, empty profile.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import secrets
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import jwt
from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.wait import WebDriverWait

from cognito_emulator.login_page_client import code_challenge, new_code_verifier
from devstack.ports import free_port
from load_tests.provisioning import ProvisioningError, provision_accounts
from load_tests.run import (
    REPO_ROOT,
    RunOptions,
    SetupError,
    Target,
    local_stack,
    locust_command,
    locust_environment,
)
from load_tests.run_files import Account, write_accounts

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
OFFLINE_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--window-size=1400,1100",
]  # fmt: skip
WAIT_SECONDS = 20
# How soon the console's outbox page must show a code sent while it is open.
LIVE_OUTBOX_SECONDS = 5
DOCS_SCREENSHOT = REPO_ROOT / "docs" / "console-outbox.png"
# What Cognito's login page says to a wrong password (and to an unknown user, alike).
WRONG_PASSWORD_MESSAGE = "Incorrect username or password."


class BrowserCheckFailed(AssertionError):
    """A page did not show what a user should see; the message says what and where."""


def ensure_chromium() -> None:
    """Debian's chromium and chromium-driver, installed when missing (the session runs as root)."""
    if CHROMIUM.exists() and CHROMEDRIVER.exists():
        return
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise SystemExit(
            "headless Chromium is missing: `apt-get install -y chromium chromium-driver` as root"
        )
    print("installing Debian's chromium and chromium-driver", flush=True)
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update"], check=True, env=environment)
    subprocess.run(
        ["apt-get", "install", "-y", "chromium", "chromium-driver"], check=True, env=environment
    )


@contextlib.contextmanager
def headless_chromium() -> Iterator[WebDriver]:
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in [*OFFLINE_FLAGS, f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _visible(driver: WebDriver, css: str, what: str, by: str = By.CSS_SELECTOR) -> WebElement:
    try:
        element: WebElement = WebDriverWait(driver, WAIT_SECONDS).until(
            expected_conditions.visibility_of_element_located((by, css))
        )
    except TimeoutException:
        raise BrowserCheckFailed(f"{what} did not appear ({css}) on {driver.current_url}") from None
    return element


def _button(driver: WebDriver, label: str, within_class: str) -> WebElement:
    """A button by the words on it: class names change between Swagger UI versions, words less."""
    xpath = f"//*[contains(@class, '{within_class}')]//button[normalize-space()='{label}']"
    return _visible(driver, xpath, f"the {label!r} button", By.XPATH)


def _wait_for_text(driver: WebDriver, css: str, text: str, what: str) -> None:
    try:
        WebDriverWait(driver, WAIT_SECONDS).until(
            expected_conditions.text_to_be_present_in_element((By.CSS_SELECTOR, css), text)
        )
    except TimeoutException:
        raise BrowserCheckFailed(f"{what}: {text!r} not shown in {css}") from None


def remote_assets(page: str) -> list[str]:
    """Scripts and stylesheets a page loads from another machine (a CDN, typically)."""
    urls = re.findall(r"""(?:src|href)=["'](https?://[^"']+\.(?:js|css))["']""", page)
    return [url for url in urls if urlsplit(url).hostname not in ("127.0.0.1", "localhost", "::1")]


def check_swagger_ui(driver: WebDriver, service_url: str, account: Account, out: Path) -> str:
    """Authorize in Swagger UI with the account, then Try it out → Execute GET /users/me."""
    driver.get(f"{service_url}/docs")
    remote = remote_assets(driver.page_source)
    if remote:
        raise BrowserCheckFailed(
            "Swagger UI loads its assets from another host, which a machine without internet "
            f"access cannot reach ({', '.join(remote)}): the service must serve them itself"
        )
    _visible(driver, "button.authorize", "the Authorize button").click()
    _visible(driver, "input#oauth_username", "the username field").send_keys(account.username)
    _visible(driver, "input#oauth_password", "the password field").send_keys(account.password)
    _button(driver, "Authorize", "auth-btn-wrapper").click()
    _button(driver, "Logout", "auth-btn-wrapper")  # shown once the login succeeded
    driver.get_screenshot_as_file(str(out / "swagger-authorized.png"))
    _button(driver, "Close", "auth-btn-wrapper").click()
    screenshot = out / "swagger-users-me.png"
    _execute_users_me(driver, account, screenshot)
    return f"Swagger UI: authorized as {account.username}; GET /users/me → 200 ({screenshot})"


def check_swagger_authorization_code(
    driver: WebDriver, target: Target, account: Account, out: Path
) -> str:
    """Swagger UI's authorization-code Authorize: the docs opened where the service says
    browsers reach it (Swagger UI returns to its own origin, which the app client lists), the
    pool's login page in the window Swagger UI opens, back through /docs/oauth2-redirect, the
    code redeemed at /auth/token; then Try it out → Execute GET /users/me."""
    public_url = service_public_url(target.service_url)
    # Signed out of the pool first (an earlier check signed in there): /auth/logout goes through
    # the pool's logout back to the service's front door, the docs.
    driver.get(f"{public_url}/auth/logout")
    try:
        WebDriverWait(driver, WAIT_SECONDS).until(
            lambda _: driver.current_url == f"{public_url}/docs"
        )
    except TimeoutException:
        raise BrowserCheckFailed(
            f"/auth/logout did not lead back to {public_url}/docs: {driver.current_url}"
        ) from None
    docs_window = driver.current_window_handle
    _visible(driver, "button.authorize", "the Authorize button").click()
    flow = "//*[contains(@class, 'auth-container')][.//h4[contains(., 'authorizationCode')]]"
    _visible(driver, flow, "the authorizationCode flow in the Authorize dialog", By.XPATH)
    driver.get_screenshot_as_file(str(out / "swagger-authorize-dialog.png"))
    authorize = f"{flow}//button[normalize-space()='Authorize']"
    _visible(driver, authorize, "the authorizationCode flow's Authorize", By.XPATH).click()
    login_window = _new_window(driver, docs_window)
    driver.switch_to.window(login_window)
    _sign_in(driver, account.username, account.password, out / "swagger-login-page.png")
    try:  # the redirect page hands the code to Swagger UI and closes itself
        WebDriverWait(driver, WAIT_SECONDS).until(lambda _: len(driver.window_handles) == 1)
    except TimeoutException:
        raise BrowserCheckFailed(
            f"the login page's window did not close: it shows {driver.current_url}"
        ) from None
    driver.switch_to.window(docs_window)
    logout = f"{flow}//button[normalize-space()='Logout']"
    _visible(driver, logout, "Logout of the authorizationCode flow (signed in)", By.XPATH)
    driver.get_screenshot_as_file(str(out / "swagger-authorization-code-authorized.png"))
    _button(driver, "Close", "auth-btn-wrapper").click()
    screenshot = out / "swagger-authorization-code-users-me.png"
    _execute_users_me(driver, account, screenshot)
    return (
        f"Swagger UI authorization code: signed in as {account.username} on the login page from "
        f"{public_url}/docs; GET /users/me → 200 ({screenshot})"
    )


def service_public_url(service_url: str) -> str:
    """Where the service says browsers reach it (SERVICE_PUBLIC_URL): the address its
    /auth/login sends the login page back to."""
    started = httpx.get(f"{service_url}/auth/login", timeout=10)
    if started.status_code != 302:
        raise BrowserCheckFailed(f"{service_url}/auth/login answered {started.status_code}")
    callback = parse_qs(urlsplit(started.headers["location"]).query)["redirect_uri"][0]
    return callback.removesuffix("/auth/callback")


def _new_window(driver: WebDriver, opener: str) -> str:
    try:
        WebDriverWait(driver, WAIT_SECONDS).until(lambda _: len(driver.window_handles) == 2)
    except TimeoutException:
        raise BrowserCheckFailed("Authorize opened no window for the login page") from None
    return next(handle for handle in driver.window_handles if handle != opener)


def _execute_users_me(driver: WebDriver, account: Account, screenshot: Path) -> None:
    """Try it out → Execute GET /users/me: 200 with the account's name."""
    me = _visible(
        driver, '.opblock-get .opblock-summary-path[data-path="/users/me"]', "GET /users/me"
    )
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", me)
    me.click()
    block = ".opblock-get.is-open"
    _button(driver, "Try it out", "is-open").click()
    _button(driver, "Execute", "is-open").click()
    live = f"{block} .live-responses-table .response"
    _wait_for_text(driver, f"{live} .response-col_status", "200", "GET /users/me status")
    _wait_for_text(driver, f"{live} .response-col_description", account.username, "the body")
    response = driver.find_element(By.CSS_SELECTOR, live)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", response)
    driver.get_screenshot_as_file(str(screenshot))


def check_locust_ui(driver: WebDriver, locust_url: str, out: Path) -> str:
    """The start form loads; a small swarm started from it reports /users/me; Stop works."""
    driver.get(locust_url)
    _replace_text(_visible(driver, "input[name=userCount]", "the number-of-users field"), "3")
    _replace_text(_visible(driver, "input[name=spawnRate]", "the spawn-rate field"), "3")
    driver.get_screenshot_as_file(str(out / "locust-start-form.png"))
    _visible(driver, "form button[type=submit]", "the Start button").click()
    _wait_for_text(driver, "table", "GET /users/me", "the Locust stats table")
    users_now = "//header//*[normalize-space()='Users']/following-sibling::*[normalize-space()='3']"
    _visible(driver, users_now, "3 users running in the header", By.XPATH)
    screenshot = out / "locust-running.png"
    driver.get_screenshot_as_file(str(screenshot))
    _visible(driver, "//header//button[normalize-space()='Stop']", "Stop", By.XPATH).click()
    _wait_for_text(driver, "header", "STOPPED", "the Locust status after Stop")
    return f"Locust web UI: start form, 3 users reporting GET /users/me, stopped ({screenshot})"


def check_login_page(driver: WebDriver, target: Target, account: Account, out: Path) -> str:
    """The pool's managed login page, as a person meets it: an app client of its own for this
    check (the code grant, back to the service's docs page, a page the screenshot can show),
    the authorize URL from the pool's discovery document, a wrong password, then the right one."""
    admin = target.cognito.admin_client()
    pool_id = target.cognito.user_pool_id
    redirect_uri = f"{target.service_url}/docs"
    client_id = admin.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="browser-check",
        AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthFlows=["code"],
        AllowedOAuthScopes=["openid", "email"],
        CallbackURLs=[redirect_uri],
        SupportedIdentityProviders=["COGNITO"],
    )["UserPoolClient"]["ClientId"]
    discovery = httpx.get(
        f"{target.emulator_url}/{pool_id}/.well-known/openid-configuration", timeout=10
    ).json()
    verifier, state = new_code_verifier(), secrets.token_urlsafe(12)
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": "openid email",
        "state": state,
        "code_challenge": code_challenge(verifier),
        "code_challenge_method": "S256",
    }
    driver.get(f"{discovery['authorization_endpoint']}?{urlencode(query)}")
    remote = remote_assets(driver.page_source)
    if remote:
        raise BrowserCheckFailed(f"the login page loads assets from elsewhere: {remote}")
    _sign_in(driver, account.username, f"Wrong-{account.password}", out / "login-page.png")
    alert = _visible(driver, "[role=alert]", "the wrong-password message")
    if alert.text != WRONG_PASSWORD_MESSAGE:
        raise BrowserCheckFailed(f"a wrong password showed {alert.text!r}")
    driver.get_screenshot_as_file(str(out / "login-wrong-password.png"))
    _sign_in(driver, account.username, account.password, None)
    try:
        WebDriverWait(driver, WAIT_SECONDS).until(
            lambda browser: browser.current_url.startswith(redirect_uri)
        )
    except TimeoutException:
        raise BrowserCheckFailed(f"the right password did not lead to {redirect_uri}") from None
    _visible(driver, "button.authorize", "the service's docs page, the check's callback")
    screenshot = out / "login-redirected.png"
    driver.get_screenshot_as_file(str(screenshot))
    answer = parse_qs(urlsplit(driver.current_url).query)
    if answer.get("state") != [state] or not answer.get("code"):
        raise BrowserCheckFailed(f"the callback got {driver.current_url}, not a code and state")
    redeemed = httpx.post(
        discovery["token_endpoint"],
        data={
            "grant_type": "authorization_code",
            "client_id": client_id,
            "code": answer["code"][0],
            "redirect_uri": redirect_uri,
            "code_verifier": verifier,
        },
        timeout=10,
    )
    if redeemed.status_code != 200:
        raise BrowserCheckFailed(f"the token endpoint refused the code: {redeemed.text}")
    claims = jwt.decode(redeemed.json()["id_token"], options={"verify_signature": False})
    if claims.get("cognito:username") != account.username:
        raise BrowserCheckFailed(f"the code gave an ID token for {claims.get('cognito:username')}")
    return (
        f"Managed login: form shown, a wrong password refused ({WRONG_PASSWORD_MESSAGE!r}), "
        f"signed in as {account.username} and sent to {redirect_uri} with a code the token "
        f"endpoint redeemed ({screenshot})"
    )


def _sign_in(driver: WebDriver, username: str, password: str, screenshot: Path | None) -> None:
    """Type into the login form as a person would, then press its Sign in button."""
    _replace_text(_visible(driver, "input[name=username]", "the username field"), username)
    _replace_text(_visible(driver, "input[name=password]", "the password field"), password)
    if screenshot is not None:
        driver.get_screenshot_as_file(str(screenshot))
    _visible(driver, "form button[type=submit]", "the Sign in button").click()


def _replace_text(field: WebElement, text: str) -> None:
    """Select all and type over it: clear() does not reach React-controlled inputs."""
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(Keys.DELETE)
    field.send_keys(text)


def check_console(driver: WebDriver, target: Target, out: Path, *, update_docs: bool) -> str:
    """The emulator's web console as a person uses it: the root URL leads there; the outbox
    page, left open, shows a sign-up's code within LIVE_OUTBOX_SECONDS without a reload; the
    user is confirmed from their page; the inspector verifies a token of theirs."""
    console = f"{target.emulator_url}/_emulator/"
    driver.get(target.emulator_url)
    try:
        WebDriverWait(driver, WAIT_SECONDS).until(lambda _: driver.current_url == console)
    except TimeoutException:
        raise BrowserCheckFailed(f"the emulator's root URL led to {driver.current_url}") from None
    pool_id = target.cognito.user_pool_id
    _visible(driver, f"//td/code[normalize-space()='{pool_id}']", "the pool", By.XPATH)
    remote = remote_assets(driver.page_source)
    if remote:
        raise BrowserCheckFailed(f"the console loads assets from elsewhere: {remote}")
    driver.get_screenshot_as_file(str(out / "console-home.png"))

    admin = target.cognito.admin_client()
    client_id = admin.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="console-check",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    username, password = (
        f"console-{secrets.token_hex(4)}",
        f"Console-{secrets.token_urlsafe(9)}-9a!",
    )
    driver.get(f"{console}messages?{urlencode({'pool_id': pool_id})}")
    _wait_for_text(driver, "#live", "Live", "the outbox page's live status")
    driver.execute_script("window.notReloaded = true;")
    admin.sign_up(
        ClientId=client_id,
        Username=username,
        Password=password,
        UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}],
    )
    code = _sent_code(target.emulator_url, pool_id, username)
    newest = "#messages article:first-child .code"
    try:
        WebDriverWait(driver, LIVE_OUTBOX_SECONDS).until(
            expected_conditions.text_to_be_present_in_element((By.CSS_SELECTOR, newest), code)
        )
    except TimeoutException:
        raise BrowserCheckFailed(
            f"the outbox page did not show the code {code} within {LIVE_OUTBOX_SECONDS} s"
        ) from None
    if not driver.execute_script("return window.notReloaded === true;"):
        raise BrowserCheckFailed("the outbox page reloaded itself to show the code")
    copy = _visible(driver, "#messages article:first-child button.copy", "the Copy button")
    copy.click()
    WebDriverWait(driver, WAIT_SECONDS).until(lambda _: copy.text != "Copy")
    outbox_screenshot = out / "console-outbox.png"
    driver.get_screenshot_as_file(str(outbox_screenshot))

    user_link = f"//*[@id='messages']/article[1]//a[normalize-space()='{username}']"
    _visible(driver, user_link, f"the link to {username}'s page", By.XPATH).click()
    _visible(driver, "//dd[normalize-space()='UNCONFIRMED']", "the status", By.XPATH)
    confirm = "//button[normalize-space()='Confirm sign-up']"
    _visible(driver, confirm, "the Confirm sign-up button", By.XPATH).click()
    _wait_for_text(driver, "[role=status]", f"Confirmed {username}", "the confirmation")
    _visible(driver, "//dd[normalize-space()='CONFIRMED']", "the new status", By.XPATH)
    status = admin.admin_get_user(UserPoolId=pool_id, Username=username)["UserStatus"]
    if status != "CONFIRMED":
        raise BrowserCheckFailed(f"the console's Confirm left {username} {status}")
    driver.get_screenshot_as_file(str(out / "console-user-confirmed.png"))

    tokens = admin.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )["AuthenticationResult"]
    _visible(driver, "//nav/a[normalize-space()='Tokens']", "Tokens in the nav", By.XPATH).click()
    _visible(driver, "textarea#token", "the token box").send_keys(tokens["AccessToken"])
    _visible(driver, "//button[normalize-space()='Inspect']", "Inspect", By.XPATH).click()
    _wait_for_text(driver, "#signature", "Signature verified", "the token's signature")
    _wait_for_text(driver, "#expiry", "Valid for", "the token's expiry")
    driver.get_screenshot_as_file(str(out / "console-token.png"))
    if update_docs:
        DOCS_SCREENSHOT.parent.mkdir(exist_ok=True)
        shutil.copyfile(outbox_screenshot, DOCS_SCREENSHOT)
    return (
        f"Console: {target.emulator_url} led to it; the outbox showed {username}'s code "
        f"without a reload; confirmed from the user page; the inspector verified their access "
        f"token ({outbox_screenshot}{', copied to ' + str(DOCS_SCREENSHOT) if update_docs else ''})"
    )


def _sent_code(emulator_url: str, pool_id: str, username: str) -> str:
    """The code the emulator sent `username`, from the control API's outbox."""
    answer = httpx.get(
        f"{emulator_url}/_emulator/outbox",
        params={"pool_id": pool_id, "username": username},
        timeout=10,
    )
    messages = answer.json()["messages"]
    if not messages:
        raise BrowserCheckFailed(f"the emulator sent {username} no code")
    code: str = messages[-1]["code"]
    return code


def wait_until_serving(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(url, timeout=2).status_code == 200:
                return
        time.sleep(0.2)
    raise BrowserCheckFailed(f"{url} did not answer within {timeout:.0f} s")


@contextlib.contextmanager
def locust_web_ui(target: Target, out: Path, accounts_file: Path) -> Iterator[str]:
    """Locust's web UI on a free loopback port, stopped like Ctrl-C would stop it."""
    options = RunOptions(web=True, web_port=free_port(), users=2, spawn_rate=2, out=out)
    command = locust_command(options, target, out, accounts_file, run_id="browser")
    process = subprocess.Popen(command, cwd=REPO_ROOT, env=locust_environment(target))
    try:
        url = f"http://127.0.0.1:{options.web_port}"
        wait_until_serving(url)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m load_tests.browser",
        description="Check Swagger UI (Authorize with the password form and through the "
        "login page, /users/me), the Locust web UI, the emulator's managed login page and its "
        "web console in headless Chromium, with emulator + service running.",
    )
    parser.add_argument(
        "--out", type=Path, help="screenshots folder (default ./load-results/browser-<timestamp>)"
    )
    parser.add_argument(
        "--update-docs-screenshots",
        action="store_true",
        help="also copy the console's outbox screenshot to "
        f"{DOCS_SCREENSHOT.relative_to(REPO_ROOT)}, where the README shows it",
    )
    args = parser.parse_args(argv)
    out: Path = args.out or Path("load-results") / time.strftime("browser-%Y%m%d-%H%M%S")
    out.mkdir(parents=True, exist_ok=True)
    ensure_chromium()
    results = []
    try:
        with local_stack(RunOptions(workers=1, out=out), out) as target:
            # one account per Locust user the swarm may start (3), one more for Swagger UI
            accounts = provision_accounts(
                target.cognito, target.service_url, count=4, name_prefix="browser-user"
            )
            accounts_file = out / "accounts.json"
            write_accounts(accounts_file, accounts)
            with headless_chromium() as driver:
                try:
                    with locust_web_ui(target, out, accounts_file) as locust_url:
                        results.append(check_locust_ui(driver, locust_url, out))
                    results.append(check_swagger_ui(driver, target.service_url, accounts[0], out))
                    results.append(check_login_page(driver, target, accounts[0], out))
                    results.append(
                        check_swagger_authorization_code(driver, target, accounts[0], out)
                    )
                    results.append(
                        check_console(driver, target, out, update_docs=args.update_docs_screenshots)
                    )
                except BrowserCheckFailed:
                    driver.get_screenshot_as_file(str(out / "failure.png"))
                    raise
    except BrowserCheckFailed as failure:
        print("\n".join([*results, f"FAIL {failure} (screenshot: {out / 'failure.png'})"]))
        return 1
    except (SetupError, ProvisioningError) as error:
        print(f"browser check could not start: {error}")
        return 2
    print("\n".join([*results, f"PASSED; screenshots in {out}"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
