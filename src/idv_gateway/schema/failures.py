"""Expected failures (bad input, a provider failing) as GraphQL errors with their codes."""

from __future__ import annotations

from graphql import GraphQLError

from idv_gateway.domain import SessionSource
from idv_gateway.errors import GatewayError
from idv_gateway.schema.context import Info

__all__ = ["graphql_error"]


def graphql_error(
    error: GatewayError, info: Info, sources: tuple[SessionSource, ...] = ()
) -> GraphQLError:
    extensions = error.extensions()
    if sources:
        extensions["sources"] = [source.value for source in sources]
    return GraphQLError(
        error.message, path=info.path.as_list(), original_error=error, extensions=extensions
    )
