"""One provider's outbound side: its HTTP client, a bound on concurrent calls, the cache."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable, Callable, Collection, Hashable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx

from idv_gateway.cache import UpstreamCache
from idv_gateway.domain import Provider
from idv_gateway.providers._http import get_json

__all__ = ["CachePolicy", "Upstream"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class CachePolicy:
    """Seconds an upstream answer is reused: short for lists, longer for settled details."""

    lists: float = 5.0
    details: float = 15.0
    final_details: float = 300.0

    def list_ttl(self, _value: object) -> float:
        return self.lists

    def detail_ttl(self, final: bool) -> float:
        return self.final_details if final else self.details


class Upstream:
    def __init__(
        self,
        *,
        provider: Provider,
        client: httpx.AsyncClient,
        credential: str,
        cache: UpstreamCache | None = None,
        policy: CachePolicy | None = None,
        max_concurrency: int = 16,
    ) -> None:
        self.provider = provider
        self.policy = policy or CachePolicy()
        self._client = client
        # Cache keys carry this, never the credential itself.
        self._fingerprint = hashlib.sha256(credential.encode()).hexdigest()[:16]
        self._cache = cache
        self._slots = asyncio.Semaphore(max_concurrency)

    async def get_json(
        self,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        missing: Collection[int] = (),
    ) -> Any:
        async with self._slots:
            return await get_json(self._client, self.provider, path, params=params, missing=missing)

    async def cached(
        self, key: Hashable, fetch: Callable[[], Awaitable[T]], ttl: Callable[[T], float]
    ) -> T:
        """`fetch()` once per key across concurrent callers, then reuse it for `ttl(value)`."""
        if self._cache is None:
            return await fetch()
        return await self._cache.get_or_fetch(
            (self.provider.value, self._fingerprint, key), fetch, ttl
        )
