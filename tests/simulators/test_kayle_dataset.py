"""Seed data: determinism, state-machine consistency, coverage, time shape, and scale."""

from __future__ import annotations

import re
import statistics
import time
from collections import Counter
from datetime import timedelta

from idv_gateway.simulators import DEFAULT_ANCHOR
from idv_gateway.simulators.kayle.dataset import generate_sessions
from idv_gateway.simulators.kayle.models import FAILURE_CODES, SESSION_STATUSES, Session
from tests.simulators.kayle_support import AUTH, client_for, consistency_errors, make_app


async def full_listing(seed: int) -> list[bytes]:
    async with client_for(make_app(sessions=120, seed=seed)) as client:
        bodies, cursor = [], ""
        while True:
            query = (
                f"limit=50&include_attempts=1&starting_after={cursor}"
                if cursor
                else "limit=50&include_attempts=1"
            )
            response = await client.get(f"/v1/sessions?{query}", headers=AUTH)
            bodies.append(response.content)
            cursor = response.json()["pagination"]["next_cursor"]
            if cursor is None:
                return bodies


async def test_the_same_seed_gives_byte_identical_listings_and_another_seed_differs() -> None:
    first, again, other = await full_listing(7), await full_listing(7), await full_listing(8)
    assert first == again
    assert first != other


def test_generation_depends_on_the_anchor_only_through_time() -> None:
    later = DEFAULT_ANCHOR + timedelta(days=3)
    base, shifted = generate_sessions(3, 50, DEFAULT_ANCHOR), generate_sessions(3, 50, later)
    assert [s.id for s in base] == [s.id for s in shifted]
    assert all(
        b.created_at + timedelta(days=3) == s.created_at for b, s in zip(base, shifted, strict=True)
    )


def test_every_session_is_consistent_with_the_state_machine() -> None:
    sessions = generate_sessions(21, 4000, DEFAULT_ANCHOR)
    problems = {s.id: consistency_errors(s, DEFAULT_ANCHOR) for s in sessions}
    assert {k: v for k, v in problems.items() if v} == {}


def test_small_datasets_cover_every_status_failure_code_and_contract_kind() -> None:
    sessions = generate_sessions(7, 20, DEFAULT_ANCHOR)
    codes = {a.failure_code for s in sessions for a in s.attempts} - {None}
    assert {s.status for s in sessions} == set(SESSION_STATUSES)
    assert codes == set(FAILURE_CODES)
    completed = [s for s in sessions if s.status == "completed"]
    assert any(s.attempts[-1].status == "succeeded" and len(s.attempts) > 1 for s in completed)
    assert any([a.status for a in s.attempts] == ["failed"] * 3 for s in completed)
    assert any(
        a.status == "in_progress" for s in sessions if s.status == "created" for a in s.attempts
    )


def test_contracts_mix_the_default_and_custom_ones_with_an_age_gate() -> None:
    sessions = generate_sessions(7, 400, DEFAULT_ANCHOR)
    sources = Counter("default" if len(s.share_fields) == 13 else "custom" for s in sessions)
    gates = {k for s in sessions for k in s.share_fields if k.startswith("age_over_")}
    assert sources["default"] > 100
    assert sources["custom"] > 100
    assert gates >= {"age_over_18", "age_over_21"}
    assert all(s.share_fields["kayle_document_id"]["required"] for s in sessions)
    assert {s.redirect_url is None for s in sessions} == {True, False}


def test_ids_are_random_lowercase_and_unrelated_to_time() -> None:
    sessions = generate_sessions(7, 500, DEFAULT_ANCHOR)
    ids = [s.id for s in sessions] + [a.id for s in sessions for a in s.attempts]
    assert all(re.fullmatch(r"v[sa]_[a-z0-9]{64}", i) for i in ids)
    assert len(set(ids)) == len(ids)
    by_id = [s.created_at for s in sorted(sessions, key=lambda s: s.id)]
    assert by_id != sorted(by_id)


def test_created_at_spans_months_is_denser_near_the_anchor_and_has_ties() -> None:
    sessions = generate_sessions(7, 3000, DEFAULT_ANCHOR)
    ages = [DEFAULT_ANCHOR - s.created_at for s in sessions]
    last_month = sum(age <= timedelta(days=30) for age in ages)
    month_before = sum(timedelta(days=30) < age <= timedelta(days=60) for age in ages)
    ties = Counter(s.created_at for s in sessions)
    assert max(ages) > timedelta(days=120)
    assert min(ages) > timedelta(0)
    assert last_month > 1.5 * month_before
    assert sum(1 for n in ties.values() if n > 1) >= 10
    assert all(s.created_at.microsecond % 1000 == 0 for s in sessions)
    recent = [s for s in sessions if DEFAULT_ANCHOR - s.created_at <= timedelta(hours=1)]
    assert {s.status for s in recent} >= {"created", "in_progress"}


def _page_time(run: list[float]) -> float:
    return statistics.median(run) * 1000


async def test_one_hundred_thousand_sessions_generate_and_page_quickly() -> None:
    started = time.perf_counter()
    app = make_app(sessions=100_000)
    generation = time.perf_counter() - started
    sessions: list[Session] = app.state.store.sessions()
    timings = []
    async with client_for(app) as client:
        for query in (
            "limit=100",
            "limit=100&include_attempts=true",
            "limit=100&created_from=2026-10-20T00:00:00Z&created_to=2026-10-21T00:00:00Z",
        ):
            run = []
            for _ in range(5):
                began = time.perf_counter()
                response = await client.get(f"/v1/sessions?{query}", headers=AUTH)
                run.append(time.perf_counter() - began)
                assert len(response.json()["data"]) == 100
            timings.append(_page_time(run))
    assert len(sessions) == 100_000
    assert generation < 10
    assert max(timings) < 100, timings
    assert max(s.created_at for s in sessions) < DEFAULT_ANCHOR
