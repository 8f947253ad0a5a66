"""The Kayle adapter against the documented shapes, newer enum values and failures."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from idv_gateway.domain import AttemptStatus, Provider, SessionStatus
from idv_gateway.domain.filters import KayleFilter
from idv_gateway.errors import (
    ProviderAuthFailed,
    ProviderBadResponse,
    ProviderError,
    ProviderUnavailable,
)
from idv_gateway.providers import KayleProvider
from idv_gateway.providers._upstream import Upstream

EXAMPLES: dict[str, Any] = json.loads(
    (Path(__file__).parents[1] / "fixtures" / "kayle_list_examples.json").read_text()
)
KEY = "kk_testtesttesttesttesttesttesttest"
TIMES = ("expires_at", "completed_at", "created_at", "updated_at")


def adapter(handler: Any) -> KayleProvider:
    client = httpx.AsyncClient(
        base_url="http://kayle.test",
        headers={"authorization": f"Bearer {KEY}"},
        transport=httpx.MockTransport(handler),
    )
    return KayleProvider(upstream=Upstream(provider=Provider.KAYLE, client=client, credential=KEY))


def answering(body: Any, status: int = 200, seen: list[httpx.Request] | None = None) -> Any:
    def handler(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        return httpx.Response(status, json=body)

    return handler


def listing(*sessions: dict[str, Any], next_cursor: str | None = None) -> dict[str, Any]:
    return {
        "data": list(sessions),
        "error": None,
        "pagination": {
            "limit": 10,
            "has_more": next_cursor is not None,
            "next_cursor": next_cursor,
        },
    }


def reference(**changes: Any) -> dict[str, Any]:
    session: dict[str, Any] = copy.deepcopy(EXAMPLES["session_reference"])
    session.update(changes)
    return session


async def list_one(session: dict[str, Any]) -> Any:
    page = await adapter(answering(listing(session))).list_sessions(
        KayleFilter(), created_from=None, created_to=None, starting_after=None, limit=10
    )
    [row] = page.rows
    return row


async def test_the_reference_session_becomes_a_session() -> None:
    raw = reference()
    session = await list_one(raw)
    assert session.provider_session_id == raw["id"]
    assert session.provider_status == raw["status"]
    assert {f.key for f in session.share_fields} == set(raw["share_fields"])
    assert [a.id for a in session.attempts] == [a["id"] for a in raw["attempts"]]
    assert session.attempts[0].status is AttemptStatus.FAILED
    assert session.attempts[0].failure_code == raw["attempts"][0]["failure_code"]
    assert session.created_at == datetime.fromisoformat(raw["created_at"].replace("Z", "+00:00"))


async def test_the_public_page_example_is_read_once_its_placeholders_are_real() -> None:
    page = copy.deepcopy(EXAMPLES["list_sessions_public_page"])
    assert page["error"] == {}  # the docs render `error: {}`; the service sends null
    with pytest.raises(ProviderBadResponse):  # "<string>" is no timestamp
        await adapter(answering(page)).list_sessions(
            KayleFilter(), created_from=None, created_to=None, starting_after=None, limit=10
        )
    for item in [page["data"][0], *page["data"][0]["attempts"]]:
        for key in TIMES:
            if key in item:
                item[key] = "2026-05-05T11:00:00.000Z"
    listed = await adapter(answering(page)).list_sessions(
        KayleFilter(), created_from=None, created_to=None, starting_after=None, limit=10
    )
    [session] = listed.rows
    assert session.contract_version == 123
    assert session.status is SessionStatus.NOT_STARTED
    assert session.attempts is not None
    assert session.attempts[0].status is AttemptStatus.IN_PROGRESS


@pytest.mark.parametrize(
    ("status", "attempts", "unified"),
    [
        ("created", [], SessionStatus.NOT_STARTED),
        ("in_progress", ["in_progress"], SessionStatus.IN_PROGRESS),
        ("completed", ["failed", "succeeded"], SessionStatus.APPROVED),
        ("completed", ["failed", "failed", "failed"], SessionStatus.DECLINED),
        ("expired", ["failed"], SessionStatus.EXPIRED),
        ("cancelled", [], SessionStatus.CANCELLED),
        ("succeeded", [], SessionStatus.APPROVED),  # newer API versions
        ("failed", [], SessionStatus.DECLINED),
        ("paused", [], SessionStatus.UNKNOWN),
    ],
)
async def test_status_follows_the_attempts(
    status: str, attempts: list[str], unified: SessionStatus
) -> None:
    base = EXAMPLES["session_reference"]["attempts"][0]
    raw = reference(status=status, attempts=[{**base, "status": s} for s in attempts])
    session = await list_one(raw)
    assert session.status is unified
    assert session.provider_status == status


async def test_completed_without_attempts_is_unknown_not_a_guess() -> None:
    raw = reference(status="completed")
    del raw["attempts"]
    session = await list_one(raw)
    assert session.status is SessionStatus.UNKNOWN
    assert session.attempts is None


async def test_unknown_attempt_status_is_kept_raw() -> None:
    base = EXAMPLES["session_reference"]["attempts"][0]
    session = await list_one(reference(attempts=[{**base, "status": "escalated"}]))
    assert session.attempts is not None
    assert session.attempts[0].status is AttemptStatus.UNKNOWN
    assert session.attempts[0].provider_status == "escalated"


async def test_request_shape_windows_and_status_narrowing() -> None:
    seen: list[httpx.Request] = []
    kayle = adapter(answering(listing(), seen=seen))
    await kayle.list_sessions(
        KayleFilter(statuses=(SessionStatus.APPROVED,)),
        created_from=datetime(2026, 6, 1, 10, 0, 0, 123456, tzinfo=UTC),
        created_to=datetime(2026, 6, 2, 10, 0, 0, 123456, tzinfo=UTC),
        starting_after="vs_" + "a" * 64,
        limit=100,
    )
    await kayle.list_sessions(
        KayleFilter(statuses=(SessionStatus.APPROVED, SessionStatus.EXPIRED)),
        created_from=None,
        created_to=None,
        starting_after=None,
        limit=5,
    )
    narrowed, mixed = seen
    assert narrowed.url.path == "/v1/sessions"
    assert narrowed.headers["authorization"] == f"Bearer {KEY}"
    assert dict(narrowed.url.params) == {
        "limit": "100",
        "include_attempts": "true",
        "status": "completed",  # APPROVED lives in `completed`; refined by attempts
        "created_from": "2026-06-01T10:00:00.123Z",  # widened down to the millisecond
        "created_to": "2026-06-02T10:00:00.124Z",  # and up
        "starting_after": "vs_" + "a" * 64,
    }
    assert "status" not in dict(mixed.url.params)  # two upstream statuses: refine locally


async def test_statuses_kayle_cannot_hold_make_no_request() -> None:
    seen: list[httpx.Request] = []
    page = await adapter(answering(listing(), seen=seen)).list_sessions(
        KayleFilter(statuses=(SessionStatus.IN_REVIEW,)),
        created_from=None,
        created_to=None,
        starting_after=None,
        limit=5,
    )
    assert page.rows == () and not seen


async def test_next_cursor_only_when_more_exist() -> None:
    raw = reference()
    kayle = adapter(answering(listing(raw, next_cursor=raw["id"])))
    page = await kayle.list_sessions(
        KayleFilter(), created_from=None, created_to=None, starting_after=None, limit=1
    )
    assert page.next_cursor == raw["id"]


async def test_get_by_id() -> None:
    raw = reference()
    seen: list[httpx.Request] = []
    found = await adapter(answering({"data": raw, "error": None}, seen=seen)).get_session(raw["id"])
    assert found is not None and found.provider_session_id == raw["id"]
    assert dict(seen[0].url.params) == {"include_attempts": "true"}
    missing = {"data": None, "error": {"code": "NOT_FOUND", "message": "Session not found."}}
    assert await adapter(answering(missing, status=404)).get_session(raw["id"]) is None
    assert await adapter(answering({}, seen=seen)).get_session("vs_short") is None
    assert len(seen) == 1


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (401, {"error": {"code": "UNAUTHORIZED", "message": "Unauthorized"}}, ProviderAuthFailed),
        (403, {"error": {"code": "FORBIDDEN", "message": "Forbidden"}}, ProviderAuthFailed),
        (
            400,
            {"success": False, "error": {"name": "ZodError", "message": "[]"}},
            ProviderBadResponse,
        ),
        (500, "Internal Server Error", ProviderUnavailable),
    ],
)
async def test_failures_become_typed_errors(
    status: int, body: Any, error: type[ProviderError]
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if isinstance(body, str):
            return httpx.Response(status, text=body)
        return httpx.Response(status, json=body)

    with pytest.raises(error) as raised:
        await adapter(handler).list_sessions(
            KayleFilter(), created_from=None, created_to=None, starting_after=None, limit=1
        )
    assert raised.value.extensions()["provider"] == "KAYLE"
    assert raised.value.status == status
    assert KEY not in str(raised.value)
