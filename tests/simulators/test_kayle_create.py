"""`POST /v1/sessions`: the default and requested share contracts, body errors, JSON rendering."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from typing import Any

import pytest

from idv_gateway.simulators.kayle.store import KayleStore
from tests.simulators.kayle_support import AUTH, client_for, make_app, zod_body

JSON_HEADERS = {**AUTH, "Content-Type": "application/json"}
CREATE_DOCS = "https://kayle.id/docs/api/sessions#create"
DEFAULT_CLAIMS = {
    "document_type_code": "Document Type Code",
    "issuing_country_code": "Issuing Country Code",
    "family_name": "Family Name",
    "given_names": "Given Names",
    "document_number": "Document Number",
    "nationality_code": "Nationality Code",
    "date_of_birth": "Date of Birth",
    "sex_marker": "Sex Marker",
    "document_expiry_date": "Document Expiry Date",
    "mrz_optional_data": "MRZ Optional Data",
    "document_photo": "Document Photo",
    "kayle_document_id": "Kayle Document ID",
    "kayle_human_id": "Kayle Human ID",
}


async def create(body: Any, query: str = "") -> tuple[int, Any]:
    async with client_for(make_app(sessions=5)) as client:
        response = await client.post(
            f"/v1/sessions{query}", content=json.dumps(body), headers=JSON_HEADERS
        )
    return response.status_code, response.json()


async def test_create_without_a_body_applies_the_default_contract() -> None:
    app = make_app(sessions=30)
    store: KayleStore = app.state.store
    newest_seeded = max(s.created_at for s in store.sessions())
    async with client_for(app) as client:
        response = await client.post("/v1/sessions", headers=AUTH)
        data = response.json()["data"]
        fetched = (await client.get(f"/v1/sessions/{data['id']}", headers=AUTH)).json()["data"]
    assert response.status_code == 200
    assert response.json()["error"] is None
    assert list(data) == [
        "id", "status", "contract_version", "share_fields", "redirect_url", "verification_url",
        "expires_at", "completed_at", "created_at", "updated_at", "cancel_token",
    ]  # fmt: skip
    assert re.fullmatch(r"vs_[a-z0-9]{64}", data["id"])
    assert re.fullmatch(r"[a-z0-9]{48}", data["cancel_token"])
    assert data["verification_url"] == (
        f"https://verify.kayle.id/{data['id']}?cancel_token={data['cancel_token']}"
    )
    assert (data["status"], data["completed_at"], data["redirect_url"]) == ("created", None, None)
    created = datetime.fromisoformat(data["created_at"])
    assert created > newest_seeded
    assert datetime.fromisoformat(data["expires_at"]) - created == timedelta(minutes=60)
    assert data["updated_at"] == data["created_at"]
    assert data["share_fields"] == {
        key: {
            "reason": f'Sharing "{label}"',
            "source": "default",
            "required": key == "kayle_document_id",
        }
        for key, label in DEFAULT_CLAIMS.items()
    }
    assert "cancel_token" not in fetched
    assert fetched["verification_url"] == f"https://verify.kayle.id/{data['id']}"
    assert store.get(data["id"]) is not None
    assert len(store) == 31


@pytest.mark.parametrize(
    ("content_type", "body"),
    [("text/plain", b"{not json"), ("application/JSON", b"{not json"), ("application/jsonx", b"[")],
)
async def test_bodies_without_a_json_content_type_are_ignored(
    content_type: str, body: bytes
) -> None:
    async with client_for(make_app(sessions=5)) as client:
        response = await client.post(
            "/v1/sessions", content=body, headers={**AUTH, "Content-Type": content_type}
        )
    assert response.status_code == 200
    assert len(response.json()["data"]["share_fields"]) == 13


@pytest.mark.parametrize("body", [b"{not json", b"", b"NaN", b'{"a": 1} {}'])
async def test_malformed_json_is_a_plain_text_400(body: bytes) -> None:
    async with client_for(make_app(sessions=5)) as client:
        response = await client.post("/v1/sessions", content=body, headers=JSON_HEADERS)
    assert (response.status_code, response.text) == (400, "Malformed JSON in request body")
    assert response.headers["content-type"].startswith("text/plain")


async def test_create_with_include_attempts_carries_an_empty_array() -> None:
    status, body = await create({}, "?include_attempts=false")
    assert status == 200
    assert body["data"]["attempts"] == []
    assert list(body["data"])[-2:] == ["cancel_token", "attempts"]


async def test_requested_share_fields_are_normalised() -> None:
    requested = {
        "given_names": {"required": False, "reason": "  Greet   you\tby\nname  "},
        "age_over_018": {"required": True, "reason": ""},
        "date_of_birth": {"required": False, "reason": "Check\u3000eligibility", "extra": 1},
        "kayle_document_id": {"required": False, "reason": "Dedupe"},
    }
    status, body = await create(
        {"share_fields": requested, "redirect_url": "https://Shop.Example.com"}
    )
    fields = body["data"]["share_fields"]
    assert status == 200
    assert fields == {
        "given_names": {"reason": "Greet you by name", "source": "rc", "required": False},
        "age_over_018": {"reason": "", "source": "rc", "required": True},
        "date_of_birth": {"reason": "Check eligibility", "source": "rc", "required": True},
        "kayle_document_id": {"reason": "Dedupe", "source": "rc", "required": True},
    }
    # Stored as jsonb: keys come back by length, then bytewise (inner keys too).
    assert list(fields) == ["given_names", "age_over_018", "date_of_birth", "kayle_document_id"]
    assert list(fields["given_names"]) == ["reason", "source", "required"]
    assert body["data"]["redirect_url"] == "https://shop.example.com/"


async def test_a_contract_without_kayle_document_id_gets_the_default_entry() -> None:
    status, body = await create(
        {"share_fields": {"family_name": {"required": True, "reason": "é"}}}
    )
    assert status == 200
    assert body["data"]["share_fields"] == {
        "family_name": {"reason": "é", "source": "rc", "required": True},
        "kayle_document_id": {
            "reason": 'Sharing "Kayle Document ID"',
            "source": "default",
            "required": True,
        },
    }


# Caught by the zod schema and mapped by Kayle's validation hook: they win over other
# body issues (here a bad redirect_url).
@pytest.mark.parametrize(
    ("share_fields", "code"),
    [
        ([], "INVALID_SHARE_FIELDS"),
        (None, "INVALID_SHARE_FIELDS"),
        ({"family_name": "yes"}, "INVALID_SHARE_FIELDS"),
        ({"family_name": {"required": "yes", "reason": "x"}}, "INVALID_SHARE_FIELDS"),
        ({"family_name": {"required": True}}, "REASON_REQUIRED"),
        ({"family_name": {"required": "no"}, "given_names": {"reason": 7}}, "REASON_REQUIRED"),
        ({"family_name": {"required": True, "reason": "x" * 201}}, "REASON_TOO_LONG"),
        ({"family_name": {"required": True, "reason": "\U0001f600" * 101}}, "REASON_TOO_LONG"),
    ],
)
async def test_schema_level_share_field_errors_are_400_envelopes(
    share_fields: Any, code: str
) -> None:
    status, body = await create({"share_fields": share_fields, "redirect_url": "http://bad"})
    assert status == 400
    assert body["data"] is None
    assert body["error"]["code"] == code
    assert body["error"]["docs"] == CREATE_DOCS


# Checked by the handler once the schema passed.
@pytest.mark.parametrize(
    ("share_fields", "code"),
    [
        ({"family_name": {"required": True, "reason": " \u00a0 "}}, "REASON_REQUIRED"),
        ({"age_over_18": {"required": True, "reason": ""}}, "REASON_REQUIRED"),
        ({"favourite_colour": {"required": True, "reason": "x"}}, "UNKNOWN_CLAIM_KEY"),
        ({"age_over_11": {"required": True, "reason": "x"}}, "INVALID_AGE_GATE_KEY"),
        ({"age_over_131": {"required": True, "reason": "x"}}, "INVALID_AGE_GATE_KEY"),
        ({"age_over_x": {"required": True, "reason": "x"}}, "INVALID_AGE_GATE_KEY"),
        (
            {
                "age_over_18": {"required": True, "reason": "x"},
                "age_over_21": {"required": True, "reason": "y"},
            },
            "MULTIPLE_AGE_GATES_NOT_ALLOWED",
        ),
        (
            {f"claim_{i}": {"required": True, "reason": "x"} for i in range(33)},
            "TOO_MANY_SHARE_FIELDS",
        ),
    ],
)
async def test_contract_errors_are_400_envelopes(share_fields: Any, code: str) -> None:
    status, body = await create({"share_fields": share_fields})
    bad_redirect, _ = await create({"share_fields": share_fields, "redirect_url": "http://bad"})
    assert status == 400
    assert body["data"] is None
    assert body["error"]["code"] == code
    assert body["error"]["docs"] == CREATE_DOCS
    assert bad_redirect == 400


async def test_the_schema_runs_before_the_contract_checks() -> None:
    status, body = await create(
        {"share_fields": {"ssn": {"required": True, "reason": "x"}}, "redirect_url": "http://bad"}
    )
    assert status == 400
    assert body["success"] is False
    assert '"redirect_url"' in body["error"]["message"]


async def test_share_field_error_envelope_is_exact() -> None:
    status, body = await create({"share_fields": {"ssn": {"required": True, "reason": "x"}}})
    assert status == 400
    assert body == {
        "data": None,
        "error": {
            "code": "UNKNOWN_CLAIM_KEY",
            "message": "Unknown claim key.",
            "hint": "Use a supported claim key from the share contract allowlist.",
            "docs": CREATE_DOCS,
        },
    }


UNSAFE_REDIRECT = {
    "code": "custom",
    "path": ["redirect_url"],
    "message": "Must be an https:// URL with no embedded credentials.",
}


@pytest.mark.parametrize(
    ("body", "issue"),
    [
        ({"redirect_url": "http://example.com/done"}, UNSAFE_REDIRECT),
        ({"redirect_url": "https://user:pw@example.com/"}, UNSAFE_REDIRECT),
        ({"redirect_url": "not a url"}, UNSAFE_REDIRECT),
        (
            {"redirect_url": 5},
            {
                "expected": "string",
                "code": "invalid_type",
                "path": ["redirect_url"],
                "message": "Invalid input: expected string, received number",
            },
        ),
        (
            [],
            {
                "expected": "object",
                "code": "invalid_type",
                "path": [],
                "message": "Invalid input: expected object, received array",
            },
        ),
    ],
)
async def test_other_body_failures_are_raw_zod_400s(body: Any, issue: dict[str, Any]) -> None:
    async with client_for(make_app(sessions=5)) as client:
        response = await client.post("/v1/sessions", content=json.dumps(body), headers=JSON_HEADERS)
    assert (response.status_code, response.text) == (400, zod_body(issue))


async def test_json_is_compact_utf8_like_json_stringify() -> None:
    status, _ = await create({})
    async with client_for(make_app(sessions=5)) as client:
        response = await client.post(
            "/v1/sessions",
            content=json.dumps(
                {"share_fields": {"family_name": {"required": True, "reason": "Zoë’s café"}}}
            ),
            headers=JSON_HEADERS,
        )
    assert status == 200
    assert response.headers["content-type"] == "application/json"
    assert '"reason":"Zoë’s café"'.encode() in response.content
    assert b": " not in response.content
    assert b", " not in response.content
