"""The embedded demo wires its simulators to its own receivers: a status change made at
`/demo/<tenant>/<provider>/_sim/…` reaches that tenant's subscribers, and only theirs."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import websockets
from websockets.typing import Subprotocol

from idv_gateway.app import create_app
from idv_gateway.config import Settings
from idv_gateway.http.demo_identity import demo_token
from tests.live.server import serve

EVENTS = "subscription { sessionEvents { eventId status session { id status } } }"
KYC = "{ kycSessions(first: 1) { edges { node { providerSessionId } } } }"


async def _subscribe(url: str, tenant: str) -> Any:
    socket = await websockets.connect(
        url.replace("http://", "ws://") + "/graphql",
        subprotocols=[Subprotocol("graphql-transport-ws")],
    )
    token = demo_token(["sessions:read"], tenant=tenant)
    await socket.send(
        json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
    )
    assert json.loads(await socket.recv())["type"] == "connection_ack"
    await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": EVENTS}}))
    return socket


async def test_a_status_change_in_the_demo_reaches_its_tenants_subscribers() -> None:
    with serve(create_app(Settings())) as url:
        async with httpx.AsyncClient(base_url=url) as client:
            token = demo_token(["sessions:read"], tenant="acme")
            rows = await client.post(
                "/graphql", json={"query": KYC}, headers={"authorization": f"Bearer {token}"}
            )
            session_id = rows.json()["data"]["kycSessions"]["edges"][0]["node"]["providerSessionId"]
            acme = await _subscribe(url, "acme")
            globex = await _subscribe(url, "globex")
            try:
                await asyncio.sleep(0.1)
                moved = await client.post(
                    f"/demo/acme/didit/_sim/sessions/{session_id}/status",
                    json={"status": "Declined"},
                )
                assert moved.status_code == 200, moved.text
                message = json.loads(await asyncio.wait_for(acme.recv(), 10))
                assert message["type"] == "next", message
                event = message["payload"]["data"]["sessionEvents"]
                assert event["status"] == "DECLINED"
                assert event["session"]["status"] == "DECLINED"
                try:
                    leaked = await asyncio.wait_for(globex.recv(), 0.5)
                except TimeoutError:
                    leaked = None
                assert leaked is None, leaked  # globex's subscribers hear nothing of acme
            finally:
                await acme.close()
                await globex.close()
