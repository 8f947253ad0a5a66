"""Subscriptions over `graphql-transport-ws` and SSE, fed by signed webhooks, on sockets."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets
from joserfc.jwk import RSAKey
from websockets.asyncio.client import ClientConnection
from websockets.typing import Subprotocol

from tests.auth.conftest import API_KEYS
from tests.live.server import LiveStack, live_stack
from tests.live.signing import didit_delivery, didit_envelope

EVENTS = """
subscription($filter: SessionFilter) {
  sessionEvents(filter: $filter) {
    eventId type status providerStatus
    session { id status ... on KycSession { providerSessionId } }
  }
}"""
PROTOCOL = Subprotocol("graphql-transport-ws")
KAYLE_OPEN = (
    "{ kayleSessions(first: 1, filter: {status: [NOT_STARTED]}) "
    "{ edges { node { providerSessionId status } } } }"
)
SCOPELESS = "test-key-scopeless-not-a-secret"
KYC = "{ kycSessions(first: 3) { edges { node { providerSessionId status } } } }"


async def _query(client: httpx.AsyncClient, document: str, **headers: str) -> dict[str, Any]:
    response = await client.post("/graphql", json={"query": document}, headers=headers)
    body: dict[str, Any] = response.json()
    return body


async def _set_didit_status(stack: LiveStack, session_id: str, status: str) -> None:
    async with httpx.AsyncClient(base_url=stack.didit_url) as sim:
        moved = await sim.post(f"/_sim/sessions/{session_id}/status", json={"status": status})
        assert moved.status_code == 200, moved.text


async def _push_didit(client: httpx.AsyncClient, session_id: str, status: str) -> str:
    payload = didit_envelope(session_id, status)
    body, headers = didit_delivery(payload)
    answer = await client.post("/webhooks/didit", content=body, headers=headers)
    assert answer.status_code == 202, answer.text
    return f"didit:{payload['event_id']}"


async def _subscribe(
    stack: LiveStack, variables: dict[str, Any] | None = None, init: dict[str, Any] | None = None
) -> ClientConnection:
    socket = await websockets.connect(stack.ws_url, subprotocols=[PROTOCOL])
    await socket.send(json.dumps({"type": "connection_init", "payload": init or {}}))
    ack = json.loads(await asyncio.wait_for(socket.recv(), 5))
    assert ack["type"] == "connection_ack", ack
    await socket.send(
        json.dumps(
            {
                "id": "1",
                "type": "subscribe",
                "payload": {"query": EVENTS, "variables": variables or {}},
            }
        )
    )
    return socket


async def _next(socket: ClientConnection) -> dict[str, Any]:
    while True:
        message = json.loads(await asyncio.wait_for(socket.recv(), 10))
        if message["type"] == "ping":
            await socket.send(json.dumps({"type": "pong"}))
            continue
        return message  # type: ignore[no-any-return]


async def _read_until_closed(socket: ClientConnection, into: list[dict[str, Any]]) -> None:
    while True:
        into.append(await _next(socket))


@pytest.fixture
def stack(gateway_key: tuple[RSAKey, Path]) -> Iterator[LiveStack]:
    with live_stack(gateway_key[1]) as live:
        yield live


async def test_a_webhook_reaches_a_websocket_subscriber_with_the_fresh_session(
    stack: LiveStack,
) -> None:
    async with httpx.AsyncClient(base_url=stack.url) as client:
        rows = (await _query(client, KYC))["data"]["kycSessions"]["edges"]
        target = next(r["node"] for r in rows if r["node"]["status"] != "DECLINED")
        session_id = target["providerSessionId"]
        socket = await _subscribe(stack, {"filter": {"sources": ["DIDIT_KYC"]}})
        try:
            await asyncio.sleep(0.1)  # the subscription is registered
            await _set_didit_status(stack, session_id, "Declined")
            event_id = await _push_didit(client, session_id, "Declined")
            message = await _next(socket)
            assert message["type"] == "next", message
            event = message["payload"]["data"]["sessionEvents"]
            assert event["eventId"] == event_id
            assert event["type"] == "STATUS_CHANGED"
            assert event["status"] == "DECLINED"
            assert event["session"]["providerSessionId"] == session_id
            assert event["session"]["status"] == "DECLINED"  # read fresh, not from the cache
            # The cached list page was dropped too: the next query shows the change at once.
            again = (await _query(client, KYC))["data"]["kycSessions"]["edges"]
            assert {r["node"]["providerSessionId"]: r["node"]["status"] for r in again}[
                session_id
            ] == "DECLINED"
        finally:
            await socket.close()


async def test_filters_decide_who_hears_an_event(stack: LiveStack) -> None:
    async with httpx.AsyncClient(base_url=stack.url) as client:
        rows = (await _query(client, KYC))["data"]["kycSessions"]["edges"]
        session_id = rows[0]["node"]["providerSessionId"]
        kayle_only = await _subscribe(stack, {"filter": {"sources": ["KAYLE"]}})
        approved = await _subscribe(stack, {"filter": {"status": ["APPROVED"]}})
        try:
            await asyncio.sleep(0.1)
            await _set_didit_status(stack, session_id, "Approved")
            await _push_didit(client, session_id, "Approved")
            heard = await _next(approved)
            assert heard["payload"]["data"]["sessionEvents"]["status"] == "APPROVED"
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(kayle_only.recv(), 0.5)
        finally:
            await kayle_only.close()
            await approved.close()


async def test_sse_subscriber_receives_the_event(stack: LiveStack) -> None:
    async with httpx.AsyncClient(base_url=stack.url, timeout=10) as client:
        rows = (await _query(client, KYC))["data"]["kycSessions"]["edges"]
        session_id = rows[1]["node"]["providerSessionId"]
        body = {"query": EVENTS, "variables": {}}
        headers = {"accept": "text/event-stream"}
        async with client.stream("POST", "/graphql", json=body, headers=headers) as stream:
            assert stream.status_code == 200
            assert stream.headers["content-type"].startswith("text/event-stream")

            async def push() -> str:
                await asyncio.sleep(0.2)
                await _set_didit_status(stack, session_id, "In Review")
                return await _push_didit(client, session_id, "In Review")

            pushed = asyncio.create_task(push())
            lines = stream.aiter_lines()
            event = data = None
            async for line in lines:
                if line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: ") and event == "next":
                    data = json.loads(line[6:])
                    break
            event_id = await pushed
        assert data is not None
        received = data["data"]["sessionEvents"]
        assert received["eventId"] == event_id
        assert received["status"] == "IN_REVIEW"


async def test_over_a_socket_only_subscriptions_run(stack: LiveStack) -> None:
    socket = await websockets.connect(stack.ws_url, subprotocols=[PROTOCOL])
    try:
        await socket.send(json.dumps({"type": "connection_init", "payload": {}}))
        assert json.loads(await socket.recv())["type"] == "connection_ack"
        await socket.send(
            json.dumps(
                {
                    "id": "q",
                    "type": "subscribe",
                    "payload": {"query": "{ sessions(first: 1) { edges { cursor } } }"},
                }
            )
        )
        refused = await _next(socket)
        assert refused["type"] == "error"
        assert "subscriptions only" in refused["payload"][0]["message"]
    finally:
        await socket.close()


async def test_a_subscriber_that_falls_behind_is_cut_off(gateway_key: tuple[RSAKey, Path]) -> None:
    # Every fresh read takes 300 ms at the simulator, so events queue up behind them.
    with live_stack(gateway_key[1], latency_ms=300, subscription_buffer_events=2) as stack:
        async with httpx.AsyncClient(base_url=stack.url) as client:
            rows = (await _query(client, KYC))["data"]["kycSessions"]["edges"]
            session_id = rows[0]["node"]["providerSessionId"]
            socket = await _subscribe(stack)
            try:
                await asyncio.sleep(0.1)
                for status in ("In Review", "Approved", "Declined", "In Review", "Approved"):
                    await _push_didit(client, session_id, status)
                messages: list[dict[str, Any]] = []
                with pytest.raises(websockets.ConnectionClosed) as closed:
                    await _read_until_closed(socket, messages)
                assert closed.value.rcvd is not None
                assert closed.value.rcvd.code == 4029
                errors = [m for m in messages if m["type"] == "next" and m["payload"].get("errors")]
                assert (
                    errors[-1]["payload"]["errors"][0]["extensions"]["code"]
                    == "SUBSCRIBER_TOO_SLOW"
                )
            finally:
                await socket.close()


async def test_sockets_authenticate_in_connection_init(
    gateway_key: tuple[RSAKey, Path], tmp_path: Path
) -> None:
    keys = tmp_path / "keys.toml"
    lines = []
    for key_id, (key, scopes) in API_KEYS.items():
        lines += [f"[keys.{key_id}]", f'sha256 = "{hashlib.sha256(key.encode()).hexdigest()}"']
        lines += [f"scopes = {json.dumps(scopes)}", ""]
    lines += ["[keys.scopeless]", f'sha256 = "{hashlib.sha256(SCOPELESS.encode()).hexdigest()}"']
    lines += ["scopes = []", ""]
    keys.write_text("\n".join(lines))
    with live_stack(gateway_key[1], auth_disabled=False, auth_api_keys_file=keys) as stack:
        # No credential anywhere: closed with 4403 right after connection_init.
        socket = await websockets.connect(stack.ws_url, subprotocols=[PROTOCOL])
        await socket.send(json.dumps({"type": "connection_init", "payload": {}}))
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(socket.recv(), 5)
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 4403
        # A bad key in the upgrade's headers: the handshake itself is refused.
        with pytest.raises(websockets.InvalidStatus) as refused:
            await websockets.connect(
                stack.ws_url,
                subprotocols=[PROTOCOL],
                additional_headers={"x-api-key": "test-key-nobody-not-a-secret"},
            )
        assert refused.value.response.status_code == 403
        # The key in the payload, any letter case: acknowledged, and it subscribes.
        reporting = await _subscribe(stack, init={"X-API-Key": API_KEYS["reporting"][0]})
        await reporting.close()
        # A key without `sessions:read` is acknowledged, and refused per operation.
        scopeless = await _subscribe(stack, init={"x-api-key": SCOPELESS})
        try:
            refused_op = await _next(scopeless)
            assert refused_op["type"] == "next"
            assert refused_op["payload"]["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        finally:
            await scopeless.close()


async def test_simulator_status_changes_push_signed_webhooks_to_subscribers(
    gateway_key: tuple[RSAKey, Path],
) -> None:
    """The whole path: a status change at each simulator → its signed webhook (Didit
    HMAC; Kayle HMAC over a JWE) → the gateway → a subscriber, with the new status."""
    with live_stack(gateway_key[1], push=True) as stack:
        async with httpx.AsyncClient(base_url=stack.url) as client:
            kyc = (await _query(client, KYC))["data"]["kycSessions"]["edges"][0]["node"]
            kayle = (await _query(client, KAYLE_OPEN))["data"]["kayleSessions"]["edges"][0]["node"]
            socket = await _subscribe(stack)
            try:
                await asyncio.sleep(0.1)
                await _set_didit_status(stack, kyc["providerSessionId"], "Approved")
                didit_event = (await _next(socket))["payload"]["data"]["sessionEvents"]
                async with httpx.AsyncClient(base_url=stack.kayle_url) as sim:
                    moved = await sim.post(
                        f"/_sim/sessions/{kayle['providerSessionId']}/status",
                        json={"status": "cancelled"},
                    )
                    assert moved.status_code == 200, moved.text
                kayle_event = (await _next(socket))["payload"]["data"]["sessionEvents"]
            finally:
                await socket.close()
            deliveries = (await client.get(f"{stack.didit_url}/_sim/webhooks")).json()
    assert didit_event["status"] == "APPROVED"
    assert didit_event["session"]["providerSessionId"] == kyc["providerSessionId"]
    assert kayle_event["type"] == "STATUS_CHANGED"
    assert kayle_event["status"] == "CANCELLED"
    assert kayle_event["eventId"].startswith("kayle:evt_")
    assert any(d["status_code"] == 202 for d in deliveries["deliveries"])
