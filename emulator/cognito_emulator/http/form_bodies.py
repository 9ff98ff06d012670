"""Reading the url-encoded form a browser posts: the managed login pages and the console.

Read here (UTF-8, at most MAX_FORM_BYTES, at most MAX_FORM_FIELDS, each field once) rather than
with Starlette's `request.form()`, which needs python-multipart, a package the emulator does not
depend on.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.requests import Request

MAX_FORM_BYTES = 16 * 1024
MAX_FORM_FIELDS = 50


class BadForm(Exception):
    """A POST body that is not a form a page can read: answered with an error page."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


async def read_form(request: Request) -> dict[str, str]:
    """The form's fields by name; BadForm (415, 413 or 400) saying what is wrong with it."""
    media_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media_type != "application/x-www-form-urlencoded":
        raise BadForm(415, "Send the form as application/x-www-form-urlencoded, as a browser does.")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            raise BadForm(413, f"The form is larger than {MAX_FORM_BYTES} bytes.")
    try:
        fields = parse_qsl(
            body.decode("utf-8"),
            keep_blank_values=True,
            errors="strict",
            max_num_fields=MAX_FORM_FIELDS,
        )
    except UnicodeDecodeError:
        raise BadForm(400, "The form is not valid UTF-8.") from None
    except ValueError:
        raise BadForm(400, f"The form has more than {MAX_FORM_FIELDS} fields.") from None
    form: dict[str, str] = {}
    for name, value in fields:
        if name in form:
            raise BadForm(400, f"The form field {name!r} is sent more than once.")
        form[name] = value
    return form
