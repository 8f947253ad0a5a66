"""The unified `sessions` feed over HTTP against both simulators."""

from __future__ import annotations

from typing import Any

import pytest

from idv_gateway.simulators.didit.catalog import KYB_WORKFLOWS, KYC_WORKFLOWS
from tests.harness import Harness

from .queries import SESSIONS, walk
from .upstream import (
    didit_rows,
    didit_unified_status,
    kayle_rows,
    kayle_unified_status,
    parse_time,
)

RANK = {"DIDIT_KYC": 0, "DIDIT_KYB": 1, "KAYLE": 2}


async def union(harness: Harness) -> list[dict[str, Any]]:
    """Every session of the three upstreams, in the documented order, as gateway-like dicts."""
    rows = [
        {**r, "id": r["session_id"], "source": "DIDIT_KYC", "status": didit_unified_status(r)}
        for r in await didit_rows(harness.didit, session_kind="user")
    ]
    rows += [
        {**r, "id": r["session_id"], "source": "DIDIT_KYB", "status": didit_unified_status(r)}
        for r in await didit_rows(harness.didit, session_kind="business")
    ]
    rows += [
        {**r, "source": "KAYLE", "status": kayle_unified_status(r)}
        for r in await kayle_rows(harness.kayle)
    ]
    rows.sort(key=lambda r: (RANK[r["source"]], r["id"]))
    rows.sort(key=lambda r: parse_time(r["created_at"]), reverse=True)
    return rows


@pytest.mark.parametrize("first", [1, 13, 50, 100])
async def test_full_walk_equals_the_union_of_the_three_upstreams(
    harness: Harness, first: int
) -> None:
    nodes, _ = await walk(harness, SESSIONS, first)
    expected = await union(harness)
    assert [(n["source"], n["providerSessionId"]) for n in nodes] == [
        (r["source"], r["id"]) for r in expected
    ]
    assert [n["status"] for n in nodes] == [r["status"] for r in expected]
    ids = [n["id"] for n in nodes]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(
    "flt",
    [
        {"status": ["APPROVED"]},
        {"status": ["DECLINED", "NOT_STARTED"]},
        {"status": ["IN_REVIEW"]},  # Kayle has no such status: Didit rows only
        {"sources": ["DIDIT_KYB", "KAYLE"]},
        {"createdFrom": "2026-09-01T06:30:00.250Z", "createdTo": "2026-10-15T17:45:10.5Z"},
    ],
)
async def test_filters_mean_the_same_on_every_source(harness: Harness, flt: dict[str, Any]) -> None:
    nodes, _ = await walk(harness, SESSIONS, 17, flt)
    expected = await union(harness)
    if "status" in flt:
        expected = [r for r in expected if r["status"] in flt["status"]]
    if "sources" in flt:
        expected = [r for r in expected if r["source"] in flt["sources"]]
    if "createdFrom" in flt:
        lo, hi = parse_time(flt["createdFrom"]), parse_time(flt["createdTo"])
        expected = [r for r in expected if lo <= parse_time(r["created_at"]) <= hi]
    assert expected, "the case should select something"
    assert [n["providerSessionId"] for n in nodes] == [r["id"] for r in expected]


async def test_vendor_data_and_search_exclude_kayle_and_keep_kyb_honest(harness: Harness) -> None:
    kyc = await didit_rows(harness.didit, session_kind="user")
    vendor = next(r["vendor_data"] for r in kyc if r["vendor_data"])
    nodes, _ = await walk(harness, SESSIONS, 20, {"vendorData": vendor})
    expected_kyc = [r["session_id"] for r in kyc if r["vendor_data"] == vendor]
    kyb = await didit_rows(harness.didit, session_kind="business", vendor_data=vendor)
    assert {n["providerSessionId"] for n in nodes} == {
        *expected_kyc,
        *(r["session_id"] for r in kyb),
    }
    assert "KAYLE" not in {n["source"] for n in nodes}


async def test_sessions_created_while_paging_cause_no_duplicate_or_gap(harness: Harness) -> None:
    before = await union(harness)
    seen: list[str] = []
    after = None
    for page_number in range(1000):
        data = await harness.data(SESSIONS, {"first": 9, "after": after})
        page = data["page"]
        seen.extend(e["node"]["providerSessionId"] for e in page["edges"])
        # New sessions arrive at the head of every list between page requests.
        for workflow in (KYC_WORKFLOWS[0], KYB_WORKFLOWS[0]):
            created = await harness.didit.post(
                "/v3/session/",
                json={"workflow_id": workflow.workflow_id, "vendor_data": f"new-{page_number}"},
            )
            assert created.status_code == 201, created.text
        assert (await harness.kayle.post("/v1/sessions", json={})).status_code == 200
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen))
    assert seen == [r["id"] for r in before]


async def _fault(client: Any, route: str, **fault: Any) -> None:
    response = await client.post("/_sim/faults", json={"route": route, **fault})
    assert response.status_code == 201, response.text


NO_CACHE = [{"cache_enabled": False}]  # a cached page would hide the fault


@pytest.mark.parametrize("gateway_overrides", NO_CACHE)
@pytest.mark.parametrize(
    ("provider", "route", "code"),
    [
        ("KAYLE", "GET /v1/sessions", "PROVIDER_UNAVAILABLE"),
        ("DIDIT", "GET /v3/sessions/", "PROVIDER_UNAVAILABLE"),
    ],
)
async def test_a_failing_source_gives_partial_data_then_a_complete_reread(
    harness: Harness, provider: str, route: str, code: str
) -> None:
    complete = await harness.data(SESSIONS, {"first": 12})
    second_complete = await harness.data(
        SESSIONS, {"first": 12, "after": complete["page"]["pageInfo"]["endCursor"]}
    )
    client = harness.kayle if provider == "KAYLE" else harness.didit
    await _fault(client, route, mode="status", status=503)
    body = await harness.query(
        SESSIONS, {"first": 12, "after": complete["page"]["pageInfo"]["endCursor"]}
    )
    partial = body["data"]["page"]
    [error] = body["errors"]
    assert error["extensions"]["code"] == code
    assert error["extensions"]["provider"] == provider
    assert error["extensions"]["retryable"] is True
    assert error["path"] == ["page"]
    failed_sources = {"KAYLE"} if provider == "KAYLE" else {"DIDIT_KYC", "DIDIT_KYB"}
    assert set(error["extensions"]["sources"]) == failed_sources
    assert partial["edges"], "the healthy provider's sessions are still served"
    assert not {e["node"]["source"] for e in partial["edges"]} & failed_sources
    assert partial["pageInfo"]["hasNextPage"] is True

    assert (await client.delete("/_sim/faults")).status_code == 200
    reread = await harness.data(
        SESSIONS, {"first": 12, "after": complete["page"]["pageInfo"]["endCursor"]}
    )
    assert reread["page"]["edges"] == second_complete["page"]["edges"]

    # Paging on from the partial page loses nothing either: the failed source resumes.
    rest, _ = await walk_from(harness, partial["pageInfo"]["endCursor"])
    expected = [r["id"] for r in await union(harness)][12:]
    got = [e["node"]["providerSessionId"] for e in partial["edges"]] + rest
    assert sorted(got) == sorted(expected)
    assert len(got) == len(set(got))


async def walk_from(harness: Harness, after: str) -> tuple[list[str], int]:
    ids: list[str] = []
    pages = 0
    while True:
        data = await harness.data(SESSIONS, {"first": 25, "after": after})
        pages += 1
        ids.extend(e["node"]["providerSessionId"] for e in data["page"]["edges"])
        if not data["page"]["pageInfo"]["hasNextPage"]:
            return ids, pages
        after = data["page"]["pageInfo"]["endCursor"]


async def test_total_count_is_null_when_kayle_contributes(harness: Harness) -> None:
    everything = await harness.data("{ sessions(first: 1) { totalCount } }")
    assert everything["sessions"]["totalCount"] is None
    didit_only = await harness.data(
        "{ sessions(first: 1, filter: {sources: [DIDIT_KYC, DIDIT_KYB]}) { totalCount } }"
    )
    kyc = await didit_rows(harness.didit, session_kind="user")
    kyb = await didit_rows(harness.didit, session_kind="business")
    assert didit_only["sessions"]["totalCount"] == len(kyc) + len(kyb)
