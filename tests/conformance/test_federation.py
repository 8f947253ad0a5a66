"""Apollo Federation: idv-gateway composes as a subgraph and serves entities through a router.

`@apollo/composition` composes our `_service.sdl` with a second subgraph that extends
`Session` (`risk_subgraph.py`, an `@interfaceObject`); a real `@apollo/gateway` then serves
the supergraph, and a query that needs both subgraphs returns data from the simulators
and from the risk service.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from .conftest import free_port, node_tool
from .risk_subgraph import app as risk_app, risk_score

pytestmark = pytest.mark.conformance

FEDERATED_QUERY = """{
  sessions(first: 6) {
    edges { node { id __typename status riskScore
      ... on KybSession { companyName }
      ... on KayleSession { verificationUrl } } }
  }
  riskModelVersion
}"""


@pytest.fixture(scope="module")
def risk_url() -> Iterator[str]:
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(risk_app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            pytest.fail("the risk subgraph did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}/graphql"
    server.should_exit = True
    thread.join(timeout=10)


def test_a_federated_query_crosses_both_subgraphs(
    gateway_url: str, risk_url: str, tmp_path: Path, artifacts: Path
) -> None:
    query_file = tmp_path / "query.graphql"
    query_file.write_text(FEDERATED_QUERY)
    run = node_tool("federation.mjs", gateway_url, risk_url, query_file, timeout=120)
    (artifacts / "federation.txt").write_text(run.stdout + run.stderr)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["status"] == 200
    # The composed supergraph carries the field policy for routers that enforce it.
    assert result["securityDirectives"] > 100
    body = result["body"]
    assert "errors" not in body, body["errors"]
    assert body["data"]["riskModelVersion"] == "2026.11"
    nodes = [edge["node"] for edge in body["data"]["sessions"]["edges"]]
    direct = httpx.post(
        gateway_url,
        json={"query": "{ sessions(first: 6) { edges { node { id __typename status } } } }"},
        timeout=30,
    ).json()["data"]["sessions"]["edges"]
    assert [(n["id"], n["__typename"], n["status"]) for n in nodes] == [
        (e["node"]["id"], e["node"]["__typename"], e["node"]["status"]) for e in direct
    ]
    assert [n["riskScore"] for n in nodes] == [risk_score(n["id"]) for n in nodes]


def test_composition_rejects_a_subgraph_that_conflicts(gateway_url: str, tmp_path: Path) -> None:
    """Control: composition really checks (a clashing `Query.sessions` type fails it)."""
    clash = tmp_path / "clash.graphql"
    clash.write_text(
        'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])\n'
        "type Query { sessions: Int }\n"
    )
    run = node_tool("compose.mjs", gateway_url, clash)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["composed"] is False
    assert result["errors"]
