"""Byte-level fuzzing of `/graphql`: bodies, content types, headers, chunking, truncation.

Generated from real requests taken apart: valid bodies with bytes flipped, cut short,
spliced with hostile tokens (huge numbers, surrogate escapes, deep brackets, NULs,
invalid UTF-8), sent with random content types, in random chunks, and GET query strings
of random bytes. Whatever arrives, the gateway answers below 500 and, on `/graphql`, a
4xx is a JSON `errors` body with a known code; an `INTERNAL` error fails the run.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any

from hypothesis import HealthCheck, given, settings, strategies as st

from idv_gateway.schema.errors import KNOWN_CODES
from tests.harness import Harness
from tests.resilience.conftest import local_harness

FUZZ = settings(
    deadline=None,
    derandomize=True,
    database=None,
    max_examples=5500,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SEEDS = [
    {"query": "{ sessions(first: 2) { edges { node { id status } } } }"},
    {
        "query": "query Q($f: KycSessionFilter, $n: Int) { kycSessions(first: $n, filter: $f) "
        "{ totalCount edges { cursor } } }",
        "variables": {"n": 3, "f": {"vendorData": "user-1", "status": ["APPROVED"]}},
    },
    {"query": "query($id: ID!) { node(id: $id) { id } }", "variables": {"id": "S3ljU2Vzc2lvbjp4"}},
    {"query": "{ __schema { types { name } } }", "operationName": None, "extensions": {}},
]
HOSTILE = [
    b"9" * 5000,
    b'"\\ud800"',
    b'"\\udfff\\ud800"',
    b"[" * 2000,
    b"{" * 70,
    b"\x00",
    b"\xff\xfe",
    b"\xc3",
    b"\xed\xa0\x80",  # a surrogate encoded as UTF-8: invalid UTF-8
    b"NaN",
    b"-Infinity",
    b"1e999999",
    b'"' + b"x" * 9_000 + b'"',
    b"\\",
    b"\r\n\r\n",
]
CONTENT_TYPES = [
    "application/json",
    "application/json; charset=utf-8",
    "application/json; charset=latin-1",
    "application/graphql-response+json",
    "application/graphql",
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "",
    "application/json\x00",
    "*/*",
]
ACCEPTS = [None, "application/json", "application/graphql-response+json", "text/html", "*/*", "x"]


@dataclass
class Sent:
    method: str
    body: bytes
    content_type: str
    accept: str | None
    chunks: int
    query_string: bytes = b""

    def __repr__(self) -> str:  # failing cases print short: bodies can be 70 kB
        return (
            f"Sent({self.method}, {self.body[:200]!r}…{len(self.body)}B, "
            f"{self.content_type!r}, accept={self.accept!r}, chunks={self.chunks}, "
            f"qs={self.query_string[:200]!r})"
        )


@st.composite
def bodies(draw: st.DrawFn) -> bytes:
    raw = bytearray(json.dumps(draw(st.sampled_from(SEEDS))).encode())
    for _ in range(draw(st.integers(0, 4))):
        where = draw(st.integers(0, len(raw)))
        action = draw(st.sampled_from(["flip", "cut", "splice", "delete"]))
        if action == "flip" and raw:
            index = min(where, len(raw) - 1)
            raw[index] = draw(st.integers(0, 255))
        elif action == "cut":
            del raw[where:]
        elif action == "splice":
            raw[where:where] = draw(st.sampled_from(HOSTILE) | st.binary(max_size=16))
        elif raw:
            del raw[where : where + draw(st.integers(1, 8))]
    return bytes(raw)


requests = st.one_of(
    st.builds(
        Sent,
        method=st.just("POST"),
        body=bodies() | st.binary(max_size=200),
        content_type=st.sampled_from(CONTENT_TYPES),
        accept=st.sampled_from(ACCEPTS),
        chunks=st.integers(1, 5),
    ),
    st.builds(
        Sent,
        method=st.sampled_from(["GET", "HEAD", "OPTIONS", "DELETE", "BREW"]),
        body=st.just(b""),
        content_type=st.just(""),
        accept=st.sampled_from(ACCEPTS),
        chunks=st.just(1),
        query_string=st.binary(max_size=120)
        | bodies().map(lambda b: b"query=" + b.replace(b"&", b"%26").replace(b"#", b"%23")),
    ),
)


async def _pieces(body: bytes, count: int) -> AsyncIterator[bytes]:
    size = max(1, -(-len(body) // count))
    for start in range(0, len(body), size):
        yield body[start : start + size]


async def _send(harness: Harness, sent: Sent) -> None:
    headers = {"content-type": sent.content_type} if sent.content_type else {}
    if sent.accept is not None:
        headers["accept"] = sent.accept
    query = sent.query_string.decode("latin-1")
    url = "/graphql" + (
        "?"
        + "".join(
            c if c.isascii() and c.isprintable() and c != "#" else f"%{ord(c):02X}" for c in query
        )
        if query
        else ""
    )
    content: Any = _pieces(sent.body, sent.chunks) if sent.chunks > 1 else sent.body
    response = await harness.gateway.request(
        sent.method, url, content=content if sent.body else None, headers=headers
    )
    assert response.status_code < 500, (sent, response.status_code, response.text[:300])
    if response.status_code == 405 or sent.method == "HEAD":
        return
    content_type = response.headers.get("content-type", "")
    if response.status_code >= 400:
        assert "json" in content_type, (sent, response.text[:300])
    if "json" not in content_type:
        return  # GraphiQL's page for a browser
    body = response.json()
    for error in body.get("errors", []) if isinstance(body, dict) else []:
        code = error.get("extensions", {}).get("code")
        assert code in KNOWN_CODES and code != "INTERNAL", (sent, error)
        assert "Traceback" not in error["message"]


@contextlib.contextmanager
def _running() -> Iterator[Callable[[Sent], None]]:
    with asyncio.Runner() as runner:
        manager = local_harness(cache_list_ttl_seconds=60)
        harness: Harness = runner.run(manager.__aenter__())
        try:
            yield lambda sent: runner.run(_send(harness, sent))
        finally:
            runner.run(manager.__aexit__(None, None, None))


def test_fuzzed_http_requests_never_get_a_5xx_or_an_unmasked_error() -> None:
    with _running() as check:

        @FUZZ
        @given(requests)
        def run(sent: Sent) -> None:
            check(sent)

        run()
