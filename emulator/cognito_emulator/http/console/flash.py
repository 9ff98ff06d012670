"""The console's flash message: what an action did (or why Cognito refused it), shown once.

After a POST the console redirects (303) back to a page, so a reload never repeats the action;
the outcome travels to that page in a short-lived cookie, which the page reads and deletes.
The cookie holds base64url JSON, so any message (quotes, non-ASCII) survives the trip.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Literal

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

FLASH_COOKIE = "emulator-console-flash"
FLASH_SECONDS = 60
# Cookies hold about 4 KB; a Cognito message is far shorter, a pasted value may not be.
MAX_FLASH_CHARACTERS = 1000

Kind = Literal["done", "refused"]


@dataclass(frozen=True)
class Flash:
    kind: Kind
    text: str


def redirect_with_flash(request: Request, location: str, kind: Kind, text: str) -> Response:
    """303 to `location` (the page to show next), carrying the outcome for it to show."""
    response = RedirectResponse(location, status_code=303, headers={"Cache-Control": "no-store"})
    payload = json.dumps({"kind": kind, "text": text[:MAX_FLASH_CHARACTERS]})
    response.set_cookie(
        FLASH_COOKIE,
        base64.urlsafe_b64encode(payload.encode()).decode("ascii"),
        max_age=FLASH_SECONDS,
        path=_cookie_path(request),
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="strict",
    )
    return response


def pending_flash(request: Request) -> Flash | None:
    """The flash the last action left for this page, if any (a damaged cookie counts as none)."""
    cookie = request.cookies.get(FLASH_COOKIE)
    if not cookie:
        return None
    try:
        payload = json.loads(base64.urlsafe_b64decode(cookie.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeError):
        return None
    if not isinstance(payload, dict):
        return None
    kind, text = payload.get("kind"), payload.get("text")
    if kind not in ("done", "refused") or not isinstance(text, str):
        return None
    return Flash(kind, text[:MAX_FLASH_CHARACTERS])


def forget_flash(request: Request, response: Response) -> None:
    """Delete the flash cookie once a page has shown it."""
    if FLASH_COOKIE in request.cookies:
        response.delete_cookie(
            FLASH_COOKIE,
            path=_cookie_path(request),
            secure=request.url.scheme == "https",
            httponly=True,
            samesite="strict",
        )


def _cookie_path(request: Request) -> str:
    """The console's root (`/_emulator`), so the cookie goes to console pages only."""
    return str(request.scope.get("root_path", "")) or "/"
