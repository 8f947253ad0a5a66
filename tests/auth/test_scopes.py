"""Scopes, field by field: with every scope combination, every personal field of every
session type and decision, through every root field — and no personal value without
`pii:read`, no decision without `decisions:read`, nothing at all without `sessions:read`."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from idv_gateway.schema import build_schema
from idv_gateway.schema.classification import PERSONAL
from tests.auth.conftest import auth_harness, bearer
from tests.auth.idp import IdentityProvider
from tests.auth.selection import coordinates, everything

SCHEMA = build_schema()._schema
ROOTS = {
    "kycSessions": ("KycSession", 12),
    "kybSessions": ("KybSession", 8),
    "kayleSessions": ("KayleSession", 12),
}
NAME = "... on KycSession { __typename id fullName }"
SCOPE_SETS = [
    frozenset(c)
    for n in range(4)
    for c in itertools.combinations(["sessions:read", "pii:read", "decisions:read"], n)
]


def _document(root: str) -> str:
    type_name, first = ROOTS[root]
    return f"{{ {root}(first: {first}) {{ edges {{ node {everything(SCHEMA, type_name)} }} }} }}"


async def _as(
    harness: Any, idp: IdentityProvider, scopes: frozenset[str], query: str, **v: Any
) -> Any:
    token = idp.token(scope=" ".join(sorted(scopes)))
    response = await harness.gateway.post(
        "/graphql", json={"query": query, "variables": v}, headers=bearer(token)
    )
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize("scopes", SCOPE_SETS, ids=lambda s: "+".join(sorted(s)) or "none")
async def test_every_personal_field_needs_pii_read_and_decisions_need_decisions_read(
    idp: IdentityProvider, scopes: frozenset[str]
) -> None:
    async with auth_harness(idp) as harness:
        for root in ROOTS:
            body = await _as(harness, idp, scopes, _document(root))
            errors = body.get("errors", [])
            assert {e["extensions"]["code"] for e in errors} <= {"FORBIDDEN"}, errors[:3]
            if "sessions:read" not in scopes:
                assert body["data"] is None
                assert [e["extensions"]["requiredScopes"] for e in errors] == [["sessions:read"]]
                continue
            found = coordinates(body["data"])
            personal = [(c, v) for c, v in found if c in PERSONAL and v not in (None, [])]
            decisions = [v for c, v in found if c.endswith("Session.decision") and v is not None]
            if "pii:read" in scopes and root != "kayleSessions":  # Kayle rows hold no one's data
                assert personal, f"{root}: personal fields came back empty with pii:read"
            else:
                assert personal == [], f"{root}: {personal[:3]}"  # not one personal value
            if "decisions:read" in scopes or root == "kayleSessions":
                assert all(
                    "decisions:read" not in e["extensions"]["requiredScopes"] for e in errors
                )
            else:
                assert decisions == []
                assert any(e["path"][-1] == "decision" for e in errors)
            for error in errors:
                required = error["extensions"]["requiredScopes"]
                assert set(required) - scopes, error  # refused only for a missing scope
            if scopes >= {"sessions:read", "pii:read", "decisions:read"}:
                assert errors == []


@pytest.mark.parametrize(
    ("filter_value", "root"),
    [
        ('{search: "a"}', "kycSessions"),
        ('{vendorData: "user-1"}', "kycSessions"),
        ('{diditInternalId: "0b6f3a52-5d7e-4d0e-9d8f-2f1c4a6b7e90"}', "kycSessions"),
        ('{search: "a"}', "kybSessions"),
        ('{vendorData: "user-1"}', "sessions"),
        ('{search: "a"}', "sessions"),
    ],
)
async def test_filters_over_personal_data_need_pii_read(
    idp: IdentityProvider, filter_value: str, root: str
) -> None:
    query = f"{{ {root}(first: 3, filter: {filter_value}) {{ edges {{ cursor }} }} }}"
    async with auth_harness(idp) as harness:
        await harness.reset_stats()
        body = await _as(harness, idp, frozenset({"sessions:read", "decisions:read"}), query)
        [error] = body["errors"]
        assert error["extensions"]["code"] == "FORBIDDEN"
        assert error["extensions"]["requiredScopes"] == ["sessions:read", "pii:read"]
        assert body["data"] is None
        stats = await harness.stats()
        assert stats["didit"]["total"] + stats["kayle"]["total"] == 0  # no probe reached a provider
        allowed = await _as(harness, idp, frozenset({"sessions:read", "pii:read"}), query)
        assert "errors" not in allowed


async def test_lookups_by_id_apply_the_same_field_policy(idp: IdentityProvider) -> None:
    async with auth_harness(idp) as harness:
        full = frozenset({"sessions:read", "pii:read", "decisions:read"})
        page = await _as(
            harness, idp, full, "{ kycSessions(first: 20) { edges { node { id fullName } } } }"
        )
        ids = [
            e["node"]["id"] for e in page["data"]["kycSessions"]["edges"] if e["node"]["fullName"]
        ]
        assert ids
        reps = [{"__typename": "KycSession", "id": i} for i in ids]
        for query, variables in [
            (f"query ($ids: [ID!]!) {{ nodes(ids: $ids) {{ {NAME} }} }}", {"ids": ids}),
            (f"query ($id: ID!) {{ node(id: $id) {{ {NAME} }} }}", {"id": ids[0]}),
            (
                f"query ($r: [_Any!]!) {{ _entities(representations: $r) {{ {NAME} }} }}",
                {"r": reps},
            ),
        ]:
            body = await _as(harness, idp, frozenset({"sessions:read"}), query, **variables)
            names = [v for c, v in coordinates(body["data"]) if c == "KycSession.fullName"]
            assert names and all(n is None for n in names), query
            assert {e["extensions"]["code"] for e in body["errors"]} == {"FORBIDDEN"}
