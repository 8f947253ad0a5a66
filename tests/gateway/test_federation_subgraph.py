"""The subgraph side of Apollo Federation, checked directly against the gateway."""

from __future__ import annotations

import base64

from idv_gateway.schema import export_sdl
from tests.harness import Harness

ENTITIES = """query($representations: [_Any!]!) {
  _entities(representations: $representations) {
    __typename
    ... on Session { id providerSessionId status }
  }
}"""


async def test_service_sdl_declares_federation_2_and_the_entity_keys(harness: Harness) -> None:
    sdl = (await harness.data("{ _service { sdl } }"))["_service"]["sdl"]
    assert '@link(url: "https://specs.apollo.dev/federation/v2.9"' in sdl
    for definition in (
        'type KycSession implements Session & Node @key(fields: "id")',
        'type KybSession implements Session & Node @key(fields: "id")',
        'type KayleSession implements Session & Node @key(fields: "id")',
        'interface Session implements Node @key(fields: "id")',
    ):
        assert definition in sdl
    assert sdl.strip() == export_sdl(federation=True).strip()


async def test_client_schema_has_no_federation_plumbing() -> None:
    sdl = export_sdl()
    for plumbing in ("_service", "_entities", "@link", "@key", "_Any"):
        assert plumbing not in sdl


async def test_entities_resolve_each_type_and_the_interface_in_one_batch(
    harness: Harness,
) -> None:
    listed = await harness.data(
        "{ sessions(first: 60) { edges { node { id __typename providerSessionId } } } }"
    )
    first_of: dict[str, dict[str, str]] = {}
    for edge in listed["sessions"]["edges"]:
        first_of.setdefault(edge["node"]["__typename"], edge["node"])
    assert set(first_of) == {"KycSession", "KybSession", "KayleSession"}
    representations = [
        {"__typename": "KycSession", "id": first_of["KycSession"]["id"]},
        {"__typename": "KybSession", "id": first_of["KybSession"]["id"]},
        {"__typename": "KayleSession", "id": first_of["KayleSession"]["id"]},
        {"__typename": "Session", "id": first_of["KayleSession"]["id"]},  # entity interface
        {"__typename": "KycSession", "id": first_of["KycSession"]["id"]},  # repeated
    ]
    await harness.reset_stats()
    data = await harness.data(ENTITIES, {"representations": representations})
    entities = data["_entities"]
    assert [e["__typename"] for e in entities] == [
        "KycSession",
        "KybSession",
        "KayleSession",
        "KayleSession",
        "KycSession",
    ]
    assert [e["providerSessionId"] for e in entities] == [
        first_of[t]["providerSessionId"]
        for t in ("KycSession", "KybSession", "KayleSession", "KayleSession", "KycSession")
    ]
    stats = await harness.stats()
    # One lookup per distinct entity: the repeated ones come from the request's loader.
    assert stats["didit"]["total"] == 2
    assert stats["kayle"]["requests"] == {"GET /v1/sessions/{id}": 1}


async def test_unknown_entity_is_null_and_a_foreign_id_is_an_error(harness: Harness) -> None:
    gone = base64.b64encode(b"KayleSession:vs_" + b"0" * 64).decode()
    data = await harness.data(
        ENTITIES, {"representations": [{"__typename": "KayleSession", "id": gone}]}
    )
    assert data["_entities"] == [None]
    body = await harness.query(
        ENTITIES, {"representations": [{"__typename": "Session", "id": "not-ours"}]}
    )
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
