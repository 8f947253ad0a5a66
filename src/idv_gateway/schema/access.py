"""Scopes, enforced field by field, and a note of every personal field returned.

`classification.py` says what each field is; this wraps the resolvers of the built
schema once, at start-up: a field the caller may not read raises `FORBIDDEN` with its
`requiredScopes` (it resolves to null with an error at its path, as with Apollo Router's
`@requiresScopes`), and a personal field that returns a value is noted in the request's
audit trail with the global id of the session it belongs to. Nothing is checked per
request that could be decided at start-up.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

from graphql import (
    GraphQLField,
    GraphQLObjectType,
    GraphQLSchema,
    default_field_resolver,
    get_named_type,
    get_operation_ast,
)
from strawberry.extensions import SchemaExtension

from idv_gateway.domain import Scope
from idv_gateway.errors import Forbidden
from idv_gateway.schema.classification import (
    FILTER_FIELDS_NEEDING_PII,
    PERSONAL,
    required_scopes,
)

__all__ = ["AuditOperation", "enforce_access", "require_filter_access"]

_SESSION_TYPES = frozenset({"KycSession", "KybSession", "KayleSession"})
Resolver = Callable[..., Any]
Info = Any  # graphql-core's GraphQLResolveInfo, whose context is our GatewayContext


def _forbidden(coordinate: str, scopes: tuple[str, ...], held: frozenset[str]) -> Forbidden:
    missing = [s for s in scopes if s not in held]
    return Forbidden(
        f"`{coordinate}` needs the {', '.join(f'`{s}`' for s in missing)} scope",
        required_scopes=list(scopes),
    )


def _guard(
    resolve: Resolver, coordinate: str, scopes: tuple[str, ...], *, personal: bool, session: bool
) -> Resolver:
    def guarded(source: Any, info: Info, **arguments: Any) -> Any:
        context = info.context
        held: frozenset[str] = context.caller.scopes
        if not all(scope in held for scope in scopes):
            raise _forbidden(coordinate, scopes, held)
        if session:  # fields below this one belong to this session
            context.audit.enter_session(info.path.prev, source.id)
        result = resolve(source, info, **arguments)
        if not personal:
            return result
        if inspect.isawaitable(result):
            return _noted(result, context, info, coordinate)
        if result is not None and result != []:
            context.audit.personal(info.path, coordinate)
        return result

    return guarded


async def _noted(result: Awaitable[Any], context: Any, info: Info, coordinate: str) -> Any:
    value = await result
    if value is not None and value != []:
        context.audit.personal(info.path, coordinate)
    return value


class AuditOperation(SchemaExtension):
    """Names the operation in the request's audit trail (known once the document parsed)."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        audit = getattr(context.context, "audit", None)
        if audit is not None:
            operation = context.operation_name
            if operation is None and context.graphql_document is not None:
                found = get_operation_ast(context.graphql_document)
                operation = found.name.value if found is not None and found.name else None
            audit.operation = operation[:64] if operation else None
        yield


def _holds_personal(schema: GraphQLSchema, type_name: str, seen: set[str]) -> bool:
    if type_name in seen:
        return False
    seen.add(type_name)
    named = schema.get_type(type_name)
    if not isinstance(named, GraphQLObjectType):
        return False
    return any(
        f"{type_name}.{name}" in PERSONAL
        or _holds_personal(schema, get_named_type(field.type).name, seen)
        for name, field in named.fields.items()
    )


def enforce_access(schema: GraphQLSchema) -> int:
    """Wraps every field that needs a scope or holds personal data; returns how many."""
    wrapped = 0
    for type_name, named in schema.type_map.items():
        if type_name.startswith("__") or not isinstance(named, GraphQLObjectType):
            continue
        for name, field in named.fields.items():
            coordinate = f"{type_name}.{name}"
            scopes = required_scopes(coordinate)
            personal = coordinate in PERSONAL
            session = type_name in _SESSION_TYPES and (
                personal or _holds_personal(schema, get_named_type(field.type).name, set())
            )
            if scopes or session:
                _wrap(field, coordinate, scopes, personal=personal, session=session)
                wrapped += 1
    return wrapped


def _wrap(
    field: GraphQLField, coordinate: str, scopes: tuple[str, ...], *, personal: bool, session: bool
) -> None:
    resolve = field.resolve or default_field_resolver
    field.resolve = _guard(resolve, coordinate, scopes, personal=personal, session=session)


def require_filter_access(filter_input: object | None, held: frozenset[str], field: str) -> None:
    """A filter over personal data needs `pii:read`: it would otherwise probe for a person."""
    if filter_input is None or Scope.PII_READ.value in held:
        return
    used = sorted(
        name for name in FILTER_FIELDS_NEEDING_PII if getattr(filter_input, name, None) is not None
    )
    if used:
        shown = ", ".join(f"`filter.{_camel(name)}`" for name in used)
        raise Forbidden(
            f"{shown} of `{field}` searches personal data and needs the `pii:read` scope",
            required_scopes=[Scope.SESSIONS_READ.value, Scope.PII_READ.value],
        )


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
