"""Didit `status.updated` webhooks: envelope, exact signatures, triggers, retries, shutdown.

Every delivery is checked with a verifier written here from the reference (§6.5), not
with the simulator's signing code: HMAC-SHA256 over the raw body, over the re-sorted
UTF-8 JSON, and over `timestamp:session_id:status:webhook_type`.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from typing import Any

import pytest
from asgi_lifespan import LifespanManager
from starlette.applications import Starlette

from idv_gateway.simulators.didit.webhooks import APPLICATION_ID, DiditWebhooks
from tests.simulators.didit_support import (
    HEADERS,
    STANDARD_KYB,
    STANDARD_KYC,
    client_for,
    new_app,
    store_of,
)
from tests.simulators.webhook_support import (
    DOWN_HOST,
    RECEIVER,
    Received,
    Receiver,
    stepping_clock,
)

SECRET = "didit-hook-secret-for-tests"
DECISION_STATUSES = {"Approved", "Declined", "In Review", "Abandoned"}


def hook_app(receiver: Receiver, **options: Any) -> Starlette:
    return new_app(
        sessions=30,
        business_sessions=10,
        webhook_url=f"{RECEIVER}/didit",
        webhook_secret=SECRET,
        webhook_time_scale=options.pop("webhook_time_scale", 0.001),
        webhook_transport=receiver.transport(),
        **options,
    )


def hub_of(app: Starlette) -> DiditWebhooks:
    hub: DiditWebhooks = app.state.webhooks
    return hub


def _hex(secret: str, message: str | bytes) -> str:
    raw = message.encode() if isinstance(message, str) else message
    return hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()


def verified(delivery: Received, secret: str = SECRET) -> dict[str, Any]:
    """The payload, after checking every header the way an integrator would."""
    payload: dict[str, Any] = json.loads(delivery.body)
    headers = delivery.headers
    assert headers["content-type"] == "application/json"
    assert headers["user-agent"] == "DiditWebhook/2.0 +https://didit.me"
    assert hmac.compare_digest(headers["x-signature"], _hex(secret, delivery.body))
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert headers["x-signature-v2"] == _hex(secret, canonical)
    simple = ":".join(
        str(payload.get(k, "")) for k in ("timestamp", "session_id", "status", "webhook_type")
    )
    assert headers["x-signature-simple"] == _hex(secret, simple)
    assert headers["x-timestamp"] == str(payload["timestamp"])
    assert delivery.body == json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()
    return payload


async def test_create_then_update_status_each_deliver_one_signed_envelope() -> None:
    receiver = Receiver()
    app = hook_app(receiver)
    async with client_for(app) as client:
        created = await client.post(
            "/v3/session/",
            json={"workflow_id": STANDARD_KYC, "vendor_data": "user-1", "metadata": {"k": 1}},
            headers=HEADERS,
        )
        session_id = created.json()["session_id"]
        await hub_of(app).drain()
        assert len(receiver.received) == 1
        await client.post(f"/_sim/sessions/{session_id}/status", json={"status": "In Review"})
        await client.patch(
            f"/v3/session/{session_id}/update-status/",
            json={"new_status": "Approved", "comment": "ok"},
            headers=HEADERS,
        )
        await hub_of(app).drain()
    first, review, approved = (verified(d) for d in receiver.received)
    assert [d.path for d in receiver.received] == ["/didit"] * 3
    assert first == {
        "event_id": first["event_id"],
        "webhook_type": "status.updated",
        "timestamp": first["timestamp"],
        "created_at": first["created_at"],
        "application_id": APPLICATION_ID,
        "environment": "live",
        "session_id": session_id,
        "status": "Not Started",
        "workflow_id": STANDARD_KYC,
        "workflow_version": 3,
        "vendor_data": "user-1",
        "metadata": {"k": 1},
    }
    assert isinstance(first["timestamp"], int)
    assert isinstance(first["created_at"], int)
    assert (review["status"], approved["status"]) == ("In Review", "Approved")
    assert len({first["event_id"], review["event_id"], approved["event_id"]}) == 3
    assert approved["decision"]["status"] == "Approved"
    assert approved["decision"]["reviews"][-1]["comment"] == "ok"
    assert approved["decision"]["session_id"] == session_id


async def test_reused_session_and_delete_send_nothing() -> None:
    receiver = Receiver()
    app = hook_app(receiver)
    body = {"workflow_id": STANDARD_KYC, "vendor_data": "same-user"}
    async with client_for(app) as client:
        first = (await client.post("/v3/session/", json=body, headers=HEADERS)).json()
        again = (await client.post("/v3/session/", json=body, headers=HEADERS)).json()
        await client.delete(f"/v3/session/{first['session_id']}/delete/", headers=HEADERS)
        await hub_of(app).drain()
    assert first["session_id"] == again["session_id"]
    assert len(receiver.received) == 1


@pytest.mark.parametrize(
    "status",
    [
        "Not Started",
        "In Progress",
        "Approved",
        "Declined",
        "In Review",
        "Expired",
        "Abandoned",
        "Kyc Expired",
        "Resubmitted",
        "Awaiting User",
    ],
)
async def test_decision_only_for_reviewable_outcomes(status: str) -> None:
    receiver = Receiver()
    app = hook_app(receiver)
    session = store_of(app).kyc[0]
    async with client_for(app) as client:
        moved = await client.post(
            f"/_sim/sessions/{session.session_id}/status", json={"status": status}
        )
        decision = await client.get(f"/v3/session/{session.session_id}/decision/", headers=HEADERS)
        await hub_of(app).drain()
    assert moved.status_code == 200
    [delivery] = receiver.received
    payload = verified(delivery)
    assert payload["status"] == status
    assert ("decision" in payload) == (status in DECISION_STATUSES)
    if "decision" in payload:
        assert payload["decision"] == decision.json()
    assert "session_kind" not in payload


async def test_kyb_sessions_carry_session_kind_and_business_session_id() -> None:
    receiver = Receiver()
    app = hook_app(receiver)
    async with client_for(app) as client:
        created = await client.post(
            "/v3/session/", json={"workflow_id": STANDARD_KYB}, headers=HEADERS
        )
        session_id = created.json()["session_id"]
        await client.post(f"/_sim/sessions/{session_id}/status", json={"status": "Declined"})
        await hub_of(app).drain()
    started, declined = (verified(d) for d in receiver.received)
    for payload in (started, declined):
        assert payload["session_kind"] == "business"
        assert payload["business_session_id"] == session_id
        assert payload["workflow_id"] == STANDARD_KYB
    assert "decision" not in started
    assert declined["decision"]["session_kind"] == "business"
    assert declined["decision"]["status"] == "Declined"


async def test_kyb_uppercase_option_applies_to_the_envelope_status() -> None:
    receiver = Receiver()
    app = hook_app(receiver, kyb_uppercase_status=True)
    session = store_of(app).kyb[0]
    async with client_for(app) as client:
        await client.post(
            f"/_sim/sessions/{session.session_id}/status", json={"status": "In Review"}
        )
        await hub_of(app).drain()
    payload = verified(receiver.received[0])
    assert (payload["status"], payload["decision"]["status"]) == ("IN_REVIEW", "IN_REVIEW")


async def test_500_then_200_is_retried_with_a_fresh_timestamp_and_the_same_event_id() -> None:
    receiver = Receiver(statuses=[500])
    app = hook_app(receiver)
    hub_of(app).clock = stepping_clock()
    session = store_of(app).kyc[0]
    async with client_for(app) as client:
        await client.post(
            f"/_sim/sessions/{session.session_id}/status", json={"status": "Approved"}
        )
        await hub_of(app).drain()
        records = (await client.get("/_sim/webhooks")).json()["deliveries"]
    first, second = (verified(d) for d in receiver.received)
    assert first["event_id"] == second["event_id"]
    assert second["timestamp"] > first["timestamp"]
    assert (
        receiver.received[0].headers["x-signature"] != receiver.received[1].headers["x-signature"]
    )
    assert {k: v for k, v in first.items() if k != "timestamp"} == {
        k: v for k, v in second.items() if k != "timestamp"
    }
    assert [(r["attempt"], r["status_code"], r["outcome"]) for r in records] == [
        (1, 500, "retrying"),
        (2, 200, "succeeded"),
    ]
    assert SECRET not in json.dumps(records)


@pytest.mark.parametrize(("status", "attempts"), [(404, 3), (503, 3), (400, 1), (410, 1), (302, 1)])
async def test_only_5xx_and_404_are_retried_twice(status: int, attempts: int) -> None:
    receiver = Receiver(then=status)
    app = hook_app(receiver)
    session = store_of(app).kyc[0]
    async with client_for(app) as client:
        await client.post(
            f"/_sim/sessions/{session.session_id}/status", json={"status": "Declined"}
        )
        await hub_of(app).drain()
    assert len(receiver.received) == attempts
    records = hub_of(app).deliveries
    assert [r.attempt for r in records] == list(range(1, attempts + 1))
    assert records[-1].outcome == "failed"


async def test_connection_errors_are_retried_after_one_then_four_scaled_minutes() -> None:
    receiver = Receiver()
    app = new_app(
        sessions=10,
        business_sessions=2,
        webhook_url=f"https://{DOWN_HOST}/hook",
        webhook_secret=SECRET,
        webhook_time_scale=0.001,
        webhook_transport=receiver.transport(),
    )
    session = store_of(app).kyc[0]
    async with client_for(app) as client:
        await client.post(
            f"/_sim/sessions/{session.session_id}/status", json={"status": "Approved"}
        )
        started = time.monotonic()
        await hub_of(app).drain()
        waited = time.monotonic() - started
    assert waited >= (60 + 240) * 0.001
    records = hub_of(app).deliveries
    assert [(r.attempt, r.status_code, r.outcome) for r in records] == [
        (1, None, "retrying"),
        (2, None, "retrying"),
        (3, None, "failed"),
    ]
    assert all(r.error is not None and "ConnectError" in r.error for r in records)
    assert receiver.received == []


async def test_status_route_returns_before_the_delivery_and_shutdown_cancels_retries() -> None:
    receiver = Receiver(then=503)
    app = hook_app(receiver, webhook_time_scale=1.0)  # the retry waits a real minute
    session = store_of(app).kyc[0]
    async with LifespanManager(app), client_for(app) as client:
        moved = await client.post(
            f"/_sim/sessions/{session.session_id}/status", json={"status": "Approved"}
        )
        assert moved.status_code == 200
        assert hub_of(app).pending == 1
        for _ in range(2000):  # the first attempt runs in the background
            if hub_of(app).deliveries:
                break
            await asyncio.sleep(0.001)
    assert hub_of(app).pending == 0
    assert [(r.attempt, r.outcome) for r in hub_of(app).deliveries] == [(1, "retrying")]
