"""A faithful HTTP simulator of Didit's v3 session API, written from the provider documents.

`create_didit_app()` returns a Starlette app with seeded, deterministic KYC and KYB
sessions; `app.state.store` (a `DiditStore`) holds them and `app.state.ops` (a
`SimOps`) serves `/_sim/stats`, `/_sim/faults`, `/_sim/sessions/{id}/status` and
`/_sim/webhooks`; `app.state.webhooks` (a `DiditWebhooks`) holds the webhook
destinations and pushes signed `status.updated` events to them (`await ...drain()`).
"""

from __future__ import annotations

from datetime import datetime

import httpx
from starlette.applications import Starlette

from idv_gateway.simulators import (
    DEFAULT_ANCHOR,
    DEFAULT_DIDIT_API_KEY,
    DEFAULT_KYB_SESSIONS,
    DEFAULT_KYC_SESSIONS,
)
from idv_gateway.simulators._delivery import closing_lifespan
from idv_gateway.simulators._ops import SimOps
from idv_gateway.simulators.didit.app import (
    ROUTES,
    DiditApi,
    DiditApp,
    method_not_allowed,
    not_found,
    status_setter,
)
from idv_gateway.simulators.didit.catalog import KYB_WORKFLOWS, KYC_WORKFLOWS, ORGANIZATION_NAME
from idv_gateway.simulators.didit.destinations import DestinationsApi
from idv_gateway.simulators.didit.records import KybSession, KycSession
from idv_gateway.simulators.didit.store import DiditStore
from idv_gateway.simulators.didit.webhooks import DiditWebhooks

__all__ = [
    "KYB_WORKFLOWS",
    "KYC_WORKFLOWS",
    "ORGANIZATION_NAME",
    "ROUTES",
    "DiditStore",
    "DiditWebhooks",
    "KybSession",
    "KycSession",
    "create_didit_app",
]


def create_didit_app(
    *,
    seed: int = 7,
    sessions: int = DEFAULT_KYC_SESSIONS,
    business_sessions: int = DEFAULT_KYB_SESSIONS,
    latency_ms: int = 0,
    api_key: str = DEFAULT_DIDIT_API_KEY,
    anchor: datetime = DEFAULT_ANCHOR,
    kyb_uppercase_status: bool = False,
    webhook_url: str | None = None,
    webhook_secret: str | None = None,
    webhook_time_scale: float = 1.0,
    webhook_transport: httpx.AsyncBaseTransport | None = None,
) -> Starlette:
    """A Didit simulator with `sessions` KYC and `business_sessions` KYB sessions before `anchor`.

    `kyb_uppercase_status` renders KYB statuses as `APPROVED`/`IN_REVIEW` (as some Didit
    KYB pages show them) instead of the display form; filters still take display values.

    Webhooks: `webhook_url` pre-registers a v3 destination subscribed to `status.updated`
    (secret `webhook_secret`, random when None) without the destinations API.
    `webhook_time_scale` multiplies the retry pauses (0.001 turns 1 min into 60 ms);
    `webhook_transport` is the httpx transport deliveries use (default: the network),
    e.g. an `httpx.ASGITransport` into an in-process receiver.
    """
    store = DiditStore(
        seed=seed,
        sessions=sessions,
        business_sessions=business_sessions,
        anchor=anchor,
        kyb_uppercase_status=kyb_uppercase_status,
    )
    webhooks = DiditWebhooks(
        uppercase_kyb_status=kyb_uppercase_status,
        time_scale=webhook_time_scale,
        transport=webhook_transport,
    )
    if webhook_url is not None:
        webhooks.add_destination(webhook_url, secret=webhook_secret)
    store.on_status_change = webhooks.status_changed
    ops = SimOps(
        ROUTES, latency_ms=latency_ms, set_status=status_setter(store), webhooks=webhooks.records
    )
    api = DiditApi(store, ops, api_key)
    app = DiditApp(
        ops,
        routes=[*api.routes(), *DestinationsApi(webhooks, api.authorised).routes()],
        exception_handlers={404: not_found, 405: method_not_allowed},
        lifespan=closing_lifespan(webhooks),
    )
    app.state.ops = ops
    app.state.store = store
    app.state.webhooks = webhooks
    return app
