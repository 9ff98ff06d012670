"""The browser check's diagnosis of pages that need the internet (no browser is started here)."""

from __future__ import annotations

import pytest

pytest.importorskip("selenium")

from load_tests.browser import remote_assets

CDN_PAGE = """
<link type="text/css" rel="stylesheet" href="https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui.css">
<script src="https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui-bundle.js"></script>
"""


def test_assets_from_a_cdn_are_reported() -> None:
    assert remote_assets(CDN_PAGE) == [
        "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui.css",
        "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui-bundle.js",
    ]


def test_assets_served_by_the_service_itself_are_fine() -> None:
    page = '<script src="/static/swagger-ui-bundle.js"></script>'
    page += '<link href="http://127.0.0.1:8000/static/swagger-ui.css">'
    page += '<a href="https://fastapi.tiangolo.com">docs</a>'
    assert remote_assets(page) == []
