"""`/v3/webhook/destinations/`: DRF-style validation, the response shape, list/get/delete."""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Any

import httpx
import pytest

from tests.simulators.didit_support import HEADERS, client_for, new_app, store_of
from tests.simulators.webhook_support import RECEIVER, Receiver

DESTINATIONS = "/v3/webhook/destinations/"
VALID = {
    "label": "Production session webhooks",
    "url": f"{RECEIVER}/didit",
    "webhook_version": "v3",
    "subscribed_events": ["status.updated", "data.updated"],
}
EMPTY_SUMMARY = {
    "total_deliveries": 0,
    "failed_deliveries": 0,
    "error_rate_percentage": 0.0,
    "min_response_time_ms": None,
    "avg_response_time_ms": None,
    "max_response_time_ms": None,
    "last_delivery_at": None,
}


async def create(client: httpx.AsyncClient, **body: Any) -> httpx.Response:
    return await client.post(DESTINATIONS, json=body, headers=HEADERS)


async def test_create_returns_the_destination_with_its_secret_once_listed_without() -> None:
    app = new_app(sessions=5, business_sessions=2)
    async with client_for(app) as client:
        created = await create(client, **VALID)
        listed = await client.get(DESTINATIONS, headers=HEADERS)
        one = await client.get(f"{DESTINATIONS}{created.json()['uuid']}/", headers=HEADERS)
    assert created.status_code == 201
    body = created.json()
    assert list(body) == [
        "uuid",
        "label",
        "url",
        "enabled",
        "webhook_version",
        "subscribed_events",
        "secret_shared_key",
        "created_at",
        "updated_at",
        "summary",
    ]
    assert re.fullmatch(
        r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", body["uuid"]
    )
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", body["secret_shared_key"])
    assert (body["label"], body["url"], body["enabled"]) == (VALID["label"], VALID["url"], True)
    assert body["subscribed_events"] == ["status.updated", "data.updated"]
    assert body["summary"] == EMPTY_SUMMARY
    assert listed.status_code == 200
    assert listed.json() == [{k: v for k, v in body.items() if k != "secret_shared_key"}]
    assert one.json() == body


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        ({"subscribed_events": []}, {"subscribed_events": ["This list may not be empty."]}),
        (
            {"subscribed_events": ["status.updated", "*"]},
            {"subscribed_events": {"1": ['"*" is not a valid choice.']}},
        ),
        (
            {"subscribed_events": "status.updated"},
            {"subscribed_events": ['Expected a list of items but got type "str".']},
        ),
        ({"webhook_version": "v4"}, {"webhook_version": ['"v4" is not a valid choice.']}),
        ({"label": "  "}, {"label": ["This field may not be blank."]}),
        ({"url": "not a url"}, {"url": ["Enter a valid URL."]}),
        (
            {"url": "http://example.com/hook"},
            {"url": ["Webhook destinations must use an https:// URL."]},
        ),
        ({"enabled": "yes"}, {"enabled": ["Must be a valid boolean."]}),
    ],
)
async def test_invalid_fields_are_drf_field_errors(
    change: dict[str, Any], errors: dict[str, Any]
) -> None:
    async with client_for(new_app(sessions=5, business_sessions=2)) as client:
        response = await create(client, **{**VALID, **change})
    assert (response.status_code, response.json()) == (400, errors)


async def test_missing_fields_and_non_object_bodies() -> None:
    async with client_for(new_app(sessions=5, business_sessions=2)) as client:
        missing = await create(client)
        array = await client.post(DESTINATIONS, json=[], headers=HEADERS)
    assert missing.status_code == 400
    assert missing.json() == {
        "label": ["This field is required."],
        "url": ["This field is required."],
    }
    assert array.status_code == 400
    assert array.json() == {
        "non_field_errors": ["Invalid data. Expected a dictionary, but got list."]
    }


async def test_url_is_unique_per_application_and_http_loopback_is_accepted() -> None:
    async with client_for(new_app(sessions=5, business_sessions=2)) as client:
        first = await create(client, **VALID)
        again = await create(client, **{**VALID, "label": "again"})
        local = await create(client, **{**VALID, "url": "http://127.0.0.1:9000/hook"})
    assert first.status_code == 201
    assert again.status_code == 400
    assert list(again.json()) == ["url"]
    assert local.status_code == 201


async def test_omitted_events_subscribe_to_nothing() -> None:
    receiver = Receiver()
    app = new_app(sessions=5, business_sessions=2, webhook_transport=receiver.transport())
    async with client_for(app) as client:
        created = await create(client, label="quiet", url=f"{RECEIVER}/quiet")
        await client.post(
            f"/_sim/sessions/{store_of(app).kyc[0].session_id}/status", json={"status": "Approved"}
        )
        await app.state.webhooks.drain()
    assert created.json()["subscribed_events"] == []
    assert receiver.received == []


async def test_a_destination_made_through_the_api_receives_events_and_counts_them() -> None:
    receiver = Receiver(statuses=[500])
    app = new_app(
        sessions=5,
        business_sessions=2,
        webhook_time_scale=0.001,
        webhook_transport=receiver.transport(),
    )
    async with client_for(app) as client:
        created = (await create(client, **VALID)).json()
        disabled = (
            await create(client, **{**VALID, "url": f"{RECEIVER}/off", "enabled": False})
        ).json()
        await client.post(
            f"/_sim/sessions/{store_of(app).kyc[0].session_id}/status", json={"status": "Declined"}
        )
        await app.state.webhooks.drain()
        summary = (await client.get(f"{DESTINATIONS}{created['uuid']}/", headers=HEADERS)).json()
    assert disabled["enabled"] is False
    assert [d.path for d in receiver.received] == ["/didit", "/didit"]
    secret = created["secret_shared_key"].encode()
    for delivery in receiver.received:
        expected = hmac.new(secret, delivery.body, hashlib.sha256).hexdigest()
        assert delivery.headers["x-signature"] == expected
    stats = summary["summary"]
    assert (stats["total_deliveries"], stats["failed_deliveries"]) == (2, 1)
    assert stats["error_rate_percentage"] == 50.0
    assert stats["last_delivery_at"] is not None
    assert stats["min_response_time_ms"] <= stats["max_response_time_ms"]


async def test_delete_is_204_then_404_and_routes_check_the_key_and_the_uuid() -> None:
    app = new_app(sessions=5, business_sessions=2)
    async with client_for(app) as client:
        created = (await create(client, **VALID)).json()
        item = f"{DESTINATIONS}{created['uuid']}/"
        anonymous = [
            await client.post(DESTINATIONS, json=VALID),
            await client.get(DESTINATIONS),
            await client.delete(item),
        ]
        malformed = await client.delete(f"{DESTINATIONS}not-a-uuid/")
        deleted = await client.delete(item, headers=HEADERS)
        again = await client.delete(item, headers=HEADERS)
        listed = await client.get(DESTINATIONS, headers=HEADERS)
        stats = (await client.get("/_sim/stats")).json()["requests"]
    forbidden = {"detail": "You do not have permission to perform this action."}
    assert [(r.status_code, r.json()) for r in anonymous] == [(403, forbidden)] * 3
    assert (malformed.status_code, malformed.json()) == (404, {"detail": "Not found."})
    assert (deleted.status_code, deleted.content) == (204, b"")
    assert (again.status_code, again.json()) == (404, {"detail": "Not found."})
    assert listed.json() == []
    assert stats == {
        "POST /v3/webhook/destinations/": 2,
        "GET /v3/webhook/destinations/": 2,
        "DELETE /v3/webhook/destinations/{destination_uuid}/": 4,
    }
