"""relay-compiler accepts the committed schema, and the operations it writes run.

Relay is the strictest common client about schema shape: `@connection` wants the full
Relay connection contract (edges/node/cursor, all four pageInfo fields), `@refetchable`
on a fragment over `Session` wants `Node` and a one-argument `node(id:)`. The client in
`relay/src/` is what a back-office list would be: a paginated, refetchable fragment
over `sessions` with its paging arguments as variables, and a refetchable row.
Compiling it against `schema.graphql` catches a schema change that would break Relay
apps; running the generated queries against the gateway proves they also execute.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager

from idv_gateway.app import create_app
from idv_gateway.config import Settings

from .conftest import HERE, ROOT, node_tool

pytestmark = pytest.mark.conformance

CLIENT = HERE / "relay"
COMPILER = HERE / "node_modules" / ".bin" / "relay-compiler"
ARTIFACTS = {
    "SessionsList_query.graphql.ts",
    "SessionsListPaginationQuery.graphql.ts",
    "SessionRow_session.graphql.ts",
    "SessionRowRefetchQuery.graphql.ts",
    "SessionsPageQuery.graphql.ts",
}


def _project(tmp: Path, sources: Path = CLIENT / "src") -> Path:
    """A copy of the Relay client whose config points at the repository's schema.graphql."""
    shutil.copytree(sources, tmp / "src", ignore=shutil.ignore_patterns("__generated__"))
    (tmp / "src" / "__generated__").mkdir()
    config = json.loads((CLIENT / "relay.config.json").read_text())
    config["schema"] = str(ROOT / "schema.graphql")
    (tmp / "relay.config.json").write_text(json.dumps(config))
    return tmp


def _compile(project: Path, *flags: str):
    return node_tool(COMPILER, *flags, cwd=project, FORCE_NO_WATCHMAN="1")


def _operation_text(artifact: Path) -> str:
    match = re.search(r'^\s*"text": (".*"),?$', artifact.read_text(), re.MULTILINE)
    assert match, f"no operation text in {artifact.name}"
    text: str = json.loads(match.group(1))
    return text


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = _project(tmp_path_factory.mktemp("relay"))
    run = _compile(project)
    assert run.returncode == 0, f"relay-compiler failed:\n{run.stdout}\n{run.stderr}"
    return project / "src" / "__generated__"


def test_the_client_compiles_and_its_artifacts_are_current(compiled: Path) -> None:
    assert {p.name for p in compiled.iterdir()} == ARTIFACTS
    validate = _compile(compiled.parents[1], "--validate")
    assert validate.returncode == 0, f"{validate.stdout}\n{validate.stderr}"
    refetch = _operation_text(compiled / "SessionRowRefetchQuery.graphql.ts")
    assert "node(id: $id)" in refetch


def test_a_client_the_schema_cannot_serve_fails_to_compile(tmp_path: Path) -> None:
    """The check is live: a selection of a field the schema lacks is a compile error."""
    sources = tmp_path / "client"
    shutil.copytree(CLIENT / "src", sources, ignore=shutil.ignore_patterns("__generated__"))
    row = sources / "SessionRow.ts"
    row.write_text(row.read_text().replace("    providerStatus\n", "    providerMood\n", 1))
    run = _compile(_project(tmp_path / "project", sources))
    assert run.returncode != 0
    assert "providerMood" in run.stdout + run.stderr


def _execute(gateway_url: str, text: str, variables: dict[str, Any]) -> dict[str, Any]:
    response = httpx.post(gateway_url, json={"query": text, "variables": variables}, timeout=30)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body["errors"]
    data: dict[str, Any] = body["data"]
    return data


def test_the_generated_queries_page_filter_and_refetch(compiled: Path, gateway_url: str) -> None:
    paginate = _operation_text(compiled / "SessionsListPaginationQuery.graphql.ts")
    first = _execute(gateway_url, paginate, {"count": 4})["sessions"]
    second = _execute(
        gateway_url, paginate, {"count": 4, "cursor": first["pageInfo"]["endCursor"]}
    )["sessions"]
    ids = [e["node"]["id"] for e in first["edges"] + second["edges"]]
    assert len(ids) == len(set(ids)) == 8, "the second page continues the first"

    approved = _execute(gateway_url, paginate, {"count": 5, "filter": {"status": ["APPROVED"]}})
    assert {e["node"]["status"] for e in approved["sessions"]["edges"]} == {"APPROVED"}

    refetch = _operation_text(compiled / "SessionRowRefetchQuery.graphql.ts")
    row = first["edges"][0]["node"]
    again = _execute(gateway_url, refetch, {"id": row["id"]})["node"]
    assert again["id"] == row["id"]
    assert again["createdAt"] == row["createdAt"]


def test_persisted_queries_run_by_id_against_trusted_documents(tmp_path: Path) -> None:
    """relay-compiler's `persistConfig` writes the manifest; the gateway runs only its ids."""
    project = _project(tmp_path)
    config = json.loads((project / "relay.config.json").read_text())
    config["persistConfig"] = {"file": "./persisted_queries.json", "algorithm": "SHA256"}
    (project / "relay.config.json").write_text(json.dumps(config))
    manifest = project / "persisted_queries.json"
    manifest.write_text("{}")  # relay-compiler fills the file it is given
    run = _compile(project)
    assert run.returncode == 0, f"{run.stdout}\n{run.stderr}"
    artifact = (
        project / "src" / "__generated__" / "SessionsListPaginationQuery.graphql.ts"
    ).read_text()
    match = re.search(r'"id": "([0-9a-f]{64})"', artifact)
    assert match and '"text": null' in artifact, "the artifact names its query by id only"
    document_id = match.group(1)
    assert document_id in json.loads(manifest.read_text())
    asyncio.run(_run_by_id(manifest, document_id, json.loads(manifest.read_text())[document_id]))


async def _run_by_id(manifest: Path, document_id: str, text: str) -> None:
    # The open demo with trusted documents: only the manifest's operations run.
    app = create_app(Settings(trusted_documents=manifest))
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app), base_url="http://t") as c,
    ):
        by_id = await c.post(
            "/graphql", json={"documentId": document_id, "variables": {"count": 4}}
        )
        assert len(by_id.json()["data"]["sessions"]["edges"]) == 4, by_id.text
        free = await c.post("/graphql", json={"query": text, "variables": {"count": 4}})
        assert free.status_code == 400
        assert free.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
