"""Get and cancel: envelopes, 404s, and the cancel state change."""

from __future__ import annotations

from idv_gateway.simulators.kayle.store import KayleStore
from tests.simulators.kayle_support import AUTH, UNKNOWN_ID, client_for, make_app


def not_found(anchor: str) -> str:
    return (
        '{"data":null,"error":{"code":"NOT_FOUND","message":"Session not found.",'
        '"hint":"The session with the given ID was not found.",'
        f'"docs":"https://kayle.id/docs/api/sessions#{anchor}"}}}}'
    )


async def test_get_returns_the_list_item_in_the_envelope_and_counts_one_row() -> None:
    app = make_app(sessions=20)
    async with client_for(app) as client:
        listed = (await client.get("/v1/sessions?limit=1", headers=AUTH)).json()["data"][0]
        response = await client.get(f"/v1/sessions/{listed['id']}", headers=AUTH)
        missing = await client.get(f"/v1/sessions/{UNKNOWN_ID}", headers=AUTH)
        stats = (await client.get("/_sim/stats")).json()
    assert response.status_code == 200
    assert response.json() == {"data": listed, "error": None}
    assert (missing.status_code, missing.text) == (404, not_found("get-by-id"))
    assert stats["rows"]["GET /v1/sessions/{id}"] == 1
    assert stats["requests"]["GET /v1/sessions/{id}"] == 2


async def test_cancel_is_204_idempotent_and_fails_the_open_attempt() -> None:
    app = make_app(sessions=40)
    store: KayleStore = app.state.store
    target = next(s for s in store.sessions() if s.status == "in_progress")
    open_attempt = next(a for a in target.attempts if a.status == "in_progress")
    async with client_for(app) as client:
        first = await client.post(f"/v1/sessions/{target.id}/cancel", headers=AUTH)
        after_first = (
            await client.get(f"/v1/sessions/{target.id}?include_attempts=1", headers=AUTH)
        ).json()
        second = await client.post(f"/v1/sessions/{target.id}/cancel", headers=AUTH)
        after_second = (
            await client.get(f"/v1/sessions/{target.id}?include_attempts=1", headers=AUTH)
        ).json()
    assert (first.status_code, first.content, second.status_code) == (204, b"", 204)
    data = after_first["data"]
    assert data["status"] == "cancelled"
    assert data["completed_at"] is not None
    assert data["completed_at"] == data["updated_at"]
    killed = next(a for a in data["attempts"] if a["id"] == open_attempt.id)
    assert (killed["status"], killed["failure_code"]) == ("failed", "session_cancelled")
    assert killed["completed_at"] == data["completed_at"]
    assert after_second == after_first


async def test_cancelling_a_terminal_session_is_204_and_changes_nothing() -> None:
    app = make_app(sessions=20)
    done = next(s for s in app.state.store.sessions() if s.status == "completed")
    before = (done.status, done.completed_at, done.updated_at)
    async with client_for(app) as client:
        response = await client.post(f"/v1/sessions/{done.id}/cancel", headers=AUTH)
        missing = await client.post(f"/v1/sessions/{UNKNOWN_ID}/cancel", headers=AUTH)
    assert response.status_code == 204
    assert (done.status, done.completed_at, done.updated_at) == before
    assert (missing.status_code, missing.text) == (404, not_found("cancel-by-id"))
