"""Documents that select every field a type can return, for checking field policies."""

from __future__ import annotations

from typing import Any

from graphql import (
    GraphQLInterfaceType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    get_named_type,
)


def everything(schema: GraphQLSchema, type_name: str, depth: int = 8) -> str:
    """`{ __typename f1 f2 { ... } ... on Impl { ... } }` for `type_name`, recursively."""
    named = schema.get_type(type_name)
    if depth == 0 or named is None:
        return "{ __typename }"
    parts = ["__typename"]
    if isinstance(named, GraphQLInterfaceType | GraphQLUnionType):
        for impl in schema.get_possible_types(named):
            parts.append(f"... on {impl.name} {everything(schema, impl.name, depth)}")
        if isinstance(named, GraphQLUnionType):
            return "{ " + " ".join(parts) + " }"
    assert isinstance(named, GraphQLObjectType | GraphQLInterfaceType)
    for name, field in named.fields.items():
        if any(isinstance(a.type, GraphQLNonNull) for a in field.args.values()):
            continue  # needs an argument: not reachable by a plain selection
        inner = get_named_type(field.type)
        if isinstance(inner, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType):
            parts.append(f"{name} {everything(schema, inner.name, depth - 1)}")
        else:
            parts.append(name)
    return "{ " + " ".join(parts) + " }"


def coordinates(value: Any) -> list[tuple[str, Any]]:
    """Every (Type.field, value) in a response, using the `__typename` of each object."""
    found: list[tuple[str, Any]] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            type_name = item.get("__typename")
            for key, child in item.items():
                if key == "__typename":
                    continue
                if type_name is not None:
                    found.append((f"{type_name}.{key}", child))
                stack.append(child)
    return found
