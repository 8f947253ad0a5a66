"""Shared fixtures: simulators and a gateway wired to them through real HTTP semantics.

The gateway runs its lifespan (asgi-lifespan) and reaches each simulator through an
`httpx.ASGITransport`; tests talk to the gateway through another one.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager

from idv_gateway.app import create_app
from idv_gateway.domain import Provider
from idv_gateway.simulators import DEFAULT_DIDIT_API_KEY, DEFAULT_KAYLE_API_KEY
from idv_gateway.simulators.didit import create_didit_app
from idv_gateway.simulators.kayle import create_kayle_app
from tests.harness import DIDIT_URL, KAYLE_URL, Harness, gateway_settings


@pytest.fixture
def sim_sizes() -> dict[str, int]:
    return {"kyc": 120, "kyb": 40, "kayle": 90}


@pytest.fixture
def gateway_overrides() -> dict[str, Any]:
    """Settings to change for one test (parametrize this name to override)."""
    return {}


@pytest.fixture
async def harness(
    sim_sizes: dict[str, int], gateway_overrides: dict[str, Any]
) -> AsyncIterator[Harness]:
    didit_app = create_didit_app(
        seed=11, sessions=sim_sizes["kyc"], business_sessions=sim_sizes["kyb"]
    )
    kayle_app = create_kayle_app(seed=11, sessions=sim_sizes["kayle"])
    app = create_app(
        gateway_settings(**gateway_overrides),
        transports={
            Provider.DIDIT: httpx.ASGITransport(app=didit_app),
            Provider.KAYLE: httpx.ASGITransport(app=kayle_app),
        },
    )
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=manager.app), base_url="http://gateway.test"
        ) as gateway,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=didit_app),
            base_url=DIDIT_URL,
            headers={"x-api-key": DEFAULT_DIDIT_API_KEY},
        ) as didit,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=kayle_app),
            base_url=KAYLE_URL,
            headers={"authorization": f"Bearer {DEFAULT_KAYLE_API_KEY}"},
        ) as kayle,
    ):
        yield Harness(gateway, didit_app, kayle_app, didit, kayle)
