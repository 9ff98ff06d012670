"""The Jinja2 templates shipped in this package (`templates/`), every value HTML-escaped."""

from __future__ import annotations

import jinja2
from starlette.templating import Jinja2Templates

templates = Jinja2Templates(
    env=jinja2.Environment(
        loader=jinja2.PackageLoader("cognito_emulator.http"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
)
