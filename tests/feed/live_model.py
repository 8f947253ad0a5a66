"""A model of the providers' lists changing while a client pages, and the walk's invariants.

The state machine interleaves page reads with what happens to real lists: bursts of new
sessions at the head (with equal timestamps, within a source and across sources),
deletions anywhere, status changes into and out of the walk's filter, and outages of
either provider (from the first page or mid-walk). After a failed page the client either
reads the same `after` again or pages on. The invariants, checked on every page and at
the end of every walk:

- no session is delivered twice;
- none is lost among those that matched at the start, were never deleted and never left
  the filter (a session that leaves the filter and comes back while the walk passes its
  place cannot be guaranteed by any pager without a snapshot, so the model moves a
  session out of the filter at most once per walk);
- edges not flagged `arrivedLate` are in strictly increasing feed order over the whole
  walk, and flagged ones come first on their page;
- `hasNextPage` comes with an end cursor, and an empty page with `hasNextPage` only
  when a source failed on it;
- a walk ends within about N / `first` pages plus a small constant.

`benchmarks/live_feed.py` runs the same machine for longer.
"""

from __future__ import annotations

import asyncio
import math
import random
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from idv_gateway.domain import (
    KayleFilter,
    KayleSession,
    KybFilter,
    KybSession,
    KycFilter,
    KycSession,
    Session,
    SessionFilter,
    SessionSource,
    SessionStatus,
)
from idv_gateway.pagination import CursorCodec, SortKey, sort_key
from idv_gateway.service import SessionService

from .fakes import BASE, DIDIT_STATUSES, FakeDidit, FakeKayle, dataset, kayle, kyb, kyc

CODEC = CursorCodec(b"model-cursor-key-model-cursor-key")
CONNECTIONS = {
    "sessions": SessionFilter,
    "kycSessions": KycFilter,
    "kybSessions": KybFilter,
    "kayleSessions": KayleFilter,
}
SOURCES_OF = {
    "sessions": set(SessionSource),
    "kycSessions": {SessionSource.DIDIT_KYC},
    "kybSessions": {SessionSource.DIDIT_KYB},
    "kayleSessions": {SessionSource.KAYLE},
}
# Statuses a walk may filter on, and what a status change may move a session to.
FILTERS: list[tuple[SessionStatus, ...]] = [
    (),
    (SessionStatus.NOT_STARTED, SessionStatus.IN_PROGRESS),
    (SessionStatus.APPROVED,),
]
KAYLE_OPEN = {"created": SessionStatus.NOT_STARTED, "in_progress": SessionStatus.IN_PROGRESS}
KAYLE_CLOSED = {"expired": SessionStatus.EXPIRED, "cancelled": SessionStatus.CANCELLED}
PAGE_SLACK = 3


@dataclass
class Walk:
    connection: str
    first: int
    statuses: tuple[SessionStatus, ...]
    after: str | None = None
    seen: list[str] = field(default_factory=list)
    last_key: SortKey | None = None
    required: set[str] = field(default_factory=set)
    excused: set[str] = field(default_factory=set)  # deleted or moved out of the filter
    pages: int = 0
    failed_pages: int = 0
    done: bool = False

    def filter(self) -> Any:
        return CONNECTIONS[self.connection](statuses=self.statuses)

    def wants(self, session: Session) -> bool:
        return session.source in SOURCES_OF[self.connection] and (
            not self.statuses or session.status in self.statuses
        )


@dataclass
class Figures:
    """Counted over every machine run, for the closing report of a run."""

    steps: int = 0
    walks: int = 0
    pages: int = 0
    inserts: int = 0
    deletions: int = 0
    status_changes: int = 0
    outages: int = 0
    late_edges: int = 0
    checked_walks: int = 0


FIGURES = Figures()


class LiveFeed(RuleBasedStateMachine):
    """See the module docstring."""

    def __init__(self) -> None:
        super().__init__()
        self.rng = random.Random(0)
        self.now = BASE + timedelta(days=60)
        self.walk: Walk | None = None
        self.didit = FakeDidit()
        self.kayle = FakeKayle()
        self.service = SessionService(didit=self.didit, kayle=self.kayle, codec=CODEC)
        # Sessions created or re-reviewed since remembered pages were last cleared: a walk
        # may read its first pages from before them (a cache is that many seconds old).
        self.touched: set[str] = set()

    @initialize(
        seed=st.integers(0, 10_000),
        sizes=st.tuples(st.integers(0, 90), st.integers(0, 30), st.integers(0, 90)),
        ties=st.sampled_from([0, 2, 5]),
        cached=st.booleans(),
    )
    def load(self, seed: int, sizes: tuple[int, int, int], ties: int, cached: bool) -> None:
        # Not `seed` itself: the dataset draws its Kayle ids from that, and ids must not repeat.
        self.rng = random.Random(f"changes-{seed}")
        self.didit, self.kayle = dataset(seed, *sizes, spread_hours=48, tie_every=ties)
        self.didit.remembered = {} if cached else None
        self.touched = set()
        self.service = SessionService(didit=self.didit, kayle=self.kayle, codec=CODEC)

    # -- the client ---------------------------------------------------------------
    def _rows(self) -> list[Session]:
        return [*self.didit.kyc_rows, *self.didit.kyb_rows, *self.kayle.rows]

    @precondition(lambda self: self.walk is None or self.walk.done)
    @rule(
        connection=st.sampled_from(list(CONNECTIONS)),
        first=st.sampled_from([1, 3, 7, 20, 50]),
        statuses=st.sampled_from(FILTERS),
    )
    def start_walk(self, connection: str, first: int, statuses: tuple[SessionStatus, ...]) -> None:
        walk = Walk(connection, first, statuses)
        walk.required = {r.provider_session_id for r in self._rows() if walk.wants(r)}
        if self.didit.remembered is not None:
            walk.excused |= self.touched  # the cache may be older than these changes
        self.walk = walk
        FIGURES.walks += 1

    @precondition(lambda self: self.walk is not None and not self.walk.done)
    @rule(page_on_after_failure=st.booleans())
    def read_page(self, page_on_after_failure: bool) -> None:
        walk = self.walk
        assert walk is not None
        page = asyncio.run(
            self.service.page(walk.connection, walk.filter(), first=walk.first, after=walk.after)
        )
        walk.pages += 1
        FIGURES.pages += 1
        FIGURES.steps += 1
        assert len(page.entries) <= walk.first
        if page.has_next:
            assert page.end_cursor() is not None
            assert page.entries or page.errors, "an empty page promised more without an error"
        late_done = False
        for index, (key, session) in enumerate(page.entries):
            ident = session.provider_session_id
            assert ident not in walk.seen, f"{ident} delivered twice"
            walk.seen.append(ident)
            if page.catching_up(index):
                assert not late_done, "a late edge after an in-order edge on the same page"
                FIGURES.late_edges += 1
                continue
            late_done = True
            assert walk.last_key is None or key > walk.last_key, "the order went back"
            walk.last_key = key
        if page.errors:
            walk.failed_pages += 1
            if not page_on_after_failure:
                # Read the same page again: undo what this page delivered.
                walk.seen = walk.seen[: len(walk.seen) - len(page.entries)]
                walk.last_key = self._last_in_order(walk)
                return
        pages_ok = walk.pages - walk.failed_pages
        bound = math.ceil((len(walk.seen) + 1) / walk.first) + PAGE_SLACK + 2 * walk.failed_pages
        assert pages_ok <= bound, f"{pages_ok} pages for {len(walk.seen)} sessions"
        if page.has_next:
            walk.after = page.end_cursor()
            return
        self._finish(walk)

    @precondition(lambda self: self.walk is not None and not self.walk.done)
    @rule(pages=st.integers(2, 6), page_on_after_failure=st.booleans())
    def read_pages(self, pages: int, page_on_after_failure: bool) -> None:
        """Clients mostly read: several pages between two changes keep walks finishing."""
        for _ in range(pages):
            if self.walk is None or self.walk.done:
                return
            self.read_page(page_on_after_failure)

    def _last_in_order(self, walk: Walk) -> SortKey | None:
        keys = {r.provider_session_id: sort_key(r) for r in self._rows()}
        in_order = [keys[i] for i in walk.seen if i in keys]
        return max(in_order, default=None) if in_order else None

    def _finish(self, walk: Walk) -> None:
        walk.done = True
        seen = set(walk.seen)
        current = {r.provider_session_id: r for r in self._rows()}
        lost = {
            ident
            for ident in walk.required - walk.excused
            if ident in current and walk.wants(current[ident]) and ident not in seen
        }
        assert not lost, f"{len(lost)} sessions lost, e.g. {sorted(lost)[:3]}"
        FIGURES.checked_walks += 1

    # -- the providers ------------------------------------------------------------
    def _tick(self, tie: bool) -> datetime:
        if not tie:
            self.now += timedelta(milliseconds=self.rng.randrange(1, 5_000))
        return self.now

    @rule(
        source=st.sampled_from(list(SessionSource)),
        count=st.one_of(st.integers(1, 5), st.integers(20, 300)),
        ties=st.booleans(),
    )
    def insert_at_head(self, source: SessionSource, count: int, ties: bool) -> None:
        FIGURES.steps += 1
        FIGURES.inserts += count
        ids = {r.provider_session_id for r in self._rows()}
        for _ in range(count):
            at = self._tick(tie=ties and self.rng.random() < 0.5)
            status = self.rng.randrange(12)
            seed = (1 << 70) + self.rng.getrandbits(64)  # ids apart from the dataset's
            row: Session
            if source is SessionSource.DIDIT_KYC:
                number = max((r.session_number for r in self.didit.kyc_rows), default=0) + 1
                row = replace(kyc(seed, at, status, None), session_number=number)
                self.didit.kyc_rows.append(row)
            elif source is SessionSource.DIDIT_KYB:
                number = max((r.session_number for r in self.didit.kyb_rows), default=0) + 1
                row = replace(kyb(seed, at, status, None), session_number=number)
                self.didit.kyb_rows.append(row)
            else:
                row = kayle(self.rng, at, status)
                self.kayle.rows.append(row)
            assert row.provider_session_id not in ids, "the model made an id twice"
            ids.add(row.provider_session_id)
            self.touched.add(row.provider_session_id)

    def _pick(self, source: SessionSource, served: bool | None) -> list[Session]:
        rows: list[Session]
        if source is SessionSource.DIDIT_KYC:
            rows = list(self.didit.kyc_rows)
        elif source is SessionSource.DIDIT_KYB:
            rows = list(self.didit.kyb_rows)
        else:
            rows = list(self.kayle.rows)
        if served is None or self.walk is None:
            return list(rows)
        seen = set(self.walk.seen)
        return [r for r in rows if (r.provider_session_id in seen) == served]

    @rule(
        source=st.sampled_from(list(SessionSource)),
        count=st.one_of(st.integers(1, 3), st.integers(50, 400)),
        where=st.sampled_from([True, False, None]),  # already served, not yet, anywhere
    )
    def delete(self, source: SessionSource, count: int, where: bool | None) -> None:
        FIGURES.steps += 1
        candidates = self._pick(source, where)
        doomed = {
            r.provider_session_id for r in self.rng.sample(candidates, min(count, len(candidates)))
        }
        FIGURES.deletions += len(doomed)
        if self.walk is not None:
            self.walk.excused |= doomed
        self.didit.kyc_rows = [
            r for r in self.didit.kyc_rows if r.provider_session_id not in doomed
        ]
        self.didit.kyb_rows = [
            r for r in self.didit.kyb_rows if r.provider_session_id not in doomed
        ]
        self.kayle.rows = [r for r in self.kayle.rows if r.provider_session_id not in doomed]

    @rule(
        source=st.sampled_from(list(SessionSource)),
        count=st.integers(1, 60),
        where=st.sampled_from([True, False, None]),
        into=st.booleans(),
    )
    def change_status(
        self, source: SessionSource, count: int, where: bool | None, into: bool
    ) -> None:
        """Move sessions into (or out of) the walk's filter, each out of it at most once."""
        FIGURES.steps += 1
        walk = self.walk
        candidates = [
            r
            for r in self._pick(source, where)
            if walk is None or r.provider_session_id not in walk.excused
        ]
        for row in self.rng.sample(candidates, min(count, len(candidates))):
            moved = self._moved(row, into)
            if moved is None:
                continue
            FIGURES.status_changes += 1
            self.touched.add(row.provider_session_id)
            if walk is not None and walk.wants(row) and not walk.wants(moved):
                walk.excused.add(row.provider_session_id)
            self._replace(row, moved)

    def _moved(self, row: Session, into: bool) -> Session | None:
        statuses = self.walk.statuses if self.walk is not None else ()
        if isinstance(row, KayleSession):
            table = {**KAYLE_OPEN, **KAYLE_CLOSED}
            names = [raw for raw, unified in table.items() if (unified in statuses) == into]
            if not names:
                return None
            name = self.rng.choice(names)
            return replace(row, provider_status=name, status=table[name], attempts=())
        choices = [(raw, u) for raw, u in DIDIT_STATUSES if (u in statuses) == into]
        if not choices:
            return None
        raw, unified = self.rng.choice(choices)
        return replace(row, provider_status=raw, status=unified)

    def _replace(self, old: Session, new: Session) -> None:
        if isinstance(old, KycSession) and isinstance(new, KycSession):
            self.didit.kyc_rows = [new if r is old else r for r in self.didit.kyc_rows]
        elif isinstance(old, KybSession) and isinstance(new, KybSession):
            self.didit.kyb_rows = [new if r is old else r for r in self.didit.kyb_rows]
        elif isinstance(old, KayleSession) and isinstance(new, KayleSession):
            self.kayle.rows = [new if r is old else r for r in self.kayle.rows]

    @precondition(lambda self: self.didit.remembered is not None)
    @rule()
    def cached_pages_expire(self) -> None:
        """Remembered Didit pages age out, as the shared cache's TTL does."""
        FIGURES.steps += 1
        assert self.didit.remembered is not None
        self.didit.remembered.clear()
        self.touched.clear()

    @rule(provider=st.sampled_from(["didit", "kayle", "both"]), down=st.booleans())
    def outage(self, provider: str, down: bool) -> None:
        FIGURES.steps += 1
        FIGURES.outages += down
        if provider in ("didit", "both"):
            self.didit.fail = down
        if provider in ("kayle", "both"):
            self.kayle.fail = down

    @precondition(lambda self: self.walk is not None and not self.walk.done)
    @rule(provider=st.sampled_from(["didit", "kayle"]), pages=st.integers(1, 3))
    def one_provider_blips(self, provider: str, pages: int) -> None:
        """One provider fails for a few pages that the client pages past, then is back."""
        FIGURES.outages += 1
        source = self.didit if provider == "didit" else self.kayle
        source.fail = True
        for _ in range(pages):
            if self.walk is None or self.walk.done:
                break
            self.read_page(page_on_after_failure=True)
        source.fail = False

    @invariant()
    def providers_recover_before_a_walk_ends(self) -> None:
        """Keep walks finishable: a walk that only ever sees outages proves nothing."""
        walk = self.walk
        if walk is not None and walk.failed_pages > 20:
            self.didit.fail = self.kayle.fail = False
