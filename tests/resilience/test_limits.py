"""Query limits: each is enforced before any upstream call, with `QUERY_TOO_COMPLEX`."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import parse

from idv_gateway.schema.limits import measure, shape_problem
from tests.resilience.conftest import local_harness, upstream_requests

DETAILS = """edges { node { id
  ... on KycSession { decision { status } }
  ... on KybSession { decision { status } } } }"""
PAGE = f"sessions(first: 100) {{ {DETAILS} }}"
MODERN = {"accept": "application/graphql-response+json"}


def _cost(document: str, variables: dict[str, Any] | None = None) -> int:
    cost = measure(parse(document), None, variables)
    assert cost is not None
    return cost.total


def test_the_shape_check_counts_fields_with_fragments_expanded() -> None:
    fields = "{ " + " ".join(f"f{i}" for i in range(1001)) + " }"
    problem = shape_problem(parse(fields))
    assert problem is not None and problem.extensions()["maxFields"] == 1000
    assert shape_problem(parse("{ " + " ".join(f"f{i}" for i in range(1000)) + " }")) is None
    spread = "{ ...A ...A } fragment A on Query { " + " ".join(f"f{i}" for i in range(501)) + " }"
    assert shape_problem(parse(spread)) is not None  # each spread counts
    cycle = "{ ...A } fragment A on Query { x ...B } fragment B on Query { y ...A }"
    assert shape_problem(parse(cycle)) is None  # a cycle is validation's to report


@pytest.mark.parametrize(
    ("document", "variables", "cost"),
    [
        ("{ sessions { edges { cursor } } }", None, 20 * 3),
        ("{ sessions(first: 100) { edges { cursor } } }", None, 300),
        (f"{{ {PAGE} }}", None, 300 + 100),
        ("{ sessions(first: 10, filter: {sources: [KAYLE]}) { edges { cursor } } }", None, 10),
        (
            "query ($f: SessionFilter) { sessions(first: 10, filter: $f) { edges { cursor } } }",
            {"f": {"sources": ["DIDIT_KYC", "DIDIT_KYB", "DIDIT_KYC"]}},
            20,
        ),
        ("query ($n: Int) { kycSessions(first: $n) { edges { cursor } } }", {"n": 50}, 50),
        ("query ($n: Int = 7) { kayleSessions(first: $n) { edges { cursor } } }", None, 7),
        ("{ kybSessions(first: 100000) { edges { cursor } } }", None, 100),  # BAD_USER_INPUT
        ('{ node(id: "x") { id ... on KycSession { decision { status } } } }', None, 2),
        ("query ($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ["a", "b", "c"]}, 3),
        (
            "query ($r: [_Any!]!) { _entities(representations: $r) { __typename } }",
            {"r": [{"__typename": "KycSession", "id": "a"}, {"__typename": "KayleSession"}]},
            2,
        ),
        (
            "{ kycSessions(first: 5) { edges { node { ...A ...B } } } }"
            " fragment A on KycSession { decision { status } }"
            " fragment B on KycSession { decision { features } }",
            None,
            5 + 5,  # one decision per row, however many fragments ask for it
        ),
        ("{ __schema { types { name fields { name } } } }", None, 0),
        # graphql-core coerces an integral float to the Int it executes with.
        ("query ($n: Int) { kycSessions(first: $n) { edges { cursor } } }", {"n": 50.0}, 50),
        ("query ($n: Int) { sessions(first: $n) { edges { cursor } } }", {"n": 100.0}, 300),
    ],
)
def test_the_cost_of_an_operation(
    document: str, variables: dict[str, Any] | None, cost: int
) -> None:
    assert _cost(document, variables) == cost


async def test_one_full_page_with_details_is_admitted_but_not_eight() -> None:
    async with local_harness() as harness:
        assert "errors" not in await harness.query(f"{{ {PAGE} }}")
        await harness.reset_stats()
        eight = "{" + " ".join(f"p{i}: {PAGE}" for i in range(8)) + "}"
        response = await harness.gateway.post("/graphql", json={"query": eight}, headers=MODERN)
        assert response.status_code == 400  # a request error: nothing ran
        [error] = response.json()["errors"]
        assert error["extensions"] == {
            "code": "QUERY_TOO_COMPLEX",
            "retryable": False,
            "cost": 3200,
            "budget": 1000,
        }
        assert error["message"].startswith(
            "cost 3,200 exceeds the budget of 1,000: p0: sessions(first: 100) × 3 sources = 300,"
            " p0.decision × 100 rows = 100,"
        )
        assert (await upstream_requests(harness)) == {"DIDIT": 0, "KAYLE": 0}


DEEP = "{ kycSessions(first: 1) { edges { node { additionalDetails { liveness { score } } } } } }"


@pytest.mark.parametrize(
    ("overrides", "document", "extensions"),
    [
        ({"max_query_depth": 5}, DEEP, {"depth": 6, "maxDepth": 5}),
        (
            {},
            "{"
            + " ".join(f"a{i}: kycSessions(first: 1) {{ totalCount }}" for i in range(31))
            + "}",
            {"aliases": 31, "maxAliases": 30},
        ),
        ({"query_cost_budget": 50}, "{ sessions(first: 17) { totalCount } }", {"cost": 51}),
        ({"max_query_tokens": 50}, "{" + " __typename" * 60 + " }", {}),
        ({}, "{" + " a {" * 500 + " b" + " }" * 500 + " }", {}),  # the parser's nesting bound
        (
            {},
            "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }",
            {},
        ),
        # Aliases inside introspection count like any others; one schema dump per request.
        (
            {},
            "{ __schema { types { " + " ".join(f"n{i}: name" for i in range(31)) + " } } }",
            {"aliases": 31},
        ),
        ({}, "{ a: __schema { queryType { name } } b: __schema { queryType { name } } }", {}),
        (
            {"query_cost_budget": 50},
            "query ($n: Int) { sessions(first: $n) { totalCount } }",
            {"cost": 300},
        ),
        # Refused before validation, whose overlap rule is quadratic in repeated fields.
        ({}, "{" + " sessions(first: 1) { totalCount }" * 250 + " }", {"maxRepeats": 20}),
        ({}, "{" + " ... on Query { __typename }" * 30 + " }", {"maxRepeats": 20}),
        (
            {},
            "{ ...F9 } "
            + " ".join(
                f"fragment F{i} on Query {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, 10)
            )
            + " fragment F0 on Query { a: __typename b: __typename }",
            {},  # 1,024 expanded fields, refused as repeats before the field count
        ),
    ],
)
async def test_every_limit_answers_query_too_complex_before_any_upstream_call(
    overrides: dict[str, Any], document: str, extensions: dict[str, Any]
) -> None:
    async with local_harness(**overrides) as harness:
        variables = {"n": 100.0} if "$n" in document else None
        body = await harness.query(document, variables)
        assert body["data"] is None
        [error] = body["errors"]
        assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
        assert error["extensions"]["retryable"] is False
        assert extensions.items() <= error["extensions"].items()
        assert (await upstream_requests(harness)) == {"DIDIT": 0, "KAYLE": 0}


async def test_introspection_off_hides_the_schema_and_the_subgraph_sdl_too() -> None:
    async with local_harness(introspection_enabled=False) as harness:
        body = await harness.query("{ __schema { queryType { name } } }")
        assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
        assert "introspection has been disabled" in body["errors"][0]["message"]
        body = await harness.query('{ __type(name: "Session") { name } }')
        assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
        body = await harness.query("{ __typename _service { sdl } }")  # the same schema
        assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
        assert "export-schema --federation" in body["errors"][0]["message"]
        assert "data" not in body or body["data"] is None
        # A router resolving entities still works: only the schema itself is hidden.
        page = await harness.data("{ kycSessions(first: 1) { edges { node { id } } } }")
        gid = page["kycSessions"]["edges"][0]["node"]["id"]
        entities = await harness.data(
            "query ($r: [_Any!]!) { _entities(representations: $r) { ... on KycSession { id } } }",
            {"r": [{"__typename": "KycSession", "id": gid}]},
        )
        assert entities["_entities"] == [{"id": gid}]
    async with local_harness() as harness:
        assert (await harness.data("{ __schema { queryType { name } } }"))["__schema"]
        assert "type KycSession" in (await harness.data("{ _service { sdl } }"))["_service"]["sdl"]


@pytest.mark.parametrize("representations", ["false", "[{}]", '["KycSession"]', "[{id: 1}]"])
async def test_malformed_entity_representations_are_bad_user_input(representations: str) -> None:
    async with local_harness() as harness:
        body = await harness.query(
            f"{{ _entities(representations: {representations}) {{ __typename }} }}"
        )
        [error] = body["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert error["extensions"]["argument"] == "representations"
        assert (await upstream_requests(harness)) == {"DIDIT": 0, "KAYLE": 0}
