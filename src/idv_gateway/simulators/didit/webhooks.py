"""Didit's webhook destinations and the `status.updated` events pushed to them (reference §6).

`DiditWebhooks` is `app.state.webhooks`: the destinations registry (what the
`/v3/webhook/destinations/` routes manage), the envelope builder and the delivery hub
(`drain()`, `deliveries`). The store calls `status_changed` after every create and
status move, so the update-status route, `/_sim/sessions/{id}/status` and
`POST /v3/session/` all emit, and the envelope is a snapshot taken at that moment.

Retries (§6.7): a 5xx or 404 answer, or a transport error/timeout, is retried after
1 min then 4 min, each time with a fresh `timestamp` and fresh signatures, same
`event_id`. Other answers are final. Every version (v1/v2/v3) receives the v3 envelope:
the older singular-block shapes are not simulated.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx

from idv_gateway.simulators._delivery import (
    DeliveryJob,
    DeliveryRecord,
    Outgoing,
    WebhookHub,
    iso_now,
)
from idv_gateway.simulators.didit.decision import kyc_decision
from idv_gateway.simulators.didit.decision_kyb import kyb_decision
from idv_gateway.simulators.didit.records import KycSession
from idv_gateway.simulators.didit.rows import display_status
from idv_gateway.simulators.didit.signing import signed_headers
from idv_gateway.simulators.didit.store import Session

__all__ = [
    "APPLICATION_ID",
    "DECISION_STATUSES",
    "EVENT_TYPES",
    "RETRY_DELAYS_S",
    "Destination",
    "DiditWebhooks",
]

# The simulated application (one API key = one application).
APPLICATION_ID = "3f1d2c4b-5a69-4e7d-8c1b-2a3f4e5d6c7b"
EVENT_TYPES = (
    "status.updated",
    "data.updated",
    "user.status.updated",
    "user.data.updated",
    "business.status.updated",
    "business.data.updated",
    "activity.created",
    "transaction.created",
    "transaction.status.updated",
)
WEBHOOK_VERSIONS = ("v1", "v2", "v3")
# §6.3: only these statuses carry the decision in status.updated.
DECISION_STATUSES = frozenset({"Approved", "Declined", "In Review", "Abandoned"})
RETRY_DELAYS_S = (60.0, 240.0)


@dataclass(slots=True, eq=False)
class Destination:
    """A webhook destination; `summary` counts every attempt (retries are separate events)."""

    uuid: str
    label: str
    url: str
    webhook_version: str
    subscribed_events: list[str]
    secret_shared_key: str
    enabled: bool = True
    created_at: str = field(default_factory=iso_now)
    updated_at: str = ""
    total: int = 0
    failed: int = 0
    times_ms: list[float] = field(default_factory=list)
    last_delivery_at: str | None = None

    def __post_init__(self) -> None:
        self.updated_at = self.updated_at or self.created_at

    def render(self, *, with_secret: bool) -> dict[str, Any]:
        body: dict[str, Any] = {
            "uuid": self.uuid,
            "label": self.label,
            "url": self.url,
            "enabled": self.enabled,
            "webhook_version": self.webhook_version,
            "subscribed_events": list(self.subscribed_events),
        }
        if with_secret:
            body["secret_shared_key"] = self.secret_shared_key
        times = self.times_ms
        body.update(
            created_at=self.created_at,
            updated_at=self.updated_at,
            summary={
                "total_deliveries": self.total,
                "failed_deliveries": self.failed,
                "error_rate_percentage": round(100 * self.failed / self.total, 2)
                if self.total
                else 0.0,
                "min_response_time_ms": round(min(times)) if times else None,
                "avg_response_time_ms": round(sum(times) / len(times)) if times else None,
                "max_response_time_ms": round(max(times)) if times else None,
                "last_delivery_at": self.last_delivery_at,
            },
        )
        return body

    def observe(self, record: DeliveryRecord) -> None:
        self.total += 1
        self.failed += record.outcome != "succeeded"
        if record.duration_ms is not None and record.status_code is not None:
            self.times_ms.append(record.duration_ms)
        self.last_delivery_at = record.at


class DiditWebhooks(WebhookHub):
    """The application's destinations plus the hub that delivers to them."""

    def __init__(
        self,
        *,
        uppercase_kyb_status: bool = False,
        time_scale: float = 1.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        super().__init__(time_scale=time_scale, transport=transport)
        self.uppercase_kyb_status = uppercase_kyb_status
        self.destinations: list[Destination] = []

    # -- registry ---------------------------------------------------------------
    def add_destination(
        self,
        url: str,
        *,
        label: str = "Simulator destination",
        webhook_version: str = "v3",
        subscribed_events: list[str] | None = None,
        secret: str | None = None,
        enabled: bool = True,
    ) -> Destination:
        """Register a destination; the secret is a random 43-char URL-safe string by default."""
        destination = Destination(
            uuid=str(uuid.uuid4()),
            label=label,
            url=url,
            webhook_version=webhook_version,
            subscribed_events=list(
                ["status.updated"] if subscribed_events is None else subscribed_events
            ),
            secret_shared_key=secret or secrets.token_urlsafe(32),
            enabled=enabled,
        )
        self.destinations.append(destination)
        return destination

    def get_destination(self, destination_uuid: str) -> Destination | None:
        return next((d for d in self.destinations if d.uuid == destination_uuid), None)

    def remove_destination(self, destination_uuid: str) -> bool:
        destination = self.get_destination(destination_uuid)
        if destination is None:
            return False
        self.destinations.remove(destination)
        return True

    # -- events -----------------------------------------------------------------
    def status_changed(self, session: Session) -> None:
        """Fan a `status.updated` event for the session's current state out to subscribers."""
        targets = [
            d for d in self.destinations if d.enabled and "status.updated" in d.subscribed_events
        ]
        if not targets:
            return
        envelope = self.envelope(session, event_id=str(uuid.uuid4()), created_at=int(self.clock()))
        for destination in targets:
            self.submit(self._job(envelope, destination))

    def envelope(self, session: Session, *, event_id: str, created_at: int) -> dict[str, Any]:
        """The §6.3 envelope without `timestamp` (set per attempt)."""
        if isinstance(session, KycSession):
            status = session.status
        else:
            status = display_status(session.status, self.uppercase_kyb_status)
        payload: dict[str, Any] = {
            "event_id": event_id,
            "webhook_type": "status.updated",
            "created_at": created_at,
            "application_id": APPLICATION_ID,
            "environment": "live",
            "session_id": session.session_id,
            "status": status,
        }
        if session.workflow is not None:
            payload["workflow_id"] = session.workflow.workflow_id
            payload["workflow_version"] = session.workflow_version
        if session.vendor_data is not None:
            payload["vendor_data"] = session.vendor_data
        if session.metadata is not None:
            payload["metadata"] = session.metadata
        if session.status in DECISION_STATUSES:
            payload["decision"] = (
                kyc_decision(session)
                if isinstance(session, KycSession)
                else kyb_decision(session, self.uppercase_kyb_status)
            )
        if not isinstance(session, KycSession):
            payload["session_kind"] = "business"
            payload["business_session_id"] = session.session_id
        return payload

    def _job(self, envelope: dict[str, Any], destination: Destination) -> DeliveryJob:
        def prepare(_: int) -> Outgoing:
            # Read the secret at send time: a rotated secret applies to retries at once.
            payload = {**envelope, "timestamp": int(self.clock())}
            headers, body = signed_headers(payload, destination.secret_shared_key)
            return Outgoing(headers, body)

        return DeliveryJob(
            event_id=envelope["event_id"],
            event_type=envelope["webhook_type"],
            url=destination.url,
            prepare=prepare,
            delays=RETRY_DELAYS_S,
            retryable=_retryable,
            observe=destination.observe,
        )


def _retryable(status: int | None) -> bool:
    return status is None or status >= 500 or status == 404
