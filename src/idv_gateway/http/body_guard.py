"""HTTP request guard: bounded bodies and query strings, and JSON `/graphql` can read.

Runs before anything parses a request. A body over `max_bytes` is refused with 413, from
`Content-Length` when it is declared (nothing is read) or as soon as a chunked body goes
over; a query string over the same bound gets 414. A JSON body to `/graphql` that is
neither an object (one request) nor an array (a batch, which the GraphQL layer refuses
with 400) gets 400 instead of reaching a parser that expects one of them, and so does
JSON nested too deeply for Python's parser (a body, or GET's `variables`/`extensions`).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["BodyGuard"]

_GRAPHQL_PATH = "/graphql"
# Python's JSON parser recurses once per level and fails near 1,000 levels; JSON with
# fewer brackets than this cannot get there, so only such bodies are checked.
_BRACKETS_CHECKED = 512


class BodyGuard:
    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        query_string: bytes = scope.get("query_string", b"")
        if len(query_string) > self.max_bytes:
            await _refuse(send, 414, f"the query string exceeds {self.max_bytes:,} bytes")
            return
        if _too_deep_query(query_string):
            await _refuse(send, 400, _TOO_DEEP)
            return
        headers = {k.lower(): v for k, v in scope.get("headers", [])}
        declared = headers.get(b"content-length")
        if declared is not None:
            if not declared.isdigit():
                await _refuse(send, 400, "Content-Length is not a number")
                return
            if int(declared) > self.max_bytes:
                await self._too_large(send)
                return
        body = await self._read(receive)
        if body is None:
            await self._too_large(send)
            return
        if _graphql_json(scope, headers):
            if not _object_or_array(body):
                await _refuse(send, 400, "the body must be a JSON object: one GraphQL request")
                return
            if _too_deep(body):
                await _refuse(send, 400, _TOO_DEEP)
                return
        await self.app(scope, _replay(body, receive), send)

    async def _read(self, receive: Receive) -> bytes | None:
        """The whole body, or None as soon as it goes over `max_bytes`."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break  # the client went away; the app sees an empty body
            chunk = bytes(message.get("body", b""))
            size += len(chunk)
            if size > self.max_bytes:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)

    async def _too_large(self, send: Send) -> None:
        await _refuse(
            send,
            413,
            f"the request body exceeds {self.max_bytes:,} bytes",
            maxBytes=self.max_bytes,
        )


def _graphql_json(scope: Scope, headers: dict[bytes, bytes]) -> bool:
    path: str = scope.get("path", "")
    content_type = headers.get(b"content-type", b"").decode("latin-1").lower()
    return (
        scope.get("method") == "POST"
        and path.rstrip("/") == _GRAPHQL_PATH
        and "application/json" in content_type
    )


def _object_or_array(body: bytes) -> bool:
    """False for JSON that is a string, number, boolean or null; invalid JSON passes (400s)."""
    start = body.lstrip()[:1]
    if start in (b"{", b"[") or not start:
        return True
    try:
        json.loads(body)
    except ValueError:  # not JSON at all: the GraphQL layer says so
        return True
    return False


_TOO_DEEP = "the JSON is nested too deeply"


def _too_deep(text: bytes) -> bool:
    """JSON that parses only past Python's recursion limit (invalid JSON passes: 400s)."""
    if text.count(b"[") + text.count(b"{") < _BRACKETS_CHECKED:
        return False
    try:
        json.loads(text)
    except RecursionError:
        return True
    except ValueError:
        return False
    return False


def _too_deep_query(query_string: bytes) -> bool:
    """GET's JSON parameters, checked like a body."""
    if not query_string:
        return False
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    return any(
        _too_deep(value.encode()) for name, value in pairs if name in ("variables", "extensions")
    )


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # disconnect notifications

    return replay


async def _refuse(send: Send, status: int, message: str, **extensions: Any) -> None:
    payload = {
        "errors": [
            {
                "message": message,
                "extensions": {"code": "BAD_USER_INPUT", "retryable": False, **extensions},
            }
        ]
    }
    body = json.dumps(payload).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
