"""The README's examples run as written against the embedded demo, and show its output."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager

from idv_gateway.app import create_app
from idv_gateway.config import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()
QUERIES = re.findall(r"```graphql\n(.*?)```", README, flags=re.S)


@pytest.fixture
async def demo() -> AsyncIterator[httpx.AsyncClient]:
    """The gateway exactly as `make run` starts it: no provider configured."""
    app = create_app(Settings(_env_file=None))
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=manager.app), base_url="http://demo"
        ) as client,
    ):
        yield client


def test_the_readme_has_examples() -> None:
    assert len(QUERIES) >= 4


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.strip().splitlines()[0][:40])
async def test_every_readme_query_runs_without_errors(demo: httpx.AsyncClient, query: str) -> None:
    body = (await demo.post("/graphql", json={"query": query})).json()
    assert "errors" not in body, body["errors"]
    assert body["data"]


async def test_the_first_query_answers_what_the_readme_shows(demo: httpx.AsyncClient) -> None:
    body = (await demo.post("/graphql", json={"query": QUERIES[0]})).json()
    shown = re.findall(r'"createdAt": "([^"]+)"', README.split("```json", 1)[1].split("```")[0])
    nodes = [edge["node"] for edge in body["data"]["sessions"]["edges"]]
    assert [n["createdAt"] for n in nodes] == shown
