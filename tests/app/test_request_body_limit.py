"""MAX_REQUEST_BODY_BYTES: a larger body gets 413 before it is read whole (from its
Content-Length, or while a chunked one streams), and what is under it is answered cheaply."""

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.types import Message

from app.core.config import Settings
from app.main import create_app
from tests.app.service_harness import PASSWORD, Flows

LIMIT = Settings.model_fields["MAX_REQUEST_BODY_BYTES"].default
TOO_LARGE = {"detail": f"Request body too large: at most {LIMIT} bytes"}


def signup_body(size: int) -> bytes:
    """A valid sign-up body of exactly `size` bytes (an ignored field pads it)."""
    fields = {"username": "alice", "email": "alice@example.com", "password": PASSWORD}
    unpadded = len(json.dumps(fields | {"padding": ""}).encode())
    return json.dumps(fields | {"padding": "x" * (size - unpadded)}).encode()


def in_chunks(body: bytes, size: int = 4096) -> Iterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


def test_a_body_at_the_limit_is_served(flows: Flows) -> None:
    body = signup_body(LIMIT)

    response = flows.client.post(
        "/users/signup", content=body, headers={"Content-Type": "application/json"}
    )

    assert len(body) == LIMIT
    assert response.status_code == 201, response.text


@pytest.mark.parametrize("path", ["/users/signup", "/users/login", "/healthz", "/no/such/route"])
def test_a_larger_content_length_is_refused_unread(flows: Flows, path: str) -> None:
    response = flows.client.post(
        path, content=signup_body(LIMIT + 1), headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 413
    assert response.json() == TOO_LARGE


@pytest.mark.parametrize(
    ("path", "media_type"),
    [("/users/signup", "application/json"), ("/users/login", "application/x-www-form-urlencoded")],
)
def test_a_larger_chunked_body_is_refused(flows: Flows, path: str, media_type: str) -> None:
    response = flows.client.post(
        path, content=in_chunks(signup_body(LIMIT + 1)), headers={"Content-Type": media_type}
    )

    assert "content-length" not in response.request.headers
    assert response.status_code == 413
    assert response.json() == TOO_LARGE


def test_a_long_stream_is_cut_off_at_the_limit(settings: Settings) -> None:
    """Reading stops at the first chunk past the limit: the rest is never asked for."""
    app = create_app(settings)
    chunk = b"x" * 1024
    chunks_in_stream = 100 * LIMIT // len(chunk)
    chunks_read = 0
    sent: list[Message] = []

    async def receive() -> Message:
        nonlocal chunks_read
        chunks_read += 1
        more = chunks_read < chunks_in_stream
        return {"type": "http.request", "body": chunk, "more_body": more}

    async def send(message: Message) -> None:
        sent.append(message)

    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/users/signup",
        "raw_path": b"/users/signup",
        "root_path": "",
        "query_string": b"",
        "headers": [(b"content-type", b"application/json")],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    asyncio.run(app(scope, receive, send))

    assert chunks_read == LIMIT // len(chunk) + 1
    assert sent[0]["status"] == 413
    assert json.loads(sent[1]["body"]) == TOO_LARGE


def test_a_large_invalid_body_under_the_limit_gets_a_short_422(flows: Flows) -> None:
    """An array of ~60 KB used to come back whole in its 422 (a 10 MB one took the event loop
    ~12 s to echo)."""
    body = b"[" + b"1," * 30_000 + b"1]"

    response = flows.client.post(
        "/users/signup", content=body, headers={"Content-Type": "application/json"}
    )

    assert len(body) < LIMIT
    assert response.status_code == 422
    assert len(response.content) < 200
    assert response.json() == {
        "detail": [
            {
                "loc": ["body"],
                "msg": "Input should be a valid dictionary or object to extract fields from",
                "type": "model_attributes_type",
            }
        ]
    }
