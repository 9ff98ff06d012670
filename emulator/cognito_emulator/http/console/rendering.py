"""How console pages are answered: the shared frame (nav bar, flash, form token, headers) and
the error page that Cognito's refusals and bad requests become instead of a 500.

Templates live in `templates/console/`, rendered with the package's Jinja environment, which
escapes every value (`templating.py`); a template never marks data `|safe`.
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from cognito_emulator.exceptions import CognitoError
from cognito_emulator.http.console.flash import forget_flash, pending_flash
from cognito_emulator.http.console.guard import (
    FORM_TOKEN,
    FORM_TOKEN_FIELD,
    ForgedRequest,
    page_headers,
)
from cognito_emulator.http.console.time_text import duration_text, utc_text
from cognito_emulator.http.form_bodies import BadForm
from cognito_emulator.http.templating import templates

Endpoint = Callable[[Request], Awaitable[Response]]

# (label, route name) of the nav bar, in order; a page names its section by route name.
NAV = (
    ("Pools", "console_home"),
    ("Outbox", "console_outbox"),
    ("Tokens", "console_tokens"),
    ("Clock & faults", "console_clock_and_faults"),
)
# Cognito errors that mean "no such thing": the page is a 404, not a 400.
NOT_FOUND_CODES = frozenset({"ResourceNotFoundException", "UserNotFoundException"})


def render(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    section: str,
    status: int = 200,
) -> Response:
    """A console page in its frame; shows (and forgets) the flash an action left for it."""
    nonce = secrets.token_urlsafe(16)
    response = templates.TemplateResponse(
        request,
        f"console/{template}",
        {
            **context,
            "nav": NAV,
            "section": section,
            "flash": pending_flash(request),
            "form_token_field": FORM_TOKEN_FIELD,
            "form_token": FORM_TOKEN,
            "nonce": nonce,
            "utc_text": utc_text,
            "duration_text": duration_text,
        },
        status_code=status,
        headers=page_headers(nonce),
    )
    forget_flash(request, response)
    return response


def error_page(request: Request, status: int, title: str, message: str) -> Response:
    return render(
        request,
        "error.html",
        {"title": title, "message": message},
        section="",
        status=status,
    )


def cognito_error_page(request: Request, error: CognitoError) -> Response:
    """A Cognito refusal while reading a page: its code and message, 404 for what is missing."""
    status = 404 if error.code in NOT_FOUND_CODES else error.status
    return error_page(request, status, error.code, error.message)


def refusals_shown(endpoint: Endpoint) -> Endpoint:
    """`endpoint`, with Cognito's refusals, forged requests and unreadable forms answered by
    the error page."""

    @functools.wraps(endpoint)
    async def shown(request: Request) -> Response:
        try:
            return await endpoint(request)
        except CognitoError as error:
            return cognito_error_page(request, error)
        except ForgedRequest as forged:
            return error_page(request, 403, "Request refused", forged.message)
        except BadForm as bad:
            return error_page(request, bad.status, "Unreadable form", bad.message)

    return shown
