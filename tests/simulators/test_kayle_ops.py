"""The `/_sim` operations surface on the Kayle simulator: stats, faults, status moves, latency."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
import pytest

from idv_gateway.simulators._ops import credential_fingerprint
from idv_gateway.simulators.kayle.models import SESSION_STATUSES
from idv_gateway.simulators.kayle.store import KayleStore
from tests.simulators.kayle_support import (
    API_KEY,
    AUTH,
    UNKNOWN_ID,
    client_for,
    consistency_errors,
    make_app,
)

ROUTE_KEYS = {
    "GET /v1/sessions",
    "POST /v1/sessions",
    "GET /v1/sessions/{id}",
    "POST /v1/sessions/{id}/cancel",
}


async def add_fault(client: httpx.AsyncClient, **fault: Any) -> None:
    response = await client.post("/_sim/faults", json=fault)
    assert response.status_code == 201, response.text


async def test_stats_count_requests_by_route_template_and_rows_returned() -> None:
    app = make_app(sessions=30)
    async with client_for(app) as client:
        await client.get("/v1/sessions?limit=7", headers=AUTH)
        page = (await client.get("/v1/sessions?limit=100", headers=AUTH)).json()["data"]
        await client.get("/v1/sessions?limit=0", headers=AUTH)
        await client.get(f"/v1/sessions/{page[0]['id']}", headers=AUTH)
        await client.get(f"/v1/sessions/{UNKNOWN_ID}", headers=AUTH)
        created = (await client.post("/v1/sessions", headers=AUTH)).json()["data"]
        await client.post(f"/v1/sessions/{created['id']}/cancel", headers=AUTH)
        await client.get("/v1/unknown", headers=AUTH)
        stats = (await client.get("/_sim/stats")).json()
        reset = (await client.post("/_sim/stats/reset")).json()
    assert stats["requests"] == {
        "GET /v1/sessions": 3,
        "GET /v1/sessions/{id}": 2,
        "POST /v1/sessions": 1,
        "POST /v1/sessions/{id}/cancel": 1,
        "GET <unmatched>": 1,
    }
    assert set(stats["requests"]) >= ROUTE_KEYS
    assert stats["rows"] == {"GET /v1/sessions": 37, "GET /v1/sessions/{id}": 1}
    assert stats["total"] == 8
    assert stats["credentials"] == {credential_fingerprint(API_KEY): 8}
    assert API_KEY not in json.dumps(stats)
    assert reset == {"requests": {}, "rows": {}, "credentials": {}, "total": 0}


async def test_status_fault_with_retry_after_then_recovery() -> None:
    async with client_for(make_app(sessions=10)) as client:
        await add_fault(
            client, route="GET /v1/sessions", mode="status", status=503, retry_after=2, times=1
        )
        faulted = await client.get("/v1/sessions", headers=AUTH)
        healthy = await client.get("/v1/sessions", headers=AUTH)
    assert faulted.status_code == 503
    assert faulted.headers["retry-after"] == "2"
    assert faulted.json() == {"detail": "Simulated fault: HTTP 503."}
    assert healthy.status_code == 200


async def test_delay_fault_and_wildcard_route() -> None:
    async with client_for(make_app(sessions=10)) as client:
        await add_fault(client, route="*", mode="delay", delay_ms=60, times=1)
        started = time.perf_counter()
        response = await client.get("/v1/sessions", headers=AUTH)
        elapsed = time.perf_counter() - started
    assert response.status_code == 200
    assert elapsed >= 0.06


async def test_malformed_fault_returns_truncated_json() -> None:
    async with client_for(make_app(sessions=10)) as client:
        await add_fault(client, route="GET /v1/sessions/{id}", mode="malformed")
        response = await client.get(f"/v1/sessions/{UNKNOWN_ID}", headers=AUTH)
        listed = await client.get("/v1/sessions", headers=AUTH)
    assert response.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.content)
    assert listed.status_code == 200


async def test_reset_fault_breaks_the_in_process_connection() -> None:
    async with client_for(make_app(sessions=10)) as client:
        await add_fault(client, route="POST /v1/sessions", mode="reset", times=1)
        with pytest.raises(ConnectionResetError):
            await client.post("/v1/sessions", headers=AUTH)
        after = await client.post("/v1/sessions", headers=AUTH)
    assert after.status_code == 200


async def test_slow_body_fault_delivers_the_real_body_slowly() -> None:
    app = make_app(sessions=10)
    async with client_for(app) as client:
        expected = (await client.get("/v1/sessions?limit=3", headers=AUTH)).json()
        await add_fault(client, route="GET /v1/sessions", mode="slow_body", delay_ms=80)
        started = time.perf_counter()
        response = await client.get("/v1/sessions?limit=3", headers=AUTH)
        elapsed = time.perf_counter() - started
        cleared = (await client.delete("/_sim/faults")).json()
    assert response.status_code == 200
    assert response.json() == expected
    assert elapsed >= 0.08
    assert cleared == {"faults": []}


async def test_latency_applies_to_every_provider_request() -> None:
    async with client_for(make_app(sessions=10, latency_ms=50)) as client:
        timings = []
        for path in ("/v1/sessions", f"/v1/sessions/{UNKNOWN_ID}", "/v1/nope"):
            started = time.perf_counter()
            await client.get(path, headers=AUTH)
            timings.append(time.perf_counter() - started)
    assert min(timings) >= 0.05


async def set_status(client: httpx.AsyncClient, session_id: str, **body: Any) -> httpx.Response:
    return await client.post(f"/_sim/sessions/{session_id}/status", json=body)


@pytest.mark.parametrize(
    ("body", "check"),
    [
        ({"status": "in_progress"}, "open"),
        ({"status": "completed"}, "succeeded"),
        ({"status": "completed", "outcome": "failed"}, "exhausted"),
        ({"status": "expired"}, "session_expired"),
        ({"status": "cancelled"}, "session_cancelled"),
        ({"status": "created"}, "none"),
    ],
)
async def test_moving_a_new_session_follows_the_state_machine(
    body: dict[str, str], check: str
) -> None:
    app = make_app(sessions=5)
    store: KayleStore = app.state.store
    async with client_for(app) as client:
        created = (await client.post("/v1/sessions", headers=AUTH)).json()["data"]
        if check in ("session_expired", "session_cancelled", "none"):
            await set_status(client, created["id"], status="in_progress")
        response = await set_status(client, created["id"], **body)
        api = (
            await client.get(f"/v1/sessions/{created['id']}?include_attempts=1", headers=AUTH)
        ).json()
    session = store.get(created["id"])
    assert session is not None
    assert response.status_code == 200
    assert response.json() == api
    data = api["data"]
    assert data["status"] == body["status"]
    assert consistency_errors(session) == []
    assert data["updated_at"] >= data["created_at"]
    attempts = data["attempts"]
    if check == "open":
        assert [a["status"] for a in attempts] == ["in_progress"]
        assert data["completed_at"] is None
    elif check == "succeeded":
        assert [a["status"] for a in attempts] == ["succeeded"]
        assert 0 <= attempts[0]["risk_score"] < 0.4  # 1 - face score
        assert data["completed_at"] == data["updated_at"] == attempts[0]["completed_at"]
    elif check == "exhausted":
        assert [a["status"] for a in attempts] == ["failed"] * 3
        assert all(
            a["failure_code"] not in ("session_expired", "session_cancelled") for a in attempts
        )
        assert data["completed_at"] == data["updated_at"]
    elif check == "none":
        assert data["completed_at"] is None
        assert [a["status"] for a in attempts] == ["in_progress"]  # handed off, hello pending
    else:
        assert [(a["status"], a["failure_code"]) for a in attempts] == [("failed", check)]
        assert data["completed_at"] == data["updated_at"] == attempts[0]["completed_at"]


async def test_every_seeded_session_can_move_to_every_status_consistently() -> None:
    app = make_app(sessions=24)
    store: KayleStore = app.state.store
    targets = [{"status": s} for s in SESSION_STATUSES] + [
        {"status": "completed", "outcome": "failed"}
    ]
    async with client_for(app) as client:
        for session in store.sessions():
            for body in targets:
                response = await set_status(client, session.id, **body)
                assert response.status_code == 200
                assert session.status == body["status"]
                assert consistency_errors(session) == [], (body, session)


async def test_status_hook_rejects_unknown_ids_statuses_and_outcomes() -> None:
    app = make_app(sessions=5)
    session_id = app.state.store.sessions()[0].id
    async with client_for(app) as client:
        unknown_id = await set_status(client, UNKNOWN_ID, status="expired")
        bad_status = await set_status(client, session_id, status="succeeded")
        bad_outcome = await set_status(client, session_id, status="completed", outcome="maybe")
        stray_outcome = await set_status(client, session_id, status="expired", outcome="failed")
    assert unknown_id.status_code == 404
    assert "error" in unknown_id.json()
    assert [r.status_code for r in (bad_status, bad_outcome, stray_outcome)] == [400, 400, 400]
