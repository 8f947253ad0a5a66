"""Provider webhooks into the tenant they belong to: verify, deduplicate, publish.

The URL names the provider and the tenant (`/webhooks/didit/acme`; no tenant: the
tenant `default`), so a delivery is checked with that tenant's secrets only: a body
signed for another tenant fails as any forgery does. Verified events go to the tenant's
`SessionService.receive_event` (deduplication, cache eviction, the event bus).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from idv_gateway.domain.events import SessionEvent
from idv_gateway.errors import WebhookRejected
from idv_gateway.http.webhooks import WebhookAnswer
from idv_gateway.observability.metrics import Metrics
from idv_gateway.providers.didit.webhooks import read_didit_webhook
from idv_gateway.providers.kayle.webhooks import read_kayle_webhook
from idv_gateway.tenancy import Tenant, TenantDirectory
from idv_gateway.tenants_file import DEFAULT_TENANT

__all__ = ["WebhookIntake"]

_PROVIDERS = ("didit", "kayle")


class WebhookIntake:
    def __init__(
        self,
        tenants: TenantDirectory,
        *,
        metrics: Metrics | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._tenants = tenants
        self._metrics = metrics
        self._clock = clock

    async def receive(
        self, provider: str, tenant_id: str | None, headers: Mapping[str, str], body: bytes
    ) -> WebhookAnswer:
        answer = await self._receive(provider, tenant_id, headers, body)
        if self._metrics is not None:
            known = provider if provider in _PROVIDERS else "unknown"
            tenant = self._tenants.find(tenant_id or DEFAULT_TENANT)
            self._metrics.webhooks.labels(
                known, tenant.id if tenant is not None else "unknown", answer.outcome
            ).inc()
        return answer

    async def _receive(
        self, provider: str, tenant_id: str | None, headers: Mapping[str, str], body: bytes
    ) -> WebhookAnswer:
        if provider not in _PROVIDERS:
            return WebhookAnswer(
                404, "unknown_receiver", "webhooks are /webhooks/didit or /webhooks/kayle"
            )
        tenant = self._tenants.find(tenant_id or DEFAULT_TENANT)
        if tenant is None:
            return WebhookAnswer(404, "unknown_receiver", "no such tenant on this gateway")
        try:
            event = self._verify(provider, tenant, headers, body)
        except WebhookRejected as rejected:
            return WebhookAnswer(rejected.status, rejected.outcome, rejected.reason)
        if event is None:
            return WebhookAnswer(200, "ignored", "verified; not a session event")
        if not await tenant.service.receive_event(event):
            return WebhookAnswer(200, "duplicate", "verified; this event was already received")
        return WebhookAnswer(202, "accepted", "verified and accepted")

    def _verify(
        self, provider: str, tenant: Tenant, headers: Mapping[str, str], body: bytes
    ) -> SessionEvent | None:
        keys = tenant.config.webhooks
        now = self._clock()
        if provider == "didit":
            if keys.didit_secret is None:
                raise WebhookRejected(
                    "Didit webhooks are not configured for this tenant",
                    outcome="not_configured",
                    status=404,
                )
            return read_didit_webhook(body, headers, keys.didit_secret.get_secret_value(), now=now)
        if keys.kayle_secret is None or keys.kayle_private_key is None:
            raise WebhookRejected(
                "Kayle webhooks are not configured for this tenant",
                outcome="not_configured",
                status=404,
            )
        return read_kayle_webhook(
            body, headers, keys.kayle_secret.get_secret_value(), keys.kayle_private_key, now=now
        )
