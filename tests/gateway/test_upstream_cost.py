"""What a full walk of the feed costs upstream, counted by the simulators themselves.

Targets (the product's promise of bounded cost): on a walk with `first: 50`, at most 4
upstream requests per page on average and at most 1.5 upstream rows fetched per row
returned. `benchmarks/upstream_cost.py` prints the same figures for other sizes.
"""

from __future__ import annotations

import pytest

from idv_gateway.simulators import (
    DEFAULT_KAYLE_SESSIONS,
    DEFAULT_KYB_SESSIONS,
    DEFAULT_KYC_SESSIONS,
)
from tests.harness import Harness

from .queries import SESSIONS, walk


@pytest.fixture
def sim_sizes() -> dict[str, int]:
    return {
        "kyc": DEFAULT_KYC_SESSIONS,
        "kyb": DEFAULT_KYB_SESSIONS,
        "kayle": DEFAULT_KAYLE_SESSIONS,
    }


async def test_a_full_walk_stays_within_the_upstream_budget(
    harness: Harness, sim_sizes: dict[str, int]
) -> None:
    await harness.reset_stats()
    nodes, pages = await walk(harness, SESSIONS, 50)
    stats = await harness.stats()
    assert len(nodes) == sum(sim_sizes.values())
    requests = stats["didit"]["total"] + stats["kayle"]["total"]
    rows = sum(stats["didit"]["rows"].values()) + sum(stats["kayle"]["rows"].values())
    assert requests / len(pages) <= 4.0, (requests, len(pages))
    assert rows / len(nodes) <= 1.5, (rows, len(nodes))
    # Only list routes are used: no by-id lookups, no KYC+KYB `all` pages.
    assert set(stats["didit"]["requests"]) == {"GET /v3/sessions/"}
    assert set(stats["kayle"]["requests"]) == {"GET /v1/sessions"}
