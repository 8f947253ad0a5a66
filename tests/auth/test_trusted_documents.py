"""Trusted documents: only the manifest's operations run, by id, from Apollo's and Relay's
manifests; free-form documents need `documents:any`."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from idv_gateway.http.trusted_documents import load_manifest
from tests.auth.conftest import auth_harness, bearer
from tests.auth.idp import IdentityProvider

LIST = "query Dashboard($n: Int) { kybSessions(first: $n) { edges { node { id status } } } }"
DIGEST = hashlib.sha256(LIST.encode()).hexdigest()


def _apollo(tmp_path: Path) -> Path:
    path = tmp_path / "persisted-query-manifest.json"
    manifest = {
        "format": "apollo-persisted-query-manifest",
        "version": 1,
        "operations": [{"id": DIGEST, "name": "Dashboard", "type": "query", "body": LIST}],
    }
    path.write_text(json.dumps(manifest))
    return path


def test_both_manifest_formats_load_and_a_forged_id_does_not(tmp_path: Path) -> None:
    apollo = load_manifest(_apollo(tmp_path))
    assert apollo.find(DIGEST) == LIST and apollo.find(f"sha256:{DIGEST}") == LIST
    assert apollo.names == {"Dashboard"}
    relay = tmp_path / "persisted_queries.json"
    relay.write_text(json.dumps({"a1b2": LIST}))
    assert load_manifest(relay).find("a1b2") == LIST
    forged = json.loads(_apollo(tmp_path).read_text())
    forged["operations"][0]["body"] = "{ kycSessions { edges { node { fullName } } } }"
    (tmp_path / "forged.json").write_text(json.dumps(forged))
    with pytest.raises(ValueError, match="not the SHA-256 of `body`"):
        load_manifest(tmp_path / "forged.json")
    (tmp_path / "list.json").write_text("[1, 2]")
    with pytest.raises(ValueError, match="neither an Apollo"):
        load_manifest(tmp_path / "list.json")


async def test_only_listed_documents_run(idp: IdentityProvider, tmp_path: Path) -> None:
    async with auth_harness(idp, trusted_documents=_apollo(tmp_path)) as harness:
        reader = bearer(idp.token(scope="sessions:read"))
        by_id = await harness.gateway.post(
            "/graphql",
            json={"documentId": f"sha256:{DIGEST}", "variables": {"n": 2}},
            headers=reader,
        )
        assert len(by_id.json()["data"]["kybSessions"]["edges"]) == 2
        apq = await harness.gateway.post(
            "/graphql",
            json={"extensions": {"persistedQuery": {"version": 1, "sha256Hash": DIGEST}}},
            headers=reader,
        )
        assert apq.json()["data"]["kybSessions"]["edges"]
        get = await harness.gateway.get(
            "/graphql", params={"documentId": DIGEST, "variables": '{"n": 1}'}, headers=reader
        )
        assert len(get.json()["data"]["kybSessions"]["edges"]) == 1
        for body, reason in [
            ({"query": LIST}, "trusted documents only"),
            (
                {"query": "{ kycSessions { edges { node { fullName } } } }"},
                "trusted documents only",
            ),
            ({"documentId": "sha256:" + "0" * 64}, "no trusted document"),
            ({"documentId": DIGEST, "query": "{ __typename }"}, "differs"),
        ]:
            refused = await harness.gateway.post("/graphql", json=body, headers=reader)
            assert refused.status_code == 400
            [error] = refused.json()["errors"]
            assert error["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
            assert reason in error["message"]
        owner = bearer(idp.token(scope="sessions:read documents:any"))
        free = await harness.gateway.post("/graphql", json={"query": LIST}, headers=owner)
        assert free.json()["data"]["kybSessions"]["edges"]
        metrics = (await harness.gateway.get("/metrics")).text
        assert 'operation="Dashboard"' in metrics


async def test_raw_bytes_in_a_query_string_are_a_400_not_a_crash(tmp_path: Path) -> None:
    """httpx percent-encodes; a raw socket need not. The edge refuses non-ASCII bytes."""
    from asgi_lifespan import LifespanManager

    from idv_gateway.app import create_app
    from idv_gateway.config import Settings

    app = create_app(Settings(trusted_documents=_apollo(tmp_path)))
    async with LifespanManager(app) as manager:
        for query_string in (f"documentId={DIGEST}&n=\xff".encode("latin-1"), b"query=\xc3("):
            sent: list[dict[str, object]] = []

            async def receive() -> dict[str, object]:
                return {"type": "http.request", "body": b"", "more_body": False}

            async def send(
                message: dict[str, object], into: list[dict[str, object]] = sent
            ) -> None:
                into.append(message)

            scope = {
                "type": "http",
                "asgi": {"version": "3.0"},
                "http_version": "1.1",
                "method": "GET",
                "scheme": "http",
                "path": "/graphql",
                "raw_path": b"/graphql",
                "query_string": query_string,
                "headers": [(b"host", b"gateway.test")],
                "client": ("127.0.0.1", 50000),
                "server": ("gateway.test", 80),
            }
            await manager.app(scope, receive, send)  # type: ignore[arg-type]
            assert sent[0]["status"] == 400
            body = json.loads(sent[1]["body"])  # type: ignore[arg-type]
            assert body["errors"][0]["message"].startswith("the query string must be ASCII")
