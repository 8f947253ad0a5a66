"""The `/_sim/*` surface on the Didit simulator: stats, faults, status hook, latency."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from idv_gateway.simulators._ops import credential_fingerprint
from tests.simulators.didit_support import (
    API_KEY,
    HEADERS,
    LIST,
    STANDARD_KYC,
    client_for,
    new_app,
    store_of,
)

ROUTE_KEYS = {
    "GET /v3/sessions/",
    "GET /v3/sessions",
    "GET /v3/session/{session_id}/decision/",
    "POST /v3/session/",
    "PATCH /v3/session/{session_id}/update-status/",
    "DELETE /v3/session/{session_id}/delete/",
}


async def test_stats_count_requests_per_route_template_and_listed_rows() -> None:
    app = new_app(sessions=60, business_sessions=30)
    store = store_of(app)
    sid = store.kyc[0].session_id
    async with client_for(app) as client:
        await client.get(LIST, params={"limit": "7"}, headers=HEADERS)
        await client.get(LIST, params={"session_kind": "all", "limit": "5"}, headers=HEADERS)
        await client.get(LIST, params={"status": "Nope"}, headers=HEADERS)
        await client.get("/v3/sessions", params={"limit": "3"})
        await client.get(f"/v3/session/{sid}/decision/", headers=HEADERS)
        await client.post("/v3/session/", json={"workflow_id": STANDARD_KYC}, headers=HEADERS)
        await client.patch(
            f"/v3/session/{sid}/update-status/", json={"new_status": "Declined"}, headers=HEADERS
        )
        await client.delete(f"/v3/session/{sid}/delete/", headers=HEADERS)
        stats = (await client.get("/_sim/stats")).json()
        reset = (await client.post("/_sim/stats/reset")).json()
    assert set(stats["requests"]) == ROUTE_KEYS
    assert stats["requests"]["GET /v3/sessions/"] == 3
    assert stats["total"] == 8
    assert stats["rows"] == {"GET /v3/sessions/": 7 + 5 + 5 + 0}
    # One request went out without a key: it is counted as "none", never as the real key.
    assert stats["credentials"] == {credential_fingerprint(API_KEY): 7, "none": 1}
    assert API_KEY not in json.dumps(stats)
    assert reset == {"requests": {}, "rows": {}, "credentials": {}, "total": 0}


async def test_status_fault_with_retry_after_then_recovery() -> None:
    app = new_app(sessions=10, business_sessions=5)
    async with client_for(app) as client:
        added = await client.post(
            "/_sim/faults",
            json={
                "route": "GET /v3/sessions/",
                "mode": "status",
                "status": 503,
                "retry_after": 2,
                "times": 1,
            },
        )
        failed = await client.get(LIST, headers=HEADERS)
        recovered = await client.get(LIST, headers=HEADERS)
    assert added.status_code == 201
    assert failed.status_code == 503
    assert failed.headers["retry-after"] == "2"
    assert failed.json() == {"detail": "Simulated fault: HTTP 503."}
    assert recovered.status_code == 200


async def test_delay_fault_slows_only_its_route() -> None:
    app = new_app(sessions=10, business_sessions=5)
    sid = store_of(app).kyc[0].session_id
    async with client_for(app) as client:
        await client.post(
            "/_sim/faults",
            json={
                "route": "GET /v3/session/{session_id}/decision/",
                "mode": "delay",
                "delay_ms": 80,
            },
        )
        start = time.perf_counter()
        slow = await client.get(f"/v3/session/{sid}/decision/", headers=HEADERS)
        slow_elapsed = time.perf_counter() - start
        listed = await client.get("/_sim/faults")
        cleared = await client.delete("/_sim/faults")
    assert slow.status_code == 200
    assert slow_elapsed >= 0.08
    assert listed.json()["faults"][0]["mode"] == "delay"
    assert cleared.json() == {"faults": []}


async def test_malformed_fault_returns_truncated_json() -> None:
    app = new_app(sessions=10, business_sessions=5)
    async with client_for(app) as client:
        await client.post("/_sim/faults", json={"route": "*", "mode": "malformed", "times": 1})
        response = await client.get(LIST, headers=HEADERS)
    assert response.status_code == 200
    with pytest.raises(ValueError, match=r"Unterminated|Expecting"):
        response.json()


async def test_reset_fault_drops_the_connection() -> None:
    app = new_app(sessions=10, business_sessions=5)
    async with client_for(app) as client:
        await client.post(
            "/_sim/faults", json={"route": "GET /v3/sessions/", "mode": "reset", "times": 1}
        )
        with pytest.raises(ConnectionResetError):
            await client.get(LIST, headers=HEADERS)
        after = await client.get(LIST, headers=HEADERS)
    assert after.status_code == 200


async def test_slow_body_fault_delivers_the_whole_body_late() -> None:
    app = new_app(sessions=10, business_sessions=5)
    async with client_for(app) as client:
        expected = (await client.get(LIST, headers=HEADERS)).json()
        await client.post(
            "/_sim/faults", json={"route": "*", "mode": "slow_body", "delay_ms": 60, "times": 1}
        )
        start = time.perf_counter()
        response = await client.get(LIST, headers=HEADERS)
        elapsed = time.perf_counter() - start
    assert response.json() == expected
    assert elapsed >= 0.05


async def test_invalid_fault_is_rejected() -> None:
    async with client_for(new_app(sessions=5, business_sessions=5)) as client:
        response = await client.post("/_sim/faults", json={"route": "*", "mode": "explode"})
    assert response.status_code == 400


async def test_status_hook_moves_a_session_consistently() -> None:
    app = new_app()
    session = next(
        s
        for s in store_of(app).kyc
        if s.status == "Not Started" and "ID_VERIFICATION" in s.features
    )
    assert session.row["document_type"] is None
    async with client_for(app) as client:
        moved = await client.post(
            f"/_sim/sessions/{session.session_id}/status", json={"status": "Approved"}
        )
        row = (
            await client.get(LIST, params={"search": session.session_id}, headers=HEADERS)
        ).json()["results"][0]
        decision = (
            await client.get(f"/v3/session/{session.session_id}/decision/", headers=HEADERS)
        ).json()
        review = await client.post(
            f"/_sim/sessions/{session.session_id}/status", json={"status": "In Review"}
        )
    assert moved.status_code == 200
    assert moved.json()["status"] == "Approved"
    assert row["status"] == "Approved"
    assert {f["status"] for f in row["features"]} == {"Approved"}
    assert row["document_type"] is not None
    assert row["full_name"] == session.person.full_name
    assert decision["id_verifications"][0]["status"] == "Approved"
    assert review.status_code == 200
    assert "In Review" in {f["status"] for f in session.row["features"]}
    assert any(w.log_type == "warning" for w in session.warnings)


async def test_status_hook_moves_kyb_sessions_too() -> None:
    app = new_app()
    session = next(s for s in store_of(app).kyb if s.status == "Not Started")
    async with client_for(app) as client:
        moved = await client.post(
            f"/_sim/sessions/{session.session_id}/status", json={"status": "Declined"}
        )
    assert moved.status_code == 200
    assert moved.json()["session_kind"] == "business"
    assert moved.json()["company_name"] == session.company.name


@pytest.mark.parametrize(
    ("session_id", "body", "status"),
    [
        ("00000000-0000-4000-8000-000000000000", {"status": "Approved"}, 404),
        (None, {"status": "APPROVED"}, 400),
        (None, {"status": "Finished"}, 400),
        (None, {"state": "Approved"}, 400),
    ],
)
async def test_status_hook_rejections(
    session_id: str | None, body: dict[str, str], status: int
) -> None:
    app = new_app(sessions=5, business_sessions=5)
    sessions = store_of(app).kyc
    target = session_id or sessions[0].session_id
    before = [(s.status, s.feature_statuses) for s in sessions]
    async with client_for(app) as client:
        response = await client.post(f"/_sim/sessions/{target}/status", json=body)
    assert response.status_code == status
    assert "error" in response.json()
    assert [(s.status, s.feature_statuses) for s in sessions] == before


async def test_latency_applies_to_provider_routes_only() -> None:
    app = new_app(sessions=5, business_sessions=5, latency_ms=50)

    async def timed(client: httpx.AsyncClient, path: str) -> float:
        start = time.perf_counter()
        response = await client.get(path, headers=HEADERS)
        assert response.status_code == 200
        return time.perf_counter() - start

    async with client_for(app) as client:
        provider = await timed(client, LIST)
        operations = await timed(client, "/_sim/stats")
    assert provider >= 0.05
    assert operations < 0.05
