"""Use cases: what the GraphQL layer asks of the gateway (reads now; writes join here)."""

from idv_gateway.service.sessions import CONNECTIONS, MAX_PAGE_SIZE, AnyFilter, SessionService

__all__ = ["CONNECTIONS", "MAX_PAGE_SIZE", "AnyFilter", "SessionService"]
