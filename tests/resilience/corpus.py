"""Hypothesis strategies for GraphQL requests: documents built from the schema, and garbage.

Schema-built documents pick real fields, arguments of the right and wrong types (inline
or as variables), aliases, inline fragments and real ids and cursors, so they reach the
resolvers and the providers; garbage documents and envelopes exercise the parser and the
HTTP layer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    get_named_type,
)
from hypothesis import strategies as st

__all__ = ["Request", "envelopes", "garbage_documents", "schema_documents"]

ACCEPTS = [
    None,
    "application/json",
    "application/graphql-response+json",
    "application/graphql-response+json, application/json;q=0.9",
    "*/*",
    "text/html",
]
_GARBAGE = '{}()[]:$@!.=,"# \n\t\\abcdefgnoqstuyzAKS_019' + "éø\u2028"
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**40), 2**40) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


@dataclass
class Request:
    query: Any
    variables: Any = None
    operation_name: Any = None
    accept: str | None = None
    method: str = "POST"

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"query": self.query}
        if self.variables is not None:
            body["variables"] = self.variables
        if self.operation_name is not None:
            body["operationName"] = self.operation_name
        return body


@dataclass
class _Build:
    """Variables collected while a document is drawn."""

    definitions: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Pools:
    """Real ids and cursors, so that some documents reach the providers."""

    ids: list[str]
    cursors: list[str]


def _unwrap(type_: Any) -> Any:
    return type_.of_type if isinstance(type_, GraphQLNonNull) else type_


def _type_ref(type_: Any) -> str:
    if isinstance(type_, GraphQLNonNull):
        return f"{_type_ref(type_.of_type)}!"
    if isinstance(type_, GraphQLList):
        return f"[{_type_ref(type_.of_type)}]"
    return str(type_.name)


def _python_value(
    draw: st.DrawFn, type_: GraphQLInputType, pools: Pools, name: str, depth: int
) -> Any:
    """A JSON value for `type_`: mostly valid, sometimes of the wrong type or out of range."""
    if draw(st.integers(0, 19)) == 0:
        return draw(_JSON)  # anything at all
    inner = _unwrap(type_)
    if isinstance(inner, GraphQLList):
        size = draw(st.integers(0, 3))
        return [_python_value(draw, inner.of_type, pools, name, depth + 1) for _ in range(size)]
    if isinstance(inner, GraphQLEnumType):
        return draw(st.sampled_from([*inner.values, "NOPE", "approved"]))
    if isinstance(inner, GraphQLInputObjectType):
        if depth > 2:
            return {}
        chosen = draw(st.lists(st.sampled_from(sorted(inner.fields)), max_size=3, unique=True))
        return {
            key: _python_value(draw, inner.fields[key].type, pools, key, depth + 1)
            for key in chosen
        }
    if isinstance(inner, GraphQLScalarType):
        return _scalar(draw, inner.name, pools, name)
    return None


def _scalar(draw: st.DrawFn, scalar: str, pools: Pools, name: str) -> Any:
    if name == "first":
        return draw(st.integers(-2, 12) | st.sampled_from([0, 100, 101, 2**31]))
    if name == "after":
        return draw(st.sampled_from(pools.cursors) | st.text(max_size=12))
    if scalar == "ID":
        return draw(st.sampled_from(pools.ids) | st.text(max_size=16))
    if scalar == "Int":
        return draw(st.integers(-(2**33), 2**33))
    if scalar == "Float":
        return draw(st.floats(allow_nan=False, allow_infinity=False))
    if scalar == "Boolean":
        return draw(st.booleans())
    if scalar == "DateTime":
        return draw(
            st.sampled_from(
                ["2026-01-01T00:00:00Z", "2026-06-30T12:00:00+02:00", "2026-01-01T00:00:00", "x"]
            )
        )
    return draw(st.text(max_size=12))


def _literal(value: Any) -> str:
    """`value` as a GraphQL literal (JSON strings are valid GraphQL strings)."""
    if isinstance(value, dict):
        items = ", ".join(f"{k}: {_literal(v)}" for k, v in value.items() if k.isidentifier())
        return f"{{{items}}}"
    if isinstance(value, list):
        return f"[{', '.join(_literal(v) for v in value)}]"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.isidentifier() and value.isupper():
        return value  # enum value
    return json.dumps(value)


def _arguments(draw: st.DrawFn, field_: GraphQLField, pools: Pools, build: _Build) -> str:
    parts = []
    for name, argument in field_.args.items():
        required = isinstance(argument.type, GraphQLNonNull)
        if not required and draw(st.booleans()):
            continue
        value = _python_value(draw, argument.type, pools, name, 0)
        if draw(st.booleans()):
            variable = f"v{len(build.definitions)}"
            build.definitions.append(f"${variable}: {_type_ref(argument.type)}")
            build.values[variable] = value
            parts.append(f"{name}: ${variable}")
        else:
            parts.append(f"{name}: {_literal(value)}")
    return f"({', '.join(parts)})" if parts else ""


def _selection(
    draw: st.DrawFn, schema: GraphQLSchema, type_: Any, pools: Pools, build: _Build, depth: int
) -> str:
    named = get_named_type(type_)
    if isinstance(named, GraphQLScalarType | GraphQLEnumType):
        return ""
    if depth > 5 or isinstance(named, GraphQLUnionType):
        return "{ __typename }"
    assert isinstance(named, GraphQLObjectType | GraphQLInterfaceType)
    names = sorted(n for n in named.fields if not n.startswith("__"))
    chosen = draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True))
    parts = ["__typename"] if draw(st.booleans()) else []
    for name in chosen:
        field_ = named.fields[name]
        alias = f"a{draw(st.integers(0, 3))}_{name}: " if draw(st.integers(0, 4)) == 0 else ""
        args = _arguments(draw, field_, pools, build)
        inner = _selection(draw, schema, field_.type, pools, build, depth + 1)
        parts.append(f"{alias}{name}{args} {inner}".strip())
    if isinstance(named, GraphQLInterfaceType) and draw(st.booleans()):
        impl = draw(st.sampled_from(schema.get_implementations(named).objects))
        parts.append(
            f"... on {impl.name} {_selection(draw, schema, impl, pools, build, depth + 1)}"
        )
    return "{ " + " ".join(parts) + " }"


@st.composite
def schema_documents(draw: st.DrawFn, schema: GraphQLSchema, pools: Pools) -> Request:
    build = _Build()
    query_type = schema.query_type
    assert query_type is not None
    roots = sorted(n for n in query_type.fields if n != "_service")
    chosen = draw(st.lists(st.sampled_from(roots), min_size=1, max_size=2, unique=True))
    parts = []
    for index, name in enumerate(chosen):
        field_ = query_type.fields[name]
        args = _arguments(draw, field_, pools, build)
        parts.append(
            f"r{index}: {name}{args} {_selection(draw, schema, field_.type, pools, build, 1)}"
        )
    header = f"query Q({', '.join(build.definitions)})" if build.definitions else "query Q"
    document = f"{header} {{ {' '.join(parts)} }}"
    if draw(st.integers(0, 9)) == 0:  # a slip of the keyboard
        at = draw(st.integers(0, len(document)))
        document = document[:at] + draw(st.text(_GARBAGE, max_size=3)) + document[at + 1 :]
    return Request(
        query=document,
        variables=build.values or None,
        operation_name=draw(st.sampled_from([None, "Q", "Other"])),
        accept=draw(st.sampled_from(ACCEPTS)),
        method=draw(st.sampled_from(["POST", "POST", "POST", "GET"])),
    )


def garbage_documents() -> st.SearchStrategy[Request]:
    return st.builds(
        Request,
        query=st.text(_GARBAGE, max_size=120),
        variables=st.none() | st.dictionaries(st.text(max_size=5), _JSON, max_size=3),
        accept=st.sampled_from(ACCEPTS),
        method=st.sampled_from(["POST", "GET"]),
    )


def envelopes() -> st.SearchStrategy[Request]:
    """Well-formed JSON bodies whose members have the wrong shapes."""
    return st.builds(
        Request,
        query=_JSON | st.just("{ __typename }"),
        variables=_JSON,
        operation_name=_JSON,
        accept=st.sampled_from(ACCEPTS),
    )
