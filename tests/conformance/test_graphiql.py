"""GraphiQL in a real browser runs the README's first query and shows the answer.

This is the first thing a new user does (README, Quickstart): open /graphql, paste the
query, press run. Headless Chromium does exactly that against `idv-gateway serve` on the
embedded demo, and the test reads the result pane as the user would see it. The query
comes from README.md itself, so the README cannot drift from what works. The screenshot
is kept in artifacts/conformance/graphiql.png for a person to look at.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import httpx
import pytest

from .conftest import INSTALL_HINT, ROOT, node_tool

pytestmark = pytest.mark.conformance

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))


def quickstart_query() -> str:
    """The first ```graphql block after "## Quickstart" in README.md."""
    readme = (ROOT / "README.md").read_text()
    start = readme.find("## Quickstart")
    assert start >= 0, "README.md has no '## Quickstart' section"
    match = re.search(r"```graphql\n(.*?)```", readme[start:], re.DOTALL)
    assert match, "README.md's Quickstart has no ```graphql block"
    return match.group(1).strip()


@pytest.fixture
def chromium() -> Path:
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: {INSTALL_HINT}")
    return CHROMIUM


def test_graphiql_runs_the_readme_query_and_shows_the_sessions(
    chromium: Path, gateway_url: str, artifacts: Path, tmp_path: Path
) -> None:
    query = quickstart_query()
    query_file = tmp_path / "quickstart.graphql"
    query_file.write_text(query)
    screenshot = artifacts / "graphiql.png"
    screenshot.unlink(missing_ok=True)

    run = node_tool(
        "graphiql.mjs",
        gateway_url,
        query_file,
        screenshot,
        '"KayleSession"',
        '"edges"',
        timeout=180,
        CHROMIUM_PATH=str(chromium),
    )
    assert run.returncode == 0, f"{run.stdout}\n{run.stderr}"
    seen = json.loads(run.stdout.strip().splitlines()[-1])

    assert seen["blocked"] == [], "the page asked for something not on this machine"
    assert seen["consoleErrors"] == []
    assert seen["editor"] == query, "the editor holds exactly the pasted query"
    result: str = seen["result"]
    assert '"__typename": "KayleSession"' in result
    assert '"edges"' in result
    assert '"hasNextPage": true' in result
    assert '"errors"' not in result
    # What the browser shows is the gateway's answer: the same sessions, in the same order.
    direct = httpx.post(gateway_url, json={"query": query}, timeout=30).json()
    ids = [edge["node"]["id"] for edge in direct["data"]["sessions"]["edges"]]
    assert len(ids) == 3
    positions = [result.index(f'"{session_id}"') for session_id in ids]
    assert positions == sorted(positions)
    assert screenshot.stat().st_size > 10_000, "a screenshot of the page was saved"
