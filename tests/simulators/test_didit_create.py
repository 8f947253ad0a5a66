"""`POST /v3/session/`: creation, validation, and the vendor_data reuse rule."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.simulators.didit_support import (
    FULL_ONBOARDING,
    HEADERS,
    LIST,
    STANDARD_KYB,
    STANDARD_KYC,
    client_for,
    new_app,
    store_of,
)

CREATE = "/v3/session/"
CREATE_KEYS = [
    "session_id",
    "session_kind",
    "session_number",
    "session_token",
    "url",
    "vendor_data",
    "metadata",
    "status",
    "workflow_id",
    "workflow_version",
    "callback",
]


async def create(client: httpx.AsyncClient, **body: Any) -> httpx.Response:
    return await client.post(CREATE, json=body, headers=HEADERS)


async def test_create_kyc_session_returns_201_and_heads_the_list() -> None:
    app = new_app()
    store = store_of(app)
    newest = store.kyc[0]
    async with client_for(app) as client:
        response = await create(
            client,
            workflow_id=STANDARD_KYC,
            vendor_data="user-new-1",
            callback="https://example.com/done",
            metadata={"plan": "pro"},
            contact_details={"email": "zoë@example.com", "phone": "+34600000001"},
            expected_details={"first_name": "Zoë", "last_name": "Ørsted", "country": "DNK"},
        )
        page = (await client.get(LIST, params={"limit": "1"}, headers=HEADERS)).json()
    assert response.status_code == 201
    body = response.json()
    assert list(body) == CREATE_KEYS
    assert body["session_kind"] == "user"
    assert body["session_number"] == newest.session_number + 1
    assert body["url"] == f"https://verify.didit.me/session/{body['session_token']}"
    assert (body["status"], body["workflow_id"], body["workflow_version"]) == (
        "Not Started",
        STANDARD_KYC,
        3,
    )
    assert (body["vendor_data"], body["metadata"], body["callback"]) == (
        "user-new-1",
        {"plan": "pro"},
        "https://example.com/done",
    )
    (row,) = page["results"]
    assert row["session_id"] == body["session_id"]
    assert row["created_at"] > newest.row["created_at"]
    assert row["session_url"] == body["url"]
    assert {f["status"] for f in row["features"]} == {"Not Finished"}
    assert (row["document_type"], row["portrait_image"], row["additional_details"]) == (
        None,
        None,
        None,
    )
    assert row["full_name"] == "Zoë Ørsted"  # from expected_details until the ID step finishes
    assert row["country"] == "DNK"
    assert row["phone_number"] == {"number": "+34600000001", "is_verified": False}
    assert row["email_address"] == {"email": "zoë@example.com", "is_verified": False}
    assert page["count"] == len(store.kyc)


async def test_create_kyb_session_follows_the_workflow_kind() -> None:
    app = new_app()
    store = store_of(app)
    top = store.kyb[0].session_number
    async with client_for(app) as client:
        response = await create(client, workflow_id=STANDARD_KYB, vendor_data="biz-new")
        page = (
            await client.get(
                LIST, params={"session_kind": "business", "limit": "1"}, headers=HEADERS
            )
        ).json()
        decision = (
            await client.get(
                f"/v3/session/{response.json()['session_id']}/decision/", headers=HEADERS
            )
        ).json()
    assert response.status_code == 201
    assert response.json()["session_kind"] == "business"
    assert response.json()["session_number"] == top + 1
    assert page["results"][0]["session_id"] == response.json()["session_id"]
    assert page["results"][0]["company_name"] is None
    assert decision["session_kind"] == "business"
    assert decision["registry_checks"] is None


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({}, {"workflow_id": ["This field is required."]}),
        ({"vendor_data": "x"}, {"workflow_id": ["This field is required."]}),
        ({"workflow_id": None}, {"workflow_id": ["This field may not be null."]}),
        ({"workflow_id": "abc"}, {"workflow_id": ["Must be a valid UUID."]}),
        (
            {"workflow_id": "00000000-0000-4000-8000-000000000000"},
            {
                "workflow_id": [
                    'Invalid pk "00000000-0000-4000-8000-000000000000" - object does not exist.'
                ]
            },
        ),
        (
            {"workflow_id": STANDARD_KYC, "callback_method": "sometimes", "callback": "ftp://x"},
            {
                "callback": ["Enter a valid URL."],
                "callback_method": ['"sometimes" is not a valid choice.'],
            },
        ),
    ],
)
async def test_create_validation_errors(body: dict[str, Any], errors: dict[str, Any]) -> None:
    app = new_app(sessions=5, business_sessions=5)
    async with client_for(app) as client:
        response = await client.post(CREATE, json=body, headers=HEADERS)
    assert response.status_code == 400
    assert response.json() == errors
    assert len(store_of(app).kyc) == 5


async def test_create_rejects_a_body_that_is_not_a_json_object() -> None:
    async with client_for(new_app(sessions=5, business_sessions=5)) as client:
        broken = await client.post(
            CREATE, content=b"{nope", headers={**HEADERS, "content-type": "application/json"}
        )
        listed = await client.post(CREATE, json=[STANDARD_KYC], headers=HEADERS)
    assert broken.status_code == 400
    assert broken.json()["detail"].startswith("JSON parse error - ")
    assert listed.status_code == 400
    assert listed.json() == {
        "non_field_errors": ["Invalid data. Expected a dictionary, but got list."]
    }


async def test_same_vendor_data_on_the_same_workflow_reuses_an_unfinished_session() -> None:
    app = new_app(sessions=5, business_sessions=5)
    async with client_for(app) as client:
        first = (
            await create(
                client, workflow_id=STANDARD_KYC, vendor_data="u-7", callback="https://a.example/"
            )
        ).json()
        again = await create(
            client,
            workflow_id=STANDARD_KYC,
            vendor_data="u-7",
            callback="https://b.example/",
            metadata={"n": 2},
        )
        other_flow = (await create(client, workflow_id=FULL_ONBOARDING, vendor_data="u-7")).json()
        no_vendor = (await create(client, workflow_id=STANDARD_KYC)).json()
        no_vendor_again = (await create(client, workflow_id=STANDARD_KYC)).json()
    assert again.status_code == 201
    assert again.json()["session_id"] == first["session_id"]
    assert again.json()["session_number"] == first["session_number"]
    assert (again.json()["callback"], again.json()["metadata"]) == ("https://b.example/", {"n": 2})
    assert other_flow["session_id"] != first["session_id"]
    assert no_vendor["session_id"] != no_vendor_again["session_id"]
    assert len(store_of(app).kyc) == 5 + 4


async def test_finished_sessions_are_never_reused() -> None:
    app = new_app(sessions=5, business_sessions=5)
    async with client_for(app) as client:
        first = (await create(client, workflow_id=STANDARD_KYC, vendor_data="u-8")).json()
        moved = await client.post(
            f"/_sim/sessions/{first['session_id']}/status", json={"status": "Approved"}
        )
        second = (await create(client, workflow_id=STANDARD_KYC, vendor_data="u-8")).json()
    assert moved.status_code == 200
    assert second["session_id"] != first["session_id"]
    assert second["session_number"] == first["session_number"] + 1


async def test_sessions_on_an_older_workflow_version_are_not_reused() -> None:
    app = new_app(sessions=600, business_sessions=5)
    store = store_of(app)
    old = next(
        s
        for s in store.kyc
        if s.workflow is not None
        and s.workflow_version == s.workflow.version - 1
        and s.status in ("Not Started", "In Progress")
        and s.vendor_data
        and s.session_token
    )
    assert old.workflow is not None
    async with client_for(app) as client:
        response = await create(
            client, workflow_id=old.workflow.workflow_id, vendor_data=old.vendor_data
        )
    assert response.json()["session_id"] != old.session_id


async def test_write_routes_need_the_api_key() -> None:
    app = new_app(sessions=5, business_sessions=5)
    target = store_of(app).kyc[0].session_id
    async with client_for(app) as client:
        responses = [
            await client.post(CREATE, json={"workflow_id": STANDARD_KYC}),
            await client.patch(
                f"/v3/session/{target}/update-status/", json={"new_status": "Approved"}
            ),
            await client.delete(f"/v3/session/{target}/delete/", headers={"x-api-key": "nope"}),
        ]
    assert [r.status_code for r in responses] == [403, 403, 403]
    assert len(store_of(app).kyc) == 5
    assert store_of(app).get(target) is not None
