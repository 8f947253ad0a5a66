"""One newest-first reader per source, built from the source's filter and cursor state.

The service decides which sources a page reads (only those of configured providers);
this module knows how each provider's port is read: Didit by offset, Kayle by creation
windows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from idv_gateway.domain import (
    KayleFilter,
    KayleSession,
    KybFilter,
    KycFilter,
    Provider,
    Session,
    SessionSource,
    SessionStatus,
)
from idv_gateway.domain.filters import SourceFilter
from idv_gateway.errors import ProviderUnavailable
from idv_gateway.feed.didit_reader import DiditReader
from idv_gateway.feed.engine import Reader
from idv_gateway.feed.kayle_reader import KayleReader
from idv_gateway.pagination import SourceState, from_micros, micros
from idv_gateway.providers.base import CursorPage, DiditPort, KaylePort, OffsetPage

__all__ = ["build_reader", "not_configured"]


def not_configured(provider: Provider) -> ProviderUnavailable:
    error = ProviderUnavailable(provider, "is not configured on this gateway")
    error.retryable = False
    return error


def build_reader(
    source: SessionSource,
    flt: SourceFilter,
    state: SourceState,
    *,
    didit: DiditPort | None,
    kayle: KaylePort | None,
    kayle_attempts: bool,
    newest_us: int | None = None,
) -> Reader:
    if isinstance(flt, KayleFilter):
        if kayle is None:
            raise not_configured(Provider.KAYLE)  # the service reads configured sources only
        # APPROVED and DECLINED are told apart by attempts, so refining needs them.
        outcome = {SessionStatus.APPROVED, SessionStatus.DECLINED} & set(flt.statuses)
        return KayleReader(
            _window_fetch(kayle, flt, kayle_attempts or bool(outcome)),
            flt.matches,
            state,
            lower_us=None if flt.created_from is None else micros(flt.created_from),
            upper_us=None if flt.created_to is None else micros(flt.created_to),
        )
    if didit is None:
        raise not_configured(Provider.DIDIT)
    return DiditReader(source, _offset_fetch(didit, flt), flt.matches, state, newest_us=newest_us)


def _offset_fetch(didit: DiditPort, flt: KycFilter | KybFilter) -> Callable[..., Any]:
    async def fetch(offset: int, limit: int, fresh: bool) -> OffsetPage[Session]:
        if isinstance(flt, KycFilter):
            return await didit.list_kyc(flt, offset=offset, limit=limit, fresh=fresh)
        return await didit.list_kyb(flt, offset=offset, limit=limit, fresh=fresh)

    return fetch


def _window_fetch(kayle: KaylePort, flt: KayleFilter, include_attempts: bool) -> Callable[..., Any]:
    async def fetch(
        start_us: int | None, top_us: int | None, cursor: str | None, limit: int
    ) -> CursorPage[KayleSession]:
        return await kayle.list_sessions(
            flt,
            created_from=None if start_us is None else from_micros(start_us),
            created_to=None if top_us is None else from_micros(top_us),
            starting_after=cursor,
            limit=limit,
            include_attempts=include_attempts,
        )

    return fetch
