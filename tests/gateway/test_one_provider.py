"""A gateway with one provider configured serves that provider's feed completely and
says plainly what it cannot serve: no error on every page for a provider it never had."""

from __future__ import annotations

from typing import Any

import pytest

from idv_gateway.domain import Provider
from tests.harness import Harness

from .queries import KAYLE, KYC, SESSIONS, walk
from .upstream import didit_rows, kayle_rows


@pytest.mark.parametrize("gateway_providers", [{Provider.DIDIT}])
async def test_didit_only_feed_is_complete_and_error_free(harness: Harness) -> None:
    nodes, pages = await walk(harness, SESSIONS, 17)
    expected = {
        r["session_id"]
        for kind in ("user", "business")
        for r in await didit_rows(harness.didit, session_kind=kind)
    }
    assert [n["providerSessionId"] for n in nodes if n["source"] != "KAYLE"] == [
        n["providerSessionId"] for n in nodes
    ]
    assert {n["providerSessionId"] for n in nodes} == expected
    assert len(nodes) == len(expected)  # none twice
    assert len(pages) == -(-len(expected) // 17)
    assert pages[-1]["pageInfo"]["hasNextPage"] is False


@pytest.mark.parametrize("gateway_providers", [{Provider.KAYLE}])
async def test_kayle_only_feed_is_complete_and_error_free(harness: Harness) -> None:
    nodes, _ = await walk(harness, SESSIONS, 25)
    expected = {r["id"] for r in await kayle_rows(harness.kayle)}
    assert {n["providerSessionId"] for n in nodes} == expected
    assert len(nodes) == len(expected)
    assert {n["source"] for n in nodes} == {"KAYLE"}


@pytest.mark.parametrize("gateway_providers", [{Provider.DIDIT}])
async def test_asking_for_an_unconfigured_source_is_a_clear_error(harness: Harness) -> None:
    body: dict[str, Any] = await harness.query(
        SESSIONS, {"first": 5, "filter": {"sources": ["KAYLE", "DIDIT_KYC"]}}
    )
    error = body["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "KAYLE" in error["message"] and "not configured" in error["message"]
    assert "DIDIT_KYC" in error["message"].split("serves", 1)[1]

    body = await harness.query(KAYLE, {"first": 5})
    error = body["errors"][0]
    assert error["extensions"]["code"] == "PROVIDER_UNAVAILABLE"
    assert error["extensions"]["retryable"] is False

    kyc = (await harness.data(KYC, {"first": 5}))["page"]
    assert len(kyc["edges"]) == 5
