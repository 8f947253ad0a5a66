"""A faithful HTTP simulator of Didit's v3 session API, written from the provider documents.

`create_didit_app()` returns a Starlette app with seeded, deterministic KYC and KYB
sessions; `app.state.store` (a `DiditStore`) holds them and `app.state.ops` (a
`SimOps`) serves `/_sim/stats`, `/_sim/faults` and `/_sim/sessions/{id}/status`.
"""

from __future__ import annotations

from datetime import datetime

from starlette.applications import Starlette

from idv_gateway.simulators import (
    DEFAULT_ANCHOR,
    DEFAULT_DIDIT_API_KEY,
    DEFAULT_KYB_SESSIONS,
    DEFAULT_KYC_SESSIONS,
)
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
from idv_gateway.simulators.didit.records import KybSession, KycSession
from idv_gateway.simulators.didit.store import DiditStore

__all__ = [
    "KYB_WORKFLOWS",
    "KYC_WORKFLOWS",
    "ORGANIZATION_NAME",
    "ROUTES",
    "DiditStore",
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
) -> Starlette:
    """A Didit simulator with `sessions` KYC and `business_sessions` KYB sessions before `anchor`.

    `kyb_uppercase_status` renders KYB statuses as `APPROVED`/`IN_REVIEW` (as some Didit
    KYB pages show them) instead of the display form; filters still take display values.
    """
    store = DiditStore(
        seed=seed,
        sessions=sessions,
        business_sessions=business_sessions,
        anchor=anchor,
        kyb_uppercase_status=kyb_uppercase_status,
    )
    ops = SimOps(ROUTES, latency_ms=latency_ms, set_status=status_setter(store))
    api = DiditApi(store, ops, api_key)
    app = DiditApp(
        ops,
        routes=api.routes(),
        exception_handlers={404: not_found, 405: method_not_allowed},
    )
    app.state.ops = ops
    app.state.store = store
    return app
