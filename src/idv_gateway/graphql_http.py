"""GraphQL over HTTP: the `/graphql` router, its per-request context and response shaping."""

from __future__ import annotations

from fastapi import Request
from strawberry.fastapi import GraphQLRouter
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult

from idv_gateway.schema import GatewayContext, build_schema
from idv_gateway.schema.errors import format_error

__all__ = ["graphql_router"]


class _Router(GraphQLRouter[GatewayContext, None]):
    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        context: GatewayContext | None = getattr(request.state, "gateway_context", None)
        errors = list(result.errors or [])
        if context is not None:
            errors.extend(context.partial_errors)
        response: GraphQLHTTPResponse = {"data": result.data}
        if errors:
            response["errors"] = [format_error(e) for e in errors]
        if result.extensions:
            response["extensions"] = result.extensions
        return response


async def _context(request: Request) -> GatewayContext:
    context = GatewayContext(service=request.app.state.service)
    request.state.gateway_context = context
    return context


def graphql_router() -> GraphQLRouter[GatewayContext, None]:
    return _Router(build_schema(), context_getter=_context, graphql_ide="graphiql")
