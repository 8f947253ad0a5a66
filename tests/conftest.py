"""Shared fixtures: simulators and a gateway wired to them through real HTTP semantics.

The gateway runs its lifespan (asgi-lifespan) and reaches each simulator through an
`httpx.ASGITransport`; tests talk to the gateway through another one.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from idv_gateway.domain import Provider
from tests.harness import Harness, open_harness


@pytest.fixture
def sim_sizes() -> dict[str, int]:
    return {"kyc": 120, "kyb": 40, "kayle": 90}


@pytest.fixture
def gateway_overrides() -> dict[str, Any]:
    """Settings to change for one test (parametrize this name to override)."""
    return {}


@pytest.fixture
def gateway_providers() -> set[Provider]:
    """The providers the gateway is configured with (parametrize this name to drop one)."""
    return set(Provider)


@pytest.fixture
async def harness(
    sim_sizes: dict[str, int], gateway_overrides: dict[str, Any], gateway_providers: set[Provider]
) -> AsyncIterator[Harness]:
    async with open_harness(sim_sizes, gateway_overrides, gateway_providers) as opened:
        yield opened
