"""HTTP request guard: bounded bodies and query strings, and JSON `/graphql` can read.

Runs before anything parses a request. A body over `max_bytes` is refused with 413, from
`Content-Length` when it is declared (nothing is read) or as soon as a chunked body goes
over; a query string over the same bound gets 414. A JSON body to `/graphql` (and GET's
`variables`/`extensions`) must be UTF-8 JSON that Python can hold: nested at most
MAX_JSON_DEPTH levels, no number over 4,300 digits, no unpaired surrogate escape
(`"\ud800"` parses but can never be encoded again), one object rather than a batch.
Anything else gets a 400 that says which rule it broke, before a parser that would
raise on it sees it. Every 4xx the GraphQL layer itself answers in plain text is
rewritten as a JSON `errors` body, so a client always gets the same shape.
"""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from idv_gateway.http.responses import send_error
from idv_gateway.http.scope import GRAPHQL_REQUEST, is_graphql, replay_body

__all__ = ["BodyGuard"]

# Arrays and objects inside one request; GraphQL inputs of this API nest a few levels.
MAX_JSON_DEPTH = 64
# A GraphQL document, far below the body limit: the parse and validation caches keep
# documents, and the token limit does not bound a long string literal.
MAX_DOCUMENT_CHARS = 65_536


class BodyGuard:
    def __init__(self, app: ASGIApp, *, max_bytes: int, read_seconds: float = 10.0) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.read_seconds = read_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # WebSocket messages are bounded by the server
            await self.app(scope, receive, send)
            return
        query_string: bytes = scope.get("query_string", b"")
        if len(query_string) > self.max_bytes:
            await _refuse(send, 414, f"the query string exceeds {self.max_bytes:,} bytes")
            return
        problem = _query_problem(query_string)
        if problem is not None:
            await _refuse(send, 400, problem)
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
        try:
            async with asyncio.timeout(self.read_seconds):
                body = await self._read(receive)
        except TimeoutError:
            # A client trickling its body holds a connection and a task: let it go.
            await _refuse(
                send, 408, f"the request body did not arrive within {self.read_seconds:g} s"
            )
            return
        if body is None:
            await self._too_large(send)
            return
        if _graphql_json(scope, headers):
            problem, request = _body_problem(body)
            if problem is not None:
                await _refuse(send, 400, problem)
                return
            scope.setdefault("state", {})[GRAPHQL_REQUEST] = request
        if is_graphql(scope):
            send = _json_errors(send)
        await self.app(scope, replay_body(body, receive), send)

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
    content_type = headers.get(b"content-type", b"").decode("latin-1").lower()
    return (
        scope.get("method") == "POST" and is_graphql(scope) and "application/json" in content_type
    )


_TOO_DEEP = "the JSON is nested too deeply"


def _body_problem(body: bytes) -> tuple[str | None, dict[str, Any] | None]:
    """What makes a `/graphql` JSON body unusable, else the request it holds (None for an
    empty body: the GraphQL layer says a query is missing)."""
    if not body.strip():
        return None, None
    problem, value = _json_problem(body, "the body")
    if problem is not None:
        return problem, None
    if isinstance(value, list):
        return "batched requests (a JSON array) are not supported; send one request per POST", None
    if not isinstance(value, dict):
        return "the body must be a JSON object: one GraphQL request", None
    operation = value.get("operationName")
    if operation is not None and not isinstance(operation, str):
        return "`operationName` must be a string or null", None
    return _document_problem(value.get("query")), value


def _document_problem(query: Any) -> str | None:
    if isinstance(query, str) and len(query) > MAX_DOCUMENT_CHARS:
        return (
            f"the GraphQL document is {len(query):,} characters; at most "
            f"{MAX_DOCUMENT_CHARS:,} are allowed"
        )
    return None


def _json_problem(raw: bytes, what: str) -> tuple[str | None, Any]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"{what} is not valid UTF-8 (byte {exc.start})", None
    try:
        value = json.loads(text)
    except RecursionError:
        return _TOO_DEEP, None
    except ValueError as exc:
        if "digits" in str(exc):  # int() refuses over sys.get_int_max_str_digits()
            return f"{what} holds a number with too many digits", None
        detail = (
            f"{exc.msg} at line {exc.lineno} column {exc.colno}"
            if isinstance(exc, json.JSONDecodeError)
            else "it does not parse"
        )
        return f"{what} is not valid JSON: {detail}", None
    return _shape_problem(value, what), value


def _shape_problem(value: Any, what: str) -> str | None:
    """Nesting past MAX_JSON_DEPTH, or a string no encoder can write back.

    Iterative, so that nesting the parser accepted cannot overflow the stack here; the
    GraphQL layer and the response encoder recurse, so the bound sits far below
    Python's own limit."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if not item.isascii() and _SURROGATE.search(item):
                return (
                    f"{what} holds a string with an unpaired surrogate escape (such as "
                    "\\ud800), which is not valid Unicode"
                )
        elif isinstance(item, dict | list):
            if depth >= MAX_JSON_DEPTH:
                return f"{_TOO_DEEP}: at most {MAX_JSON_DEPTH} levels"
            children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return None


_SURROGATE = re.compile("[\ud800-\udfff]")


def _query_problem(query_string: bytes) -> str | None:
    """GET's JSON parameters, checked like a body; the query string must be UTF-8."""
    if not query_string:
        return None
    if not query_string.isascii():  # RFC 3986: other bytes travel percent-encoded
        return "the query string must be ASCII: percent-encode other bytes"
    try:
        pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        return "the query string is not valid UTF-8 once percent-decoded"
    for name, value in pairs:
        if _SURROGATE.search(name) or _SURROGATE.search(value):
            return "the query string holds an unpaired surrogate"
        if name == "query" and (problem := _document_problem(value)) is not None:
            return problem
        if name in ("variables", "extensions") and value:
            problem, _ = _json_problem(value.encode(), f"`{name}`")
            if problem is not None and not problem.startswith(f"`{name}` is not valid JSON"):
                return problem  # plain syntax errors: the GraphQL layer says which
    return None


def _json_errors(send: Send) -> Send:
    """Rewrites a plain-text 4xx from the GraphQL layer as a JSON `errors` body."""
    start: Message | None = None
    chunks: list[bytes] = []

    async def wrapped(message: Message) -> None:
        nonlocal start
        if message["type"] == "http.response.start":
            headers = {k.lower(): v for k, v in message.get("headers", [])}
            content_type = headers.get(b"content-type", b"")
            if 400 <= message["status"] < 500 and content_type.startswith(b"text/plain"):
                start = message
                return
            await send(message)
            return
        if start is None or message["type"] != "http.response.body":
            await send(message)
            return
        chunks.append(bytes(message.get("body", b"")))
        if message.get("more_body", False):
            return
        text = b"".join(chunks).decode("utf-8", errors="replace").strip()
        kept = [
            (k, v)
            for k, v in start.get("headers", [])
            if k.lower() not in (b"content-type", b"content-length")
        ]
        await _refuse(send, start["status"], text or "the request was refused", headers=kept)

    return wrapped


async def _refuse(
    send: Send,
    status: int,
    message: str,
    *,
    headers: list[tuple[bytes, bytes]] | None = None,
    **extensions: Any,
) -> None:
    await send_error(
        send,
        status=status,
        message=message,
        code="BAD_USER_INPUT",
        headers=headers or (),
        retryable=False,
        **extensions,
    )
