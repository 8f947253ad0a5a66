"""Each per-source connection walks its upstream completely, newest first, at any page size."""

from __future__ import annotations

from typing import Any

import pytest

from tests.harness import Harness

from .queries import KAYLE, KYB, KYC, walk
from .upstream import (
    didit_rows,
    didit_unified_status,
    kayle_rows,
    kayle_unified_status,
    newest_first,
    parse_time,
)


async def _expected(harness: Harness, source: str) -> list[tuple[str, str, str]]:
    """(provider id, unified status, created_at) of every upstream session, newest first."""
    if source == "KAYLE":
        rows = newest_first(await kayle_rows(harness.kayle), "id")
        return [(r["id"], kayle_unified_status(r), r["created_at"]) for r in rows]
    kind = "user" if source == "DIDIT_KYC" else "business"
    rows = newest_first(await didit_rows(harness.didit, session_kind=kind), "session_id")
    return [(r["session_id"], didit_unified_status(r), r["created_at"]) for r in rows]


@pytest.mark.parametrize("first", [1, 7, 20, 100])
@pytest.mark.parametrize(
    ("document", "source"), [(KYC, "DIDIT_KYC"), (KYB, "DIDIT_KYB"), (KAYLE, "KAYLE")]
)
async def test_walk_returns_every_session_once_newest_first(
    harness: Harness, document: str, source: str, first: int
) -> None:
    nodes, pages = await walk(harness, document, first)
    expected = await _expected(harness, source)
    assert [n["providerSessionId"] for n in nodes] == [e[0] for e in expected]
    assert [n["status"] for n in nodes] == [e[1] for e in expected]
    assert [parse_time(n["createdAt"]) for n in nodes] == [parse_time(e[2]) for e in expected]
    assert {n["source"] for n in nodes} == {source}
    assert len(pages) == max(1, -(-len(expected) // first))
    assert pages[0]["pageInfo"]["hasPreviousPage"] is False
    assert all(p["pageInfo"]["hasPreviousPage"] for p in pages[1:])


async def test_total_count_is_exact_or_null(harness: Harness, sim_sizes: dict[str, int]) -> None:
    kyc = await harness.data("{ kycSessions(first: 1) { totalCount } }")
    kyb = await harness.data("{ kybSessions(first: 1) { totalCount } }")
    kayle = await harness.data("{ kayleSessions(first: 1) { totalCount } }")
    assert kyc["kycSessions"]["totalCount"] == sim_sizes["kyc"]
    assert kyb["kybSessions"]["totalCount"] == sim_sizes["kyb"]  # under Didit's cap of 100
    assert kayle["kayleSessions"]["totalCount"] is None  # Kayle reports no count


async def test_edge_cursor_resumes_right_after_its_edge(harness: Harness) -> None:
    first = await harness.data(KAYLE, {"first": 10})
    cursor = first["page"]["edges"][3]["cursor"]
    resumed = await harness.data(KAYLE, {"first": 3, "after": cursor})
    expected = [e["node"]["providerSessionId"] for e in first["page"]["edges"][4:7]]
    assert [e["node"]["providerSessionId"] for e in resumed["page"]["edges"]] == expected


async def test_fields_of_each_type_come_from_the_upstream_row(harness: Harness) -> None:
    data = await harness.data(
        """{
          kayleSessions(first: 1) { edges { node {
            providerSessionId contractVersion verificationUrl expiresAt redirectUrl
            shareFields { key required reason source }
            attempts { id sessionId status providerStatus failureCode riskScore }
          } } }
          kybSessions(first: 1) { edges { node {
            providerSessionId sessionNumber companyName registrationNumber country
            workflowId workflowType workflowLabel vendorData
          } } }
        }"""
    )
    kayle_node = data["kayleSessions"]["edges"][0]["node"]
    kayle_row = next(
        r for r in await kayle_rows(harness.kayle) if r["id"] == kayle_node["providerSessionId"]
    )
    assert kayle_node["contractVersion"] == kayle_row["contract_version"]
    assert kayle_node["verificationUrl"] == kayle_row["verification_url"]
    assert kayle_node["redirectUrl"] == kayle_row["redirect_url"]
    assert {f["key"]: f["required"] for f in kayle_node["shareFields"]} == {
        k: v["required"] for k, v in kayle_row["share_fields"].items()
    }
    assert [a["id"] for a in kayle_node["attempts"]] == [a["id"] for a in kayle_row["attempts"]]
    assert [a["failureCode"] for a in kayle_node["attempts"]] == [
        a["failure_code"] for a in kayle_row["attempts"]
    ]
    kyb_node = data["kybSessions"]["edges"][0]["node"]
    kyb_row: dict[str, Any] = next(
        r
        for r in await didit_rows(harness.didit, session_kind="business")
        if r["session_id"] == kyb_node["providerSessionId"]
    )
    for field, key in [
        ("sessionNumber", "session_number"),
        ("companyName", "company_name"),
        ("registrationNumber", "registration_number"),
        ("country", "country"),
        ("workflowId", "workflow_id"),
        ("workflowType", "workflow_type"),
        ("workflowLabel", "workflow_label"),
        ("vendorData", "vendor_data"),
    ]:
        assert kyb_node[field] == kyb_row[key], field
