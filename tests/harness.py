"""A gateway in front of both simulators, and direct clients to each of them."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Collection
from dataclasses import dataclass
from typing import Any

import httpx
from asgi_lifespan import LifespanManager
from pydantic import SecretStr
from starlette.applications import Starlette

from idv_gateway.app import create_app
from idv_gateway.config import Settings
from idv_gateway.domain import Provider
from idv_gateway.simulators import DEFAULT_DIDIT_API_KEY, DEFAULT_KAYLE_API_KEY
from idv_gateway.simulators.didit import create_didit_app
from idv_gateway.simulators.kayle import create_kayle_app

DIDIT_URL = "http://didit.test"
KAYLE_URL = "http://kayle.test"


def gateway_settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "didit_base_url": DIDIT_URL,
        "didit_api_key": SecretStr(DEFAULT_DIDIT_API_KEY),
        "kayle_base_url": KAYLE_URL,
        "kayle_api_key": SecretStr(DEFAULT_KAYLE_API_KEY),
        "cursor_secret": SecretStr("test-cursor-secret-test-cursor-secret"),
        # A trusted-network deployment: every caller reads everything. Tests of caller
        # identity and scopes (tests/auth) turn authentication on.
        "auth_disabled": True,
        "introspection_enabled": True,
        "graphiql_enabled": True,
        "rate_limit_per_minute": 0,
        "upstream_calls_per_minute": 0,
    }
    values.update(overrides)
    return Settings(**values)


@dataclass
class Harness:
    """A gateway in front of two simulators, plus direct clients to each of them."""

    gateway: httpx.AsyncClient
    didit_app: Starlette
    kayle_app: Starlette
    didit: httpx.AsyncClient
    kayle: httpx.AsyncClient

    async def query(self, document: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = await self.gateway.post(
            "/graphql", json={"query": document, "variables": variables or {}}
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def data(self, document: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        body = await self.query(document, variables)
        assert "errors" not in body, body["errors"]
        result: dict[str, Any] = body["data"]
        return result

    async def stats(self) -> dict[str, Any]:
        didit = (await self.didit.get("/_sim/stats")).json()
        kayle = (await self.kayle.get("/_sim/stats")).json()
        return {"didit": didit, "kayle": kayle}

    async def reset_stats(self) -> None:
        await self.didit.post("/_sim/stats/reset")
        await self.kayle.post("/_sim/stats/reset")


@contextlib.asynccontextmanager
async def open_harness(
    sizes: dict[str, int],
    overrides: dict[str, Any] | None = None,
    providers: Collection[Provider] = tuple(Provider),
    seed: int = 11,
) -> AsyncIterator[Harness]:
    """Fresh simulators and a gateway (lifespan run) configured with `providers` only."""
    didit_app = create_didit_app(seed=seed, sessions=sizes["kyc"], business_sessions=sizes["kyb"])
    kayle_app = create_kayle_app(seed=seed, sessions=sizes["kayle"])
    transports: dict[Provider, httpx.AsyncBaseTransport] = {
        Provider.DIDIT: httpx.ASGITransport(app=didit_app),
        Provider.KAYLE: httpx.ASGITransport(app=kayle_app),
    }
    unconfigured = {
        f"{p.name.lower()}_{name}": None
        for p in set(Provider) - set(providers)
        for name in ("base_url", "api_key")
    }
    app = create_app(
        gateway_settings(**unconfigured, **(overrides or {})),
        transports={p: t for p, t in transports.items() if p in providers},
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
