"""What the gateway learns about a session between reads: a provider-neutral event.

Both providers push signed webhooks (Didit `status.updated`/`data.updated`, Kayle
`verification.*`); the adapters turn each into a `SessionEvent`, so nothing above them
sees a provider envelope.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from idv_gateway.domain.sessions import Provider, SessionSource, SessionStatus

__all__ = ["SessionEvent", "SessionEventType"]


class SessionEventType(enum.Enum):
    STATUS_CHANGED = "STATUS_CHANGED"  # the session has a new status
    DATA_UPDATED = "DATA_UPDATED"  # a reviewer or the API changed its data
    ATTEMPT_FAILED = "ATTEMPT_FAILED"  # a Kayle attempt failed (the session may go on)


@dataclass(frozen=True, slots=True)
class SessionEvent:
    # Provider-scoped (`didit:<event_id>`, `kayle:evt_…`): the deduplication key.
    event_id: str
    type: SessionEventType
    source: SessionSource
    provider_session_id: str
    # None when the event does not say (a Kayle attempt failed: the session may be back
    # to `created` or completed as declined); the session read fresh tells.
    status: SessionStatus | None
    provider_status: str | None
    occurred_at: datetime

    @property
    def provider(self) -> Provider:
        return self.source.provider
