"""`POST /webhooks/{provider}` and `/webhooks/{provider}/{tenant}`: provider webhooks in.

No caller credential here: the provider's signature is the credential, checked by the
intake (`idv_gateway.intake`) on the raw body. Answers are short JSON and never echo
the body; a valid delivery is acknowledged as soon as it is verified and recorded
(within milliseconds), and the sessions it names are re-read by subscribers afterwards.
A replayed event is acknowledged (2xx, so the provider stops retrying) and ignored.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

__all__ = ["WebhookAnswer", "WebhookIntake", "webhook_router"]

logger = logging.getLogger("idv_gateway.webhooks")


@dataclass(frozen=True, slots=True)
class WebhookAnswer:
    status: int
    outcome: str  # accepted, duplicate, ignored, or why it was refused (a metric label)
    message: str


class WebhookIntake(Protocol):
    async def receive(
        self, provider: str, tenant: str | None, headers: Mapping[str, str], body: bytes
    ) -> WebhookAnswer: ...


def webhook_router(intake: WebhookIntake) -> APIRouter:
    router = APIRouter()

    async def answer(request: Request, provider: str, tenant: str | None) -> JSONResponse:
        body = await request.body()  # bounded by the edge's body guard
        headers = {name.lower(): value for name, value in request.headers.items()}
        result = await intake.receive(provider, tenant, headers, body)
        if result.status >= 400:
            # The reason, never the body: it holds people's data.
            logger.warning(
                "webhook refused: %s",
                result.message,
                extra={"provider": provider, "tenant": tenant, "outcome": result.outcome},
            )
        response = JSONResponse(
            {"status": result.outcome, "message": result.message}, status_code=result.status
        )
        response.headers["cache-control"] = "no-store"
        return response

    @router.post("/webhooks/{provider}")
    async def default_tenant(request: Request, provider: str) -> JSONResponse:
        return await answer(request, provider, None)

    @router.post("/webhooks/{provider}/{tenant}")
    async def named_tenant(request: Request, provider: str, tenant: str) -> JSONResponse:
        return await answer(request, provider, tenant)

    return router
