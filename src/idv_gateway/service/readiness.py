"""Readiness: every configured provider answers an authenticated call (docs/deploy.md).

`/healthz` says the process is alive; `/readyz` says it can serve: a wrong key, a wrong
base URL or a provider that is down makes it 503 with the reason per provider, so a
rollout with a bad secret halts instead of serving errors. Probes are cheap (one row of a
list), bounded by a short timeout, shared by concurrent callers and reused for a few
seconds, so a probing load balancer costs the providers at most one call per interval.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from idv_gateway.domain import Provider

__all__ = ["PROBE_REUSE_SECONDS", "PROBE_TIMEOUT_SECONDS", "Probe", "Readiness", "Report"]

PROBE_TIMEOUT_SECONDS = 2.0
PROBE_REUSE_SECONDS = 5.0
logger = logging.getLogger("idv_gateway")
OK = "ok"
NOT_CONFIGURED = "not configured"


class Probe(Protocol):
    async def probe(self, within: float) -> str | None:
        """None when the provider is usable, else why not."""


@dataclass(frozen=True, slots=True)
class Report:
    providers: dict[Provider, str]  # "ok", "not configured" or the reason

    @property
    def ready(self) -> bool:
        checked = [state for state in self.providers.values() if state != NOT_CONFIGURED]
        return bool(checked) and all(state == OK for state in checked)


class Readiness:
    def __init__(
        self,
        probes: Mapping[Provider, Probe | None],
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._probes = dict(probes)
        self._clock = clock
        self._answers: dict[Provider, tuple[float, str]] = {}
        self._running: dict[Provider, asyncio.Task[str]] = {}

    async def check(self) -> Report:
        states = await asyncio.gather(*(self._state(p) for p in Provider))
        return Report(providers=dict(zip(Provider, states, strict=True)))

    async def _state(self, provider: Provider) -> str:
        probe = self._probes.get(provider)
        if probe is None:
            return NOT_CONFIGURED
        answered = self._answers.get(provider)
        if answered is not None and self._clock() - answered[0] < PROBE_REUSE_SECONDS:
            return answered[1]
        task = self._running.get(provider)
        if task is None:
            task = asyncio.create_task(self._run(provider, probe))
            self._running[provider] = task
        # Shielded: a caller that gives up does not cancel the probe the others wait on.
        return await asyncio.shield(task)

    async def _run(self, provider: Provider, probe: Probe) -> str:
        try:
            try:
                problem = await probe.probe(PROBE_TIMEOUT_SECONDS)
            except Exception as exc:  # a bug of ours must not turn the probe into a 500
                logger.exception("%s readiness probe failed", provider.value.title())
                problem = f"probe failed ({type(exc).__name__})"
            state = OK if problem is None else problem
            self._answers[provider] = (self._clock(), state)
            return state
        finally:
            del self._running[provider]
