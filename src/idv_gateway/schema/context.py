"""Per-request state handed to resolvers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeAlias

import strawberry
from graphql import GraphQLError
from strawberry.fastapi import BaseContext

from idv_gateway.domain import Caller, CallerKind
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

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.service)


Info: TypeAlias = strawberry.Info[GatewayContext, None]
