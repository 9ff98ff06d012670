"""The console's "Clock & faults" page (`http/console_clock_and_faults.py`): moving the emulator
clock, adding and clearing injected faults (which the API then answers with), and the quotas."""

from __future__ import annotations

import re

import httpx
import pytest
from botocore.exceptions import ClientError
from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

from cognito_emulator.bootstrap import PoolConfig
from cognito_emulator.server import EmulatorServer
from tests.emulator.console_harness import Console, flash

PAGE = "/_emulator/clock-and-faults"


def clock_button(console: Console, label: str) -> int:
    """The index among the page's POST forms of the quick clock button `label`."""
    forms = re.findall(r"<form method=\"post\".*?</form>", console.get(PAGE).text, re.S)
    return next(index for index, form in enumerate(forms) if f">{label}</button>" in form)


def test_the_page_shows_the_emulator_clock_on_real_time(console: Console) -> None:
    text = console.get(PAGE).text

    assert re.search(r'<dd id="emulator-now">\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC</dd>', text)
    assert '<dd id="offset">none: the emulator runs on real time</dd>' in text


def test_a_quick_button_moves_the_clock_an_hour_ahead(
    console: Console, cognito_emulator: EmulatorServer
) -> None:
    answer = console.submit(PAGE, form_index=clock_button(console, "+1 h"))

    page = console.followed(answer)
    assert cognito_emulator.backend.clock.offset == 3600
    assert flash(page).startswith("Moved the clock ahead 1 h: it is ")
    assert '<dd id="offset">+1 h (3600 s)</dd>' in page.text


def test_the_clock_moves_by_the_seconds_typed_back_too(
    console: Console, cognito_emulator: EmulatorServer
) -> None:
    custom = clock_button(console, "+30 days") + 1

    page = console.followed(console.submit(PAGE, {"seconds": "-90"}, form_index=custom))

    assert cognito_emulator.backend.clock.offset == -90
    assert flash(page).startswith("Moved the clock back 1 min 30 s: it is ")
    assert '<dd id="offset">-1 min 30 s (-90 s)</dd>' in page.text


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("soon", "Seconds must be a number, got 'soon'."),
        ("", "Type how many seconds to move the clock (negative moves it back)."),
        ("1e300", "advance_seconds must keep the emulator clock between 1970-01-01T00:00:00Z"),
    ],
)
def test_a_clock_move_it_cannot_make_is_refused_on_the_page(
    console: Console, cognito_emulator: EmulatorServer, typed: str, message: str
) -> None:
    custom = clock_button(console, "+30 days") + 1

    page = console.followed(console.submit(PAGE, {"seconds": typed}, form_index=custom))

    assert flash(page).startswith(message)
    assert '<p class="flash refused" role="alert">' in page.text
    assert cognito_emulator.backend.clock.offset == 0


def test_an_added_fault_is_listed_and_the_api_answers_with_it(
    console: Console,
    cognito_emulator: EmulatorServer,
    cognito_pool: PoolConfig,
    cognito_idp_client: CognitoIdentityProviderClient,
) -> None:
    values = {"operation": "ListUsers", "error_code": "TooManyRequestsException", "count": "1"}

    page = console.followed(console.submit(PAGE, values, form_index=_add_fault_form(console)))

    assert flash(page) == "Added a fault: ListUsers answers TooManyRequestsException, 1 time."
    assert "<td><code>ListUsers</code></td>" in page.text
    assert "<td>TooManyRequestsException</td>" in page.text
    with pytest.raises(ClientError) as faulted:
        cognito_idp_client.list_users(UserPoolId=cognito_pool.user_pool_id)
    assert faulted.value.response["Error"]["Code"] == "TooManyRequestsException"
    assert cognito_emulator.app.faults.describe() == []  # used up


def test_a_fault_that_cannot_be_added_is_refused_with_the_reason(
    console: Console, cognito_emulator: EmulatorServer
) -> None:
    add = _add_fault_form(console)

    misspelled = console.followed(console.submit(PAGE, {"operation": "Signup"}, form_index=add))
    bad_count = console.followed(
        console.submit(PAGE, {"operation": "SignUp", "count": "twice"}, form_index=add)
    )

    assert flash(misspelled) == (
        'No fault added: operation must be a cognito-idp operation such as "InitiateAuth", or '
        "\"*\" for all, got 'Signup'; did you mean SignUp or ConfirmSignUp?"
    )
    assert flash(bad_count) == "No fault added: Count must be a whole number, got 'twice'."
    assert cognito_emulator.app.faults.describe() == []


def test_clear_removes_every_fault(console: Console, cognito_emulator: EmulatorServer) -> None:
    cognito_emulator.add_fault("SignUp", "InternalErrorException")
    cognito_emulator.add_fault("*", None, latency_ms=50, probability=0.5)
    page = console.get(PAGE)
    assert "<td>none (latency only)</td>" in page.text
    clear = next(
        index
        for index, form in enumerate(
            re.findall(r"<form method=\"post\".*?</form>", page.text, re.S)
        )
        if ">Clear all faults</button>" in form
    )

    cleared = console.followed(console.submit(PAGE, form_index=clear))

    assert flash(cleared) == "Cleared 2 faults."
    assert "<p>No faults: every operation answers as Cognito would.</p>" in cleared.text
    assert cognito_emulator.app.faults.describe() == []


def test_quotas_off_says_how_to_turn_them_on(console: Console) -> None:
    assert "Start the emulator with <code>--quotas aws</code>" in console.get(PAGE).text


def test_quotas_on_lists_each_category_with_its_rate() -> None:
    with EmulatorServer(quotas="aws") as server:
        text = httpx.get(f"{server.endpoint_url}{PAGE}", timeout=10).text

    assert (
        "<tr><td>UserCreation</td><td>50</td><td>SignUp, ConfirmSignUp, AdminCreateUser, " in text
    )
    assert "<tr><td>UserAuthentication</td><td>120</td>" in text
    assert "<tr><td>UserList</td><td>30</td><td>ListUsers, ListUsersInGroup</td></tr>" in text


def _add_fault_form(console: Console) -> int:
    forms = re.findall(r"<form method=\"post\".*?</form>", console.get(PAGE).text, re.S)
    return next(index for index, form in enumerate(forms) if ">Add fault</button>" in form)
