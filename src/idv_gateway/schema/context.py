"""Per-request state handed to resolvers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, TypeAlias

import strawberry
from graphql import GraphQLError
from strawberry.fastapi import BaseContext

from idv_gateway.domain import Caller, CallerKind
from idv_gateway.events import SubscriberSlots
from idv_gateway.schema.audit_trail import AuditTrail
from idv_gateway.schema.loaders import Loaders
from idv_gateway.service import SessionService

__all__ = ["GatewayContext", "Info"]


@dataclass
class GatewayContext(BaseContext):
    service: SessionService
    # Who asks (verified at the HTTP edge); without one, nothing that needs a scope.
    caller: Caller = field(
        default_factory=lambda: Caller(CallerKind.OPEN, "nobody", "in-process", frozenset())
    )
    audit: AuditTrail = field(default_factory=AuditTrail)
    # Built per request: DataLoaders cache per key and must never outlive a request.
    loaders: Loaders = field(init=False)
    # Errors that accompany data (a provider failed, the others answered); appended to the
    # response's `errors` after execution.
    partial_errors: list[GraphQLError] = field(default_factory=list)
    # How the operation arrived: over WebSocket and SSE only subscriptions run.
    transport: Literal["http", "websocket", "sse"] = "http"
    # Events a subscriber may fall behind before it is disconnected.
    event_buffer: int = 256
    # The worker's subscriptions at once (None: no limit, in-process schema use).
    subscriber_slots: SubscriberSlots | None = None
    # Writes (and empties) the audit trail: a subscription calls it after each event.
    flush_audit: Callable[[GatewayContext], None] | None = None
    # Closes the connection after the subscriber was cut off (WebSocket close code 4029).
    end_stream: Callable[[str], None] | None = None
    # The tenant's service now (its configuration may change under a long subscription).
    current_service: Callable[[], SessionService | None] | None = None

    def fresh_loaders(self) -> None:
        """A new event is a new read: nothing cached for an earlier one may answer it."""
        service = self.current_service() if self.current_service is not None else None
        if service is not None:
            self.service = service
        self.loaders = Loaders(self.service)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.service)


Info: TypeAlias = strawberry.Info[GatewayContext, None]
