"""The Didit adapter against every documented row shape and every failure it can meet."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from idv_gateway.domain import FeatureStatus, Provider, SessionStatus
from idv_gateway.domain.filters import KybFilter, KycFilter
from idv_gateway.errors import (
    ProviderAuthFailed,
    ProviderBadResponse,
    ProviderError,
    ProviderRateLimited,
    ProviderTimeout,
    ProviderUnavailable,
)
from idv_gateway.providers import DiditProvider
from idv_gateway.providers._upstream import Upstream

EXAMPLES: dict[str, Any] = json.loads(
    (Path(__file__).parents[1] / "fixtures" / "didit_list_examples.json").read_text()
)
KEY = "didit-test-key-not-a-secret"


def adapter(handler: Any) -> DiditProvider:
    client = httpx.AsyncClient(
        base_url="http://didit.test",
        headers={"x-api-key": KEY},
        transport=httpx.MockTransport(handler),
    )
    return DiditProvider(upstream=Upstream(provider=Provider.DIDIT, client=client, credential=KEY))


def answering(body: Any, status: int = 200, seen: list[httpx.Request] | None = None) -> Any:
    def handler(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        return httpx.Response(status, json=body)

    return handler


def rows_of(kind: str) -> list[tuple[str, dict[str, Any]]]:
    return [
        (name, row)
        for name, body in EXAMPLES.items()
        for row in body["results"]
        if row["session_kind"] == kind
    ]


@pytest.mark.parametrize(("name", "row"), rows_of("user"), ids=lambda v: str(v)[:40])
async def test_every_documented_kyc_row_becomes_a_session(name: str, row: dict[str, Any]) -> None:
    body = {"count": 1, "next": None, "previous": None, "results": [row]}
    page = await adapter(answering(body)).list_kyc(KycFilter(), offset=0, limit=10)
    [session] = page.rows
    assert session.provider_session_id == row["session_id"]
    assert session.session_number == row["session_number"]
    assert session.provider_status == row["status"]
    assert session.status is not SessionStatus.UNKNOWN
    assert session.created_at.tzinfo is not None
    features = row["features"]
    names = features.split(",") if isinstance(features, str) else [f["feature"] for f in features]
    assert [f.feature for f in session.features] == names
    phone = row["phone_number"]
    if phone is None:
        assert session.phone_number is None
    else:
        assert session.phone_number is not None
        assert session.phone_number.number == (phone if isinstance(phone, str) else phone["number"])
    email = row["email_address"]
    if email is not None:
        assert session.email_address is not None
        assert session.email_address.email == (email if isinstance(email, str) else email["email"])
    assert (session.additional_details is None) == (row["additional_details"] is None)


@pytest.mark.parametrize(("name", "row"), rows_of("business"), ids=lambda v: str(v)[:40])
async def test_every_documented_kyb_row_becomes_a_session(name: str, row: dict[str, Any]) -> None:
    body = {"count": 1, "next": None, "previous": None, "results": [row]}
    page = await adapter(answering(body)).list_kyb(KybFilter(), offset=0, limit=10)
    [session] = page.rows
    assert session.provider_session_id == row["session_id"]
    assert session.company_name == row["company_name"]
    assert session.registration_number == row["registration_number"]
    assert session.status is SessionStatus.APPROVED  # "Approved" and "APPROVED" alike
    assert page.total == 1


def kyc_row(**changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = copy.deepcopy(EXAMPLES["openapi_kyc_default"]["results"][0])
    row.update(changes)
    return row


@pytest.mark.parametrize(
    ("raw", "unified"),
    [
        ("Approved", SessionStatus.APPROVED),
        ("APPROVED", SessionStatus.APPROVED),
        ("In Review", SessionStatus.IN_REVIEW),
        ("IN_REVIEW", SessionStatus.IN_REVIEW),
        ("Kyc Expired", SessionStatus.KYC_EXPIRED),
        ("KYC_EXPIRED", SessionStatus.KYC_EXPIRED),
        ("Awaiting User", SessionStatus.AWAITING_USER),
        ("Paused For Audit", SessionStatus.UNKNOWN),
    ],
)
async def test_status_maps_case_and_space_insensitively(raw: str, unified: SessionStatus) -> None:
    body = {"count": 1, "next": None, "previous": None, "results": [kyc_row(status=raw)]}
    [session] = (await adapter(answering(body)).list_kyc(KycFilter(), offset=0, limit=1)).rows
    assert session.status is unified
    assert session.provider_status == raw


async def test_shape_variants_and_unknown_feature_statuses() -> None:
    row = kyc_row(
        features=[
            {"feature": "ID_VERIFICATION", "status": "Resub Requested"},
            {"feature": "VOICE_MATCH", "status": "Pending Review"},
        ],
        phone_number="+14155550123",
        email_address={"email": "jane@example.com", "is_verified": False},
    )
    body = {"count": 1, "next": None, "previous": None, "results": [row]}
    [session] = (await adapter(answering(body)).list_kyc(KycFilter(), offset=0, limit=1)).rows
    assert [(f.feature, f.status, f.provider_status) for f in session.features] == [
        ("ID_VERIFICATION", FeatureStatus.RESUB_REQUESTED, "Resub Requested"),
        ("VOICE_MATCH", FeatureStatus.UNKNOWN, "Pending Review"),
    ]
    assert session.phone_number is not None
    assert (session.phone_number.number, session.phone_number.is_verified) == ("+14155550123", None)
    assert session.email_address is not None
    assert session.email_address.is_verified is False


async def test_request_carries_the_translated_filter() -> None:
    seen: list[httpx.Request] = []
    empty: dict[str, Any] = {"count": 0, "next": None, "previous": None, "results": []}
    didit = adapter(answering(empty, seen=seen))
    await didit.list_kyc(
        KycFilter(
            statuses=(SessionStatus.APPROVED, SessionStatus.KYC_EXPIRED),
            created_from=datetime(2026, 6, 1, 10, 30, tzinfo=UTC),
            created_to=datetime(2026, 6, 3, 9, 0, tzinfo=UTC),
            countries=("ESP", "USA"),
            document_types=("P", "ID"),
            is_kyc_to_be_reviewed=False,
        ),
        offset=40,
        limit=20,
    )
    await didit.list_kyb(
        KybFilter(created_to=datetime(2026, 6, 3, 9, 0, tzinfo=UTC)), offset=0, limit=5
    )
    kyc, kyb = seen
    assert kyc.url.path == "/v3/sessions/"
    assert kyc.headers["x-api-key"] == KEY
    assert dict(kyc.url.params) == {
        "session_kind": "user",
        "status": "Approved,Kyc Expired",
        "date_from": "2026-06-01",
        "date_to": "2026-06-03",  # KYC: the whole day is included
        "country": "ESP,USA",
        "document_type": "P,ID",
        "is_kyc_to_be_reviewed": "false",
        "limit": "20",
        "offset": "40",
    }
    # KYB compares created_at <= midnight: ask up to the next midnight, refine locally.
    assert dict(kyb.url.params)["date_to"] == "2026-06-04"
    assert dict(kyb.url.params)["session_kind"] == "business"


async def test_statuses_didit_cannot_hold_make_no_request() -> None:
    seen: list[httpx.Request] = []
    page = await adapter(answering({}, seen=seen)).list_kyc(
        KycFilter(statuses=(SessionStatus.CANCELLED,)), offset=0, limit=5
    )
    assert page.rows == () and page.total == 0 and not seen


async def test_counts_are_exact_only_when_didit_counts_what_was_asked() -> None:
    body = {"count": 100, "next": "x", "previous": None, "results": []}
    didit = adapter(answering(body))
    assert (await didit.list_kyb(KybFilter(), offset=0, limit=1)).total is None  # capped
    assert (await didit.list_kyc(KycFilter(), offset=0, limit=1)).total == 100
    partial_day = KycFilter(created_from=datetime(2026, 6, 1, 12, tzinfo=UTC))
    assert (await didit.list_kyc(partial_day, offset=0, limit=1)).total is None


@pytest.mark.parametrize(
    ("status", "body", "headers", "error", "retryable"),
    [
        (
            403,
            {"detail": "You do not have permission to perform this action."},
            {},
            ProviderAuthFailed,
            False,
        ),
        (401, {"detail": "Invalid or missing API key"}, {}, ProviderAuthFailed, False),
        (429, {"detail": "Throttled"}, {"retry-after": "7"}, ProviderRateLimited, True),
        (503, {"detail": "down"}, {}, ProviderUnavailable, True),
        (400, {"date_from": ["Enter a valid date."]}, {}, ProviderBadResponse, False),
    ],
)
async def test_upstream_statuses_become_typed_errors(
    status: int, body: Any, headers: dict[str, str], error: type[ProviderError], retryable: bool
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json=body, headers=headers)

    with pytest.raises(error) as raised:
        await adapter(handler).list_kyc(KycFilter(), offset=0, limit=1)
    assert raised.value.status == status
    assert raised.value.retryable is retryable
    assert KEY not in str(raised.value)
    extensions = raised.value.extensions()
    assert extensions["provider"] == "DIDIT"
    if status == 429:
        assert extensions["retryAfterSeconds"] == 7
    if status == 400:
        assert "date_from" in raised.value.message
        assert "Enter a valid date" not in raised.value.message


@pytest.mark.parametrize(
    ("failure", "error"),
    [
        (httpx.ReadTimeout("slow"), ProviderTimeout),
        (httpx.ConnectError("refused"), ProviderUnavailable),
        (httpx.RemoteProtocolError("reset"), ProviderUnavailable),
    ],
)
async def test_transport_failures_become_typed_errors(
    failure: Exception, error: type[ProviderError]
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise failure

    with pytest.raises(error):
        await adapter(handler).list_kyc(KycFilter(), offset=0, limit=1)


@pytest.mark.parametrize(
    "content", [b'{"results": [{"session_id": ', b"<html>502</html>", b'{"count": "many"}']
)
async def test_bodies_that_are_not_a_session_list_are_bad_responses(content: bytes) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=content, headers={"content-type": "application/json"})

    with pytest.raises(ProviderBadResponse):
        await adapter(handler).list_kyc(KycFilter(), offset=0, limit=1)


async def test_lookup_by_id_uses_search_and_checks_the_id() -> None:
    row = kyc_row()
    seen: list[httpx.Request] = []
    body = {"count": 1, "next": None, "previous": None, "results": [row]}
    didit = adapter(answering(body, seen=seen))
    found = await didit.get_kyc(row["session_id"])
    assert found is not None and found.provider_session_id == row["session_id"]
    assert dict(seen[0].url.params)["search"] == row["session_id"]
    assert await didit.get_kyc("5b3720ed-0000-42ef-b67f-37ea805f48ee") is None  # not that row
    assert await didit.get_kyc("not-a-uuid") is None
    assert len(seen) == 2  # a malformed id costs no request
