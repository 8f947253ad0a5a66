"""The client-facing SDL: the served (federated) schema without federation plumbing.

Frontend clients and their tools (relay-compiler, codegen) see `schema.graphql`; only a
federation router needs `_service`, `_entities`, `@link` and `@key`.
"""

from __future__ import annotations

from graphql import GraphQLObjectType, GraphQLSchema, specified_directives
from graphql.utilities.print_schema import print_type

__all__ = ["client_sdl"]

_BUILT_IN = {"String", "Int", "Float", "Boolean", "ID"}
# Federation's own types (the `_`-prefixed ones are skipped by name).
_FEDERATION_TYPES = {"FieldSet", "link__Import", "link__Purpose"}


def client_sdl(schema: GraphQLSchema) -> str:
    query = schema.query_type
    assert query is not None
    client_query = GraphQLObjectType(
        query.name,
        fields={name: field for name, field in query.fields.items() if not name.startswith("_")},
        description=query.description,
    )
    types = [
        schema.type_map[name]
        for name in sorted(schema.type_map)
        if not name.startswith("_") and name not in _FEDERATION_TYPES and name != query.name
    ]
    client = GraphQLSchema(query=client_query, types=types, directives=specified_directives)
    # Same layout as Strawberry's printer: user-defined types sorted by name.
    names = sorted(n for n in client.type_map if not n.startswith("__") and n not in _BUILT_IN)
    return "\n\n".join(print_type(client.type_map[name]) for name in names)
