"""Properties of the unified feed over random datasets, filters and page sizes."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from hypothesis import HealthCheck, given, settings, strategies as st

from idv_gateway.domain import Session, SessionSource, SessionStatus
from idv_gateway.domain.filters import SessionFilter
from idv_gateway.pagination import CursorCodec, sort_key
from idv_gateway.service import SessionService

from .fakes import BASE, FakeDidit, FakeKayle, add_kyc_at_head, dataset

CODEC = CursorCodec(b"test-cursor-key")
STATUSES = [s for s in SessionStatus if s is not SessionStatus.UNKNOWN]


def wanted(session: Session, flt: SessionFilter) -> bool:
    """The documented meaning of each filter, written independently of the gateway."""
    if flt.sources and session.source not in flt.sources:
        return False
    if flt.statuses and session.status not in flt.statuses:
        return False
    if flt.created_from is not None and session.created_at < flt.created_from:
        return False
    if flt.created_to is not None and session.created_at > flt.created_to:
        return False
    if flt.vendor_data is not None:  # Didit only: Kayle has no vendor data
        return getattr(session, "vendor_data", None) == flt.vendor_data
    return True


def expected(didit: FakeDidit, kayle: FakeKayle, flt: SessionFilter) -> list[Session]:
    rows: list[Session] = [*didit.kyc_rows, *didit.kyb_rows, *kayle.rows]
    return sorted((r for r in rows if wanted(r, flt)), key=sort_key)


async def walk(service: SessionService, flt: SessionFilter, first: int, between=None):
    seen: list[Session] = []
    after = None
    for _ in range(10_000):
        page = await service.page("sessions", flt, first=first, after=after)
        assert not page.errors
        assert len(page.entries) <= first
        seen.extend(page.sessions)
        if between is not None:
            between()
        if not page.has_next:
            return seen
        after = page.end_cursor()
    raise AssertionError("the walk did not end")


filters = st.builds(
    SessionFilter,
    sources=st.lists(st.sampled_from(list(SessionSource)), unique=True, max_size=3).map(tuple),
    statuses=st.lists(st.sampled_from(STATUSES), unique=True, max_size=3).map(tuple),
    created_from=st.one_of(
        st.none(),
        st.integers(0, 72 * 3600).map(lambda s: BASE + timedelta(seconds=s, microseconds=123)),
    ),
    created_to=st.one_of(
        st.none(),
        st.integers(0, 72 * 3600).map(lambda s: BASE + timedelta(seconds=s, microseconds=456)),
    ),
    vendor_data=st.sampled_from([None, None, None, "user-1", "biz-1"]),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    sizes=st.tuples(st.integers(0, 60), st.integers(0, 25), st.integers(0, 60)),
    spread=st.sampled_from([1, 24, 72]),
    ties=st.sampled_from([0, 3, 10]),
    first=st.integers(1, 17),
    flt=filters,
)
def test_walk_yields_exactly_the_filtered_set_in_order(seed, sizes, spread, ties, first, flt):
    if flt.created_from and flt.created_to and flt.created_from > flt.created_to:
        flt = SessionFilter(sources=flt.sources, statuses=flt.statuses)
    n_kyc, n_kyb, n_kayle = sizes
    didit, kayle = dataset(seed, n_kyc, n_kyb, n_kayle, spread_hours=spread, tie_every=ties)
    service = SessionService(didit=didit, kayle=kayle, codec=CODEC)
    seen = asyncio.run(walk(service, flt, first))
    want = expected(didit, kayle, flt)
    assert [s.provider_session_id for s in seen] == [s.provider_session_id for s in want]


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000), first=st.integers(1, 12), burst=st.integers(1, 7))
def test_sessions_created_while_paging_cause_no_duplicate_or_gap(seed, first, burst):
    didit, kayle = dataset(seed, 40, 10, 30, spread_hours=24, tie_every=4)
    before = expected(didit, kayle, SessionFilter())
    service = SessionService(didit=didit, kayle=kayle, codec=CODEC)
    now = BASE + timedelta(days=30)

    def insert() -> None:
        nonlocal now
        add_kyc_at_head(didit, burst, now)
        now += timedelta(minutes=1)

    seen = asyncio.run(walk(service, SessionFilter(), first, between=insert))
    ids = [s.provider_session_id for s in seen]
    assert len(ids) == len(set(ids))
    assert ids == [s.provider_session_id for s in before]


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    first=st.integers(1, 12),
    failing=st.sampled_from(["didit", "kayle"]),
    outages=st.lists(st.booleans(), min_size=1, max_size=30),
)
def test_outages_lose_nothing_when_the_same_page_is_read_again(seed, first, failing, outages):
    didit, kayle = dataset(seed, 30, 10, 30, spread_hours=24, tie_every=5)
    want = [s.provider_session_id for s in expected(didit, kayle, SessionFilter())]
    service = SessionService(didit=didit, kayle=kayle, codec=CODEC)
    target = didit if failing == "didit" else kayle

    async def run() -> list[str]:
        seen: list[str] = []
        after = None
        schedule = iter(outages)
        for _ in range(1000):
            target.fail = next(schedule, False)
            page = await service.page("sessions", SessionFilter(), first=first, after=after)
            if page.errors:
                assert [e.provider.name.lower() for e, _ in page.errors] == [failing]
                assert page.has_next
                continue  # read the same page again once the provider is back
            seen.extend(s.provider_session_id for s in page.sessions)
            if not page.has_next:
                return seen
            after = page.end_cursor()
        raise AssertionError("the walk did not end")

    assert asyncio.run(run()) == want
