"""Two tenants, each with its own Didit application and Kayle organisation: own keys, own
sessions, served over real sockets. Two topologies: every account at its own URL, and
one URL per provider whose key decides the account (as the real providers work)."""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from pydantic import SecretStr
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from idv_gateway.app import create_app
from idv_gateway.config import Settings
from idv_gateway.simulators._ops import credential_fingerprint
from idv_gateway.simulators.didit import create_didit_app
from idv_gateway.simulators.kayle import create_kayle_app
from idv_gateway.simulators.kayle.app import SESSION_SCOPES
from tests.auth.conftest import idp  # noqa: F401  (the identity provider fixture)
from tests.auth.idp import AUDIENCE, ISSUER, IdentityProvider
from tests.resilience.conftest import serve_in_thread

ALL_SCOPES = "sessions:read pii:read decisions:read"


@dataclass
class Account:
    """One tenant's simulated provider accounts."""

    tenant: str
    didit_key: str
    kayle_key: str
    kayle_rotated_key: str  # a second key the Kayle organisation accepts (key rotation)
    didit_app: Starlette
    kayle_app: Starlette
    didit_url: str = ""  # where the gateway reaches the account
    kayle_url: str = ""
    didit_ops: str = ""  # where its `/_sim/*` endpoints are
    kayle_ops: str = ""

    def owns(self, provider_session_id: str) -> bool:
        return any(
            app.state.store.get(provider_session_id) is not None
            for app in (self.didit_app, self.kayle_app)
        )

    @property
    def fingerprints(self) -> set[str]:
        keys = (self.didit_key, self.kayle_key, self.kayle_rotated_key)
        return {credential_fingerprint(key) for key in keys}


def _account(tenant: str, seed: int, sizes: tuple[int, int, int]) -> Account:
    kyc, kyb, kayle = sizes
    didit_key = f"test-didit-key-{tenant}-not-a-secret"
    kayle_key = f"test-kayle-key-{tenant}-not-a-secret"
    rotated = f"test-kayle-key-{tenant}-rotated-not-a-secret"
    return Account(
        tenant,
        didit_key,
        kayle_key,
        rotated,
        create_didit_app(seed=seed, sessions=kyc, business_sessions=kyb, api_key=didit_key),
        create_kayle_app(
            seed=seed, sessions=kayle, api_key=kayle_key, extra_keys={rotated: SESSION_SCOPES}
        ),
    )


def _presented_key(scope: Scope) -> bytes:
    for name, value in scope.get("headers") or []:
        if name == b"x-api-key":
            return bytes(value)
        if name == b"authorization":
            return bytes(value).partition(b" ")[2]
    return b""


class KeyRouter:
    """One provider URL for several accounts: the key presented picks the account.
    `/<tenant>/_sim/...` reaches that account's simulator operations."""

    def __init__(self, accounts: dict[str, tuple[list[str], ASGIApp]]) -> None:
        self.by_key = {key.encode(): app for keys, app in accounts.values() for key in keys}
        self.by_tenant = {tenant: app for tenant, (_, app) in accounts.items()}
        self.unknown_keys = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        tenant, _, rest = path.lstrip("/").partition("/")
        if rest.startswith("_sim") and tenant in self.by_tenant:
            inner = {**scope, "path": "/" + rest, "raw_path": ("/" + rest).encode()}
            await self.by_tenant[tenant](inner, receive, send)
            return
        app = self.by_key.get(_presented_key(scope))
        if app is None:  # no account holds this key: refused, as the provider would
            self.unknown_keys += 1
            app = JSONResponse({"error": "unknown API key"}, status_code=401)
        await app(scope, receive, send)


@dataclass
class World:
    topology: str
    accounts: dict[str, Account]
    routers: list[KeyRouter] = field(default_factory=list)

    @property
    def acme(self) -> Account:
        return self.accounts["acme"]

    @property
    def globex(self) -> Account:
        return self.accounts["globex"]


@pytest.fixture(scope="module", params=["own-urls", "one-url"])
def world(request: pytest.FixtureRequest) -> Iterator[World]:
    accounts = {
        "acme": _account("acme", 31, (30, 8, 25)),
        "globex": _account("globex", 32, (22, 6, 18)),
    }
    servers = []
    routers: list[KeyRouter] = []
    if request.param == "own-urls":
        for account in accounts.values():
            for app, name in ((account.didit_app, "didit"), (account.kayle_app, "kayle")):
                server, thread, url = serve_in_thread(app)
                servers.append((server, thread))
                setattr(account, f"{name}_url", url)
                setattr(account, f"{name}_ops", url)
    else:
        for name in ("didit", "kayle"):
            router = KeyRouter(
                {
                    tenant: (
                        [getattr(a, f"{name}_key")]
                        + ([a.kayle_rotated_key] if name == "kayle" else []),
                        getattr(a, f"{name}_app"),
                    )
                    for tenant, a in accounts.items()
                }
            )
            routers.append(router)
            server, thread, url = serve_in_thread(router)  # type: ignore[arg-type]
            servers.append((server, thread))
            for tenant, account in accounts.items():
                setattr(account, f"{name}_url", url)
                setattr(account, f"{name}_ops", f"{url}/{tenant}")
    yield World(request.param, accounts, routers)
    for server, thread in servers:
        server.should_exit = True
        thread.join(timeout=10)


def tenants_toml(world: World, **changes: dict[str, Any]) -> str:
    """The tenants file for `world`; `changes[tenant]` overrides (None drops a field;
    `{"drop": True}` drops the tenant)."""
    lines = []
    for tenant, account in world.accounts.items():
        entry: dict[str, Any] = {
            "description": f"{tenant} (test)",
            "didit_base_url": account.didit_url,
            "didit_api_key": account.didit_key,
            "kayle_base_url": account.kayle_url,
            "kayle_api_key": account.kayle_key,
            **changes.get(tenant, {}),
        }
        if entry.pop("drop", False):
            continue
        lines.append(f"[tenants.{tenant}]")
        lines += [f"{name} = {value!r}" for name, value in entry.items() if value is not None]
        lines.append("")
    return "\n".join(lines).replace("'", '"')


# Service clients: one key per tenant, and one that names none.
API_KEYS = {
    "acme-reports": ("test-key-acme-reports-not-a-secret", "acme"),
    "globex-reports": ("test-key-globex-reports-not-a-secret", "globex"),
    "nameless": ("test-key-nameless-not-a-secret", None),
}


def api_keys_toml() -> str:
    lines = []
    for key_id, (key, tenant) in API_KEYS.items():
        lines += [
            f"[keys.{key_id}]",
            f'sha256 = "{hashlib.sha256(key.encode()).hexdigest()}"',
            'scopes = ["sessions:read", "pii:read", "decisions:read"]',
        ]
        if tenant is not None:
            lines.append(f'tenant = "{tenant}"')
        lines.append("")
    return "\n".join(lines)


@dataclass
class TenantGateway:
    world: World
    app: Any
    client: httpx.AsyncClient
    idp: IdentityProvider
    tenants_file: Path

    def token(self, tenant: str | None, *, claim: str = "tenant", **claims: Any) -> str:
        extra: dict[str, Any] = {} if tenant is None else {claim: tenant}
        return self.idp.token(scope=ALL_SCOPES, azp=f"{tenant}-dashboard", **extra, **claims)

    async def post(
        self, tenant: str | None, document: str, variables: dict[str, Any] | None = None
    ) -> httpx.Response:
        return await self.client.post(
            "/graphql",
            json={"query": document, "variables": variables or {}},
            headers={"authorization": f"Bearer {self.token(tenant)}"},
        )

    async def query(
        self, tenant: str, document: str, variables: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        response = await self.post(tenant, document, variables)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def ops(self, account: Account, provider: str) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=getattr(account, f"{provider}_ops"))

    async def stats(self) -> dict[str, dict[str, Any]]:
        """Per tenant and provider, what its simulated account counted."""
        found: dict[str, dict[str, Any]] = {}
        for tenant, account in self.world.accounts.items():
            for provider in ("didit", "kayle"):
                async with await self.ops(account, provider) as client:
                    found[f"{tenant}.{provider}"] = (await client.get("/_sim/stats")).json()
        return found

    async def reset(self) -> None:
        for account in self.world.accounts.values():
            for provider in ("didit", "kayle"):
                async with await self.ops(account, provider) as client:
                    await client.delete("/_sim/faults")
                    await client.post("/_sim/stats/reset")


@contextlib.asynccontextmanager
async def tenant_gateway(
    world: World, identity: IdentityProvider, directory: Path, **overrides: Any
) -> AsyncIterator[TenantGateway]:
    tenants_file = directory / "tenants.toml"
    tenants_file.write_text(tenants_toml(world))
    keys_file = directory / "api-keys.toml"
    keys_file.write_text(api_keys_toml())
    settings = Settings(
        **{
            "tenants_file": tenants_file,
            "auth_jwks_url": identity.jwks_url,
            "auth_issuer": ISSUER,
            "auth_audience": AUDIENCE,
            "auth_api_keys_file": keys_file,
            "cursor_secret": SecretStr("test-cursor-secret-test-cursor-secret"),
            "introspection_enabled": True,
            "rate_limit_per_minute": 0,
            "upstream_calls_per_minute": 0,
            **overrides,
        }
    )
    app = create_app(settings)
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=manager.app), base_url="http://gateway.test"
        ) as client,
    ):
        gateway = TenantGateway(world, app, client, identity, tenants_file)
        await gateway.reset()
        try:
            yield gateway
        finally:
            await gateway.reset()
