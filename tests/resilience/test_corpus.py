"""A corpus of GraphQL requests (hypothesis): never a 5xx, never an unmasked error.

Runs in-process (the gateway and both simulators over ASGI) so that a few thousand cases
take seconds. Every error must carry a known `extensions.code` and `retryable`, and no
message may hold a traceback; an `INTERNAL` error (a masked bug) fails the test too.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from idv_gateway.schema import build_schema
from idv_gateway.schema.errors import KNOWN_CODES
from tests.harness import Harness
from tests.resilience.conftest import local_harness
from tests.resilience.corpus import Pools, Request, envelopes, garbage_documents, schema_documents

SCHEMA = build_schema()._schema
POOLS = "{ sessions(first: 4) { edges { cursor node { id } } pageInfo { endCursor } } }"
CORPUS = settings(
    deadline=None,
    derandomize=True,  # the same corpus on every run: CI stays deterministic
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@contextlib.contextmanager
def _gateway() -> Iterator[tuple[Callable[[Request], None], Pools]]:
    """A running gateway and a synchronous `check(request)` for hypothesis to call."""
    with asyncio.Runner() as runner:
        manager = local_harness(cache_list_ttl_seconds=60, max_upstream_concurrency=64)
        harness: Harness = runner.run(manager.__aenter__())
        try:
            data = runner.run(harness.data(POOLS))["sessions"]
            pools = Pools(
                ids=[edge["node"]["id"] for edge in data["edges"]],
                cursors=[edge["cursor"] for edge in data["edges"]],
            )
            yield (lambda request: runner.run(_check(harness, request))), pools
        finally:
            runner.run(manager.__aexit__(None, None, None))


async def _check(harness: Harness, request: Request) -> None:
    headers = {} if request.accept is None else {"accept": request.accept}
    if request.method == "GET":
        params = {k: v if isinstance(v, str) else _json(v) for k, v in request.body().items()}
        response = await harness.gateway.get("/graphql", params=params, headers=headers)
    else:
        response = await harness.gateway.post("/graphql", json=request.body(), headers=headers)
    assert response.status_code < 500, (request, response.text)
    if "json" not in response.headers.get("content-type", ""):
        return  # GraphiQL's page, or a plain-text 4xx about the HTTP request itself
    body: Any = response.json()
    for error in body.get("errors", []) if isinstance(body, dict) else []:
        extensions = error.get("extensions", {})
        assert extensions.get("code") in KNOWN_CODES, (request, error)
        assert extensions["code"] != "INTERNAL", (request, error)
        assert isinstance(extensions.get("retryable"), bool), (request, error)
        assert "Traceback" not in error["message"] and 'File "' not in error["message"]


def _json(value: Any) -> str:
    import json

    return json.dumps(value)


@pytest.mark.parametrize(
    ("name", "examples"),
    [("schema", 3000), ("garbage", 1000), ("envelopes", 600)],
)
def test_the_corpus_never_yields_a_5xx_or_an_unmasked_error(name: str, examples: int) -> None:
    with _gateway() as (check, pools):
        strategy: st.SearchStrategy[Request] = {
            "schema": schema_documents(SCHEMA, pools),
            "garbage": garbage_documents(),
            "envelopes": envelopes(),
        }[name]

        @settings(CORPUS, max_examples=examples)
        @given(strategy)
        def run(request: Request) -> None:
            check(request)

        run()
