"""The field policy, declared to federation routers: `@authenticated` and `@requiresScopes`.

An Apollo router in front of the gateway can then enforce the same policy before it
plans a query (it removes fields a caller may not read); the gateway still checks the
forwarded credentials itself (`schema/access.py`), so a router can never widen access.
Federation 2.9 rejects these directives on interfaces and interface fields, so only
object-type fields carry them. Strawberry shares a field object between an interface
and the types that implement it, so an object type gets its own copy of the field.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from strawberry.federation.schema_directives import Authenticated, RequiresScopes
from strawberry.types.base import StrawberryObjectDefinition

from idv_gateway.domain import Scope
from idv_gateway.schema.classification import required_scopes

__all__ = ["declare_policy"]


def declare_policy(
    definitions: list[StrawberryObjectDefinition], graphql_name: Callable[[Any], str]
) -> int:
    """Adds the directives to every object-type field that needs a scope; idempotent."""
    declared = 0
    shared = {id(f) for d in definitions if d.is_interface for f in d.fields}
    for definition in definitions:
        if definition.is_interface:
            continue
        for index, field in enumerate(definition.fields):
            scopes = list(required_scopes(f"{definition.name}.{graphql_name(field)}"))
            if not scopes or any(isinstance(d, RequiresScopes) for d in field.directives):
                continue
            directives = [
                *field.directives,
                *([Authenticated()] if scopes == [Scope.SESSIONS_READ.value] else []),
                RequiresScopes(scopes=[scopes]),
            ]
            if id(field) in shared:  # the interface's field must stay without them
                field = copy.copy(field)
                definition.fields[index] = field
            field.directives = directives
            declared += 1
    return declared
