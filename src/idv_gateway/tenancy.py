"""What each tenant gets of its own, and the directory the edge finds it in (docs/tenants.md).

Isolation is by construction: a `Tenant` owns its upstream clients (its keys), circuit
breakers, retry budgets, cache and in-flight coalescing, first-page hints, cursor key,
readiness probes and per-client limits. Nothing in one tenant's objects can reach
another's, so no code path has to remember to add a tenant to a key.

The tenants file is re-read when it (or a key file it names) changes, and on `SIGHUP`:
a removed tenant is refused from the next request on, a changed one gets fresh clients
(and an empty cache, since a new key may be a different application), an unchanged one
keeps everything; a file that does not hold keeps the last good configuration.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

from idv_gateway.config import Settings
from idv_gateway.domain import Provider
from idv_gateway.events import InProcessBus, InProcessDeduplicator
from idv_gateway.observability.metrics import Metrics
from idv_gateway.pagination import CursorCodec
from idv_gateway.providers import DiditProvider, KayleProvider
from idv_gateway.resilience.client_limits import SlidingWindowLimiter
from idv_gateway.service import SessionService
from idv_gateway.service.readiness import Readiness
from idv_gateway.tenants_file import (
    DEFAULT_TENANT,
    TenantConfig,
    TenantsFileError,
    load_tenants_file,
    watched_paths,
)
from idv_gateway.upstreams import Upstreams, open_upstreams

__all__ = ["POLL_SECONDS", "Tenant", "TenantDirectory", "tenant_cursor_key"]

POLL_SECONDS = 2.0  # how often the tenants file and its key files are checked for changes
logger = logging.getLogger("idv_gateway.tenants")
Transports = Mapping[Provider, httpx.AsyncBaseTransport]


def tenant_cursor_key(base: bytes, tenant: str) -> bytes:
    """A key per tenant from the one cursor secret: a cursor signed for one tenant fails
    verification for every other (`BAD_USER_INPUT`). `default` keeps the secret itself,
    so the cursors of a single-tenant gateway stay valid."""
    if tenant == DEFAULT_TENANT:
        return base
    return hmac.new(
        base, b"idv-gateway cursors of tenant " + tenant.encode(), hashlib.sha256
    ).digest()


@dataclass(frozen=True, eq=False)
class Tenant:
    id: str
    config: TenantConfig
    upstreams: Upstreams
    service: SessionService
    readiness: Readiness
    requests: SlidingWindowLimiter  # GraphQL requests per client of this tenant
    upstream_calls: SlidingWindowLimiter  # upstream calls per client of this tenant
    stack: contextlib.AsyncExitStack  # closes its clients


class TenantDirectory:
    """The tenants served now. `find` is what the edge calls, once per request."""

    def __init__(
        self,
        settings: Settings,
        *,
        metrics: Metrics | None = None,
        fixed: Sequence[tuple[TenantConfig, Transports | None]] = (),
        names_required: bool = False,
        demo: bool = False,
    ) -> None:
        """`fixed`: tenants from the environment (or the demo), not from the file."""
        self._settings = settings
        self._metrics = metrics
        self._fixed = list(fixed)
        self._file = settings.tenants_file
        self.names_required = names_required or self._file is not None
        self.demo = demo
        self._tenants: dict[str, Tenant] = {}
        # Kept while a tenant is served, across changes of its configuration: its
        # subscribers stay connected and its webhook replays stay recognised.
        self._live: dict[str, tuple[InProcessBus, InProcessDeduplicator]] = {}
        self._signature: tuple[tuple[str, int, int], ...] = ()
        self._lock = asyncio.Lock()
        self._retiring: set[asyncio.Task[None]] = set()
        self._watcher: asyncio.Task[None] | None = None
        self.last_reload_problem: str | None = None

    # -- lookups ------------------------------------------------------------------------
    def find(self, tenant: str) -> Tenant | None:
        return self._tenants.get(tenant)

    def all(self) -> list[Tenant]:
        return list(self._tenants.values())

    # -- life cycle ---------------------------------------------------------------------
    async def start(self) -> None:
        """Opens every tenant; a tenants file that does not hold raises TenantsFileError."""
        tenants: dict[str, Tenant] = {}
        try:
            for config, transports in self._fixed:
                tenants[config.id] = await self._open(config, transports)
            if self._file is not None:
                for config in self._read_file().values():
                    tenants[config.id] = await self._open(config, None)
        except BaseException:
            for tenant in tenants.values():
                await tenant.stack.aclose()
            raise
        self._tenants = tenants
        if self._file is not None:
            self._watcher = asyncio.create_task(self._watch(), name="idv-gateway tenants file")

    async def close(self) -> None:
        if self._watcher is not None:
            self._watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watcher
        for task in list(self._retiring):
            task.cancel()
        await asyncio.gather(*self._retiring, return_exceptions=True)
        for tenant in self._tenants.values():
            await tenant.stack.aclose()
        self._tenants = {}
        for bus, _ in self._live.values():
            bus.close("the gateway is shutting down")
        self._live = {}

    async def reload(self) -> str:
        """Re-reads the tenants file: "applied", "unchanged" or "rejected" (and says why)."""
        if self._file is None:
            return "unchanged"
        async with self._lock:
            outcome = await self._reload()
        if self._metrics is not None:
            self._metrics.tenant_reloads.labels(outcome).inc()
        return outcome

    async def _reload(self) -> str:
        watched = [Path(entry[0]) for entry in self._signature]
        try:
            configs = await asyncio.to_thread(self._read_file)
        except TenantsFileError as problem:
            # Not re-read until one of the files changes again.
            self._signature = await asyncio.to_thread(_signature, watched)
            self.last_reload_problem = "; ".join(problem.problems)
            logger.error(
                "tenants file not reloaded, still serving the last good configuration: %s",
                self.last_reload_problem,
            )
            return "rejected"
        self.last_reload_problem = None
        current = self._tenants
        fixed = {config.id for config, _ in self._fixed}
        chosen = {tenant_id: current[tenant_id] for tenant_id in fixed if tenant_id in current}
        added: list[str] = []
        changed: list[str] = []
        for tenant_id, config in configs.items():
            old = current.get(tenant_id)
            if old is not None and old.config.fingerprint() == config.fingerprint():
                chosen[tenant_id] = old
                continue
            (changed if old is not None else added).append(tenant_id)
            chosen[tenant_id] = await self._open(config, None)
        removed = sorted(set(current) - set(chosen))
        self._tenants = chosen  # one assignment: a request sees the old set or the new one
        for tenant_id in removed:
            bus, _ = self._live.pop(tenant_id, (None, None))
            if bus is not None:
                bus.close(f"the tenant {tenant_id!r} is no longer served by this gateway")
        for tenant_id, tenant in current.items():
            if chosen.get(tenant_id) is not tenant:
                self._retire(tenant)
        if not (added or changed or removed):
            return "unchanged"
        logger.warning(
            "tenants file reloaded: added %s; changed %s; removed %s",
            ", ".join(added) or "none",
            ", ".join(changed) or "none",
            ", ".join(removed) or "none",
        )
        return "applied"

    def _read_file(self) -> dict[str, TenantConfig]:
        assert self._file is not None
        env_default = any(config.id == DEFAULT_TENANT for config, _ in self._fixed)
        configs = load_tenants_file(self._file, env_default=env_default)
        self._signature = _signature(watched_paths(self._file, configs.values()))
        return configs

    def _retire(self, tenant: Tenant) -> None:
        """Requests already under way finish (their deadline bounds them), then the
        tenant's clients close."""

        async def close_later() -> None:
            try:
                await asyncio.sleep(self._settings.request_deadline_seconds + 1)
            finally:
                await tenant.stack.aclose()

        task = asyncio.create_task(close_later())
        self._retiring.add(task)
        task.add_done_callback(self._retiring.discard)

    async def _watch(self) -> None:
        assert self._file is not None
        while True:
            await asyncio.sleep(POLL_SECONDS)
            paths = [Path(entry[0]) for entry in self._signature] or [self._file]
            if await asyncio.to_thread(_signature, paths) != self._signature:
                await self.reload()

    async def _open(self, config: TenantConfig, transports: Transports | None) -> Tenant:
        settings = self._settings
        stack = contextlib.AsyncExitStack()
        try:
            upstreams = await open_upstreams(
                settings, stack, config, transports=transports, metrics=self._metrics
            )
        except BaseException:
            await stack.aclose()
            raise
        didit = None if upstreams.didit is None else DiditProvider(upstream=upstreams.didit)
        kayle = None if upstreams.kayle is None else KayleProvider(upstream=upstreams.kayle)
        bus, dedup = self._live.setdefault(config.id, (InProcessBus(), InProcessDeduplicator()))
        service = SessionService(
            didit=didit,
            kayle=kayle,
            codec=CursorCodec(tenant_cursor_key(settings.cursor_key(), config.id)),
            # A first page keeps its read plan while its answers can still be cached.
            hint_reuse_seconds=settings.cache_list_ttl_seconds if settings.cache_enabled else 0,
            bus=bus,
            dedup=dedup,
        )

        def limit(own: int | None, shared: int) -> SlidingWindowLimiter:
            return SlidingWindowLimiter(shared if own is None else own)

        return Tenant(
            id=config.id,
            config=config,
            upstreams=upstreams,
            service=service,
            readiness=Readiness({Provider.DIDIT: didit, Provider.KAYLE: kayle}),
            requests=limit(config.rate_limit_per_minute, settings.rate_limit_per_minute),
            upstream_calls=limit(
                config.upstream_calls_per_minute, settings.upstream_calls_per_minute
            ),
            stack=stack,
        )


def _signature(paths: list[Path]) -> tuple[tuple[str, int, int], ...]:
    """What changes when a file is edited, replaced or removed (mtime, size)."""
    found = []
    for path in paths:
        try:
            stat = os.stat(path)
        except OSError:
            found.append((str(path), -1, -1))
        else:
            found.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(found)
