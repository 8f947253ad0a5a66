"""The cross-tenant matrix: two tenants run the same queries at the same instant, and
nothing of one ever reaches the other (sessions, cursors, cache, in-flight calls, keys)."""

from __future__ import annotations

import asyncio
import base64
from pathlib import Path
from typing import Any

from idv_gateway.simulators._ops import credential_fingerprint
from tests.auth.idp import IdentityProvider
from tests.tenants.conftest import World, tenant_gateway

FEED = """query Feed($after: String) {
  sessions(first: 40, after: $after) {
    edges {
      cursor
      node { id providerSessionId ... on KycSession { fullName decision { status } } }
    }
    pageInfo { endCursor hasNextPage }
  }
}"""
KYC = """{ kycSessions(first: 15) {
  edges { node { id providerSessionId fullName decision { status } } }
} }"""
KAYLE = "{ kayleSessions(first: 15) { edges { node { id providerSessionId } } } }"
NODE = "query($id: ID!) { node(id: $id) { id ... on Session { providerSessionId } } }"
NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Session { providerSessionId } } }"
ENTITIES = """query($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Session { id providerSessionId } }
}"""
ROUNDS = 4  # identical copies of every query per tenant, all in flight together


def _provider_ids(body: Any) -> list[str]:
    """Every `providerSessionId` anywhere in a response."""
    found: list[str] = []
    if isinstance(body, dict):
        for name, value in body.items():
            if name == "providerSessionId" and isinstance(value, str):
                found.append(value)
            else:
                found += _provider_ids(value)
    elif isinstance(body, list):
        for item in body:
            found += _provider_ids(item)
    return found


def _missing_like(global_id: str) -> str:
    """A global id of the same type that no tenant holds."""
    kind, _, raw = base64.b64decode(global_id).decode().partition(":")
    fake = "vs_" + "0" * 64 if raw.startswith("vs_") else "00000000-0000-4000-8000-000000000000"
    return base64.b64encode(f"{kind}:{fake}".encode()).decode()


async def test_the_same_queries_at_the_same_instant_never_cross_tenants(
    world: World, idp: IdentityProvider, tmp_path: Path
) -> None:
    acme, globex = world.acme, world.globex
    sample = [s.session_id for s in acme.didit_app.state.store.kyc[:5]]
    assert not any(globex.owns(i) for i in sample), "the two accounts must hold other sessions"
    for account in world.accounts.values():  # every call overlaps the others in flight
        for app in (account.didit_app, account.kayle_app):
            app.state.ops.latency_ms = 40
    try:
        async with tenant_gateway(world, idp, tmp_path) as gateway:
            queries = [(FEED, None), (KYC, None), (KAYLE, None)]
            plan = [
                (t, q, v) for _ in range(ROUNDS) for q, v in queries for t in ("acme", "globex")
            ]
            cold = await asyncio.gather(*(gateway.query(t, q, v) for t, q, v in plan))
            warm = await asyncio.gather(*(gateway.query(t, q, v) for t, q, v in plan))
            for (tenant, document, _), first, again in zip(plan, cold, warm, strict=True):
                mine, theirs = (
                    world.accounts[tenant],
                    world.accounts["globex" if tenant == "acme" else "acme"],
                )
                assert "errors" not in first, first["errors"]
                ids = _provider_ids(first)
                assert len(ids) == (40 if document is FEED else 15)
                assert all(mine.owns(i) and not theirs.owns(i) for i in ids), (tenant, document)
                assert again == first  # the warm cache is the tenant's own
            stats = await gateway.stats()
            for tenant, account in world.accounts.items():
                for provider in ("didit", "kayle"):
                    counted = stats[f"{tenant}.{provider}"]
                    # Each tenant made its own calls: in-flight coalescing joined identical
                    # calls within a tenant, never across the two.
                    assert counted["total"] >= 1, (tenant, provider)
                    assert set(counted["credentials"]) <= account.fingerprints, (tenant, provider)
            assert all(router.unknown_keys == 0 for router in world.routers)

            # Cursors are the tenant's own: the other's is refused, not read.
            acme_page = cold[0]["data"]["sessions"]
            globex_page = cold[1]["data"]["sessions"]
            for tenant, cursor in (
                ("acme", globex_page["pageInfo"]["endCursor"]),
                ("globex", acme_page["pageInfo"]["endCursor"]),
                ("acme", globex_page["edges"][3]["cursor"]),
            ):
                swapped = await gateway.query(tenant, FEED, {"after": cursor})
                assert swapped.get("data") is None
                assert swapped["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
            more = await gateway.query("acme", FEED, {"after": acme_page["pageInfo"]["endCursor"]})
            assert "errors" not in more
            assert all(acme.owns(i) for i in _provider_ids(more))

            # node, nodes and _entities look in the caller's tenant only: another tenant's
            # session answers exactly as a session that does not exist.
            acme_ids = [e["node"]["id"] for e in acme_page["edges"]]
            globex_ids = [e["node"]["id"] for e in globex_page["edges"]]
            await gateway.reset()
            lookups = []
            for tenant, own_ids, foreign_ids in (
                ("acme", acme_ids, globex_ids),
                ("globex", globex_ids, acme_ids),
            ):
                for own_id, foreign_id in zip(own_ids[:6], foreign_ids[:6], strict=True):
                    lookups.append((tenant, own_id, foreign_id))
            answers = await asyncio.gather(
                *(
                    gateway.query(tenant, document, variables)
                    for tenant, own_id, foreign_id in lookups
                    for document, variables in (
                        (NODE, {"id": own_id}),
                        (NODE, {"id": foreign_id}),
                        (NODE, {"id": _missing_like(foreign_id)}),
                        (NODES, {"ids": [own_id, foreign_id]}),
                        (
                            ENTITIES,
                            {
                                "representations": [
                                    {"__typename": "Session", "id": foreign_id},
                                    {"__typename": "Session", "id": own_id},
                                ]
                            },
                        ),
                    )
                )
            )
            for index, (tenant, own_id, _) in enumerate(lookups):
                own, foreign, missing, both, entities = answers[index * 5 : index * 5 + 5]
                assert own["data"]["node"]["id"] == own_id
                assert foreign == {"data": {"node": None}}
                assert foreign == missing  # indistinguishable from a session that is not there
                assert [n and n["id"] for n in both["data"]["nodes"]] == [own_id, None]
                assert [e and e["id"] for e in entities["data"]["_entities"]] == [None, own_id]
                tenant_account = world.accounts[tenant]
                assert all(tenant_account.owns(i) for i in _provider_ids([own, both, entities]))
            stats = await gateway.stats()
            for tenant, account in world.accounts.items():
                for provider in ("didit", "kayle"):
                    seen = stats[f"{tenant}.{provider}"]["credentials"]
                    assert set(seen) <= account.fingerprints, (tenant, provider, seen)
    finally:
        for account in world.accounts.values():
            for app in (account.didit_app, account.kayle_app):
                app.state.ops.latency_ms = 0


async def test_one_tenant_with_a_bad_key_leaves_the_other_complete(
    world: World, idp: IdentityProvider, tmp_path: Path
) -> None:
    async with tenant_gateway(world, idp, tmp_path) as gateway:
        gateway.tenants_file.write_text(
            gateway.tenants_file.read_text().replace(
                world.globex.kayle_key, "test-kayle-key-globex-wrong-not-a-secret"
            )
        )
        assert await gateway.app.state.tenants.reload() == "applied"
        acme, globex = await asyncio.gather(
            gateway.query("acme", FEED), gateway.query("globex", FEED)
        )
        assert "errors" not in acme and len(acme["data"]["sessions"]["edges"]) == 40
        assert {e["extensions"]["provider"] for e in globex["errors"]} == {"KAYLE"}
        globex_ids = _provider_ids(globex)
        assert globex_ids and all(world.globex.owns(i) for i in globex_ids)
        ready = (await gateway.client.get("/readyz")).json()
        assert ready["status"] == "degraded"
        assert ready["tenants"]["acme"]["status"] == "ready"
        assert ready["tenants"]["globex"]["status"] == "not ready"
        assert ready["tenants"]["globex"]["providers"]["KAYLE"].startswith("auth rejected")
        wrong = credential_fingerprint("test-kayle-key-globex-wrong-not-a-secret")
        stats = await gateway.stats()
        assert set(stats["acme.kayle"]["credentials"]) == {
            credential_fingerprint(world.acme.kayle_key)
        }
        assert wrong not in stats["acme.kayle"]["credentials"]


async def test_an_open_breaker_of_one_tenant_leaves_the_other_served(
    world: World, idp: IdentityProvider, tmp_path: Path
) -> None:
    async with tenant_gateway(
        world, idp, tmp_path, upstream_breaker_threshold=2, upstream_retry_attempts=1
    ) as gateway:
        async with await gateway.ops(world.acme, "didit") as didit:
            fault = {"route": "*", "mode": "status", "status": 503}
            assert (await didit.post("/_sim/faults", json=fault)).status_code == 201
        for _ in range(3):
            failed = await gateway.query("acme", KYC)
            assert failed["errors"][0]["extensions"]["provider"] == "DIDIT"
        assert failed["errors"][0]["extensions"]["code"] == "PROVIDER_UNAVAILABLE"
        metrics = (await gateway.client.get("/metrics")).text
        assert 'idv_gateway_circuit_state{provider="DIDIT",tenant="acme"} 2.0' in metrics  # open
        assert 'idv_gateway_circuit_state{provider="DIDIT",tenant="globex"} 0.0' in metrics
        served = await asyncio.gather(*(gateway.query("globex", q) for q in (FEED, KYC, KAYLE)))
        assert all("errors" not in body for body in served)
        assert [len(_provider_ids(body)) for body in served] == [40, 15, 15]
        assert all(world.globex.owns(i) for body in served for i in _provider_ids(body))
