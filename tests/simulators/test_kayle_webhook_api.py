"""Kayle's webhook endpoint management API: shape, zod bodies, URL rule, scopes, stats."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest

from idv_gateway.simulators.kayle import create_kayle_app
from tests.simulators.kayle_support import API_KEY, AUTH, FORBIDDEN, client_for, zod_body
from tests.simulators.webhook_support import RECEIVER

ENDPOINTS = "/v1/webhooks/endpoints"
HOOKS_READER = "kk_" + "rdhk" * 8
SESSIONS_ONLY = "kk_" + "sess" * 8
EVENTS = [
    "verification.attempt.succeeded",
    "verification.attempt.failed",
    "verification.session.expired",
    "verification.session.cancelled",
]


def app_with_keys(**options: Any) -> Any:
    keys = {
        HOOKS_READER: frozenset({"webhooks:read"}),
        SESSIONS_ONLY: frozenset({"sessions:read", "sessions:write"}),
    }
    return create_kayle_app(sessions=5, api_key=API_KEY, extra_keys=keys, **options)


async def create_endpoint(client: httpx.AsyncClient, **body: Any) -> httpx.Response:
    return await client.post(ENDPOINTS, json={"url": f"{RECEIVER}/k", **body}, headers=AUTH)


async def test_create_endpoint_returns_it_with_the_signing_secret_once() -> None:
    async with client_for(app_with_keys()) as client:
        created = await create_endpoint(client, name="  Main  ")
        listed = await client.get(ENDPOINTS, headers=AUTH)
        one = await client.get(
            f"{ENDPOINTS}/{created.json()['data']['endpoint']['id']}", headers=AUTH
        )
        missing = await client.get(f"{ENDPOINTS}/whe_nope", headers=AUTH)
    assert created.status_code == 200
    data = created.json()["data"]
    assert created.json()["error"] is None
    assert re.fullmatch(r"whsec_[a-z0-9]{32}", data["signing_secret"])
    endpoint = data["endpoint"]
    assert list(endpoint) == [
        "id",
        "organization_id",
        "name",
        "url",
        "enabled",
        "subscribed_event_types",
        "created_at",
        "updated_at",
        "disabled_at",
    ]
    assert re.fullmatch(r"whe_[a-z0-9]{32}", endpoint["id"])
    assert (endpoint["name"], endpoint["enabled"], endpoint["disabled_at"]) == ("Main", True, None)
    assert endpoint["subscribed_event_types"] == EVENTS
    assert listed.json() == {
        "data": [endpoint],
        "error": None,
        "pagination": {"limit": 10, "has_more": False, "next_cursor": None},
    }
    assert data["signing_secret"] not in listed.text + one.text
    assert one.json() == {"data": endpoint, "error": None}
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "NOT_FOUND"


@pytest.mark.parametrize(
    ("body", "issue"),
    [
        (
            {"url": None},
            {
                "expected": "string",
                "code": "invalid_type",
                "path": ["url"],
                "message": "Invalid input: expected string, received null",
            },
        ),
        (
            {"url": "not a url"},
            {
                "origin": "string",
                "code": "invalid_format",
                "format": "url",
                "path": ["url"],
                "message": "Invalid URL",
            },
        ),
        (
            {"url": f"{RECEIVER}/k", "name": "x" * 121},
            {
                "origin": "string",
                "code": "too_big",
                "maximum": 120,
                "inclusive": True,
                "path": ["name"],
                "message": "Too big: expected string to have <=120 characters",
            },
        ),
        (
            {"url": f"{RECEIVER}/k", "subscribed_event_types": ["verification.session.created"]},
            {
                "code": "invalid_value",
                "values": EVENTS,
                "path": ["subscribed_event_types", 0],
                "message": "Invalid option: expected one of " + "|".join(f'"{e}"' for e in EVENTS),
            },
        ),
    ],
)
async def test_endpoint_schema_failures_are_raw_zod_bodies(
    body: dict[str, Any], issue: Any
) -> None:
    async with client_for(app_with_keys()) as client:
        response = await client.post(ENDPOINTS, json=body, headers=AUTH)
    assert response.status_code == 400
    assert response.text == zod_body(issue)


async def test_missing_url_unsafe_url_and_malformed_json() -> None:
    async with client_for(app_with_keys()) as client:
        missing = await client.post(ENDPOINTS, json={}, headers=AUTH)
        plain_http = await client.post(
            ENDPOINTS, json={"url": "http://example.com/h"}, headers=AUTH
        )
        malformed = await client.post(
            ENDPOINTS, content=b"{", headers={**AUTH, "Content-Type": "application/json"}
        )
    assert json.loads(missing.json()["error"]["message"])[0]["path"] == ["url"]
    assert plain_http.status_code == 400
    assert plain_http.json()["error"]["code"] == "BAD_REQUEST"
    assert (malformed.status_code, malformed.text) == (400, "Malformed JSON in request body")


async def test_scopes_read_for_lists_write_for_changes() -> None:
    reader = {"Authorization": f"Bearer {HOOKS_READER}"}
    sessions = {"Authorization": f"Bearer {SESSIONS_ONLY}"}
    async with client_for(app_with_keys()) as client:
        listed = await client.get(ENDPOINTS, headers=reader)
        refused = await client.post(ENDPOINTS, json={"url": f"{RECEIVER}/k"}, headers=reader)
        no_scope = await client.get(ENDPOINTS, headers=sessions)
        await client.get(f"{ENDPOINTS}/whe_x/keys", headers=reader)
        stats = (await client.get("/_sim/stats")).json()["requests"]
    assert listed.status_code == 200
    assert (refused.status_code, refused.json()) == (403, FORBIDDEN)
    assert (no_scope.status_code, no_scope.json()) == (403, FORBIDDEN)
    assert stats == {
        "GET /v1/webhooks/endpoints": 2,
        "POST /v1/webhooks/endpoints": 1,
        "GET /v1/webhooks/endpoints/{endpoint_id}/keys": 1,
    }
