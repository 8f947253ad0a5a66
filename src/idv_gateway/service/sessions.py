"""The gateway's read use cases: one page of a connection, and sessions by id.

Resolvers call this module only; it decides which sources a filter reaches, builds one
reader per source (`service.sources`) and leaves merging and the partial-failure policy
to `feed.engine`.
"""

from __future__ import annotations

import dataclasses
from typing import TypeVar

from idv_gateway.domain import (
    Decision,
    KayleFilter,
    KybFilter,
    KycFilter,
    Provider,
    Session,
    SessionFilter,
    SessionSource,
)
from idv_gateway.domain.events import SessionEvent
from idv_gateway.domain.filters import SourceFilter, source_of
from idv_gateway.errors import BadUserInput
from idv_gateway.events import (
    Deduplicator,
    EventBus,
    InProcessBus,
    InProcessDeduplicator,
    Subscription,
)
from idv_gateway.feed.engine import FeedPage, read_page
from idv_gateway.feed.hints import FirstPageHints, Hint
from idv_gateway.pagination import CursorCodec, FeedCursor, SourceState, filter_digest
from idv_gateway.providers.base import DiditPort, KaylePort
from idv_gateway.service.sources import build_reader, not_configured

__all__ = ["CONNECTIONS", "MAX_PAGE_SIZE", "AnyFilter", "SessionService"]

MAX_PAGE_SIZE = 100
P = TypeVar("P")
AnyFilter = SessionFilter | KycFilter | KybFilter | KayleFilter
# Connection name → the filter type it takes. The name is bound into its cursors.
CONNECTIONS: dict[str, type] = {
    "sessions": SessionFilter,
    "kycSessions": KycFilter,
    "kybSessions": KybFilter,
    "kayleSessions": KayleFilter,
}
_NO_HINT = Hint(density=None, newest_us=None)


def _check_first(first: int) -> None:
    if not 1 <= first <= MAX_PAGE_SIZE:
        raise BadUserInput(
            f"`first` must be between 1 and {MAX_PAGE_SIZE}, got {first}", argument="first"
        )


def _check_window(flt: AnyFilter) -> None:
    start, end = flt.created_from, flt.created_to
    if start is not None and end is not None and start > end:
        raise BadUserInput("`createdFrom` is after `createdTo`", argument="filter")


def _source_names(sources: list[SessionSource]) -> str:
    return ", ".join(source.value for source in sources)


class SessionService:
    def __init__(
        self,
        *,
        didit: DiditPort | None,
        kayle: KaylePort | None,
        codec: CursorCodec,
        hint_reuse_seconds: float = 5.0,
        bus: EventBus | None = None,
        dedup: Deduplicator | None = None,
    ) -> None:
        """`hint_reuse_seconds`: how long a first page keeps its read plan (the list TTL).
        `bus` and `dedup` outlive the service when a tenant's configuration changes."""
        self._didit = didit
        self._kayle = kayle
        self._codec = codec
        self._hints = FirstPageHints(reuse_seconds=hint_reuse_seconds)
        self.bus: EventBus = bus if bus is not None else InProcessBus()
        self._dedup: Deduplicator = dedup if dedup is not None else InProcessDeduplicator()

    # -- live events ------------------------------------------------------------------
    async def receive_event(self, event: SessionEvent) -> bool:
        """A verified provider event: False for a replay (already received); otherwise
        the session's cached answers are dropped, so the next read is fresh, and the
        event goes to the subscribers."""
        if not await self._dedup.first_seen(event.event_id):
            return False
        port = self._kayle if event.source is SessionSource.KAYLE else self._didit
        if port is not None:
            port.forget(event.provider_session_id)
        await self.bus.publish(event)
        return True

    def subscribe(self, *, max_queued: int) -> Subscription:
        return self.bus.subscribe(max_queued=max_queued)

    async def page(
        self,
        connection: str,
        flt: AnyFilter,
        *,
        first: int,
        after: str | None,
        kayle_attempts: bool = True,
    ) -> FeedPage:
        """One page of `connection` (a key of `CONNECTIONS`) after the cursor `after`."""
        if not isinstance(flt, CONNECTIONS[connection]):
            raise TypeError(f"{connection} takes a {CONNECTIONS[connection].__name__}")
        _check_first(first)
        _check_window(flt)
        parts = self._parts(flt)
        digest = filter_digest(dataclasses.asdict(flt))
        if after is None:
            cursor = FeedCursor(connection=connection, digest=digest)
        else:
            cursor = self._codec.decode(after, connection=connection, digest=digest)
        plan = self._hints.plan((connection, digest)) if after is None else {}
        readers = [
            build_reader(
                source,
                part,
                cursor.states.get(source)
                or SourceState(density=plan.get(source, _NO_HINT).density),
                didit=self._didit,
                kayle=self._kayle,
                kayle_attempts=kayle_attempts,
                newest_us=plan.get(source, _NO_HINT).newest_us,
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

    def configured(self, source: SessionSource) -> bool:
        port = self._kayle if source is SessionSource.KAYLE else self._didit
        return port is not None

    def _parts(self, flt: AnyFilter) -> dict[SessionSource, SourceFilter]:
        """The sources a page reads: only those of configured providers take part."""
        if not isinstance(flt, SessionFilter):
            source = source_of(flt)
            if not self.configured(source):
                raise not_configured(source.provider)
            return {source: flt}
        missing = [s for s in flt.sources if not self.configured(s)]
        if missing:
            served = [s for s in SessionSource if self.configured(s)]
            raise BadUserInput(
                f"`sources` names {_source_names(missing)}, whose provider is not configured "
                f"on this gateway; it serves {_source_names(served) or 'no source'}",
                argument="filter",
            )
        return {s: part for s, part in flt.parts().items() if self.configured(s)}

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
            raise not_configured(provider)
        return port
