"""`PATCH .../update-status/` and `DELETE .../delete/`, and how reads reflect them."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.simulators.didit_support import (
    HEADERS,
    LIST,
    client_for,
    ids,
    list_all,
    new_app,
    store_of,
)


async def update(client: httpx.AsyncClient, session_id: str, **body: Any) -> httpx.Response:
    return await client.patch(
        f"/v3/session/{session_id}/update-status/", json=body, headers=HEADERS
    )


async def test_update_status_approves_a_session_in_review() -> None:
    app = new_app()
    session = next(s for s in store_of(app).kyc if s.status == "In Review")
    async with client_for(app) as client:
        response = await update(
            client, session.session_id, new_status="Approved", comment="Checked by hand"
        )
        approved = await list_all(client, status="Approved", search=session.session_id)
        in_review = await list_all(client, status="In Review", search=session.session_id)
        decision = (
            await client.get(f"/v3/session/{session.session_id}/decision/", headers=HEADERS)
        ).json()
    assert response.status_code == 200
    assert response.json() == {"session_id": session.session_id, "session_kind": "user"}
    assert (ids(approved), in_review) == ([session.session_id], [])
    assert session.row["status"] == "Approved"
    assert {f["status"] for f in session.row["features"]} == {"Approved"}
    assert decision["status"] == "Approved"
    assert decision["reviews"][-1]["new_status"] == "Approved"
    assert decision["reviews"][-1]["comment"] == "Checked by hand"
    assert not [w for w in session.warnings if w.log_type in ("error", "warning")]


async def test_update_status_declines_with_an_error_warning() -> None:
    app = new_app()
    session = next(s for s in store_of(app).kyc if s.status == "Approved")
    async with client_for(app) as client:
        response = await update(client, session.session_id, new_status="Declined")
    assert response.status_code == 200
    assert session.row["status"] == "Declined"
    assert "Declined" in {f["status"] for f in session.row["features"]}


async def test_resubmission_resets_the_named_nodes() -> None:
    app = new_app()
    session = next(
        s for s in store_of(app).kyc if s.status == "Declined" and "ID_VERIFICATION" in s.features
    )
    async with client_for(app) as client:
        response = await update(
            client,
            session.session_id,
            new_status="Resubmitted",
            nodes_to_resubmit=[{"node_id": "feature_ocr", "feature": "OCR"}],
        )
    assert response.status_code == 200
    features = {f["feature"]: f["status"] for f in session.row["features"]}
    assert features["ID_VERIFICATION"] == "Resub Requested"
    assert session.row["status"] == "Resubmitted"


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        ("Not Started", {"new_status": "Approved"}, "detail"),
        ("In Progress", {"new_status": "Declined"}, "detail"),
        ("Approved", {"new_status": "Resubmitted"}, "detail"),
        ("In Review", {"new_status": "In Review"}, "new_status"),
        ("In Review", {}, "new_status"),
        ("In Review", {"new_status": "Approved", "send_email": True}, "email_address"),
    ],
)
async def test_update_status_rejections(status: str, body: dict[str, Any], error: str) -> None:
    app = new_app()
    session = next(s for s in store_of(app).kyc if s.status == status)
    async with client_for(app) as client:
        response = await update(client, session.session_id, **body)
    assert response.status_code == 400
    assert list(response.json()) == [error]
    assert session.status == status


async def test_update_status_works_for_kyb() -> None:
    app = new_app()
    session = next(s for s in store_of(app).kyb if s.status == "In Review")
    async with client_for(app) as client:
        response = await update(client, session.session_id, new_status="Declined")
    assert response.json() == {"session_id": session.session_id, "session_kind": "business"}
    assert session.row["status"] == "Declined"


async def test_delete_hides_the_session_everywhere() -> None:
    app = new_app()
    store = store_of(app)
    session = store.kyc[3]
    path = f"/v3/session/{session.session_id}"
    async with client_for(app) as client:
        before = await list_all(client)
        deleted = await client.delete(f"{path}/delete/", headers=HEADERS)
        after = await list_all(client)
        decision = await client.get(f"{path}/decision/", headers=HEADERS)
        again = await client.delete(f"{path}/delete/", headers=HEADERS)
        patched = await update(client, session.session_id, new_status="Approved")
        count = (await client.get(LIST, headers=HEADERS)).json()["count"]
        found = await list_all(client, search=session.session_id)
    assert deleted.status_code == 204
    assert deleted.content == b""
    assert ids(after) == [i for i in ids(before) if i != session.session_id]
    assert count == len(before) - 1
    assert found == []
    for response in (decision, again, patched):
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found."}


async def test_delete_works_for_kyb() -> None:
    app = new_app()
    session = store_of(app).kyb[0]
    async with client_for(app) as client:
        deleted = await client.delete(f"/v3/session/{session.session_id}/delete/", headers=HEADERS)
        rows = await list_all(client, session_kind="business")
    assert deleted.status_code == 204
    assert session.session_id not in ids(rows)
