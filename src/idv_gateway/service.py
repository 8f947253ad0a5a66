"""The gateway's use cases: one page of a connection, and sessions by id.

Resolvers call this module only; it decides which sources a filter reaches, builds one
reader per source and leaves merging and the partial-failure policy to `feed.engine`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

from idv_gateway.decision import Decision
from idv_gateway.domain import (
    KayleSession,
    Provider,
    Session,
    SessionSource,
    SessionStatus,
)
from idv_gateway.errors import BadUserInput, ProviderUnavailable
from idv_gateway.feed.didit_reader import DiditReader
from idv_gateway.feed.engine import FeedPage, Reader, read_page
from idv_gateway.feed.hints import FirstPageHints, Hint
from idv_gateway.feed.kayle_reader import KayleReader
from idv_gateway.feed.reader_base import ReaderBase
from idv_gateway.filters import KayleFilter, KybFilter, KycFilter, SessionFilter
from idv_gateway.pagination import (
    CursorCodec,
    FeedCursor,
    SortKey,
    SourceState,
    filter_digest,
    from_micros,
    micros,
)
from idv_gateway.providers.base import CursorPage, DiditPort, KaylePort, OffsetPage

__all__ = ["MAX_PAGE_SIZE", "SessionService"]

MAX_PAGE_SIZE = 100
P = TypeVar("P")


def _check_first(first: int) -> None:
    if not 1 <= first <= MAX_PAGE_SIZE:
        raise BadUserInput(
            f"`first` must be between 1 and {MAX_PAGE_SIZE}, got {first}", argument="first"
        )


def _check_window(flt: Any) -> None:
    start, end = flt.created_from, flt.created_to
    if start is not None and end is not None and start > end:
        raise BadUserInput("`createdFrom` is after `createdTo`", argument="filter")


def _not_configured(provider: Provider) -> ProviderUnavailable:
    error = ProviderUnavailable(provider, "is not configured on this gateway")
    error.retryable = False
    return error


class _Unconfigured(ReaderBase):
    """Stands in for a source whose provider has no base URL configured."""

    newest_us = None

    def __init__(self, source: SessionSource, state: SourceState) -> None:
        super().__init__(source, state)
        self.error = _not_configured(source.provider)
        self.exhausted = True
        self.frontier = None

    async def step(self, target_us: int | None, need: int) -> None:
        del target_us, need  # nothing to read

    def state_after(self, key: SortKey) -> SourceState:
        return self._resume(key, 0)  # failed: the state stays where it was


class SessionService:
    def __init__(
        self,
        *,
        didit: DiditPort | None,
        kayle: KaylePort | None,
        codec: CursorCodec,
        hint_reuse_seconds: float = 5.0,
    ) -> None:
        """`hint_reuse_seconds`: how long a first page keeps its read plan (the list TTL)."""
        self._didit = didit
        self._kayle = kayle
        self._codec = codec
        self._hints = FirstPageHints(reuse_seconds=hint_reuse_seconds)

    # -- connections --------------------------------------------------------------
    async def kyc_page(self, flt: KycFilter, *, first: int, after: str | None) -> FeedPage:
        return await self._page("kycSessions", flt, {SessionSource.DIDIT_KYC: flt}, first, after)

    async def kyb_page(self, flt: KybFilter, *, first: int, after: str | None) -> FeedPage:
        return await self._page("kybSessions", flt, {SessionSource.DIDIT_KYB: flt}, first, after)

    async def kayle_page(
        self, flt: KayleFilter, *, first: int, after: str | None, kayle_attempts: bool = True
    ) -> FeedPage:
        parts: dict[SessionSource, KycFilter | KybFilter | KayleFilter] = {SessionSource.KAYLE: flt}
        return await self._page("kayleSessions", flt, parts, first, after, kayle_attempts)

    async def feed_page(
        self, flt: SessionFilter, *, first: int, after: str | None, kayle_attempts: bool = True
    ) -> FeedPage:
        parts: dict[SessionSource, KycFilter | KybFilter | KayleFilter] = {}
        for source, part in (
            (SessionSource.DIDIT_KYC, flt.kyc()),
            (SessionSource.DIDIT_KYB, flt.kyb()),
            (SessionSource.KAYLE, flt.kayle()),
        ):
            if part is not None:
                parts[source] = part
        return await self._page("sessions", flt, parts, first, after, kayle_attempts)

    async def _page(
        self,
        connection: str,
        flt: Any,
        parts: dict[SessionSource, KycFilter | KybFilter | KayleFilter],
        first: int,
        after: str | None,
        kayle_attempts: bool = True,
    ) -> FeedPage:
        _check_first(first)
        _check_window(flt)
        digest = filter_digest(dataclasses.asdict(flt))
        if after is None:
            cursor = FeedCursor(connection=connection, digest=digest)
        else:
            cursor = self._codec.decode(after, connection=connection, digest=digest)
        plan = self._hints.plan((connection, digest)) if after is None else {}
        none = Hint(density=None, newest_us=None)
        readers = [
            self._reader(
                source,
                part,
                cursor.states.get(source) or SourceState(density=plan.get(source, none).density),
                kayle_attempts,
                plan.get(source, none).newest_us,
            )
            for source, part in parts.items()
        ]
        newest = [h.newest_us for s, h in plan.items() if s in parts and h.newest_us is not None]
        page = await read_page(
            readers,
            first=first,
            cursor=cursor,
            codec=self._codec,
            resumed=after is not None,
            newest_us=max(newest, default=None),
        )
        if after is None:
            for reader in readers:
                if reader.error is None:
                    hint = Hint(density=reader.density, newest_us=reader.newest_us)
                    self._hints.learn((connection, digest), reader.source, hint)
        return page

    def _reader(
        self,
        source: SessionSource,
        flt: KycFilter | KybFilter | KayleFilter,
        state: SourceState,
        kayle_attempts: bool,
        newest_us: int | None = None,
    ) -> Reader:
        if isinstance(flt, KayleFilter):
            if self._kayle is None:
                return _Unconfigured(source, state)
            # APPROVED and DECLINED are told apart by attempts, so refining needs them.
            outcome = {SessionStatus.APPROVED, SessionStatus.DECLINED} & set(flt.statuses)
            return KayleReader(
                _window_fetch(self._kayle, flt, kayle_attempts or bool(outcome)),
                flt.matches,
                state,
                lower_us=None if flt.created_from is None else micros(flt.created_from),
                upper_us=None if flt.created_to is None else micros(flt.created_to),
            )
        if self._didit is None:
            return _Unconfigured(source, state)
        return DiditReader(
            source, _offset_fetch(self._didit, flt), flt.matches, state, newest_us=newest_us
        )

    # -- lookups ------------------------------------------------------------------
    async def get_session(self, source: SessionSource, session_id: str) -> Session | None:
        """One session by provider id, or None when it does not exist upstream."""
        if source is SessionSource.KAYLE:
            kayle = self._require(self._kayle, Provider.KAYLE)
            return await kayle.get_session(session_id)
        didit = self._require(self._didit, Provider.DIDIT)
        if source is SessionSource.DIDIT_KYC:
            return await didit.get_kyc(session_id)
        return await didit.get_kyb(session_id)

    async def get_decision(self, session_id: str) -> Decision | None:
        """A Didit session's full decision, or None when Didit no longer has it."""
        didit = self._require(self._didit, Provider.DIDIT)
        return await didit.get_decision(session_id)

    @staticmethod
    def _require(port: P | None, provider: Provider) -> P:
        if port is None:
            raise _not_configured(provider)
        return port


def _offset_fetch(didit: DiditPort, flt: KycFilter | KybFilter) -> Callable[[int, int], Any]:
    async def fetch(offset: int, limit: int) -> OffsetPage[Session]:
        if isinstance(flt, KycFilter):
            return await didit.list_kyc(flt, offset=offset, limit=limit)
        return await didit.list_kyb(flt, offset=offset, limit=limit)

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
