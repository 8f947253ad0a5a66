"""Builds one newest-first page from several source readers, with the partial-failure policy.

Policy (one place): a source whose provider fails is left out of the page, its error is
reported, and its cursor state is kept as it was. Reading the same `after` again once the
provider is back returns the page complete and in order. Paging on instead loses and
repeats nothing: the failed source resumes from its own older position, and its sessions
that belong before the previous page's end arrive first, marked as catching up (the one
exception to the order). Every page either advances some position or ends the walk, and
`hasNextPage` always comes with a cursor to continue from.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from idv_gateway.domain import Session, SessionSource
from idv_gateway.errors import ProviderError
from idv_gateway.pagination import (
    CursorCodec,
    Entry,
    FeedCursor,
    SortKey,
    SourceState,
    safe_prefix,
)

__all__ = ["FeedPage", "Reader", "read_page"]

# Rounds of reads per page once it holds a session; an empty page keeps reading (each
# round moves every reader on) up to the hard cap, so it is empty only at the end.
MAX_ROUNDS = 8
HARD_ROUNDS = 64
MARGIN = 1.2
# A first page reads from hints learned on small samples: aim deeper, save a round trip.
FIRST_PAGE_MARGIN = 1.6


class Reader(Protocol):
    source: SessionSource
    position: SortKey | None
    items: list[Entry]
    frontier: SortKey | None
    density: float | None
    error: ProviderError | None
    total: int | None
    exhausted: bool

    @property
    def frontier_us(self) -> int | None: ...

    @property
    def newest_us(self) -> int | None: ...

    async def step(self, target_us: int | None, need: int) -> None: ...

    def state_after(self, key: SortKey) -> SourceState: ...


@dataclass(frozen=True)
class FeedPage:
    entries: list[Entry]
    has_next: bool
    has_previous: bool
    total: int | None
    # One error per failed provider, with the sources it left out of the page.
    errors: list[tuple[ProviderError, tuple[SessionSource, ...]]]
    _readers: Sequence[Reader]
    _resume: SortKey | None
    _cursor: FeedCursor
    _codec: CursorCodec
    # The furthest any source had got when the page started: entries at or before it
    # belong to earlier pages and arrive late, because their provider had failed.
    _reached: SortKey | None = None

    @property
    def sessions(self) -> list[Session]:
        return [session for _, session in self.entries]

    def catching_up(self, index: int) -> bool:
        """The `index`-th entry sorts before the previous page's end (see the module doc)."""
        return self._reached is not None and self.entries[index][0] <= self._reached

    def cursor_at(self, index: int) -> str:
        """The cursor that resumes right after the `index`-th entry of this page."""
        return self._encode(self.entries[index][0])

    def _encode(self, key: SortKey) -> str:
        states = dict(self._cursor.states)
        for reader in self._readers:
            states[reader.source] = reader.state_after(key)
        return self._codec.encode(
            FeedCursor(
                connection=self._cursor.connection, digest=self._cursor.digest, states=states
            )
        )

    def end_cursor(self) -> str:
        """Where to continue. When nothing could be read (every source failed), the
        request's own position: reading it again once the providers are back is exact."""
        if self._resume is not None:
            return self._encode(self._resume)
        return self._codec.encode(self._cursor)


def _errors_by_provider(
    readers: Sequence[Reader],
) -> list[tuple[ProviderError, tuple[SessionSource, ...]]]:
    grouped: dict[object, tuple[ProviderError, tuple[SessionSource, ...]]] = {}
    for reader in readers:
        if reader.error is not None:
            first, sources = grouped.get(reader.error.provider, (reader.error, ()))
            grouped[reader.error.provider] = (first, (*sources, reader.source))
    return list(grouped.values())


def _target(
    readers: Sequence[Reader], reference_us: int | None, need: int, margin: float = MARGIN
) -> int | None:
    """The time down to which every source should read to yield about `need` rows."""
    if reference_us is None or any(r.density is None for r in readers):
        return None
    density = sum(r.density or 0.0 for r in readers)
    if density <= 0:
        return None
    span_us = need * margin / density * 1e6
    # No provider has sessions before the epoch; a tiny density must not reach past it.
    return 0 if not span_us < reference_us else reference_us - int(span_us)


async def read_page(
    readers: Sequence[Reader],
    *,
    first: int,
    cursor: FeedCursor,
    codec: CursorCodec,
    resumed: bool,
    newest_us: int | None = None,
) -> FeedPage:
    """`newest_us` (a hint on first pages) anchors the first reads when no position does."""
    need = first + 1  # one more than asked tells whether a next page exists
    positions = [r.position for r in readers if r.position is not None]
    times = [-position[0] for position in positions]
    margin = MARGIN if times else FIRST_PAGE_MARGIN
    target = _target(readers, max(times, default=newest_us), need, margin)
    await asyncio.gather(*(r.step(target, need) for r in readers))
    for round_number in range(HARD_ROUNDS + 1):
        live = [r for r in readers if r.error is None]
        safe = safe_prefix([r.items for r in live], [r.frontier for r in live], need)
        pending = [r for r in live if r.frontier is not None]
        if len(safe) >= need or not pending or round_number == HARD_ROUNDS:
            break
        if safe and round_number >= MAX_ROUNDS:
            break  # a short page with sessions; the cursor continues where reading stopped
        deficit = need - len(safe)
        # The newest frontier is the one holding the page back.
        reference = max(r.frontier_us or 0 for r in pending)
        target = _target(pending, reference, deficit)
        limiting = [r for r in pending if r.frontier_us == reference]
        await asyncio.gather(*(r.step(target, deficit) for r in limiting))
    errors = _errors_by_provider(readers)
    # Everything at or below the lowest pending frontier is known to every live source.
    bound = min((r.frontier for r in pending if r.frontier is not None), default=None)
    resume: SortKey | None
    if len(safe) > first:
        resume = safe[first - 1][0]
    elif bound is not None:
        resume = bound  # a frontier is a position: a page with no match still progresses
    else:
        resume = safe[-1][0] if safe else None
    totals = [r.total for r in readers]
    return FeedPage(
        entries=safe[:first],
        has_next=len(safe) > first or bool(errors) or bound is not None,
        has_previous=resumed,
        total=None if errors or any(t is None for t in totals) else sum(t or 0 for t in totals),
        errors=errors,
        _readers=readers,
        _resume=resume,
        _cursor=cursor,
        _codec=codec,
        _reached=max(positions, default=None),
    )
