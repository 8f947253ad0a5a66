"""The live-feed model, smaller, against the real simulators through HTTP.

`tests/feed/live_model.py` checks the engine over in-memory providers; this runs the
same invariants end to end: GraphQL over HTTP in front of both simulators, changes made
through the providers' own endpoints (Didit create, update-status and delete; Kayle
create and cancel; the simulators' status hook) and outages injected with
`/_sim/faults`. Ground truth comes from the simulators' REST lists.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings, strategies as st

from idv_gateway.simulators.didit.catalog import KYB_WORKFLOWS, KYC_WORKFLOWS
from tests.harness import Harness, open_harness

from .upstream import didit_rows, didit_unified_status, kayle_rows, kayle_unified_status, parse_time

SIZES = {"kyc": 70, "kyb": 25, "kayle": 60}
# No cache (it would hide changes and faults); one attempt per call and no breaker, so a
# fault is an outage exactly while it is set.
OVERRIDES = {
    "cache_enabled": False,
    "upstream_retry_attempts": 1,
    "upstream_breaker_threshold": 10**6,
}
RANK = {"DIDIT_KYC": 0, "DIDIT_KYB": 1, "KAYLE": 2}
CONNECTIONS = {
    "sessions": ("SessionFilter", set(RANK)),
    "kycSessions": ("KycSessionFilter", {"DIDIT_KYC"}),
    "kybSessions": ("KybSessionFilter", {"DIDIT_KYB"}),
    "kayleSessions": ("KayleSessionFilter", {"KAYLE"}),
}
FILTERS: list[list[str]] = [[], ["APPROVED"], ["NOT_STARTED", "IN_PROGRESS"]]
DIDIT_MOVES = ["Approved", "Declined", "In Review", "In Progress", "Not Started", "Abandoned"]
KAYLE_MOVES = ["cancelled", "expired", "in_progress", "created"]
LIST_ROUTES = {"didit": "GET /v3/sessions/", "kayle": "GET /v1/sessions"}


def document(connection: str) -> str:
    filter_type, _ = CONNECTIONS[connection]
    return f"""
query Page($first: Int, $after: String, $filter: {filter_type}) {{
  page: {connection}(first: $first, after: $after, filter: $filter) {{
    pageInfo {{ hasNextPage endCursor }}
    edges {{ arrivedLate node {{ providerSessionId source status createdAt }} }}
  }}
}}"""


@dataclass(frozen=True)
class Row:
    ident: str
    source: str
    status: str
    key: tuple[int, int, str]


async def rows(harness: Harness) -> dict[str, Row]:
    """Every session upstream now, with its unified status and feed order key."""
    found: dict[str, Row] = {}
    for kind, source in (("user", "DIDIT_KYC"), ("business", "DIDIT_KYB")):
        for r in await didit_rows(harness.didit, session_kind=kind):
            found[r["session_id"]] = _row(r["session_id"], source, didit_unified_status(r), r)
    for r in await kayle_rows(harness.kayle):
        found[r["id"]] = _row(r["id"], "KAYLE", kayle_unified_status(r), r)
    return found


def _row(ident: str, source: str, status: str, raw: dict[str, Any]) -> Row:
    at = parse_time(raw["created_at"])
    micros = int(at.timestamp()) * 1_000_000 + at.microsecond
    return Row(ident, source, status, (-micros, RANK[source], ident))


@dataclass
class Walk:
    connection: str
    first: int
    statuses: list[str]
    seen: list[str] = field(default_factory=list)
    keys: list[tuple[int, int, str] | None] = field(default_factory=list)  # None: late
    required: set[str] = field(default_factory=set)
    excused: set[str] = field(default_factory=set)
    last_key: tuple[int, int, str] | None = None
    pages: int = 0
    failed: int = 0
    late: int = 0

    def undo(self, count: int) -> None:
        if count:
            del self.seen[-count:], self.keys[-count:]
        self.last_key = max((k for k in self.keys if k is not None), default=None)

    def wants(self, row: Row) -> bool:
        _, sources = CONNECTIONS[self.connection]
        return row.source in sources and (not self.statuses or row.status in self.statuses)


class Changes:
    """Changes made between pages, through the providers' own endpoints."""

    def __init__(self, harness: Harness, walk: Walk, rng: random.Random) -> None:
        self.harness, self.walk, self.rng = harness, walk, rng
        self.down: set[str] = set()

    async def create(self, count: int) -> None:
        for _ in range(count):
            pick = self.rng.randrange(3)
            if pick == 2:
                response = await self.harness.kayle.post("/v1/sessions", json={})
                assert response.status_code == 200, response.text
                continue
            workflow = (KYC_WORKFLOWS if pick == 0 else KYB_WORKFLOWS)[0]
            response = await self.harness.didit.post(
                "/v3/session/", json={"workflow_id": workflow.workflow_id}
            )
            assert response.status_code == 201, response.text

    async def truth(self) -> dict[str, Row]:
        """The simulators' lists as they are, read past any outage set for the gateway."""
        down = set(self.down)
        for provider in down:
            await self.outage(provider, down=False)
        now = await rows(self.harness)
        for provider in down:
            await self.outage(provider, down=True)
        return now

    async def delete(self, count: int, served: bool) -> None:
        now = await self.truth()
        seen = set(self.walk.seen)
        didit = [r for r in now.values() if r.source != "KAYLE" and (r.ident in seen) == served]
        for row in self.rng.sample(didit, min(count, len(didit))):
            response = await self.harness.didit.delete(f"/v3/session/{row.ident}/delete/")
            assert response.status_code == 204, response.text
            self.walk.excused.add(row.ident)

    async def change_status(self, count: int) -> None:
        """Each session leaves the walk's filter at most once (see the model's docstring)."""
        now = await self.truth()
        candidates = [r for r in now.values() if r.ident not in self.walk.excused]
        for row in self.rng.sample(candidates, min(count, len(candidates))):
            client = self.harness.kayle if row.source == "KAYLE" else self.harness.didit
            status = self.rng.choice(KAYLE_MOVES if row.source == "KAYLE" else DIDIT_MOVES)
            response = await client.post(
                f"/_sim/sessions/{row.ident}/status", json={"status": status}
            )
            assert response.status_code == 200, response.text
            moved = (await self.truth()).get(row.ident)
            if moved is None or (self.walk.wants(row) and not self.walk.wants(moved)):
                self.walk.excused.add(row.ident)

    async def outage(self, provider: str, down: bool) -> None:
        client = self.harness.didit if provider == "didit" else self.harness.kayle
        if down:
            fault = {"route": LIST_ROUTES[provider], "mode": "status", "status": 503}
            assert (await client.post("/_sim/faults", json=fault)).status_code == 201
            self.down.add(provider)
        else:
            assert (await client.delete("/_sim/faults")).status_code == 200
            self.down.discard(provider)


actions = st.lists(
    st.one_of(
        st.tuples(st.just("create"), st.sampled_from([1, 3, 25])),
        st.tuples(st.just("delete_served"), st.sampled_from([1, 5, 30])),
        st.tuples(st.just("delete_ahead"), st.sampled_from([1, 5, 30])),
        st.tuples(st.just("status"), st.integers(1, 8)),
        st.tuples(st.just("didit_down"), st.just(0)),
        st.tuples(st.just("kayle_down"), st.just(0)),
        st.tuples(st.just("recover"), st.just(0)),
        st.tuples(st.just("read"), st.just(0)),
    ),
    min_size=4,
    max_size=14,
)


async def run_walk(
    connection: str, first: int, statuses: list[str], plan: list[tuple[str, int]], seed: int
) -> Walk:
    async with open_harness(SIZES, OVERRIDES, seed=seed) as harness:
        walk = Walk(connection, first, statuses)
        walk.required = {i for i, r in (await rows(harness)).items() if walk.wants(r)}
        changes = Changes(harness, walk, random.Random(seed))
        query = document(connection)
        variables: dict[str, Any] = {
            "first": first,
            "filter": {"status": statuses} if statuses else None,
        }
        after: str | None = None
        for step in range(400):
            if step < len(plan):
                await apply(changes, *plan[step])
            elif step == len(plan) and changes.down:
                for provider in list(changes.down):
                    await changes.outage(provider, down=False)
            response = await harness.gateway.post(
                "/graphql", json={"query": query, "variables": {**variables, "after": after}}
            )
            assert response.status_code == 200, response.text
            body = response.json()
            page = body["data"]["page"]
            check_page(walk, page, errors=body.get("errors", []))
            if body.get("errors") and changes.rng.random() < 0.5:
                walk.undo(len(page["edges"]))  # the client reads the same `after` again
                continue
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        else:
            raise AssertionError("the walk did not end")
        now = await changes.truth()
        lost = {
            ident
            for ident in walk.required - walk.excused
            if ident in now and walk.wants(now[ident]) and ident not in set(walk.seen)
        }
        assert not lost, f"{len(lost)} sessions lost"
        return walk


def check_page(walk: Walk, page: dict[str, Any], errors: list[dict[str, Any]]) -> None:
    walk.pages += 1
    walk.failed += bool(errors)
    for error in errors:
        assert error["extensions"]["code"] == "PROVIDER_UNAVAILABLE", error
    edges = page["edges"]
    assert len(edges) <= walk.first
    if page["pageInfo"]["hasNextPage"]:
        assert page["pageInfo"]["endCursor"]
        assert edges or errors, "an empty page promised more without an error"
    in_order_started = False
    for edge in edges:
        node = edge["node"]
        ident = node["providerSessionId"]
        assert ident not in walk.seen, f"{ident} delivered twice"
        walk.seen.append(ident)
        walk.keys.append(None)
        if edge["arrivedLate"]:
            assert not in_order_started, "a late edge after an in-order edge"
            walk.late += 1
            continue
        in_order_started = True
        row = _row(ident, node["source"], node["status"], node | {"created_at": node["createdAt"]})
        assert walk.last_key is None or row.key > walk.last_key, "the order went back"
        walk.last_key = walk.keys[-1] = row.key


async def apply(changes: Changes, action: str, count: int) -> None:
    if action == "create":
        await changes.create(count)
    elif action == "delete_served":
        await changes.delete(count, served=True)
    elif action == "delete_ahead":
        await changes.delete(count, served=False)
    elif action == "status":
        await changes.change_status(count)
    elif action in ("didit_down", "kayle_down"):
        await changes.outage(action.removesuffix("_down"), down=True)
    elif action == "recover":
        for provider in list(changes.down):
            await changes.outage(provider, down=False)


TOTALS = {"walks": 0, "pages": 0, "late": 0, "failed": 0, "changes": 0}


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # a failure prints its plan unshrunk
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    connection=st.sampled_from(["sessions", *CONNECTIONS]),  # the merge, twice as often
    first=st.sampled_from([2, 5, 12]),
    statuses=st.sampled_from(FILTERS),
    plan=actions,
    seed=st.integers(0, 1000),
)
def test_walks_over_changing_simulators_lose_and_repeat_nothing(
    connection: str, first: int, statuses: list[str], plan: list[tuple[str, int]], seed: int
) -> None:
    walk = asyncio.run(run_walk(connection, first, statuses, plan, seed))
    TOTALS["walks"] += 1
    TOTALS["pages"] += walk.pages
    TOTALS["late"] += walk.late
    TOTALS["failed"] += walk.failed
    TOTALS["changes"] += sum(count or 1 for action, count in plan if action != "read")


def test_the_simulator_walks_met_outages_and_late_edges() -> None:
    """Runs after the walks (file order): they did page through failures."""
    assert TOTALS["walks"] >= 25 and TOTALS["pages"] > 100
    # Late edges depend on where outages fall against the simulators' clocks; the
    # in-memory model and the test below assert them deterministically.
    assert TOTALS["failed"] > 5, TOTALS
    print(f"\nlive feed over the simulators: {TOTALS}")  # noqa: T201


async def test_pages_stay_full_while_sessions_arrive_through_the_cache() -> None:
    """Sessions created between pages shift Didit's offsets while the shared cache still
    holds pages from before: reads of different moments disagree, and the reader must
    take one fresh view instead of reading the same cached pages round after round
    (which gave short and then empty pages with `hasNextPage`)."""
    sizes = {"kyc": 2000, "kyb": 300, "kayle": 1500}
    async with open_harness(sizes, {"cache_enabled": True}) as harness:
        expected = len(await rows(harness))
        query = document("sessions")
        after, counts = None, []
        for _ in range(400):
            body = (
                await harness.gateway.post(
                    "/graphql", json={"query": query, "variables": {"first": 20, "after": after}}
                )
            ).json()
            assert "errors" not in body, body["errors"]
            page = body["data"]["page"]
            counts.append(len(page["edges"]))
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
            for workflow in (KYC_WORKFLOWS[0], KYB_WORKFLOWS[0]):
                created = await harness.didit.post(
                    "/v3/session/", json={"workflow_id": workflow.workflow_id}
                )
                assert created.status_code == 201, created.text
            assert (await harness.kayle.post("/v1/sessions", json={})).status_code == 200
    assert sum(counts) == expected
    assert counts[:-1] == [20] * (len(counts) - 1), [(i, n) for i, n in enumerate(counts) if n < 20]


async def test_paging_on_past_a_kayle_outage_brings_its_sessions_late_and_flagged() -> None:
    async with open_harness(SIZES, OVERRIDES, seed=3) as harness:
        expected = await rows(harness)
        walk = Walk("sessions", 10, [])
        query = document("sessions")
        after: str | None = None
        for page_number in range(100):
            if page_number == 1:
                fault = {"route": LIST_ROUTES["kayle"], "mode": "status", "status": 503}
                assert (await harness.kayle.post("/_sim/faults", json=fault)).status_code == 201
            if page_number == 2:
                assert (await harness.kayle.delete("/_sim/faults")).status_code == 200
            body = (
                await harness.gateway.post(
                    "/graphql", json={"query": query, "variables": {"first": 10, "after": after}}
                )
            ).json()
            page = body["data"]["page"]
            check_page(walk, page, errors=body.get("errors", []))
            if page_number == 1:
                assert {e["node"]["source"] for e in page["edges"]} <= {"DIDIT_KYC", "DIDIT_KYB"}
            if page_number == 2:
                late = [e for e in page["edges"] if e["arrivedLate"]]
                assert late and {e["node"]["source"] for e in late} == {"KAYLE"}
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
    assert walk.failed == 1 and walk.late > 0
    assert sorted(walk.seen) == sorted(expected)  # every session once, none lost
