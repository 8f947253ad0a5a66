"""Malformed HTTP requests get a 4xx, never a 5xx, and never reach a provider."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.resilience.conftest import local_harness, upstream_requests

QUERY = "{ sessions(first: 1) { totalCount } }"
MIB = 1024 * 1024
JSON = {"content-type": "application/json"}
DEEP = '{"a": ' + "[" * 5000 + "]" * 5000 + "}"  # past Python's JSON recursion limit
DEEP_BODY = ('{"query": "{ __typename }", "variables": ' + DEEP + "}").encode()


async def _chunks(size: int) -> AsyncIterator[bytes]:
    body = json.dumps({"query": QUERY, "variables": {"pad": "x" * size}}).encode()
    for start in range(0, len(body), 64 * 1024):
        yield body[start : start + 64 * 1024]


CASES: list[tuple[str, str, dict[str, Any], int]] = [
    (
        "bad JSON",
        "POST",
        {"content": b"{bad", "headers": {"content-type": "application/json"}},
        400,
    ),
    ("JSON string", "POST", {"json": "query"}, 400),
    ("JSON number", "POST", {"json": 5}, 400),
    (
        "JSON null",
        "POST",
        {"content": b"null", "headers": {"content-type": "application/json"}},
        400,
    ),
    (
        "not UTF-8",
        "POST",
        {"content": b"\xff\xfe", "headers": {"content-type": "application/json"}},
        400,
    ),
    (
        "text/plain",
        "POST",
        {"content": QUERY.encode(), "headers": {"content-type": "text/plain"}},
        400,
    ),
    ("form", "POST", {"data": {"query": QUERY}}, 400),
    ("no content type", "POST", {"content": json.dumps({"query": QUERY}).encode()}, 400),
    ("missing query", "POST", {"json": {"variables": {}}}, 400),
    ("query not a string", "POST", {"json": {"query": ["{ a }"]}}, 400),
    ("variables not an object", "POST", {"json": {"query": QUERY, "variables": "x"}}, 400),
    ("unknown operation", "POST", {"json": {"query": QUERY, "operationName": "Nope"}}, 400),
    ("batch", "POST", {"json": [{"query": QUERY}, {"query": QUERY}]}, 400),
    ("huge batch", "POST", {"json": [{"query": QUERY}] * 40_000}, 413),
    ("huge body", "POST", {"json": {"query": QUERY, "variables": {"pad": "x" * (2 * MIB)}}}, 413),
    ("GET with a mutation", "GET", {"params": {"query": "mutation { x }"}}, 400),
    ("GET with bad variables", "GET", {"params": {"query": QUERY, "variables": "{"}}, 400),
    ("bad Content-Length", "POST", {"content": b"{}", "headers": {"content-length": "x"}}, 400),
    ("deep JSON body", "POST", {"content": DEEP_BODY, "headers": JSON}, 400),
    ("deep GET variables", "GET", {"params": {"query": QUERY, "variables": DEEP}}, 400),
    ("PUT", "PUT", {"json": {"query": QUERY}}, 405),
    # Each of these used to reach a parser that raised (a 500) or an encoder (INTERNAL).
    ("bad UTF-8 in a string", "POST", {"content": b'{"query": "{ a }\xff"}', "headers": JSON}, 400),
    (
        "a 5,000-digit number",
        "POST",
        {
            "content": b'{"query": "{ a }", "variables": {"n": ' + b"9" * 5000 + b"}}",
            "headers": JSON,
        },
        400,
    ),
    (
        "an unpaired surrogate",
        "POST",
        {"content": b'{"query": "{ a }", "variables": {"s": "\\ud800"}}', "headers": JSON},
        400,
    ),
    (
        "nested 900 levels",
        "POST",
        {
            "content": (
                '{"query": "{ a }", "variables": {"a": ' + "[" * 900 + "]" * 900 + "}}"
            ).encode(),
            "headers": JSON,
        },
        400,
    ),
    (
        "nested 100 levels",
        "POST",
        {
            "content": (
                '{"query": "{ a }", "variables": {"a": ' + "[" * 100 + "]" * 100 + "}}"
            ).encode(),
            "headers": JSON,
        },
        400,
    ),
    (
        "GET variables with a surrogate",
        "GET",
        {"params": {"query": QUERY, "variables": '{"s": "\\udfff"}'}},
        400,
    ),
    ("GET with bad percent-encoding", "GET", {"url": "/graphql?query=%ff%fe"}, 400),
    (
        "a 70,000-character document",
        "POST",
        {"json": {"query": "{ __typename }" + " " * 70_000}},
        400,
    ),
]


@pytest.mark.parametrize(("case", "method", "sent", "status"), CASES, ids=[c[0] for c in CASES])
async def test_malformed_requests_are_4xx(
    case: str, method: str, sent: dict[str, Any], status: int
) -> None:
    async with local_harness() as harness:
        url = sent.pop("url", "/graphql")
        response = await harness.gateway.request(method, url, **sent)
        assert response.status_code == status, response.text
        assert (await upstream_requests(harness)) == {"DIDIT": 0, "KAYLE": 0}
    # Whatever was wrong, the answer is a GraphQL-shaped JSON error that says what.
    if status != 405:
        [error] = response.json()["errors"]
        assert error["message"] and "Traceback" not in error["message"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_chunked_body_over_the_limit_is_413() -> None:
    async with local_harness() as harness:
        response = await harness.gateway.post(
            "/graphql", content=_chunks(2 * MIB), headers={"content-type": "application/json"}
        )
        assert response.status_code == 413
        [error] = response.json()["errors"]
        assert error["extensions"]["maxBytes"] == MIB
        assert (await upstream_requests(harness)) == {"DIDIT": 0, "KAYLE": 0}


async def test_a_body_under_the_limit_is_served() -> None:
    async with local_harness() as harness:
        response = await harness.gateway.post(
            "/graphql", content=_chunks(MIB // 2), headers={"content-type": "application/json"}
        )
        assert response.status_code == 200
        assert "errors" not in response.json()


async def test_a_query_string_over_the_limit_is_414() -> None:
    async with local_harness(max_request_bytes=4096) as harness:
        response = await harness.gateway.get("/graphql", params={"query": QUERY, "x": "y" * 5000})
        assert response.status_code == 414
        assert (await upstream_requests(harness)) == {"DIDIT": 0, "KAYLE": 0}


async def test_a_body_that_stops_arriving_is_408_after_the_read_timeout() -> None:
    async with local_harness(body_read_timeout_seconds=0.3) as harness:

        async def trickle() -> AsyncIterator[bytes]:
            yield b'{"query": "{ __typename'
            await asyncio.sleep(5)  # never finishes in time
            yield b' }"}'

        started = asyncio.get_running_loop().time()
        response = await harness.gateway.post(
            "/graphql", content=trickle(), headers={"content-type": "application/json"}
        )
        waited = asyncio.get_running_loop().time() - started
    assert response.status_code == 408
    assert "did not arrive within 0.3 s" in response.json()["errors"][0]["message"]
    assert waited < 3


async def _upgrade(app: Any, protocols: list[str]) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []
    inbox = [{"type": "websocket.connect"}]

    async def receive() -> dict[str, Any]:
        return inbox.pop(0) if inbox else {"type": "websocket.disconnect", "code": 1000}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "websocket",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "headers": [
            (b"host", b"gateway.test"),
            (b"sec-websocket-protocol", ", ".join(protocols).encode()),
        ],
        "subprotocols": protocols,
        "scheme": "ws",
        "server": ("gateway.test", 80),
        "client": ("127.0.0.1", 5000),
        "asgi": {"version": "3.0"},
        "state": {},
    }
    await app(scope, receive, send)
    return sent


async def test_websocket_upgrades_speak_only_graphql_transport_ws() -> None:
    """An upgrade once reached the HTTP-only GraphQL context and failed with a 500; now
    `graphql-transport-ws` is accepted and anything else is closed with 4406."""
    async with local_harness() as harness:
        app = harness.gateway._transport.app  # type: ignore[attr-defined]
        accepted = await _upgrade(app, ["graphql-transport-ws"])
        legacy = await _upgrade(app, ["graphql-ws"])
    assert accepted[0]["type"] == "websocket.accept"
    assert accepted[0]["subprotocol"] == "graphql-transport-ws"
    assert all(m.get("status", 200) < 500 for m in accepted + legacy)
    closes = [m for m in legacy if m["type"] == "websocket.close"]
    assert closes, legacy
    assert closes[0]["code"] == 4406
