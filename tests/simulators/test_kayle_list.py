"""`GET /v1/sessions`: id-order keyset paging, filters, inclusive ms windows, attempts."""

from __future__ import annotations

import random
import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from idv_gateway.simulators.kayle.models import Session
from idv_gateway.simulators.kayle.store import KayleStore
from idv_gateway.simulators.kayle.validation import ListQuery
from tests.simulators.kayle_support import AUTH, client_for, iso, make_app

ISO_MS = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


async def list_json(client: httpx.AsyncClient, query: str) -> dict[str, Any]:
    response = await client.get(f"/v1/sessions?{query}", headers=AUTH)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def walk(client: httpx.AsyncClient, query: str) -> tuple[list[dict[str, Any]], int]:
    items: list[dict[str, Any]] = []
    cursor, pages = "", 0
    while True:
        page = await list_json(client, f"{query}&starting_after={cursor}" if cursor else query)
        pages += 1
        ids = [item["id"] for item in page["data"]]
        assert ids == sorted(ids)
        items.extend(page["data"])
        if not page["pagination"]["has_more"]:
            assert page["pagination"]["next_cursor"] is None
            return items, pages
        cursor = page["pagination"]["next_cursor"]
        assert cursor == ids[-1]


def brute_force(store: KayleStore, query: ListQuery) -> tuple[list[str], bool]:
    def keep(session: Session) -> bool:
        created = int(session.created_at.timestamp() * 1000)
        return (
            (query.status is None or session.status == query.status)
            and (query.created_from_ms is None or created >= query.created_from_ms)
            and (query.created_to_ms is None or created <= query.created_to_ms)
            and (query.starting_after is None or session.id > query.starting_after)
        )

    rows = sorted(s.id for s in store.sessions() if keep(s))
    return rows[: query.limit], len(rows) > query.limit


async def test_default_page_is_ten_sessions_in_id_order_with_a_cursor() -> None:
    app = make_app(sessions=40)
    async with client_for(app) as client:
        body = await list_json(client, "")
    ids = sorted(s.id for s in app.state.store.sessions())
    assert list(body) == ["data", "error", "pagination"]
    assert body["error"] is None
    assert [item["id"] for item in body["data"]] == ids[:10]
    assert body["pagination"] == {"limit": 10, "has_more": True, "next_cursor": ids[9]}
    assert all("attempts" not in item and "cancel_token" not in item for item in body["data"])


async def test_walking_the_cursor_returns_every_session_once_in_id_not_time_order() -> None:
    app = make_app(sessions=230)
    async with client_for(app) as client:
        items, pages = await walk(client, "limit=37")
        stats = (await client.get("/_sim/stats")).json()
    ids = [item["id"] for item in items]
    assert ids == sorted(s.id for s in app.state.store.sessions())
    assert len(set(ids)) == 230
    assert pages == 7
    created = [item["created_at"] for item in items]
    assert created != sorted(created), "id order must not be chronological"
    assert stats["rows"]["GET /v1/sessions"] == 230
    assert stats["requests"]["GET /v1/sessions"] == 7


async def test_has_more_is_false_when_exactly_limit_rows_remain() -> None:
    app = make_app(sessions=30)
    ids = [s.id for s in app.state.store.sessions()]
    async with client_for(app) as client:
        exact = await list_json(client, f"limit=5&starting_after={ids[-6]}")
        short = await list_json(client, f"limit=4&starting_after={ids[-6]}")
    assert [i["id"] for i in exact["data"]] == ids[-5:]
    assert exact["pagination"] == {"limit": 5, "has_more": False, "next_cursor": None}
    assert short["pagination"] == {"limit": 4, "has_more": True, "next_cursor": ids[-2]}


@pytest.mark.parametrize(
    "cursor", ["vs_" + "0" * 64, "vs_" + "m" * 64, "vs_" + "M" * 64, "vs_" + "z" * 64]
)
async def test_an_unknown_cursor_is_just_a_lower_bound(cursor: str) -> None:
    app = make_app(sessions=50)
    async with client_for(app) as client:
        body = await list_json(client, f"limit=100&starting_after={cursor}")
    expected = [s.id for s in app.state.store.sessions() if s.id > cursor]
    assert [item["id"] for item in body["data"]] == expected
    assert body["pagination"]["has_more"] is False


@pytest.mark.parametrize("status", ["created", "in_progress", "completed", "expired", "cancelled"])
async def test_status_filter_walks_exactly_the_sessions_in_that_status(status: str) -> None:
    app = make_app(sessions=150)
    async with client_for(app) as client:
        items, _ = await walk(client, f"status={status}&limit=9")
    expected = [s.id for s in app.state.store.sessions() if s.status == status]
    assert expected
    assert [item["id"] for item in items] == expected


async def test_created_window_is_inclusive_at_millisecond_precision() -> None:
    app = make_app(sessions=80)
    sessions = app.state.store.sessions()
    moment = next(
        s.created_at for s in sessions if sum(x.created_at == s.created_at for x in sessions) > 1
    )
    tied = sorted(s.id for s in sessions if s.created_at == moment)
    exact, ms = iso(moment), timedelta(milliseconds=1)
    sub_ms = exact[:-1] + "999999Z"  # extra fractional digits are truncated, as `new Date` does
    async with client_for(app) as client:
        both = await list_json(client, f"created_from={exact}&created_to={exact}")
        truncated = await list_json(client, f"created_from={sub_ms}&created_to={sub_ms}")
        after = await list_json(client, f"created_from={iso(moment + ms)}&created_to={exact}")
        before = await list_json(client, f"created_from={exact}&created_to={iso(moment - ms)}")
    assert len(tied) >= 2
    assert [item["id"] for item in both["data"]] == tied
    assert [item["id"] for item in truncated["data"]] == tied
    assert after["data"] == []
    assert before["data"] == []
    assert after["pagination"] == {"limit": 10, "has_more": False, "next_cursor": None}


async def test_minute_precision_bounds_and_open_ended_windows() -> None:
    app = make_app(sessions=120)
    sessions = app.state.store.sessions()
    start = datetime(2026, 10, 1, tzinfo=UTC)
    async with client_for(app) as client:
        recent, _ = await walk(client, "created_from=2026-10-01T00:00Z&limit=50")
        older, _ = await walk(client, "created_to=2026-09-30T23:59:59.999Z&limit=50")
    assert {i["id"] for i in recent} == {s.id for s in sessions if s.created_at >= start}
    assert {i["id"] for i in older} == {s.id for s in sessions if s.created_at < start}
    assert len(recent) + len(older) == len(sessions)


async def test_random_queries_match_a_brute_force_scan_on_both_index_paths(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = make_app(sessions=600)
    store: KayleStore = app.state.store
    paths: Counter[str] = Counter()
    for name in ("_from_window", "_scan_ids"):
        original = getattr(KayleStore, name)

        def counted(self: KayleStore, *args: Any, _name: str = name, _fn: Any = original) -> Any:
            paths[_name] += 1
            return _fn(self, *args)

        monkeypatch.setattr(KayleStore, name, counted)
    sessions = store.sessions()
    rng = random.Random(11)
    for _ in range(400):
        a, b = sorted(rng.sample(sessions, 2), key=lambda s: s.created_at)
        width = rng.choice([0, 1, 60_000, 3_600_000, 86_400_000, 10**11])
        from_ms = int(a.created_at.timestamp() * 1000) if rng.random() < 0.8 else None
        to_ms = None if from_ms is None or rng.random() < 0.2 else from_ms + width
        query = ListQuery(
            status=rng.choice([None, None, "completed", "expired", "created"]),
            created_from_ms=from_ms,
            created_to_ms=to_ms if rng.random() < 0.9 else int(b.created_at.timestamp() * 1000),
            limit=rng.choice([1, 3, 10, 100]),
            starting_after=rng.choice([None, b.id, "vs_" + "k" * 64]),
        )
        page, has_more = store.list_page(query)
        assert ([s.id for s in page], has_more) == brute_force(store, query), query
    assert paths["_from_window"] > 50
    assert paths["_scan_ids"] > 50


async def test_from_after_to_is_an_empty_page_not_an_error() -> None:
    async with client_for(make_app(sessions=20)) as client:
        body = await list_json(
            client, "created_from=2026-10-02T00:00Z&created_to=2026-10-01T00:00Z"
        )
    assert body == {
        "data": [],
        "error": None,
        "pagination": {"limit": 10, "has_more": False, "next_cursor": None},
    }


async def test_items_follow_the_mapper_and_attempts_only_when_asked() -> None:
    app = make_app(sessions=40)
    async with client_for(app) as client:
        body = await list_json(client, "limit=100&include_attempts=1")
    store: KayleStore = app.state.store
    keys = ["id", "status", "contract_version", "share_fields", "redirect_url", "verification_url"]
    keys += ["expires_at", "completed_at", "created_at", "updated_at", "attempts"]
    attempt_keys = ["id", "session_id", "status", "failure_code", "risk_score", "completed_at"]
    attempt_keys += ["created_at", "updated_at"]
    assert any(item["attempts"] == [] for item in body["data"])
    for item in body["data"]:
        assert list(item) == keys
        assert item["verification_url"] == f"https://verify.kayle.id/{item['id']}"
        assert item["contract_version"] == 1
        for stamp in ("expires_at", "created_at", "updated_at"):
            assert ISO_MS.fullmatch(item[stamp])
        assert [a["id"] for a in item["attempts"]] == [a.id for a in store.attempts(item["id"])]
        for attempt in item["attempts"]:
            assert list(attempt) == attempt_keys
            assert attempt["session_id"] == item["id"]


async def test_overdue_active_sessions_are_not_expired_on_read() -> None:
    anchor = datetime(2020, 1, 1, tzinfo=UTC)  # every seeded expiry is long past
    app = make_app(sessions=40, anchor=anchor)
    async with client_for(app) as client:
        created = await list_json(client, "status=created&limit=100")
        one = created["data"][0]["id"]
        fetched = (await client.get(f"/v1/sessions/{one}", headers=AUTH)).json()["data"]
    assert created["data"]
    assert all(item["expires_at"] < "2020-01-01T01:00:00.000Z" for item in created["data"])
    assert fetched["status"] == "created"
