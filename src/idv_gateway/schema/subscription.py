"""Root subscription: session events pushed by the providers' webhooks (docs/live.md).

Each event is a fresh read: the webhook already dropped the session's cached answers,
and every event gets new DataLoaders, so `session { … }` is the session as it is now,
with every `Session` field and the same scopes as a query. A subscriber that falls
behind is cut off with `SUBSCRIBER_TOO_SLOW` rather than buffering without bound.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Annotated

import strawberry
from graphql import GraphQLError

from idv_gateway import domain
from idv_gateway.domain import Scope
from idv_gateway.domain.events import SessionEvent as DomainEvent, SessionEventType
from idv_gateway.errors import BadUserInput, Forbidden, GatewayError
from idv_gateway.events import SubscriberGone
from idv_gateway.schema.access import require_filter_access
from idv_gateway.schema.connection import to_graphql
from idv_gateway.schema.context import GatewayContext, Info
from idv_gateway.schema.failures import graphql_error
from idv_gateway.schema.inputs import SessionFilterInput
from idv_gateway.schema.node import Session, decode_global_id, encode_global_id

__all__ = ["SessionEvent", "Subscription"]

strawberry.enum(SessionEventType, name="SessionEventType", description="What happened.")


@strawberry.type(description="Something happened to a session (a provider webhook, received once).")
class SessionEvent:
    event_id: strawberry.ID = strawberry.field(
        description="The provider's event id, prefixed by the provider: the same for every "
        "delivery of one event."
    )
    type: SessionEventType = strawberry.field(description="What happened.")
    occurred_at: datetime = strawberry.field(description="When the provider says it happened.")
    status: domain.SessionStatus | None = strawberry.field(
        description="The session's unified status after the event (null: not known)."
    )
    provider_status: str | None = strawberry.field(
        description="The provider's own status after the event, as it names it."
    )
    session_id: strawberry.ID = strawberry.field(description="The session's global id.")
    _session: strawberry.Private[domain.Session | None]
    _error: strawberry.Private[GatewayError | None]

    @strawberry.field(description="The session as it is now (null: it no longer exists).")
    def session(self, info: Info) -> Session | None:
        if self._error is not None:
            raise graphql_error(self._error, info)
        return None if self._session is None else to_graphql(self._session)


def _check_access(info: Info, filter_input: object | None, field: str) -> None:
    held = info.context.caller.scopes
    if Scope.SESSIONS_READ.value not in held:
        raise Forbidden(
            f"`Subscription.{field}` needs the `sessions:read` scope",
            required_scopes=[Scope.SESSIONS_READ.value],
        )
    require_filter_access(filter_input, held, f"Subscription.{field}")


def _matches(flt: domain.SessionFilter, event: DomainEvent, found: domain.Session | None) -> bool:
    if not flt.includes(event.source):
        return False
    status = found.status if found is not None else event.status
    if flt.statuses and status not in flt.statuses:
        return False
    if found is not None:
        if flt.created_from is not None and found.created_at < flt.created_from:
            return False
        if flt.created_to is not None and found.created_at > flt.created_to:
            return False
    return True


async def _read(context: GatewayContext, event: DomainEvent) -> SessionEvent:
    context.fresh_loaders()
    found: domain.Session | None = None
    error: GatewayError | None = None
    try:
        found = await context.loaders.session.load((event.source, event.provider_session_id))
    except GatewayError as failed:  # the event still reaches the client, with the error
        error = failed
    status = found.status if found is not None else event.status
    provider_status = found.provider_status if found is not None else event.provider_status
    return SessionEvent(
        event_id=strawberry.ID(event.event_id),
        type=event.type,
        occurred_at=event.occurred_at,
        status=status,
        provider_status=provider_status,
        session_id=strawberry.ID(encode_global_id(event.source, event.provider_session_id)),
        _session=found,
        _error=error,
    )


async def _stream(
    info: Info, flt: domain.SessionFilter, only: tuple[domain.SessionSource, str] | None
) -> AsyncGenerator[SessionEvent, None]:
    context = info.context
    slots = context.subscriber_slots
    if slots is not None and not slots.take():
        raise GraphQLError(
            f"this gateway holds its limit of {slots.limit} subscriptions; retry later",
            path=info.path.as_list(),
            extensions={"code": "TOO_MANY_SUBSCRIPTIONS", "retryable": True},
        )
    subscription = context.service.subscribe(max_queued=context.event_buffer)
    try:
        async for event in subscription:
            if only is not None and (event.source, event.provider_session_id) != only:
                continue
            read = await _read(context, event)
            if only is None and not _matches(flt, event, read._session):
                continue
            yield read
            if context.flush_audit is not None:  # the event's response has been sent
                context.flush_audit(context)
    except SubscriberGone as gone:
        if context.end_stream is not None:  # WebSocket: also close, with 4029
            context.end_stream(gone.reason)
        raise GraphQLError(
            gone.reason, path=info.path.as_list(), extensions={"code": f"SUBSCRIBER_{gone.code}"}
        ) from None
    finally:
        subscription.close()
        if slots is not None:
            slots.release()


@strawberry.type(description="Live session events, fed by the providers' signed webhooks.")
class Subscription:
    @strawberry.subscription(
        description="Every event of the caller's sessions that matches `filter` (sources, "
        "status, createdFrom, createdTo). No replay: after a reconnect, re-query, then "
        "subscribe."
    )
    async def session_events(
        self,
        info: Info,
        filter: Annotated[
            SessionFilterInput | None,
            strawberry.argument(description="Only events of sessions matching it."),
        ] = None,
    ) -> AsyncGenerator[SessionEvent, None]:
        try:
            _check_access(info, filter, "sessionEvents")
            flt = filter.to_filter() if filter is not None else domain.SessionFilter()
            if flt.search is not None or flt.vendor_data is not None:
                raise BadUserInput(
                    "`sessionEvents` filters by sources, status, createdFrom and createdTo; "
                    "`search` and `vendorData` are query filters only",
                    argument="filter",
                )
        except GatewayError as error:
            raise graphql_error(error, info) from error
        async for event in _stream(info, flt, None):
            yield event

    @strawberry.subscription(description="The events of one session, by its global id.")
    async def session(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="A session's global id.")],
    ) -> AsyncGenerator[SessionEvent, None]:
        try:
            _check_access(info, None, "session")
            key = decode_global_id(id)
        except GatewayError as error:
            raise graphql_error(error, info) from error
        async for event in _stream(info, domain.SessionFilter(), key):
            yield event
