"""The audit trail of a walk: one event per response that returned personal data, with the
right sessions and field coordinates, and not one value."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from idv_gateway.schema.classification import PERSONAL
from tests.auth.conftest import api_key, auth_harness, bearer
from tests.auth.idp import IdentityProvider
from tests.auth.selection import coordinates

PAGE = """query Review($after: String) {
  kycSessions(first: 15, after: $after) {
    edges { node { __typename id status fullName emailAddress { __typename email }
      decision { __typename idVerifications { __typename dateOfBirth documentNumber } } } }
    pageInfo { hasNextPage endCursor }
  }
}"""
STATUS_ONLY = "query Dashboard { kybSessions(first: 10) { edges { node { id status } } } }"


def _personal_values(data: Any) -> tuple[dict[str, set[str]], list[str]]:
    """Per session id, the personal coordinates with a value; and the values themselves."""
    by_session: dict[str, set[str]] = {}
    values: list[str] = []
    for edge in data["kycSessions"]["edges"]:
        node = edge["node"]
        for coordinate, value in coordinates(node):
            if coordinate in PERSONAL and value not in (None, []):
                by_session.setdefault(node["id"], set()).add(coordinate)
                if isinstance(value, str):
                    values.append(value)
    return by_session, values


async def test_a_walk_writes_one_event_per_response_with_personal_data(
    idp: IdentityProvider, keys_file: Path, tmp_path: Path
) -> None:
    log = tmp_path / "audit.jsonl"
    expected: list[dict[str, set[str]]] = []
    returned_values: list[str] = []
    token = idp.token(scope="sessions:read pii:read decisions:read", sub="agent-7")
    async with auth_harness(idp, keys_file, audit_log=str(log)) as harness:
        after = None
        for _ in range(4):
            response = await harness.gateway.post(
                "/graphql",
                json={"query": PAGE, "variables": {"after": after}},
                headers=bearer(token),
            )
            body = response.json()
            assert "errors" not in body
            by_session, values = _personal_values(body["data"])
            expected.append(by_session)
            returned_values += values
            after = body["data"]["kycSessions"]["pageInfo"]["endCursor"]
        # No personal field asked for: no event. Personal fields refused: no event either.
        quiet = await harness.gateway.post(
            "/graphql", json={"query": STATUS_ONLY}, headers=api_key("backoffice")
        )
        assert "errors" not in quiet.json()
        refused = await harness.gateway.post(
            "/graphql", json={"query": PAGE}, headers=api_key("reporting")
        )
        assert refused.json()["errors"]
    lines = log.read_text().splitlines()
    events = [json.loads(line) for line in lines]
    with_data = [e for e in expected if e]
    assert expected[-1] == {}  # the walk ran past the last session: that page had nobody
    assert len(events) == len(with_data) == 3
    for event, by_session in zip(events, with_data, strict=True):
        assert event["subject"] == "agent-7"
        assert event["client"] == "backoffice-app"
        assert event["callerKind"] == "token"
        assert event["operation"] == "Review"
        assert event["requestId"]
        assert event["sessions"] == sorted(by_session)
        assert event["fields"] == sorted({c for fields in by_session.values() for c in fields})
        assert {"KycSession.fullName", "IdVerification.dateOfBirth"} <= set(event["fields"])
    text = log.read_text()
    assert len(returned_values) > 50
    leaked = [v for v in returned_values if len(v) >= 4 and v in text]
    assert leaked == [], leaked[:3]


async def test_a_failing_audit_sink_is_counted_and_makes_the_gateway_unready(
    idp: IdentityProvider, keys_file: Path
) -> None:
    """/dev/full accepts the open and refuses every write (ENOSPC): nothing is lost silently."""
    import asyncio

    async with auth_harness(idp, keys_file, audit_log="/dev/full") as harness:
        ready = await harness.gateway.get("/readyz")
        assert ready.json()["audit"] == "ok"
        answer = await harness.gateway.post(
            "/graphql",
            json={"query": "{ kycSessions(first: 20) { edges { node { fullName } } } }"},
            headers=api_key("backoffice"),
        )
        assert answer.status_code == 200 and "errors" not in answer.json()  # never held up
        for _ in range(100):
            ready = await harness.gateway.get("/readyz")
            if ready.status_code == 503:
                break
            await asyncio.sleep(0.02)
        assert ready.status_code == 503
        assert ready.json()["audit"].startswith("audit log not writable (OSError")
        metrics = (await harness.gateway.get("/metrics")).text
        assert "idv_gateway_audit_events_dropped_total 1.0" in metrics
