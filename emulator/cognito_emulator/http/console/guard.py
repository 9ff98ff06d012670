"""Who may change the emulator through the console, and what its pages let a browser do.

Every console POST carries the form token of this process (`FORM_TOKEN`, a hidden field each form
gets from the page that shows it) and, when the browser names one, an `Origin` that is the
console's own. Another site's page can neither read the token nor pass as the console's origin,
so it cannot make a visitor's browser confirm, delete or sign out users here (cross-site request
forgery). The token is random per process: a page opened before the emulator restarted is
refused, with a message saying to reload it.

Pages send a Content-Security-Policy that lets no script run except the page's own inline one
(by its per-response nonce), loads nothing from anywhere else, and keeps other sites from
framing the console.
"""

from __future__ import annotations

import secrets

from starlette.requests import Request

from cognito_emulator.http.form_bodies import read_form

FORM_TOKEN_FIELD = "_csrf"
FORM_TOKEN = secrets.token_urlsafe(32)
MISSING_TOKEN = (
    "This form has no console form token, so nothing was done. Submit it from the console page."
)
STALE_TOKEN = (
    "This form's token is not this emulator's (the page is from before the emulator restarted, "
    "or from somewhere else), so nothing was done. Reload the page and submit it again."
)
FOREIGN_ORIGIN = (
    "This form was sent from {origin}, not from the console at {own}, so nothing was done. "
    "Use the console's own pages."
)


class ForgedRequest(Exception):
    """A POST the console refuses (403) before doing anything: the message says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


async def guarded_form(request: Request) -> dict[str, str]:
    """The POSTed form's fields, once the request is known to come from a console page:
    ForgedRequest otherwise, BadForm for a body that is no readable form."""
    origin = request.headers.get("origin")
    own = own_origin(request)
    if origin is not None and origin != own:
        raise ForgedRequest(FOREIGN_ORIGIN.format(origin=origin, own=own))
    form = await read_form(request)
    token = form.get(FORM_TOKEN_FIELD)
    if not token:
        raise ForgedRequest(MISSING_TOKEN)
    if not secrets.compare_digest(token.encode(), FORM_TOKEN.encode()):
        raise ForgedRequest(STALE_TOKEN)
    return form


def own_origin(request: Request) -> str:
    """The console's origin as the browser addressed it (scheme, host and port)."""
    return f"{request.url.scheme}://{request.url.netloc}"


def page_headers(nonce: str) -> dict[str, str]:
    """Headers for a console page whose one inline script (if any) carries `nonce`."""
    return {
        "Cache-Control": "no-store",
        "Content-Security-Policy": (
            f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'unsafe-inline'; "
            "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
        ),
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        # Not no-referrer: with it, browsers send `Origin: null` with the console's own forms.
        "Referrer-Policy": "same-origin",
    }
