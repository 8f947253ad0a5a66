"""Relay `node`/`nodes` fetch each type again from its provider by global id."""

from __future__ import annotations

import base64

import pytest

from tests.harness import Harness

FIELDS = """
  __typename id providerSessionId source status createdAt
  ... on KycSession { sessionNumber fullName features { feature status } }
  ... on KybSession { sessionNumber companyName }
  ... on KayleSession { verificationUrl attempts { id status } }
"""


@pytest.mark.parametrize("field", ["kycSessions", "kybSessions", "kayleSessions"])
async def test_node_round_trips_each_type(harness: Harness, field: str) -> None:
    listed = await harness.data(
        f"{{ {field}(first: 3) {{ edges {{ node {{ ... on Session {{ {FIELDS} }} }} }} }} }}"
    )
    for edge in listed[field]["edges"]:
        node = edge["node"]
        again = await harness.data(
            f"query($id: ID!) {{ node(id: $id) {{ ... on Session {{ {FIELDS} }} }} }}",
            {"id": node["id"]},
        )
        assert again["node"] == node


async def test_nodes_keeps_order_and_nulls_what_does_not_exist(harness: Harness) -> None:
    listed = await harness.data("{ sessions(first: 40) { edges { node { id __typename } } } }")
    by_type: dict[str, str] = {}
    for edge in listed["sessions"]["edges"]:
        by_type.setdefault(edge["node"]["__typename"], edge["node"]["id"])
    assert set(by_type) == {"KycSession", "KybSession", "KayleSession"}
    gone = {
        "KycSession": base64.b64encode(b"KycSession:00000000-0000-4000-8000-000000000000"),
        "KayleSession": base64.b64encode(b"KayleSession:vs_" + b"0" * 64),
    }
    ids = [
        by_type["KayleSession"],
        gone["KycSession"].decode(),
        by_type["KycSession"],
        gone["KayleSession"].decode(),
        by_type["KybSession"],
    ]
    data = await harness.data(
        "query($ids: [ID!]!) { nodes(ids: $ids) { id __typename } }", {"ids": ids}
    )
    assert [n and n["id"] for n in data["nodes"]] == [ids[0], None, ids[2], None, ids[4]]


async def test_deleted_session_is_null(harness: Harness) -> None:
    listed = await harness.data(
        "{ kycSessions(first: 1) { edges { node { id providerSessionId } } } }"
    )
    node = listed["kycSessions"]["edges"][0]["node"]
    deleted = await harness.didit.delete(f"/v3/session/{node['providerSessionId']}/delete/")
    assert deleted.status_code == 204
    data = await harness.data("query($id: ID!) { node(id: $id) { id } }", {"id": node["id"]})
    assert data["node"] is None


async def test_list_rows_and_decisions_give_liveness_and_face_match_on_one_scale(
    harness: Harness,
) -> None:
    """Didit's list sends 0.98 where its decision sends 98.0 for the same check."""
    data = await harness.data(
        """{ kycSessions(first: 60) { edges { node { id
             additionalDetails { liveness { score } faceMatch { score } }
             decision { livenessChecks { score } faceMatches { score } } } } } }"""
    )
    compared = 0
    for edge in data["kycSessions"]["edges"]:
        node = edge["node"]
        details, decision = node["additionalDetails"], node["decision"]
        if details is None or decision is None:
            continue
        pairs = [
            (details["liveness"], decision["livenessChecks"]),
            (details["faceMatch"], decision["faceMatches"]),
        ]
        for summary, checks in pairs:
            if summary is None or not checks or summary["score"] is None:
                continue
            assert 0 <= summary["score"] <= 100
            # The list rounds the fraction to 2 decimals: within half a point of the check.
            assert abs(summary["score"] - checks[0]["score"]) <= 0.5, node["id"]
            compared += 1
    assert compared >= 10
