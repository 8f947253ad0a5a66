"""Over WebSocket and SSE the gateway runs subscriptions only.

A query or mutation sent over a socket would share one context (and its DataLoaders,
partial errors and audit trail) with every other operation of the connection, and
escape the admission limits of `POST /graphql`; it gets a clear error instead.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

__all__ = ["SubscriptionsOnlyOnStreams"]


class SubscriptionsOnlyOnStreams(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        transport = getattr(context.context, "transport", "http")
        if transport != "http" and context.operation_type is not OperationType.SUBSCRIPTION:
            raise GraphQLError(
                f"over {'WebSocket' if transport == 'websocket' else 'SSE'} this gateway runs "
                "subscriptions only; send queries and mutations with POST /graphql",
                extensions={"code": "BAD_REQUEST"},
            )
        yield
