"""In-memory session store with the indexes the list endpoint needs, and the state machine.

Tests and benchmarks read it directly (`app.state.store`) to compute expected results:
`get`, `sessions`, `attempts` and `list_page` are the stable API.
"""

from __future__ import annotations

import heapq
import random
from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import NamedTuple

from idv_gateway.simulators.kayle.dataset import random_token
from idv_gateway.simulators.kayle.jscompat import from_ms, to_ms
from idv_gateway.simulators.kayle.models import (
    ACTIVE_STATUSES,
    SESSION_FAILURE_CODES,
    SESSION_STATUSES,
    SESSION_TTL,
    TERMINAL_STATUSES,
    VERIFICATION_FAILURE_CODES,
    Attempt,
    Session,
    ShareField,
)
from idv_gateway.simulators.kayle.validation import ListQuery

__all__ = ["OUTCOMES", "KayleStore", "StoreEvent"]

OUTCOMES = ("succeeded", "failed")
_MAX_FAILED_ATTEMPTS = 3


class StoreEvent(NamedTuple):
    """A subscribable event the state machine emitted (reference §4.1, §5.2)."""

    type: str
    session: Session
    attempt: Attempt | None = None


class KayleStore:
    """Sessions by id, kept in id order (the API's order), by status and by `created_at`."""

    def __init__(
        self, sessions: Iterable[Session], *, clock: Callable[[], datetime], rng: random.Random
    ) -> None:
        self.clock = clock
        self._rng = rng
        self._by_id: dict[str, Session] = {}
        self._created_ms: dict[str, int] = {}
        for session in sessions:
            self._by_id[session.id] = session
            self._created_ms[session.id] = to_ms(session.created_at)
        self._ids = sorted(self._by_id)
        self._ids_by_status: dict[str, list[str]] = {status: [] for status in SESSION_STATUSES}
        for session_id in self._ids:
            self._ids_by_status[self._by_id[session_id].status].append(session_id)
        by_created = sorted(self._created_ms.items(), key=lambda item: (item[1], item[0]))
        self._window_ids = [session_id for session_id, _ in by_created]
        self._window_ms = [ms for _, ms in by_created]
        # Sees every webhook event as it happens (the webhook emitter listens here).
        self.on_event: Callable[[StoreEvent], None] | None = None

    # -- reading -----------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._ids)

    def get(self, session_id: str) -> Session | None:
        return self._by_id.get(session_id)

    def sessions(self) -> list[Session]:
        """Every session in ascending id order, the order `GET /v1/sessions` pages through."""
        return [self._by_id[session_id] for session_id in self._ids]

    def attempts(self, session_id: str) -> list[Attempt]:
        """A session's attempts in creation order; KeyError for an unknown id."""
        return list(self._by_id[session_id].attempts)

    def list_page(self, query: ListQuery) -> tuple[list[Session], bool]:
        """One `GET /v1/sessions` page: filters, `id > starting_after`, `ORDER BY id`, has_more."""
        need = query.limit + 1
        base = self._ids_by_status[query.status] if query.status else self._ids
        start = bisect_right(base, query.starting_after) if query.starting_after else 0
        low, high = query.created_from_ms, query.created_to_ms
        if low is None and high is None:
            ids = base[start : start + need]
        else:
            lo = 0 if low is None else bisect_left(self._window_ms, low)
            hi = len(self._window_ms) if high is None else bisect_right(self._window_ms, high)
            window = hi - lo
            if window <= 0:
                return [], False
            # Scanning in id order visits about need * total / window ids before it fills
            # the page; sorting the window costs about `window`. Take the cheaper path.
            remaining = len(base) - start
            if window <= min(remaining, need * len(self._ids) // window):
                ids = self._from_window(lo, hi, query, need)
            else:
                ids = self._scan_ids(base, start, low, high, need)
        page = [self._by_id[session_id] for session_id in ids]
        return page[: query.limit], len(page) > query.limit

    def _from_window(self, lo: int, hi: int, query: ListQuery, need: int) -> list[str]:
        after, status = query.starting_after, query.status
        candidates = [
            session_id
            for session_id in self._window_ids[lo:hi]
            if (after is None or session_id > after)
            and (status is None or self._by_id[session_id].status == status)
        ]
        return heapq.nsmallest(need, candidates)

    def _scan_ids(
        self, base: list[str], start: int, low: int | None, high: int | None, need: int
    ) -> list[str]:
        low = -(2**63) if low is None else low
        high = 2**63 if high is None else high
        ids: list[str] = []
        created = self._created_ms
        for index in range(start, len(base)):
            session_id = base[index]
            if low <= created[session_id] <= high:
                ids.append(session_id)
                if len(ids) == need:
                    break
        return ids

    # -- writing -----------------------------------------------------------------
    def now(self) -> datetime:
        """The store clock, truncated to the millisecond like every Kayle timestamp."""
        return from_ms(to_ms(self.clock()))

    def create(
        self, *, redirect_url: str | None, share_fields: dict[str, ShareField]
    ) -> tuple[Session, str]:
        """A new `created` session expiring in 60 minutes, and its one-time cancel token."""
        now = self.now()
        session = Session(
            id="vs_" + random_token(self._rng, 64),
            status="created",
            share_fields=share_fields,
            redirect_url=redirect_url,
            expires_at=now + SESSION_TTL,
            completed_at=None,
            created_at=now,
            updated_at=now,
        )
        self._by_id[session.id] = session
        created_ms = self._created_ms[session.id] = to_ms(now)
        insort(self._ids, session.id)
        insort(self._ids_by_status["created"], session.id)
        position = bisect_right(self._window_ms, created_ms)
        self._window_ms.insert(position, created_ms)
        self._window_ids.insert(position, session.id)
        return session, random_token(self._rng, 48)

    def cancel(self, session_id: str) -> bool:
        """`POST /v1/sessions/{id}/cancel`: cancels an active session; False if unknown."""
        session = self._by_id.get(session_id)
        if session is None:
            return False
        if session.status in ACTIVE_STATUSES:
            self._terminate(session, "cancelled", self.now())
        return True

    def set_status(self, session_id: str, status: str, outcome: str = "succeeded") -> Session:
        """Move a session to `status` along the state machine (the `/_sim` hook).

        Leaving a terminal state first rewinds it: the succeeded attempt and the third
        failure are dropped, attempts killed by expiry/cancel are in progress again.
        """
        session = self._by_id[session_id]
        if status not in SESSION_STATUSES or outcome not in OUTCOMES:
            raise ValueError(f"unknown status {status!r} or outcome {outcome!r}")
        if session.status == status and (status != "completed" or _outcome(session) == outcome):
            return session
        now = self.now()
        if session.status in TERMINAL_STATUSES:
            self._reopen(session, now)
        if status in ("expired", "cancelled"):
            self._terminate(session, status, now)
            return session
        open_attempt = next((a for a in session.attempts if a.status == "in_progress"), None)
        if status == "in_progress" and open_attempt is None:
            session.attempts.append(self._new_attempt(session, now))
        elif status == "completed" and outcome == "succeeded":
            attempt = open_attempt or self._new_attempt(session, now)
            if open_attempt is None:
                session.attempts.append(attempt)
            attempt.status = "succeeded"
            attempt.risk_score = round(1 - self._rng.uniform(0.62, 0.995), 4)
            attempt.completed_at = attempt.updated_at = now
            self._emit("verification.attempt.succeeded", session, attempt)
        elif status == "completed":
            if open_attempt is not None:
                self._fail(open_attempt, now)
            while _ordinary_failures(session) < _MAX_FAILED_ATTEMPTS:
                attempt = self._new_attempt(session, now)
                session.attempts.append(attempt)
                self._fail(attempt, now)
        session.completed_at = now if status == "completed" else None
        self._set_status(session, status, now)
        return session

    # -- state machine helpers ------------------------------------------------------
    def _terminate(self, session: Session, status: str, now: datetime) -> None:
        for attempt in session.attempts:
            if attempt.status == "in_progress":
                attempt.status, attempt.failure_code = "failed", f"session_{status}"
                attempt.completed_at = attempt.updated_at = now
        session.completed_at = now
        self._set_status(session, status, now)
        self._emit(f"verification.session.{status}", session)

    def _emit(self, event_type: str, session: Session, attempt: Attempt | None = None) -> None:
        if self.on_event is not None:
            self.on_event(StoreEvent(event_type, session, attempt))

    def _reopen(self, session: Session, now: datetime) -> None:
        kept: list[Attempt] = []
        for attempt in session.attempts:
            if attempt.failure_code in SESSION_FAILURE_CODES:
                attempt.status, attempt.failure_code = "in_progress", None
                attempt.completed_at, attempt.updated_at = None, now
            if attempt.status == "succeeded":
                continue
            if attempt.status == "failed" and _ordinary_failures_in(kept) >= 2:
                continue
            kept.append(attempt)
        session.attempts = kept
        session.completed_at = None

    def _set_status(self, session: Session, status: str, now: datetime) -> None:
        if session.status != status:
            old = self._ids_by_status[session.status]
            del old[bisect_left(old, session.id)]
            insort(self._ids_by_status[status], session.id)
            session.status = status
        session.updated_at = now

    def _new_attempt(self, session: Session, now: datetime) -> Attempt:
        attempt_id = "va_" + random_token(self._rng, 64)
        return Attempt(attempt_id, session.id, "in_progress", None, 0.0, None, now, now)

    def _fail(self, attempt: Attempt, now: datetime) -> None:
        attempt.status = "failed"
        attempt.failure_code = self._rng.choice(VERIFICATION_FAILURE_CODES)
        attempt.risk_score = 1.0
        attempt.completed_at = attempt.updated_at = now
        self._emit("verification.attempt.failed", self._by_id[attempt.session_id], attempt)


def _ordinary_failures_in(attempts: Iterable[Attempt]) -> int:
    return sum(
        1 for a in attempts if a.status == "failed" and a.failure_code in VERIFICATION_FAILURE_CODES
    )


def _ordinary_failures(session: Session) -> int:
    return _ordinary_failures_in(session.attempts)


def _outcome(session: Session) -> str:
    return "succeeded" if any(a.status == "succeeded" for a in session.attempts) else "failed"
