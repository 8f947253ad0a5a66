"""The GraphQL schema (Strawberry). Built from domain objects; never imports `providers/`."""

from __future__ import annotations

import functools
from typing import Any, Literal

import strawberry
from strawberry.types.base import StrawberryObjectDefinition

from idv_gateway.observability.metrics import Metrics
from idv_gateway.observability.operations import OperationObserver
from idv_gateway.schema.access import AuditOperation, enforce_access
from idv_gateway.schema.context import GatewayContext, Info
from idv_gateway.schema.didit_types import KybSession, KycSession
from idv_gateway.schema.documents import CachedDocuments
from idv_gateway.schema.kayle_types import KayleSession
from idv_gateway.schema.limits import QueryLimits
from idv_gateway.schema.policy_directives import declare_policy
from idv_gateway.schema.query import Query
from idv_gateway.schema.sdl import client_sdl
from idv_gateway.schema.streams import SubscriptionsOnlyOnStreams
from idv_gateway.schema.subscription import Subscription

__all__ = ["GatewayContext", "Info", "build_schema", "export_sdl"]


# The newest Federation 2 version that both @apollo/composition and
# @theguild/federation-composition accept.
FEDERATION_VERSION: Literal["2.9"] = "2.9"


class _Schema(strawberry.federation.Schema):
    def process_errors(self, errors: Any, execution_context: Any = None) -> None:
        """Errors are logged where they are shaped (`schema.errors`), unexpected ones only."""
        del errors, execution_context


def build_schema(metrics: Metrics | None = None) -> strawberry.Schema:
    """`metrics`: count and time every operation (the served schema passes its app's)."""
    # QueryLimits first: it sets the parse options and rules the document cache keys on,
    # and its shape check refuses a document before validation runs.
    extensions: list[Any] = [
        QueryLimits,
        SubscriptionsOnlyOnStreams,
        CachedDocuments,
        AuditOperation,
    ]
    if metrics is not None:
        extensions.append(lambda: OperationObserver(metrics=metrics))
    _declare_policy_once()
    schema = _Schema(
        query=Query,
        subscription=Subscription,
        types=[KycSession, KybSession, KayleSession],
        extensions=extensions,
        federation_version=FEDERATION_VERSION,
    )
    enforce_access(schema._schema)
    return schema


@functools.cache
def _declare_policy_once() -> None:
    """Before the served schema is built: its `@link` imports are read from the fields."""
    walk = _Schema(
        query=Query, subscription=Subscription, types=[KycSession, KybSession, KayleSession]
    )
    definitions = [
        concrete.definition
        for concrete in walk.schema_converter.type_map.values()
        if isinstance(concrete.definition, StrawberryObjectDefinition)
    ]
    # Federation builds its own root type around ours: the root fields live on ours.
    definitions.append(Query.__strawberry_definition__)  # type: ignore[attr-defined]
    definitions.append(Subscription.__strawberry_definition__)  # type: ignore[attr-defined]
    declare_policy(definitions, walk.config.name_converter.get_graphql_name)


def export_sdl(*, federation: bool = False) -> str:
    """The client-facing SDL (`schema.graphql`), or the subgraph SDL a router composes."""
    schema = build_schema()
    if federation:
        return schema.as_str() + "\n"
    return client_sdl(schema._schema) + "\n"
