"""Per-request DataLoaders: within one GraphQL request each upstream object is fetched once.

Neither provider has a batch endpoint, so a batch is a set of concurrent calls (bounded
per provider by `providers._upstream`). A failed key gets its own exception; the other
keys of the batch still resolve.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Any, Generic, TypeVar

from aiodataloader import DataLoader

from idv_gateway.domain import Session, SessionSource
from idv_gateway.domain.decision import Decision
from idv_gateway.service import SessionService

__all__ = ["Loaders"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class _Loader(Generic[K, V]):
    """A typed face on aiodataloader, which has no type hints of its own."""

    def __init__(self, load_one: Callable[[K], Awaitable[V]]) -> None:
        async def batch(keys: Sequence[K]) -> list[Any]:
            results = await asyncio.gather(*(load_one(k) for k in keys), return_exceptions=True)
            return list(results)

        self._loader = DataLoader(batch_load_fn=batch)

    async def load(self, key: K) -> V:
        value: V = await self._loader.load(key)
        return value


class Loaders:
    def __init__(self, service: SessionService) -> None:
        self.session: _Loader[tuple[SessionSource, str], Session | None] = _Loader(
            lambda key: service.get_session(*key)
        )
        self.decision: _Loader[str, Decision | None] = _Loader(service.get_decision)
