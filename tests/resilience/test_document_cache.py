"""The document cache: bounded by source size, keeps only validated documents, keyed by rules."""

from __future__ import annotations

import tracemalloc

from graphql import parse

from idv_gateway.schema.documents import VALIDATED, DocumentCache
from tests.resilience.conftest import local_harness


def _document(tag: int, aliases: int) -> str:
    return "{ " + " ".join(f"a{tag}x{i}: __typename" for i in range(aliases)) + " }"


def test_the_budget_is_source_characters_and_eviction_is_least_recent_first() -> None:
    cache = DocumentCache(max_characters=10_000, max_documents=100)
    texts = [_document(tag, 100) for tag in range(12)]  # ~1,800 characters each
    for tag, text in enumerate(texts):
        cache.put(tag, len(text), parse(text))
        assert cache.get(0) is not None or tag >= 5  # reading 0 keeps it recent
    assert cache.characters <= 10_000
    assert cache.characters == sum(len(texts[k]) for k in range(12) if cache.get(k) is not None)
    assert cache.get(0) is not None  # the most read survives
    assert cache.get(1) is None  # the oldest unread went first
    cache.put("huge", 10_001, parse("{ __typename }"))
    assert cache.get("huge") is None  # larger than the whole budget: never kept


def test_many_distinct_large_documents_hold_a_bounded_amount_of_memory() -> None:
    cache = DocumentCache()
    tracemalloc.start()
    try:
        base, _ = tracemalloc.get_traced_memory()
        for tag in range(30):  # 30 × ~20 KB of text: 600 KB, over twice the budget
            text = _document(tag, 1_000)
            cache.put(tag, len(text), parse(text))
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert cache.characters <= cache.max_characters
    assert len(cache) < 30
    # ~120 bytes of syntax tree per character, and the budget is 262,144 characters.
    assert held - base < 48 * 1024 * 1024, f"{(held - base) / 2**20:.1f} MiB held"


async def test_only_documents_that_pass_validation_are_kept() -> None:
    async with local_harness() as harness:
        refused = "{ kycSessions(first: 1) { edges { node { noSuchField } } } }"
        body = await harness.query(refused)
        assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
        assert not VALIDATED.holds(refused)
        accepted = "{ kycSessions(first: 2) { edges { cursor } } }  # cached"
        first = await harness.data(accepted)
        assert VALIDATED.holds(accepted)
        again = await harness.data(accepted)  # served from the cache, same answer
        assert again == first and len(again["kycSessions"]["edges"]) == 2


async def test_a_verdict_under_one_set_of_rules_is_not_reused_under_another() -> None:
    document = "{ __schema { queryType { name } } }  # rules"
    async with local_harness(introspection_enabled=True) as open_gateway:
        assert (await open_gateway.data(document))["__schema"]["queryType"]["name"] == "Query"
    async with local_harness(introspection_enabled=False) as closed_gateway:
        body = await closed_gateway.query(document)
        assert "data" not in body or body["data"] is None
        assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
