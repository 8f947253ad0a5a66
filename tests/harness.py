"""A gateway in front of both simulators, and direct clients to each of them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
from pydantic import SecretStr
from starlette.applications import Starlette

from idv_gateway.config import Settings
from idv_gateway.simulators import DEFAULT_DIDIT_API_KEY, DEFAULT_KAYLE_API_KEY

DIDIT_URL = "http://didit.test"
KAYLE_URL = "http://kayle.test"


def gateway_settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "didit_base_url": DIDIT_URL,
        "didit_api_key": SecretStr(DEFAULT_DIDIT_API_KEY),
        "kayle_base_url": KAYLE_URL,
        "kayle_api_key": SecretStr(DEFAULT_KAYLE_API_KEY),
        "cursor_secret": SecretStr("test-cursor-secret"),
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
